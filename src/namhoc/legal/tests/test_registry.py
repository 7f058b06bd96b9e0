"""The legal registry (issue 17): the curated CSV loads idempotently and all-or-nothing, with a
source for every row; adding and correcting entries goes through one use case per action, for
the page and the API alike, audited, refused (changing nothing) for anyone but the Ministry's
specialists and superusers."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from namhoc.accounts.models import Role
from namhoc.core.errors import Conflict, DomainError, Forbidden, StaleEdit
from namhoc.core.models import AuditEvent
from namhoc.core.types import SYSTEM
from namhoc.legal import services
from namhoc.legal.models import LegalDocument
from namhoc.legal.services import CSV_COLUMNS, registry_load, registry_text

pytestmark = pytest.mark.django_db

DOC: dict[str, Any] = {
    "number": "09/2024/TT-BGDĐT",
    "doc_type": "circular",
    "issuer": "Bộ Giáo dục và Đào tạo",
    "issued_on": "03/06/2024",
    "effective_on": "",
    "title": "Quy định về công khai trong hoạt động của các cơ sở giáo dục",
    "status": "in_force",
    "replaced_by": "",
    "amended_by": "",
    "source_url": "https://example.vn/thong-tu-09-2024",
    "note": "",
}


def _state() -> tuple[object, ...]:
    return (
        list(
            LegalDocument.objects.order_by("pk").values_list(
                "number", "status", "replaced_by_id", "title", "version"
            )
        ),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def ministry_specialist(org):
    from conftest import make_user

    return make_user("bo_chuyen_vien", "Nguyễn Văn Bộ", (org.ministry, Role.SPECIALIST))


# --- the curated list ------------------------------------------------------------------------


def test_the_project_csv_loads_once_and_a_second_load_changes_nothing(org):
    out = io.StringIO()
    call_command("legal", "load", stdout=out)
    assert out.getvalue().strip() == (
        "Danh mục văn bản pháp lý: 15 văn bản — thêm 15, sửa 0, giữ nguyên 0."
    )
    audited = AuditEvent.objects.filter(action="legal.document_create")
    assert audited.count() == 15
    assert set(audited.values_list("unit_id", flat=True)) == {org.ministry.pk}
    before = _state()
    out = io.StringIO()
    call_command("legal", "load", stdout=out)
    assert "thêm 0, sửa 0, giữ nguyên 15" in out.getvalue()
    assert _state() == before


def test_the_project_csv_holds_sourced_facts_with_their_replacements(org):
    registry_load(actor=SYSTEM)
    every = list(LegalDocument.objects.all())
    assert all(d.source_url.startswith(("https://", "http://")) for d in every)
    old = LegalDocument.objects.get(number="36/2017/TT-BGDĐT")
    assert old.status == "replaced"
    assert old.replaced_by.number == "09/2024/TT-BGDĐT"
    assert old.issued_on is None  # not verified: left blank, the note says so
    assert "chưa xác minh" in old.note
    new = LegalDocument.objects.get(number="09/2024/TT-BGDĐT")
    assert (new.issued_on, new.status, new.doc_type) == (
        dt.date(2024, 6, 3),
        "in_force",
        "circular",
    )
    law = LegalDocument.objects.get(number="06/2022/QH15")
    assert (law.issued_on, law.effective_on) == (dt.date(2022, 6, 15), dt.date(2024, 1, 1))
    assert LegalDocument.objects.get(number="15/2003/QH11").replaced_by == law
    assert LegalDocument.objects.get(number="110/2004/NĐ-CP").replaced_by.number == "30/2020/NĐ-CP"
    assert LegalDocument.objects.get(number="38/2005/QH11").replaced_by.number == "43/2019/QH14"
    education = LegalDocument.objects.get(number="43/2019/QH14")
    assert (education.status, education.amended_by) == ("amended", "123/2025/QH15")
    decree = LegalDocument.objects.get(number="142/2025/NĐ-CP")
    assert (decree.issued_on, decree.effective_on) == (dt.date(2025, 6, 12), dt.date(2025, 7, 1))
    assert {"25/2024/TT-BGDĐT", "03/2024/TT-BGDĐT", "98/2023/NĐ-CP", "30/2020/NĐ-CP"} <= {
        d.number for d in every
    }


def _csv(*rows: dict[str, str]) -> str:
    lines = [",".join(CSV_COLUMNS)]
    for row in rows:
        lines.append(",".join(f'"{row.get(c, "")}"' for c in CSV_COLUMNS))
    return "\n".join(lines) + "\n"


def test_a_wrong_row_loads_nothing_and_names_every_wrong_line(org):
    text = _csv(
        DOC,
        {**DOC, "number": "01/2020/TT-BGDĐT", "issued_on": "31/02/2020"},
        {**DOC, "number": "02/2020/TT-BGDĐT", "source_url": "ftp://x"},
    )
    before = _state()
    with pytest.raises(DomainError) as refused:
        registry_load(actor=SYSTEM, text=text)
    assert refused.value.message.startswith("Tệp danh mục có 2 dòng sai: dòng 3: Ngày ban hành")
    assert "dòng 4: Nguồn phải là địa chỉ trang web công khai" in refused.value.message
    assert _state() == before


def test_a_replacement_must_be_known_and_no_loop_is_accepted(org):
    a = {
        **DOC,
        "number": "01/2001/TT-BGDĐT",
        "status": "replaced",
        "replaced_by": "02/2002/TT-BGDĐT",
    }
    b = {
        **DOC,
        "number": "02/2002/TT-BGDĐT",
        "status": "replaced",
        "replaced_by": "01/2001/TT-BGDĐT",
    }
    with pytest.raises(DomainError) as loop:
        registry_load(actor=SYSTEM, text=_csv(a, b))
    assert loop.value.code == "replacement_unknown"
    assert LegalDocument.objects.count() == 0
    with pytest.raises(DomainError) as missing:
        registry_load(actor=SYSTEM, text=_csv(a))
    assert "01/2001/TT-BGDĐT → 02/2002/TT-BGDĐT" in missing.value.message
    # order in the file does not matter: the successor is saved first
    summary = registry_load(actor=SYSTEM, text=_csv(a, {**DOC, "number": "02/2002/TT-BGDĐT"}))
    assert (summary.created, summary.updated) == (2, 0)
    assert LegalDocument.objects.get(number="01/2001/TT-BGDĐT").replaced_by.number == (
        "02/2002/TT-BGDĐT"
    )


def test_the_file_shipped_with_the_project_parses(org):
    assert registry_text().splitlines()[0] == ",".join(CSV_COLUMNS)


# --- one entry: the use cases ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["province_officer", "province_admin", "viewer", "outsider"])
def test_only_the_ministry_or_a_superuser_may_change_the_registry(org, people, who):
    before = _state()
    with pytest.raises(Forbidden):
        services.document_create(actor=getattr(people, who), **DOC)
    assert _state() == before


def test_a_ministry_specialist_adds_an_entry_audited(org, ministry_specialist):
    document = services.document_create(actor=ministry_specialist, **DOC)
    assert (document.number_key, document.issued_on, document.version) == (
        "09/2024/TT-BGDĐT",
        dt.date(2024, 6, 3),
        1,
    )
    event = AuditEvent.objects.get(action="legal.document_create")
    assert (event.actor, event.unit_id, event.object_id) == (
        ministry_specialist,
        org.ministry.pk,
        str(document.pk),
    )
    assert event.changes["number"] == [None, "09/2024/TT-BGDĐT"]


def test_the_same_number_twice_is_a_conflict(org, people):
    services.document_create(actor=people.superuser, **DOC)
    with pytest.raises(Conflict) as twice:
        services.document_create(actor=people.superuser, **{**DOC, "number": "09/2024/TT-BGD&ĐT"})
    assert twice.value.message == (
        "Thông tư 09/2024/TT-BGDĐT đã có trong danh mục; hãy sửa văn bản đó."
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"source_url": "khong-phai-dia-chi"}, "source_url", "Nguồn phải là địa chỉ trang web"),
        ({"status": "replaced"}, "replaced_by", "Văn bản đã bị thay thế: hãy ghi số"),
        ({"replaced_by": "36/2017/TT-BGDĐT"}, "replaced_by", "Chỉ ghi văn bản thay thế khi"),
        ({"issued_on": "03/06/2024", "effective_on": "01/01/2024"}, "effective_on", "Ngày có"),
        ({"title": "x" * 501}, "title", "Trích yếu dài tối đa 500 ký tự"),
        ({"doc_type": "sắc lệnh"}, "doc_type", "Loại văn bản phải là một trong: Luật"),
        ({"number": "không số"}, "number", "Số, ký hiệu phải có chữ số"),
        ({"issued_on": "1/1/1900"}, "issued_on", "Ngày ban hành phải từ 02/09/1945"),
    ],
)
def test_a_wrong_field_is_refused_with_a_vietnamese_message(org, people, change, field, message):
    before = _state()
    with pytest.raises(DomainError) as refused:
        services.document_create(actor=people.superuser, **{**DOC, **change})
    assert refused.value.field == field
    assert refused.value.message.startswith(message)
    assert _state() == before


def test_a_replacement_names_a_registry_entry_and_never_itself(org, people):
    su = people.superuser
    new = services.document_create(actor=su, **DOC)
    with pytest.raises(DomainError) as unknown:
        services.document_create(
            actor=su,
            **{
                **DOC,
                "number": "36/2017/TT-BGDĐT",
                "status": "replaced",
                "replaced_by": "99/2099/TT-X",
            },
        )
    assert unknown.value.message == (
        "Văn bản thay thế 99/2099/TT-X chưa có trong danh mục; hãy thêm nó trước."
    )
    old = services.document_create(
        actor=su,
        **{**DOC, "number": "36/2017/TT-BGDĐT", "status": "replaced", "replaced_by": DOC["number"]},
    )
    assert old.replaced_by == new
    with pytest.raises(DomainError) as loop:
        services.document_update(
            actor=su,
            document_id=new.pk,
            version=new.version,
            **{**DOC, "status": "replaced", "replaced_by": "36/2017/TT-BGDĐT"},
        )
    assert loop.value.code == "replacement_loop"


def test_a_stale_edit_is_refused_and_changes_nothing(org, people):
    su = people.superuser
    document = services.document_create(actor=su, **DOC)
    services.document_update(
        actor=su, document_id=document.pk, version=1, **{**DOC, "title": "Tên mới"}
    )
    before = _state()
    with pytest.raises(StaleEdit):
        services.document_update(
            actor=su, document_id=document.pk, version=1, **{**DOC, "title": "Tên khác"}
        )
    assert _state() == before
    assert LegalDocument.objects.get().title == "Tên mới"


# --- the doors -------------------------------------------------------------------------------


def test_the_edit_form_posted_back_unchanged_is_accepted(org, people, client_of):
    services.document_create(
        actor=people.superuser,
        **{
            **DOC,
            "effective_on": "19/07/2024",
            "amended_by": "01/2025/TT-BGDĐT",
            "note": "ghi chú",
        },
    )
    document = LegalDocument.objects.get()
    client = client_of(people.superuser)
    form = client.get(reverse("legal:update", args=[document.pk])).context["form"]
    posted = {name: form[name].value() for name in form.fields}
    posted = {
        k: form.fields[k].prepare_value(v) if v is not None else "" for k, v in posted.items()
    }
    assert posted["issued_on"] == "03/06/2024"
    response = client.post(reverse("legal:update", args=[document.pk]), posted)
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.version, document.effective_on) == (1, dt.date(2024, 7, 19))
    assert AuditEvent.objects.filter(action="legal.document_update").count() == 0


def test_the_page_keeps_the_input_and_says_why(org, people, client_of):
    client = client_of(people.superuser)
    response = client.post(
        reverse("legal:create"), {**DOC, "source_url": "khong-phai-dia-chi", "title": "Giữ lại"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nguồn phải là địa chỉ trang web công khai nêu sự việc" in body
    assert 'value="Giữ lại"' in body
    assert LegalDocument.objects.count() == 0
    created = client.post(reverse("legal:create"), DOC)
    assert created.status_code == 302
    assert created["Location"] == reverse("legal:document", args=[LegalDocument.objects.get().pk])


def test_others_get_a_403_page_and_nothing_changes(org, people, client_of):
    before = _state()
    response = client_of(people.province_officer).post(reverse("legal:create"), DOC)
    assert response.status_code == 403
    assert "Chỉ chuyên viên của Bộ Giáo dục và Đào tạo" in response.content.decode()
    assert _state() == before


def test_the_api_adds_reads_and_corrects_through_the_same_use_cases(org, people, client_of):
    client = client_of(people.superuser)
    created = client.post("/api/legal/documents", DOC, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert (body["number"], body["issued_on"], body["status_label"]) == (
        "09/2024/TT-BGDĐT",
        "2024-06-03",
        "Còn hiệu lực",
    )
    listed = client_of(people.viewer).get("/api/legal/documents?q=cong%20khai")
    assert [d["number"] for d in listed.json()["items"]] == ["09/2024/TT-BGDĐT"]
    stale = client.put(
        f"/api/legal/documents/{body['id']}",
        {**DOC, "version": 0, "title": "Khác"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    refused = client_of(people.outsider).post(
        "/api/legal/documents", {**DOC, "number": "1/2025/TT-X"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert LegalDocument.objects.count() == 1
    assert client.get("/api/legal/documents/999999").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_same_number_added_twice_at_once_is_saved_once(org, people, tmp_path):
    """B checks while A's row is written but not committed: B's insert then meets A's unique
    key (PostgreSQL) or waits for A's transaction (SQLite); either way B is told, not a 500."""
    import threading
    import time

    from django.db import connection, transaction

    from namhoc.testing.databases import shared_database

    written, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                services.document_create(actor=people.superuser, **DOC)
                written.set()
                release.wait(timeout=30)
            outcome["first"] = "saved"
        finally:
            connection.close()

    def second() -> None:
        try:
            written.wait(timeout=30)
            services.document_create(actor=people.superuser, **DOC)
            outcome["second"] = "saved"
        except DomainError as exc:
            outcome["second"] = exc.code
        finally:
            connection.close()

    with shared_database(tmp_path):
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        written.wait(timeout=30)
        time.sleep(0.5)  # B is at its insert (PostgreSQL) or waiting to begin (SQLite)
        release.set()
        for thread in threads:
            thread.join(timeout=60)
        assert outcome == {"first": "saved", "second": "duplicate"}
        assert LegalDocument.objects.count() == 1
        assert AuditEvent.objects.filter(action="legal.document_create").count() == 1
