"""A day's work on directives without help (issue 11): .doc on the web, the reader's notes in
Vietnamese, publishing that checks and asks, search without diacritics, link proposals in plain
words, coverage that keeps directives apart, dates that deserve a word."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.directives import services
from namhoc.directives.models import Directive, SourceDocument, TaskLink
from namhoc.directives.tests.helpers import (
    COMMUNE_A1_DOC,
    MINISTRY_DOC,
    PROVINCE_DOC,
    published,
    upload,
)

pytestmark = pytest.mark.django_db
API = "/api/directives"
REALDOCS = Path(__file__).resolve().parents[5] / "shared" / "realdocs"


@pytest.fixture
def draft(org, people):
    return upload(people.province_officer, org.province_a, PROVINCE_DOC)


def _title(body: str) -> str:
    match = re.search(r"<title>(.*?)</title>", body, re.S)
    assert match is not None
    return " ".join(match[1].split())


# --- 11.3: .doc on the web -------------------------------------------------------------------


def _doc_bytes() -> bytes:
    path = REALDOCS / "hd06-cdn-2017.doc"
    if not path.is_file():
        pytest.skip(f"{path} not found (../shared/realdocs beside the repo)")
    return path.read_bytes()


def _upload_doc(client, django_capture_on_commit_callbacks) -> SourceDocument:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directives:upload"),
            {"unit": "p-a", "file": SimpleUploadedFile("huong-dan.doc", _doc_bytes())},
        )
    assert response.status_code == 302
    source = SourceDocument.objects.get()
    assert response["Location"] == reverse("directives:source", args=[source.pk])
    return source


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_a_doc_file_is_accepted_on_the_web_and_read(
    people, client_of, django_capture_on_commit_callbacks
):
    client = client_of(people.province_officer)
    source = _upload_doc(client, django_capture_on_commit_callbacks)
    source.refresh_from_db()
    assert (source.format, source.status) == ("doc", "ready"), source.status_message
    assert source.directives.count() == 1
    download = client.get(reverse("directives:source_download", args=[source.pk]))
    assert download["Content-Type"] == "application/msword"


def test_a_doc_file_without_libreoffice_fails_with_a_vietnamese_message(
    people, client_of, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    client = client_of(people.province_officer)
    source = _upload_doc(client, django_capture_on_commit_callbacks)
    page = client.get(reverse("directives:source", args=[source.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Không đọc được" in body
    assert "Tệp .doc (Word 97-2003) cần LibreOffice" in body
    assert "Đọc lại" in body


def test_a_compound_file_that_is_not_word_is_refused(people, client_of):
    excel_97 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "Workbook".encode("utf-16-le")
    response = client_of(people.province_officer).post(
        reverse("directives:upload"),
        {"unit": "p-a", "file": SimpleUploadedFile("bang.doc", excel_97)},
    )
    assert response.status_code == 400
    assert "Word 97-2003 (.doc)" in response.content.decode()  # in the list of kinds accepted
    assert SourceDocument.objects.count() == 0


# --- 11.4: the reader's notes, in Vietnamese -------------------------------------------------


def test_reader_warnings_are_short_vietnamese_sentences_grouped_with_details_folded(
    people, client_of, draft
):
    source = draft.source
    source.extraction = {
        **source.extraction,
        "warnings": [
            {
                "code": "outline_number_repeated",
                "message": "Có hai mục trùng số thứ tự; các mục vẫn được giữ theo đúng trình tự "
                "trong văn bản.",
                "message_en": "Two items carry the same number; both are kept.",
                "detail": "'I.' repeated at offset 2777",
            },
            {
                "code": "outline_number_repeated",
                "message": "…",
                "message_en": "…",
                "detail": "'II.' repeated at offset 3120",
            },
            # an extraction stored before the reader had codes
            "outline: number 'III.' repeated at offset 4000 (kept in order)",
            "pdf: 2 piece(s) of text stamped in signature fields (number, date) put back into "
            "their lines",
            "something the reader once said in English",
        ],
    }
    source.save(update_fields=["extraction"])
    body = (
        client_of(people.province_officer)
        .get(reverse("directives:detail", args=[draft.pk]))
        .content.decode()
    )
    notes = body.split('data-testid="warnings"')[1].split("</details>\n")[0]
    assert "Lưu ý khi đọc (3)" in notes
    assert (
        "Có hai mục trùng số thứ tự; các mục vẫn được giữ theo đúng trình tự trong văn bản."
        ' <span class="muted">(3 lần)</span>' in notes
    )
    assert "<summary>Chi tiết</summary>" in notes
    for detail in ("mục số “I.” lặp lại", "mục số “II.” lặp lại", "mục số “III.” lặp lại"):
        assert detail in notes
    assert "Số hoặc ngày của văn bản nằm trong ô chữ ký số" in notes
    assert "2 chỗ đã ghép lại" in notes
    assert "Có một lưu ý khác khi đọc văn bản" in notes
    shown = re.sub(r"<[^>]+>", " ", notes)  # what people read, not the markup
    for english in ("repeated", "offset", "stamped", "piece", "reader once", "kept in order"):
        assert english not in shown, english


# --- 11.6: publishing checks the header and asks to confirm ----------------------------------


def _state() -> tuple:
    return (
        list(Directive.objects.order_by("pk").values_list("status", "version", "unnumbered")),
        AuditEvent.objects.count(),
    )


def test_publishing_asks_to_confirm_without_javascript(people, client_of, draft):
    client = client_of(people.province_officer)
    url = reverse("directives:publish", args=[draft.pk])
    review = client.get(reverse("directives:detail", args=[draft.pk])).content.decode()
    assert f'href="{url}" data-testid="publish-link"' in review  # a link, not a one-click post
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Sau khi ban hành, văn bản không sửa được nữa" in body
    assert "1520/KH-SGDĐT" in body
    assert "05/09/2025" in body
    before = _state()
    # a post without the confirmation (an old form, a double click) shows the question again
    again = client.post(url, {"version": draft.version})
    assert again.status_code == 200
    assert 'data-testid="publish-form"' in again.content.decode()
    assert _state() == before
    done = client.post(url, {"version": draft.version, "xac_nhan": "1"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Directive.Status.PUBLISHED


def test_a_directive_without_number_and_date_is_published_only_when_ticked(
    people, client_of, draft
):
    officer = people.province_officer
    client = client_of(officer)
    services.directive_update(
        actor=officer, directive_id=draft.pk, version=1, values={"number": "", "issued_on": ""}
    )
    draft.refresh_from_db()
    url = reverse("directives:publish", args=[draft.pk])
    page = client.get(url).content.decode()
    problems = page.split('data-testid="publish-problems"')[1]
    assert "chưa có số, ký hiệu" in problems
    assert "chưa có ngày ban hành" in problems
    assert 'data-testid="publish-form"' not in page
    before = _state()
    refused = client.post(url, {"version": draft.version, "xac_nhan": "1"})
    assert refused.status_code == 400
    assert "Chưa ban hành được: chưa có số, ký hiệu" in refused.content.decode()
    api = client.post(
        f"{API}/{draft.pk}/publish", {"version": draft.version}, content_type="application/json"
    )
    assert (api.status_code, api.json()["code"]) == (400, "incomplete")
    assert _state() == before
    # the deliberate tick, on the header form
    header = client.post(
        reverse("directives:header", args=[draft.pk]),
        {
            "version": draft.version,
            "unnumbered": "on",
            "title": draft.title,
            "school_year": draft.school_year,
        },
    )
    assert header.status_code == 302
    draft.refresh_from_db()
    assert draft.unnumbered is True
    assert "chưa có số (đã đánh dấu)" in client.get(url).content.decode()
    assert client.post(url, {"version": draft.version, "xac_nhan": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Directive.Status.PUBLISHED


# --- 11.8: search without diacritics ---------------------------------------------------------


def test_directives_are_found_without_diacritics(org, people, client_of, draft):
    officer = people.province_officer
    services.directive_update(
        actor=officer,
        directive_id=draft.pk,
        version=1,
        values={"issuer": "Ủy ban nhân dân tỉnh Bạc Liêu"},
    )
    other = upload(officer, org.province_a, COMMUNE_A1_DOC)
    task = other.tasks.first()
    services.task_update(
        actor=officer,
        task_id=task.pk,
        version=task.version,
        title=task.title,
        text="Phối hợp với Trường THPT Đồng Hới.",
    )
    client = client_of(officer)

    def page(q: str) -> set[int]:
        response = client.get(reverse("directives:list"), {"q": q})
        return {d.pk for d in response.context["directives"]}

    def api(q: str) -> set[int]:
        return {d["id"] for d in client.get(API, {"q": q}).json()["items"]}

    for query, found in [
        ("bac lieu", {draft.pk}),  # issuer
        ("BẠC LIÊU", {draft.pk}),
        ("1520/kh-sgddt", {draft.pk}),  # number
        ("dong hoi", {other.pk}),  # a task's text
        ("nam hoc 2025-2026", {draft.pk, other.pk}),  # titles
        ("lieu bac", set()),  # the words as typed, in their order
    ]:
        assert page(query) == found, query
        assert api(query) == found, query


# --- 11.11: link proposals in plain words, accepted a level at a time -------------------------


@pytest.fixture
def linked(org, people):
    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    plan = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    services.directive_set_upper(
        actor=people.province_officer, directive_id=plan.pk, upper_id=ministry.pk
    )
    services.links_suggest(actor=people.province_officer, directive_id=plan.pk)
    return ministry, plan


def test_link_proposals_speak_plain_words_and_mark_the_shared_words(people, client_of, linked):
    _ministry, plan = linked
    body = (
        client_of(people.province_officer)
        .get(reverse("directives:links", args=[plan.pk]))
        .content.decode()
    )
    levels = body.split('data-testid="levels"')[1].split("</div>")[0]
    for label in ("Rất khớp", "Có thể khớp", "Ít khớp"):
        assert f"<strong>{label}</strong>:" in levels  # each level says what it means
    table = body.split('data-testid="links"')[1]
    assert table.count('data-level="strong"') == 8  # the top proposal of every task
    assert "TF-IDF" not in body
    assert "(#1)" not in body
    assert "<mark>giáo</mark> <mark>viên</mark>" in table  # task 2 and its upper task 3
    assert "Từ chung:" in table


@pytest.mark.parametrize("door", ["page", "api"])
def test_accepting_every_strong_proposal_takes_one_step(people, client_of, linked, door):
    _ministry, plan = linked
    client = client_of(people.province_officer)
    rejected = TaskLink.objects.filter(task__directive=plan, rank=1).order_by("pk").first()
    services.link_decide(
        actor=people.province_officer,
        task_id=rejected.task_id,
        upper_task_id=rejected.upper_task_id,
        decision="reject",
    )
    if door == "page":
        response = client.post(
            reverse("directives:links_accept", args=[plan.pk]), {"level": "strong"}
        )
        assert response.status_code == 302
    else:
        response = client.post(
            f"{API}/{plan.pk}/links/accept", {"level": "strong"}, content_type="application/json"
        )
        assert response.status_code == 200
        assert len(response.json()["confirmed"]) == 7
    links = TaskLink.objects.filter(task__directive=plan)
    assert links.filter(status="confirmed").count() == 7
    assert set(links.filter(status="confirmed").values_list("rank", flat=True)) == {1}
    assert links.filter(pk=rejected.pk, status="rejected").exists()  # a person's no stays
    assert (
        AuditEvent.objects.filter(
            action="link.confirm", note__startswith="xác nhận hàng loạt"
        ).count()
        == 7
    )
    bad = client.post(
        f"{API}/{plan.pk}/links/accept", {"level": "tat-ca"}, content_type="application/json"
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "level")


def test_the_coverage_page_keeps_each_implementing_directive_apart(org, people, client_of):
    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    for name in (PROVINCE_DOC, COMMUNE_A1_DOC):
        published(people.province_officer, org.province_a, name, upper=ministry)
    body = (
        client_of(people.superuser)
        .get(reverse("directives:coverage", args=[ministry.pk]))
        .content.decode()
    )
    row = body.split('data-unit="p-a"')[1].split("</tr>")[0]
    implementing = row.split('data-testid="implementing"')[1].split("</ul>")[0]
    assert implementing.count("<li>") == 2
    assert "1520/KH-SGDĐT</a></li>" in implementing


# --- 11.13: page titles, dates worth a word ----------------------------------------------------


def test_page_titles_never_have_an_empty_part(people, client_of, draft):
    officer = people.province_officer
    client = client_of(officer)
    services.directive_update(
        actor=officer, directive_id=draft.pk, version=1, values={"number": ""}
    )
    titles = [
        _title(client.get(reverse(name, args=[draft.pk])).content.decode())
        for name in ("directives:detail", "directives:links", "directives:publish")
    ]
    label = "Thực hiện nhiệm vụ năm học 2025-2026 của ngành Giáo dục…"  # cut between words
    assert titles == [
        f"{label} · namhoc",
        f"Liên kết cấp trên · {label} · namhoc",
        f"Ban hành · {label} · namhoc",
    ]
    for title in titles:
        assert "· ·" not in title


def test_a_date_in_the_future_or_outside_the_school_year_is_pointed_out(people, client_of, draft):
    officer = people.province_officer
    services.directive_update(
        actor=officer, directive_id=draft.pk, version=1, values={"issued_on": "05/09/2099"}
    )
    services.citation_add(
        actor=officer, directive_id=draft.pk, number="9/KH-UBND", issued_on="01/01/2098"
    )
    body = client_of(officer).get(reverse("directives:detail", args=[draft.pk])).content.decode()
    notices = re.findall(r'data-testid="notice">(.*?)</p>', body)
    assert notices == [
        "Ngày ban hành 05/09/2099 là ngày trong tương lai; hãy kiểm tra lại.",
        "Ngày ban hành 05/09/2099 không thuộc năm học 2025-2026 (từ năm 2024 đến năm 2026); "
        "hãy kiểm tra ngày hoặc năm học.",
        "Văn bản được dẫn 9/KH-UBND ghi ngày 01/01/2098, là ngày trong tương lai; hãy kiểm tra "
        "lại.",
    ]
    assert dt.date(2099, 9, 5) > dt.date.today()
