"""Directive pages: upload, reading progress, review, correction, publish, revise, cascade."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from namhoc.core.models import AuditEvent
from namhoc.directives.models import Directive, DirectiveTask, SourceDocument, Target, TaskLink
from namhoc.directives.tests.helpers import (
    COMMUNE_A1_DOC,
    COMMUNE_A2_DOC,
    MINISTRY_DOC,
    PROVINCE_DOC,
    data,
    published,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(org, people):
    return upload(people.province_officer, org.province_a, PROVINCE_DOC)


def _state() -> tuple:
    return (
        list(
            Directive.objects.order_by("pk").values_list("status", "version", "title", "upper_id")
        ),
        list(
            DirectiveTask.objects.order_by("pk").values_list("title", "text", "version", "position")
        ),
        SourceDocument.objects.count(),
        TaskLink.objects.count(),
        list(Target.objects.order_by("pk").values_list("value", "unit_label", "task_id")),
        AuditEvent.objects.count(),
    )


def test_upload_page_reads_and_redirects_to_review(
    org, people, client_of, django_capture_on_commit_callbacks
):
    client = client_of(people.province_officer)
    assert client.get(reverse("directives:upload")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directives:upload"),
            {"unit": "p-a", "file": SimpleUploadedFile("kh.txt", data(PROVINCE_DOC))},
        )
    source = SourceDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:source", args=[source.pk])
    # the progress fragment, polled by htmx, sends the browser to the review page once read
    status = client.get(
        reverse("directives:source_status", args=[source.pk]), HTTP_HX_REQUEST="true"
    )
    directive = source.directives.get()
    assert status["HX-Redirect"] == reverse("directives:detail", args=[directive.pk])
    page = client.get(reverse("directives:detail", args=[directive.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "1520/KH-SGDĐT" in body
    assert f'id="nv-{directive.tasks.get(position=1).pk}"' in body  # the task's text, markable
    # the same file again finds the existing record
    again = client.post(
        reverse("directives:upload"),
        {"unit": "p-a", "file": SimpleUploadedFile("khac.txt", data(PROVINCE_DOC))},
    )
    assert again["Location"] == reverse("directives:source", args=[source.pk])
    assert SourceDocument.objects.count() == 1


def test_status_fragment_polls_while_queued(org, people, client_of):
    client = client_of(people.province_officer)
    # without running on-commit callbacks, the reading stays queued
    client.post(
        reverse("directives:upload"),
        {"unit": "p-a", "text": data(PROVINCE_DOC).decode()},
    )
    source = SourceDocument.objects.get()
    fragment = client.get(reverse("directives:source_status", args=[source.pk])).content.decode()
    assert "Đang chờ đọc" in fragment
    assert 'hx-trigger="every 1s"' in fragment


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"unit": "p-a"}, "Hãy chọn tệp hoặc dán nội dung văn bản."),
        ({"text": "x" * 100}, "Hãy chọn đơn vị ban hành."),
        ({"unit": "p-a", "text": "ngắn"}, "Văn bản dán vào quá ngắn để đọc"),
        ({"unit": "p-a", "file": "png"}, "Nội dung tệp không thuộc loại được nhận"),
    ],
)
def test_upload_bad_input(org, people, client_of, payload, message):
    client = client_of(people.province_officer)
    if payload.get("file") == "png":
        payload = {**payload, "file": SimpleUploadedFile("a.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20)}
    response = client.post(reverse("directives:upload"), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SourceDocument.objects.count() == 0


def test_upload_for_a_unit_out_of_scope_is_not_found(org, people, client_of):
    client = client_of(people.commune_officer)
    for unit in ("p-b", "p-a", "c-a2", "khong-co"):
        response = client.post(reverse("directives:upload"), {"unit": unit, "text": "x" * 100})
        assert response.status_code == 404, unit
    assert SourceDocument.objects.count() == 0


def test_upload_page_is_not_there_for_a_viewer(org, people, client_of):
    client = client_of(people.viewer)
    assert client.get(reverse("directives:upload")).status_code == 404
    assert (
        client.post(reverse("directives:upload"), {"unit": "p-a", "text": "x" * 100}).status_code
        == 404
    )
    assert SourceDocument.objects.count() == 0


def test_download_original_is_an_attachment(draft, people, client_of):
    response = client_of(people.viewer).get(
        reverse("directives:source_download", args=[draft.source_id])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == data(PROVINCE_DOC)
    assert (
        client_of(people.outsider)
        .get(reverse("directives:source_download", args=[draft.source_id]))
        .status_code
        == 404
    )


def test_correct_a_task_then_publish(draft, people, client_of):
    client = client_of(people.province_officer)
    task = draft.tasks.get(position=2)
    response = client.post(
        reverse("directives:task", args=[draft.pk, task.pk]),
        {
            f"t{task.pk}-version": task.version,
            f"t{task.pk}-label": "2",
            f"t{task.pk}-title": "Bảo đảm đủ giáo viên theo định mức",
            f"t{task.pk}-text": task.text,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Bảo đảm đủ giáo viên theo định mức"
    draft.refresh_from_db()
    response = client.post(
        reverse("directives:publish", args=[draft.pk]),
        {"version": draft.version, "xac_nhan": "1"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Directive.Status.PUBLISHED


def test_second_editor_sees_the_conflict_and_keeps_their_input(draft, people, client_of):
    task = draft.tasks.get(position=4)
    first, second = client_of(people.province_officer), client_of(people.superuser)
    version = task.version
    fields = lambda title, text: {  # noqa: E731
        f"t{task.pk}-version": version,
        f"t{task.pk}-label": "4",
        f"t{task.pk}-title": title,
        f"t{task.pk}-text": text,
    }
    assert (
        first.post(
            reverse("directives:task", args=[draft.pk, task.pk]),
            fields("Dạy học 2 buổi/ngày", task.text),
        ).status_code
        == 302
    )
    response = second.post(
        reverse("directives:task", args=[draft.pk, task.pk]),
        fields("Đổi mới kiểm tra, đánh giá", "Nội dung của người thứ hai"),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Nhiệm vụ này đã được Trần Văn Tỉnh sửa lúc" in body
    assert "<dt>Tên nhiệm vụ</dt><dd>Dạy học 2 buổi/ngày</dd>" in body  # by its label
    assert "<dt>title</dt>" not in body
    assert "Dạy học 2 buổi/ngày" in body  # the other person's change, shown
    assert "Nội dung của người thứ hai" in body  # the user's input, kept in the form
    task.refresh_from_db()
    assert task.title == "Dạy học 2 buổi/ngày"


def test_review_bad_input_is_400_and_changes_nothing(draft, people, client_of):
    client = client_of(people.province_officer)
    task = draft.tasks.get(position=1)
    before = _state()
    assert (
        client.post(
            reverse("directives:task", args=[draft.pk, task.pk]), {f"t{task.pk}-version": "x"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("directives:header", args=[draft.pk]),
            {"version": draft.version, "school_year": "2025-2030"},
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("directives:task_split", args=[draft.pk, task.pk]),
            {f"s{task.pk}-version": task.version, f"s{task.pk}-before": "không có trong văn bản"},
        ).status_code
        == 400
    )
    assert _state() == before


def _post_endpoints(directive, task):
    return [
        (
            reverse("directives:header", args=[directive.pk]),
            {"version": directive.version, "title": "X"},
        ),
        (
            reverse("directives:task", args=[directive.pk, task.pk]),
            {f"t{task.pk}-version": task.version, f"t{task.pk}-title": "X"},
        ),
        (reverse("directives:task_merge", args=[directive.pk, task.pk]), {"version": task.version}),
        (
            reverse("directives:task_delete", args=[directive.pk, task.pk]),
            {"version": task.version},
        ),
        (reverse("directives:task_add", args=[directive.pk]), {"title": "X"}),
        (
            reverse("directives:publish", args=[directive.pk]),
            {"version": directive.version, "xac_nhan": "1"},
        ),
        (reverse("directives:upper", args=[directive.pk]), {"upper": ""}),
        (reverse("directives:links_suggest", args=[directive.pk]), {}),
        (reverse("directives:citation_add", args=[directive.pk]), {"number": "1/KH-UBND"}),
        (reverse("directives:target_add", args=[directive.pk]), {"value": "90", "unit_label": "%"}),
    ]


def test_outsider_gets_404_everywhere_and_changes_nothing(draft, people, client_of):
    client = client_of(people.outsider)
    task = draft.tasks.get(position=1)
    before = _state()
    for url in [
        reverse("directives:detail", args=[draft.pk]),
        reverse("directives:source", args=[draft.source_id]),
        reverse("directives:source_status", args=[draft.source_id]),
        reverse("directives:links", args=[draft.pk]),
        reverse("directives:coverage", args=[draft.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url, payload in _post_endpoints(draft, task):
        assert client.post(url, payload).status_code == 404, url
    assert _state() == before


def test_viewer_reads_but_gets_403_on_changes(draft, people, client_of):
    client = client_of(people.viewer)
    task = draft.tasks.get(position=1)
    before = _state()
    assert client.get(reverse("directives:detail", args=[draft.pk])).status_code == 200
    for url, payload in _post_endpoints(draft, task):
        assert client.post(url, payload).status_code == 403, url
    assert _state() == before


def test_commune_reads_the_published_province_plan_but_not_its_drafts(
    org, people, client_of, draft
):
    plan = published(people.province_officer, org.province_a, COMMUNE_A1_DOC.replace("xa", "xa"))
    client = client_of(people.commune_officer)
    assert client.get(reverse("directives:detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("directives:detail", args=[draft.pk])).status_code == 404
    response = client.post(reverse("directives:revise", args=[plan.pk]))
    assert response.status_code == 403
    assert Directive.objects.count() == 2


def test_list_page_and_its_query_budget(
    org, people, client_of, django_assert_max_num_queries, draft
):
    published(people.province_officer, org.province_a, COMMUNE_A2_DOC)
    client = client_of(people.province_officer)
    client.get(reverse("directives:list"))  # the first request records the session
    with django_assert_max_num_queries(10):
        response = client.get(reverse("directives:list"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/van-ban/') >= 2


def test_revision_page_shows_the_difference(org, people, client_of):
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    client = client_of(people.province_officer)
    response = client.post(reverse("directives:revise", args=[plan.pk]))
    revision = Directive.objects.get(previous=plan)
    assert response["Location"] == reverse("directives:detail", args=[revision.pk])
    client.post(
        reverse("directives:header", args=[revision.pk]),
        {
            "version": revision.version,
            "title": "Kế hoạch sửa đổi",
            "school_year": "2025-2026",
            "number": plan.number,
        },
    )
    body = client.get(reverse("directives:detail", args=[revision.pk])).content.decode()
    assert "Khác biệt so với bản 1" in body
    assert "Kế hoạch sửa đổi" in body


def test_cascade_pages_propose_confirm_and_cover(org, people, client_of):
    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    plan = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    client = client_of(people.province_officer)
    links_page = client.get(reverse("directives:links", args=[plan.pk])).content.decode()
    assert f'value="{ministry.pk}"' in links_page  # the cited ministry plan is offered
    assert (
        client.post(reverse("directives:upper", args=[plan.pk]), {"upper": ministry.pk}).status_code
        == 302
    )
    assert client.post(reverse("directives:links_suggest", args=[plan.pk])).status_code == 302
    top = TaskLink.objects.filter(task__directive=plan, rank=1).select_related("task", "upper_task")
    assert {(link.task.label, link.upper_task.label) for link in top} == {
        ("1", "2"),
        ("2", "3"),
        ("3", "4"),
        ("4", "5"),
        ("5", "6"),
        ("6", "7"),
        ("7", "9"),
        ("8", "10"),
    }
    for link in top:
        response = client.post(
            reverse("directives:link_decide", args=[plan.pk]),
            {"task": link.task_id, "upper_task": link.upper_task_id, "decision": "confirm"},
        )
        assert response.status_code == 302
    # a bad upper task (not of the upper directive) is refused
    other = plan.tasks.first()
    assert (
        client.post(
            reverse("directives:link_decide", args=[plan.pk]),
            {"task": other.pk, "upper_task": other.pk, "decision": "confirm"},
        ).status_code
        == 400
    )
    plan.refresh_from_db()
    client.post(
        reverse("directives:publish", args=[plan.pk]), {"version": plan.version, "xac_nhan": "1"}
    )
    coverage = client_of(people.superuser).get(reverse("directives:coverage", args=[ministry.pk]))
    body = coverage.content.decode()
    assert coverage.status_code == 200
    assert "Tỉnh Bình Sơn" in body.split('data-testid="silent"')[1]
    uncovered = body.split('data-testid="uncovered"')[1].split("</section>")[0]
    assert "Hoàn thiện thể chế" in uncovered
    assert "Dạy và học ngoại ngữ" in uncovered
    assert "Chuyển đổi số" not in uncovered


def test_add_a_target_on_the_review_page(draft, people, client_of):
    client = client_of(people.province_officer)
    task = draft.tasks.get(position=2)
    page = client.get(reverse("directives:detail", args=[draft.pk])).content.decode()
    assert f'action="{reverse("directives:target_add", args=[draft.pk])}"' in page
    count = draft.targets.count()
    response = client.post(
        reverse("directives:target_add", args=[draft.pk]),
        {"value": "97,5", "unit_label": "%", "task_id": str(task.pk), "sentence": "Đạt 97,5%."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("directives:detail", args=[draft.pk]) + "#chi-tieu"
    target = draft.targets.latest("pk")
    assert draft.targets.count() == count + 1
    assert (str(target.value.normalize()), target.unit_label, target.task_id, target.sentence) == (
        "97.5",
        "%",
        task.pk,
        "Đạt 97,5%.",
    )
    assert AuditEvent.objects.latest("pk").action == "target.create"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"value": ""}, "Hãy nhập giá trị chỉ tiêu."),
        ({"value": "chín mươi"}, "Giá trị chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
        ({"value": "1,000,5"}, "Giá trị chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
        ({"value": "-5"}, "Giá trị chỉ tiêu không được là số âm."),
        (
            {"value": "90", "unit_label": "x" * 41},
            "Đơn vị tính dài tối đa 40 ký tự (đang có 41).",
        ),
        ({"value": "90", "task_id": "999999"}, "Nhiệm vụ không thuộc văn bản này."),
        ({"value": "90", "task_id": "abc"}, "Nhiệm vụ không thuộc văn bản này."),
        ({"value": "90", "task_id": "²"}, "Nhiệm vụ không thuộc văn bản này."),
    ],
)
def test_add_target_bad_input_says_why_and_changes_nothing(
    draft, people, client_of, payload, message
):
    client = client_of(people.province_officer)
    before = _state()
    response = client.post(reverse("directives:target_add", args=[draft.pk]), payload)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'<div class="form-error" role="alert" data-testid="error">{message}</div>' in body
    assert '<details class="target-add" open>' in body  # the form stays open with the input
    form = body.split('data-testid="target-add-form"')[1].split("</form>")[0]
    if payload["value"]:
        assert f'value="{payload["value"]}"' in form
    assert _state() == before


def test_add_target_refused_on_a_published_directive(org, people, client_of):
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    before = _state()
    response = client_of(people.province_officer).post(
        reverse("directives:target_add", args=[plan.pk]), {"value": "90"}
    )
    assert response.status_code == 400
    assert "Văn bản đã ban hành không sửa được; hãy tạo bản sửa đổi." in response.content.decode()
    assert _state() == before


def test_list_is_paginated_keeping_the_filters(
    org, people, client_of, draft, django_assert_num_queries
):
    Directive.objects.bulk_create(
        Directive(
            unit=org.province_a,
            source=draft.source,
            status="published",
            school_year="2025-2026",
            number=f"{i}/KH-SGDĐT",
            title=f"Kế hoạch số {i}",
            search_folded=f"{i}/kh-sgddt ke hoach so {i}",  # as the services write it
            published_at=timezone.now(),
        )
        for i in range(1, 56)
    )
    client = client_of(people.province_officer)
    url = reverse("directives:list") + "?nam_hoc=2025-2026&trang_thai=published&q=K%E1%BA%BF"
    first = client.get(url)
    body = first.content.decode()
    assert len(first.context["directives"]) == 50
    assert "1–50 trong 55 văn bản · trang 1/2" in body
    assert (
        '<a rel="next" href="?nam_hoc=2025-2026&amp;trang_thai=published&amp;q=K%E1%BA%BF'
        '&amp;trang=2">Trang sau ›</a>' in body
    )
    # the same for any length: one COUNT and one query for the page's rows (joined, annotated);
    # the rest is the session, the user, their scope (the memberships read once per request)
    # and the page header (unread notices)
    with django_assert_num_queries(7):
        second = client.get(url + "&trang=2")
    assert len(second.context["directives"]) == 5
    assert "51–55 trong 55 văn bản · trang 2/2" in second.content.decode()
    # the draft is filtered out by the status: 55, not 56
    drafts = client.get(reverse("directives:list") + "?trang_thai=draft").content.decode()
    assert "1–1 trong 1 văn bản" in drafts
    assert "Trang sau" not in drafts
