"""The reports pages over real URLs: ask for a draft, follow it, download it (through access),
templates; what each person receives, and that a refused request changed nothing."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.reporting.models import ReportDraft, ReportTemplate
from namhoc.reporting.tests.helpers import build_world, request_and_build, template

pytestmark = pytest.mark.django_db
YEAR = "2025-2026"
INDEX = "/bao-cao/"


def _state() -> tuple:
    return (
        ReportDraft.objects.count(),
        list(ReportTemplate.objects.values_list("pk", "retired_at")),
        AuditEvent.objects.count(),
    )


def _post(client, data):
    """Post the form and run the drafting task it enqueues (as the worker would). The pages are
    asked at the real time (the session's clock); the report counts statuses to 31/07/2026."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(INDEX, data)


def test_a_specialist_asks_for_a_draft_and_downloads_it(org, people, client_of):
    build_world(org, people)
    client = client_of(people.province_officer)
    page = client.get(INDEX)
    assert page.status_code == 200
    assert page.context["page"].can_draft
    assert 'name="unit" value="p-a" checked' in page.content.decode()  # the home unit
    response = _post(client, {"unit": "p-a", "kind": "year_end", "school_year": YEAR})
    draft = ReportDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:draft", args=[draft.pk])
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Đã soạn xong" in body
    assert "hx-get" not in body  # finished: no more polling
    word = client.get(reverse("reporting:draft_download", args=[draft.pk]))
    assert word.status_code == 200
    assert word["Content-Disposition"] == (
        'attachment; filename="bao-cao-tong-ket-2025-2026-tinh-phu-an-ban-1.docx"'
    )
    document = docx.Document(io.BytesIO(b"".join(word.streaming_content)))
    assert document.paragraphs[0].text == "BÁO CÁO"
    annex = client.get(reverse("reporting:draft_annex", args=[draft.pk]))
    assert annex.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(annex.streaming_content)))
    assert book.sheetnames[0] == "Bieu 1 - Quy mo"
    listing = client.get(INDEX)
    assert [d.pk for d in listing.context["drafts"].page.object_list] == [draft.pk]


def test_the_draft_page_polls_while_drafting_and_shows_progress(org, people, client_of):
    build_world(org, people)
    client = client_of(people.province_officer)
    with TestCase.captureOnCommitCallbacks(execute=False):  # no worker yet
        client.post(INDEX, {"unit": "p-a", "kind": "year_end", "school_year": YEAR})
    draft = ReportDraft.objects.get()
    ReportDraft.objects.filter(pk=draft.pk).update(
        status="running", progress=35, stage="Đang tổng hợp kết quả từng nhiệm vụ"
    )
    fragment = client.get(
        reverse("reporting:draft_status", args=[draft.pk]), headers={"HX-Request": "true"}
    )
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert f'hx-get="{reverse("reporting:draft_status", args=[draft.pk])}"' in html
    assert '<progress max="100" value="35"' in html
    assert "35%</span> · Đang tổng hợp kết quả từng nhiệm vụ" in html
    # before it is done, there is nothing to download
    assert client.get(reverse("reporting:draft_download", args=[draft.pk])).status_code == 404


def test_versions_are_listed_and_each_stays_downloadable(org, people, client_of):
    build_world(org, people)
    client = client_of(people.province_officer)
    for _ in range(2):
        _post(client, {"unit": "p-a", "kind": "year_end", "school_year": YEAR})
    first, second = ReportDraft.objects.order_by("version")
    page = client.get(reverse("reporting:draft", args=[second.pk]))
    assert [v.version for v in page.context["page"].versions] == [2, 1]
    assert client.get(reverse("reporting:draft_download", args=[first.pk])).status_code == 200


def test_bad_input_is_shown_on_the_form_with_what_was_typed(org, people, client_of):
    client = client_of(people.province_officer)
    before = _state()
    response = _post(
        client,
        {"unit": "p-a", "kind": "year_end", "school_year": "2025", "signer_name": "Lê Văn A"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["school_year"] == ["Năm học phải có dạng 2025-2026 (hai năm liền nhau)."]
    assert form["signer_name"].value() == "Lê Văn A"
    assert [u.key for u in response.context["chosen"]] == ["p-a"]
    assert _state() == before


def test_no_unit_chosen_is_said_on_the_picker(org, people, client_of):
    response = _post(client_of(people.province_officer), {"kind": "year_end", "school_year": YEAR})
    assert response.status_code == 400
    assert response.context["unit_errors"] == ["Hãy chọn đơn vị."]


def test_the_form_posted_back_unchanged_is_accepted(org, people, client_of):
    """What the form shows, it reads back: the rendered initial values posted as they are."""
    build_world(org, people)
    client = client_of(people.commune_officer)
    page = client.get(INDEX)
    form = page.context["form"]
    posted = {name: form[name].value() or "" for name in form.fields}
    posted["unit"] = page.context["chosen"][0].key
    assert posted["school_year"] == page.context["page"].year
    response = _post(client, posted)
    assert response.status_code == 302
    draft = ReportDraft.objects.get()
    assert (draft.unit.key, draft.kind, draft.version) == ("c-a1", "year_end", 1)


@pytest.mark.parametrize(
    ("user", "unit", "status"),
    [
        ("viewer", "p-a", 403),
        ("commune_officer", "p-a", 404),
        ("outsider", "c-a1", 404),
    ],
)
def test_a_refused_draft_request_changes_nothing(  # noqa: PLR0917 - fixtures
    org, people, client_of, user, unit, status
):
    before = _state()
    response = _post(
        client_of(getattr(people, user)), {"unit": unit, "kind": "year_end", "school_year": YEAR}
    )
    assert response.status_code == status
    assert _state() == before


def test_what_each_person_receives(org, people, client_of):
    """Drafts of units in a person's scope only; out of scope answers 404."""
    build_world(org, people)
    province = request_and_build(
        actor=people.province_officer, unit_key="p-a", kind="year_end", school_year=YEAR
    )
    commune = request_and_build(
        actor=people.commune_officer, unit_key="c-a1", kind="year_end", school_year=YEAR
    )
    sibling = request_and_build(
        actor=people.province_officer, unit_key="c-a2", kind="year_end", school_year=YEAR
    )
    expected = {
        "province_officer": {province.pk, commune.pk, sibling.pk},
        "viewer": {province.pk, commune.pk, sibling.pk},
        "commune_officer": {commune.pk},
        "school_principal": set(),
        "outsider": set(),
    }
    for user, visible in expected.items():
        client = client_of(getattr(people, user))
        listed = {d.pk for d in client.get(INDEX).context["drafts"].page.object_list}
        assert listed == visible, user
        for draft in (province, commune, sibling):
            code = 200 if draft.pk in visible else 404
            for name in ("draft", "draft_status", "draft_download", "draft_annex"):
                url = reverse(f"reporting:{name}", args=[draft.pk])
                assert client.get(url).status_code == code, (user, name, draft.unit.key)


def test_a_viewer_reads_drafts_but_is_not_offered_the_form(org, people, client_of):
    page = client_of(people.viewer).get(INDEX)
    assert page.status_code == 200
    assert not page.context["page"].can_draft
    assert 'data-testid="draft-form"' not in page.content.decode()


def test_templates_page_upload_refusal_and_retire(org, people, client_of):
    client = client_of(people.province_officer)
    page = client.get("/bao-cao/mau/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<code>nhiem_vu</code>" in html  # the placeholders are documented
    assert reverse("reporting:starter", args=["year_end"]) in html
    before = _state()
    bad = client.post(
        "/bao-cao/mau/",
        {
            "unit": "p-a",
            "kind": "year_end",
            "file": _upload(template("Kính gửi {{ ten_sai }}"), "mau.docx"),
        },
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors["file"] == [
        "Mẫu dùng tên «ten_sai» không có trong danh sách thẻ ở thẻ {{ ten_sai }}; xem danh sách "
        "thẻ trên trang Mẫu báo cáo."
    ]
    assert _state() == before
    good = client.post(
        "/bao-cao/mau/",
        {"unit": "p-a", "kind": "year_end", "file": _upload(template("{{ don_vi }}"), "mau.docx")},
    )
    assert good.status_code == 302
    created = ReportTemplate.objects.get()
    assert (created.unit.key, created.kind, created.original_name) == (
        "p-a",
        "year_end",
        "mau.docx",
    )
    assert client.get(reverse("reporting:template_download", args=[created.pk])).status_code == 200
    outsider = client_of(people.outsider)
    before = _state()
    refused = outsider.post(reverse("reporting:template_retire", args=[created.pk]))
    assert refused.status_code == 404
    assert _state() == before
    assert (
        client_of(people.viewer)
        .post(reverse("reporting:template_retire", args=[created.pk]))
        .status_code
        == 403
    )
    assert _state() == before
    retired = client.post(reverse("reporting:template_retire", args=[created.pk]))
    assert retired.status_code == 302
    created.refresh_from_db()
    assert created.retired_at is not None


def test_the_starter_template_downloads(org, people, client_of):
    client = client_of(people.viewer)
    response = client.get(reverse("reporting:starter", args=["plan"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-goc-plan.docx"'
    assert response.content[:2] == b"PK"
    assert client.get("/bao-cao/mau/mau-goc/khac/").status_code == 404


def test_the_navigation_links_to_the_reports(org, people, client_of):
    page = client_of(people.school_principal).get("/")
    assert '<a href="/bao-cao/"' in page.content.decode()
    assert client_of(people.school_principal).get(INDEX).status_code == 200


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    "url",
    [
        "/bao-cao/ban-nhap/99999999999999999999/",
        "/bao-cao/ban-nhap/99999999999999999999/tai-ve/",
        "/bao-cao/mau/99999999999999999999/tai-ve/",
        "/api/reports/drafts/99999999999999999999",
    ],
)
def test_an_id_no_database_holds_is_not_found_not_an_error(org, people, client_of, url):
    assert client_of(people.province_officer).get(url).status_code == 404


def test_the_list_costs_the_same_queries_whatever_the_number_of_drafts(org, people, client_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    def drafts(unit, count: int) -> None:
        ReportDraft.objects.bulk_create(
            ReportDraft(
                unit=unit,
                kind="year_end",
                school_year=YEAR,
                version=n,
                status="done",
                requested_by=people.province_officer,
                requested_at=timezone.now(),
            )
            for n in range(1, count + 1)
        )

    client = client_of(people.province_officer)
    client.get(INDEX)  # the first request of a session records it
    drafts(org.commune_a1, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INDEX).status_code == 200
    drafts(org.commune_a2, 25)
    with CaptureQueriesContext(connection) as many:
        page = client.get(INDEX)
    assert len(page.context["drafts"].page.object_list) == 27
    assert len(many) == len(few)
