"""Directives through one door (issue 10) with every number and text bounded (issue 9): the
pages and the API call the same use cases, get the same answers, and a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import html
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, IntegrityError, connection, transaction
from django.urls import reverse

from namhoc.core.errors import DomainError
from namhoc.core.models import AuditEvent
from namhoc.directives import services
from namhoc.directives.models import (
    Citation,
    Directive,
    DirectiveTask,
    SourceDocument,
    Target,
    TaskLink,
)
from namhoc.directives.services import publishing
from namhoc.directives.tests.helpers import (
    MINISTRY_DOC,
    PROVINCE_DOC,
    data,
    published,
    upload,
)
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import child_path, depth_of
from namhoc.testing.databases import shared_database
from namhoc.tracking.models import Assignment
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db
API = "/api/directives"


@pytest.fixture
def draft(org, people):
    return upload(people.province_officer, org.province_a, PROVINCE_DOC)


def _state() -> tuple:
    return (
        list(
            Directive.objects.order_by("pk").values_list(
                "status", "version", "number", "title", "theme", "issued_on", "upper_id"
            )
        ),
        list(
            DirectiveTask.objects.order_by("pk").values_list(
                "label", "title", "text", "version", "position"
            )
        ),
        list(Citation.objects.order_by("pk").values_list("number", "doc_type", "issued_on")),
        list(Target.objects.order_by("pk").values_list("value", "unit_label", "task_id")),
        SourceDocument.objects.count(),
        TaskLink.objects.count(),
        AuditEvent.objects.count(),
    )


# --- one public way to publish --------------------------------------------------------------


def test_the_directives_level_publish_is_internal():
    assert "directive_publish" not in services.__all__
    assert publishing.__all__ == []
    assert "Called only by ``tracking.services.directive_publish``" in " ".join(
        (publishing.__doc__ or "").split()
    )


@pytest.mark.parametrize("door", ["page", "api"])
def test_publishing_a_revision_through_every_door_leaves_no_work_on_superseded_tasks(
    org, people, client_of, door
):
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    kept, dropped = plan.tasks.get(position=1), plan.tasks.get(position=2)
    for task in (kept, dropped):
        assign(actor=people.province_officer, task=task, unit=org.commune_a1)
    client = client_of(people.province_officer)
    if door == "page":
        client.post(reverse("directives:revise", args=[plan.pk]))
    else:
        assert client.post(f"{API}/{plan.pk}/revise").status_code == 201
    revision = Directive.objects.get(previous=plan)
    revision_dropped = revision.tasks.get(origin=dropped)
    services.task_delete(actor=people.province_officer, task_id=revision_dropped.pk, version=1)
    revision.refresh_from_db()
    if door == "page":
        response = client.post(
            reverse("directives:publish", args=[revision.pk]),
            {"version": revision.version, "xac_nhan": "1"},
        )
        assert response.status_code == 302
    else:
        response = client.post(
            f"{API}/{revision.pk}/publish",
            {"version": revision.version},
            content_type="application/json",
        )
        assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.status == Directive.Status.SUPERSEDED
    # the work on the task the revision continues moved to it; the dropped task keeps its own
    assert list(Assignment.objects.filter(task__directive=plan).values_list("task_id")) == [
        (dropped.pk,)
    ]
    assert list(Assignment.objects.filter(task__directive=revision).values_list("task_id")) == [
        (revision.tasks.get(origin=kept).pk,)
    ]


# --- one number parser, forms that read back what they show ---------------------------------


class _Forms(HTMLParser):
    """The forms of a page as a browser would post them (no button pressed)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "attrs": a, "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name", "")
            self._form["fields"][self._textarea] = ""
        elif tag == "select":
            self._select, self._options = a.get("name", ""), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, text: str) -> None:
        if self._textarea is not None and self._form is not None:
            self._form["fields"][self._textarea] += text

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            value = self._form["fields"][self._textarea]
            self._form["fields"][self._textarea] = html.unescape(value.removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            self._form["fields"][self._select] = chosen[0] if chosen else ""
            self._select = None


def forms_on(body: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(body)
    return parser.forms


def test_every_directives_form_posted_back_unchanged_is_accepted(org, people, client_of, draft):
    """What the review page shows (``97,5``, ``1.250,5``, ``28/08/2025``) it reads back as the
    same values: each form of saved values, posted as the browser would, saves nothing new."""
    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    officer = people.province_officer
    services.directive_set_upper(actor=officer, directive_id=draft.pk, upper_id=ministry.pk)
    task = draft.tasks.get(position=2)
    services.target_add(
        actor=officer, directive_id=draft.pk, value="97,5", unit_label="%", task_id=task.pk
    )
    services.target_add(actor=officer, directive_id=draft.pk, value="1.250,5", unit_label="trẻ")
    services.citation_add(
        actor=officer, directive_id=draft.pk, number="4555/BGDĐT-GDPT", issued_on="05/08/2025"
    )
    client = client_of(officer)
    body = client.get(reverse("directives:detail", args=[draft.pk])).content.decode()
    assert 'value="97,5"' in body  # the pre-fill speaks the Vietnamese way
    assert 'value="1.250,5"' in body
    assert 'value="05/08/2025"' in body
    links = client.get(reverse("directives:links", args=[draft.pk])).content.decode()
    saved_forms = [
        f
        for f in forms_on(body) + forms_on(links)
        if f["attrs"].get("data-testid")
        in ("header-form", "task-form", "citation-form", "target-form", "upper-form")
    ]
    kinds = sorted({f["attrs"]["data-testid"] for f in saved_forms})
    assert kinds == ["citation-form", "header-form", "target-form", "task-form", "upper-form"]
    assert len(saved_forms) == 1 + 8 + 3 + 4 + 1  # header, 8 tasks, citations, targets, upper
    before = _state()
    for form in saved_forms:
        response = client.post(form["action"], form["fields"])
        assert response.status_code == 302, (form["action"], response.content.decode()[-2000:])
    assert _state() == before  # accepted, and nothing changed: no new version, no audit row


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1.250", Decimal(1250)), ("1.250,5", Decimal("1250.5")), ("12,5", Decimal("12.5"))],
)
@pytest.mark.parametrize("door", ["page", "api"])
def test_a_target_typed_the_vietnamese_way_means_one_value_on_every_door(  # noqa: PLR0917
    people, client_of, draft, typed, value, door
):
    target = draft.targets.first()
    client = client_of(people.province_officer)
    if door == "page":
        response = client.post(
            reverse("directives:target", args=[draft.pk, target.pk]),
            {"value": typed, "unit_label": "%"},
        )
        assert response.status_code == 302
    else:
        response = client.patch(
            f"{API}/targets/{target.pk}",
            {"value": typed, "unit_label": "%"},
            content_type="application/json",
        )
        assert response.status_code == 200
    target.refresh_from_db()
    assert target.value == value


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_unicode_digit_as_a_targets_task_is_a_message_not_a_crash(people, client_of, draft, door):
    target = draft.targets.first()
    client = client_of(people.province_officer)
    before = _state()
    if door == "page":
        response = client.post(
            reverse("directives:target", args=[draft.pk, target.pk]),
            {"value": "90", "task_id": "²"},
        )
        assert response.status_code == 400
        assert "Nhiệm vụ không thuộc văn bản này." in response.content.decode()
    else:
        response = client.patch(
            f"{API}/targets/{target.pk}",
            {"value": "90", "task_id": "²"},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json() == {
            "code": "bad_task",
            "message": "Nhiệm vụ không thuộc văn bản này.",
            "field": "task_id",
        }
    assert _state() == before


def test_a_target_out_of_the_columns_range_never_reaches_the_database(org, draft):
    # the CHECK constraint on SQLite (which keeps any number in a numeric column); on
    # PostgreSQL the column's precision refuses the too large one first
    for value in (Decimal(-1), Decimal(10) ** 10):
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            Target.objects.create(directive=draft, value=value)


# --- every free text capped, with a Vietnamese message ---------------------------------------


@pytest.mark.parametrize(
    ("field", "length", "message"),
    [
        ("title", 501, "Trích yếu dài tối đa 500 ký tự (đang có 501)."),
        ("number", 81, "Số, ký hiệu dài tối đa 80 ký tự (đang có 81)."),
        ("theme", 501, "Chủ đề năm học dài tối đa 500 ký tự (đang có 501)."),
        ("issuer", 256, "Cơ quan ban hành dài tối đa 255 ký tự (đang có 256)."),
        ("place", 121, "Địa danh dài tối đa 120 ký tự (đang có 121)."),
    ],
)
def test_an_overlong_header_field_is_400_with_a_message_on_both_doors(  # noqa: PLR0917
    people, client_of, draft, field, length, message
):
    client = client_of(people.province_officer)
    before = _state()
    api = client.patch(
        f"{API}/{draft.pk}",
        {"version": draft.version, field: "x" * length},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json() == {"code": "too_long", "message": message, "field": field}
    page = client.post(
        reverse("directives:header", args=[draft.pk]),
        {"version": draft.version, field: "x" * length},
    )
    assert page.status_code == 400
    assert message in page.content.decode()
    assert _state() == before


def test_every_free_text_of_a_draft_is_capped(people, client_of, draft):
    client = client_of(people.province_officer)
    task = draft.tasks.first()
    citation = draft.citations.first()
    target = draft.targets.first()
    cases = [
        ("patch", f"{API}/tasks/{task.pk}", {"version": 1, "title": "x" * 501}, "title"),
        (
            "patch",
            f"{API}/tasks/{task.pk}",
            {"version": 1, "title": "a", "label": "x" * 21},
            "label",
        ),
        (
            "patch",
            f"{API}/tasks/{task.pk}",
            {"version": 1, "title": "a", "text": "x" * 50_001},
            "text",
        ),
        ("post", f"{API}/{draft.pk}/tasks", {"title": "x" * 501}, "title"),
        ("post", f"{API}/{draft.pk}/citations", {"number": "x" * 81}, "number"),
        (
            "patch",
            f"{API}/citations/{citation.pk}",
            {"number": "1", "doc_type": "x" * 61},
            "doc_type",
        ),
        ("post", f"{API}/{draft.pk}/targets", {"value": 1, "unit_label": "x" * 41}, "unit_label"),
        ("post", f"{API}/{draft.pk}/targets", {"value": 1, "sentence": "x" * 1001}, "sentence"),
        ("patch", f"{API}/targets/{target.pk}", {"value": 1, "unit_label": "x" * 41}, "unit_label"),
        ("post", f"{API}/sources/paste", {"unit": "p-a", "text": "x" * 500_001}, "text"),
    ]
    before = _state()
    for method, url, payload, field in cases:
        response = getattr(client, method)(url, payload, content_type="application/json")
        assert response.status_code == 400, (url, payload.keys())
        assert (response.json()["code"], response.json()["field"]) == ("too_long", field)
        assert "dài tối đa" in response.json()["message"]
    page = client.post(
        reverse("directives:task", args=[draft.pk, task.pk]),
        {f"t{task.pk}-version": 1, f"t{task.pk}-title": "x" * 501},
    )
    assert page.status_code == 400
    assert "Tên nhiệm vụ dài tối đa 500 ký tự (đang có 501)." in page.content.decode()
    assert _state() == before


# --- the upload's issuing unit: a picker, never a capped list --------------------------------


def test_upload_picks_the_issuing_unit_by_name_past_any_cap(
    org, people, client_of, django_capture_on_commit_callbacks
):
    start = OrgUnit.objects.filter(parent=org.province_a).count() + 1
    units = []
    for number in range(start, start + 600):
        path = child_path(org.province_a.path, number)
        units.append(
            OrgUnit(
                key=f"c-many-{number}",
                name=f"Xã Thử Nghiệm {number}",
                name_folded=f"xa thu nghiem {number}",
                kind=OrgUnit.Kind.COMMUNE,
                parent=org.province_a,
                path=path,
                depth=depth_of(path),
                is_synthetic=True,
            )
        )
    OrgUnit.objects.bulk_create(units)
    client = client_of(people.province_officer)
    page = client.get(reverse("directives:upload")).content.decode()
    assert '<select name="unit"' not in page
    assert 'type="radio" name="unit" value="p-a" checked' in page  # the home unit, ticked
    last = units[-1].key
    found = client.get(
        reverse("unit-picker"),
        {"o": "unit", "muc": "chuyen-vien", "mot": "1", "tim_unit": units[-1].name},
    ).content.decode()
    assert f'type="radio" name="unit" value="{last}"' in found
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directives:upload"),
            {"unit": last, "file": SimpleUploadedFile("kh.txt", data(PROVINCE_DOC))},
        )
    assert response.status_code == 302
    assert SourceDocument.objects.get().unit.key == last


# --- the API does what the pages do ------------------------------------------------------------


def test_the_api_corrects_citations_targets_and_tasks(people, client_of, draft):
    client = client_of(people.province_officer)
    added = client.post(
        f"{API}/{draft.pk}/citations",
        {"number": "4555/BGDĐT-GDPT", "doc_type": "Công văn", "issued_on": "05/08/2025"},
        content_type="application/json",
    )
    assert added.status_code == 201
    citation = added.json()
    assert (citation["number"], citation["issued_on"]) == ("4555/BGDĐT-GDPT", "2025-08-05")
    changed = client.patch(
        f"{API}/citations/{citation['id']}",
        {"number": "4556/BGDĐT-GDPT", "issued_on": "2025-08-06"},
        content_type="application/json",
    )
    assert (changed.status_code, changed.json()["doc_type"]) == (200, "")
    assert client.delete(f"{API}/citations/{citation['id']}").status_code == 204
    assert not Citation.objects.filter(pk=citation["id"]).exists()

    target = draft.targets.first()
    task = draft.tasks.get(position=3)
    edited = client.patch(
        f"{API}/targets/{target.pk}",
        {"value": "97,5", "unit_label": "%", "task_id": task.pk},
        content_type="application/json",
    )
    assert (edited.json()["value"], edited.json()["task_id"]) == (97.5, task.pk)
    assert client.delete(f"{API}/targets/{target.pk}").status_code == 204

    new = client.post(
        f"{API}/{draft.pk}/tasks",
        {"label": "9", "title": "Nhiệm vụ bổ sung", "text": "Nội dung."},
        content_type="application/json",
    )
    assert (new.status_code, new.json()["position"]) == (201, 9)
    stale = client.delete(
        f"{API}/tasks/{new.json()['id']}", {"version": 7}, content_type="application/json"
    )
    assert stale.status_code == 409
    gone = client.delete(
        f"{API}/tasks/{new.json()['id']}", {"version": 1}, content_type="application/json"
    )
    assert gone.status_code == 204
    actions = list(
        AuditEvent.objects.filter(action__startswith="citation.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["citation.create", "citation.update", "citation.delete"]


def test_the_api_reads_again_downloads_and_pages_the_links(org, people, client_of):
    client = client_of(people.province_officer)
    source, _ = services.source_upload(
        actor=people.province_officer, unit="p-a", data=b"%PDF-1.4\n%broken\n", filename="hong.pdf"
    )
    SourceDocument.objects.filter(pk=source.pk).update(status="failed", status_message="lỗi")
    retried = client.post(f"{API}/sources/{source.pk}/retry")
    assert (retried.status_code, retried.json()["status"]) == (200, "queued")
    again = client.post(f"{API}/sources/{source.pk}/retry")
    assert (again.status_code, again.json()["code"]) == (400, "not_failed")
    file = client.get(f"{API}/sources/{source.pk}/file")
    assert file["Content-Disposition"].startswith("attachment;")
    assert b"".join(file.streaming_content) == b"%PDF-1.4\n%broken\n"
    assert client_of(people.outsider).get(f"{API}/sources/{source.pk}/file").status_code == 404

    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    plan = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    services.directive_set_upper(
        actor=people.province_officer, directive_id=plan.pk, upper_id=ministry.pk
    )
    services.links_suggest(actor=people.province_officer, directive_id=plan.pk)
    page = client.get(f"{API}/{plan.pk}/links?limit=5&offset=5").json()
    assert page["count"] == TaskLink.objects.filter(task__directive=plan).count()
    assert len(page["items"]) == 5


# --- buttons come from the same predicates as the use cases ------------------------------------


def test_the_review_page_shows_only_the_actions_the_viewer_may_take(org, people, client_of):
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    draft = upload(people.province_officer, org.province_a, MINISTRY_DOC)

    def testids(user: Any, directive: Directive) -> set[str]:
        body = client_of(user).get(reverse("directives:detail", args=[directive.pk]))
        page = body.content.decode()
        found = {f["attrs"].get("data-testid", f["action"]) for f in forms_on(page)}
        return found | ({"publish-link"} if 'data-testid="publish-link"' in page else set())

    revise = reverse("directives:revise", args=[plan.pk])
    publish = "publish-link"
    assert revise in testids(people.province_officer, plan)
    assert "header-form" not in testids(people.province_officer, plan)
    assert revise not in testids(people.commune_officer, plan)  # reads it, may not revise
    officer_draft = testids(people.province_officer, draft)
    assert {"header-form", "task-form", publish} <= officer_draft
    viewer_draft = testids(people.viewer, draft)
    assert not ({"header-form", "task-form", publish} & viewer_draft)


def test_a_stale_header_names_who_saved_it_last(people, client_of, draft):
    client = client_of(people.province_officer)
    services.directive_update(
        actor=people.superuser, directive_id=draft.pk, version=1, values={"title": "Khác"}
    )
    response = client.post(
        reverse("directives:header", args=[draft.pk]), {"version": 1, "title": "Của tôi"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Thông tin văn bản này đã được Quản trị hệ thống sửa lúc" in body
    assert 'value="Của tôi"' in body  # the user's input is kept
    assert "<dt>Trích yếu</dt><dd>Khác</dd>" in body  # what was saved, by the field's label
    assert "<dt>Chưa có số, ngày</dt><dd>không</dd>" in body
    draft.refresh_from_db()
    assert (draft.title, draft.updated_by) == ("Khác", people.superuser)


def test_a_published_directives_header_date_reads_back(org, people, draft):
    services.directive_update(
        actor=people.province_officer,
        directive_id=draft.pk,
        version=1,
        values={"issued_on": "28/08/2025", "school_year": "2025 – 2026"},
    )
    draft.refresh_from_db()
    assert (draft.issued_on, draft.school_year) == (dt.date(2025, 8, 28), "2025-2026")


# --- concurrency: the directive's row is the lock every change takes ----------------------------


def _run_together(count: int, work: Any) -> list[str]:
    barrier = threading.Barrier(count)

    def one(n: int) -> str:
        try:
            barrier.wait(timeout=30)
            work(n)
            return "ok"
        except DomainError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.django_db(transaction=True)
def test_header_edits_at_once_save_one_and_refuse_the_rest(org, people, tmp_path):
    draft = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    with shared_database(tmp_path):
        outcomes = _run_together(
            6,
            lambda n: services.directive_update(
                actor=people.province_officer,
                directive_id=draft.pk,
                version=1,
                values={"title": f"Trích yếu {n}"},
            ),
        )
        assert sorted(outcomes) == ["ok", *["stale"] * 5]
        draft.refresh_from_db()
        assert draft.version == 2
        assert AuditEvent.objects.filter(action="directive.update").count() == 1


@pytest.mark.django_db(transaction=True)
def test_tasks_added_at_once_each_get_their_own_position(org, people, tmp_path):
    draft = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    with shared_database(tmp_path):
        outcomes = _run_together(
            5,
            lambda n: services.task_add(
                actor=people.province_officer, directive_id=draft.pk, title=f"Thêm {n}"
            ),
        )
        assert outcomes == ["ok"] * 5
        positions = list(draft.tasks.order_by("position").values_list("position", flat=True))
        assert positions == list(range(1, 14))
