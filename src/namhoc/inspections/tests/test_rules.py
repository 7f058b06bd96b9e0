"""Inspections' rules, bounds and refusals through both doors (ADR 0007, issue 9): every date and
text checked against its column with a Vietnamese message, a refused request changes nothing, a
conclusion once, the internal check of a school, the drafted Word files."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from namhoc.core.errors import DomainError
from namhoc.core.models import AuditEvent
from namhoc.directives.models import Directive
from namhoc.inspections import services
from namhoc.inspections.models import (
    FINDINGS_MAX,
    ChecklistItem,
    Inspection,
    InspectionPlan,
    Recommendation,
)
from namhoc.inspections.tests.helpers import build, ready_to_conclude
from namhoc.tracking.models import Assignment

pytestmark = pytest.mark.django_db
API = "/api/inspections"


def _state() -> tuple:
    return (
        list(InspectionPlan.objects.order_by("pk").values_list("title", "note", "version")),
        list(
            Inspection.objects.order_by("pk").values_list(
                "subject", "starts_on", "ends_on", "findings", "version", "concluded_at"
            )
        ),
        list(Inspection.objects.order_by("pk").values_list("members__user", "members__role")),
        list(ChecklistItem.objects.order_by("pk").values_list("text", "result", "note")),
        list(Recommendation.objects.order_by("pk").values_list("text", "deadline", "assignment")),
        Assignment.objects.count(),
        Directive.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def world(org, people):
    return build(org, people)


# --- bounds: what the user receives, and nothing saved ---------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("starts_on", "31/02/2026", "Ngày bắt đầu không đúng: ngày 31/02/2026 không có trên lịch."),
        ("starts_on", "2026-13-01", "Ngày bắt đầu không đúng: ngày 2026-13-01 không có trên lịch."),
        ("starts_on", "1/9/24", "Ngày bắt đầu phải có dạng ngày/tháng/năm, ví dụ 30/09/2026."),
        ("starts_on", "01/09/2024", "Ngày bắt đầu phải từ 01/08/2025 đến 31/07/2026."),
        ("ends_on", "09/03/2026", "Ngày kết thúc phải từ ngày bắt đầu trở đi."),
        ("subject", "x" * 501, "Nội dung kiểm tra dài tối đa 500 ký tự (đang có 501)."),
        ("subject", "   ", "Hãy nhập nội dung kiểm tra."),
    ],
)
def test_a_bad_schedule_is_refused_on_its_field_and_changes_nothing(  # noqa: PLR0917
    world, people, client_of, field, value, message
):
    data = {
        "version": "1",
        "subject": "Nội dung",
        "starts_on": "10/03/2026",
        "ends_on": "12/03/2026",
        field: value,
    }
    before = _state()
    response = client_of(people.province_officer).post(
        reverse("inspections:detail", args=[world.inspection.pk]), data
    )
    assert response.status_code == 400
    form = response.context["schedule_form"]
    expected_field = "ends_on" if message.startswith("Ngày kết thúc") else field
    assert form.errors[expected_field] == [message]
    assert _state() == before
    api = client_of(people.province_officer).patch(
        f"{API}/{world.inspection.pk}", data, content_type="application/json"
    )
    assert (api.status_code, api.json()["message"], api.json()["field"]) == (
        400,
        message,
        expected_field,
    )
    assert _state() == before


def test_texts_are_capped_on_every_path(world, people, client_of):
    officer = client_of(people.province_officer)
    world.inspection.refresh_from_db()
    before = _state()
    too_long = "a" * (FINDINGS_MAX + 1)
    page = officer.post(
        reverse("inspections:findings", args=[world.inspection.pk]),
        {"version": str(world.inspection.version), "findings": too_long},
    )
    assert page.status_code == 400
    assert page.context["findings_form"].errors["findings"] == [
        "Kết luận dài tối đa 20.000 ký tự (đang có 20.001)."
    ]
    api = officer.put(
        f"{API}/{world.inspection.pk}/findings",
        {"version": world.inspection.version, "findings": too_long},
        content_type="application/json",
    )
    assert (api.status_code, api.json()["code"]) == (400, "too_long")
    rec = officer.post(
        f"{API}/{world.inspection.pk}/recommendations",
        {"text": "k" * 2001, "deadline": "30/06/2099"},
        content_type="application/json",
    )
    assert rec.json()["message"] == "Kiến nghị dài tối đa 2.000 ký tự (đang có 2.001)."
    plan = officer.post(
        f"{API}/plans",
        {"unit": "p-a", "school_year": "2026-2027", "title": "t" * 301},
        content_type="application/json",
    )
    assert (plan.status_code, plan.json()["message"]) == (
        400,
        "Tên kế hoạch dài tối đa 300 ký tự (đang có 301).",
    )
    assert _state() == before


def test_a_recommendation_is_due_after_the_inspection(world, people, client_of):
    before = _state()
    response = client_of(people.province_officer).post(
        reverse("inspections:recommendation_add", args=[world.inspection.pk]),
        {"text": "Bổ sung hồ sơ", "deadline": "11/03/2026"},
    )
    assert response.status_code == 400
    assert response.context["recommendation_form"].errors["deadline"] == [
        "Thời hạn phải từ 12/03/2026 đến 31/12/2100."
    ]
    assert _state() == before


def test_an_unknown_result_and_an_item_of_another_inspection_are_refused(
    world, people, org, client_of
):
    officer = client_of(people.province_officer)
    items = services.checklist_add(
        actor=people.province_officer, inspection_id=world.inspection.pk, text="Mục"
    )
    other = services.inspection_create(
        actor=people.province_officer,
        plan_id=world.plan.pk,
        kind="kiem_tra",
        unit="c-a2",
        subject="Khác",
        starts_on="01/04/2026",
        ends_on="02/04/2026",
    )
    stranger = services.checklist_add(
        actor=people.province_officer, inspection_id=other.pk, text="Mục khác"
    )[0]
    before = _state()
    api = officer.put(
        f"{API}/{world.inspection.pk}/results",
        {"results": [{"id": items[0].pk, "result": "xuat_sac"}]},
        content_type="application/json",
    )
    assert (api.status_code, api.json()["message"]) == (
        400,
        "Kết quả phải là đạt, chưa đạt, không áp dụng hoặc để trống.",
    )
    api = officer.put(
        f"{API}/{world.inspection.pk}/results",
        {"results": [{"id": stranger.pk, "result": "dat"}]},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert _state() == before


# --- who may do what ---------------------------------------------------------------------------


def test_the_team_is_people_of_the_inspecting_unit(world, people, client_of):
    world.inspection.refresh_from_db()
    before = _state()
    response = client_of(people.province_officer).post(
        reverse("inspections:team", args=[world.inspection.pk]),
        {
            "version": str(world.inspection.version),
            "lead": str(people.province_officer.pk),
            "members": [str(people.commune_officer.pk)],
        },
    )
    assert response.status_code == 400
    assert (
        "Thành viên đoàn phải là người của Tỉnh Phú An; 1 người đã chọn không phải."
        in response.content.decode()
    )
    assert _state() == before


def test_a_team_member_records_results_but_does_not_conclude(world, people, org, client_of):
    from conftest import make_user

    from namhoc.accounts.models import Role

    member = make_user("thanh-tra-vien", "Ngô Văn Kiểm", (org.province_a, Role.VIEWER))
    inspection = ready_to_conclude(world, people)
    services.team_set(
        actor=people.province_officer,
        inspection_id=inspection.pk,
        version=inspection.version,
        members=[member.pk],
        lead=people.province_officer.pk,
    )
    inspection.refresh_from_db()
    client = client_of(member)
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).context["page"]
    assert (page.can_conduct, page.can_manage, page.can_conclude) == (True, False, False)
    response = client.post(
        reverse("inspections:findings", args=[inspection.pk]),
        {"version": str(inspection.version), "findings": "Ghi bởi thành viên đoàn."},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    before = _state()
    response = client.post(
        reverse("inspections:conclude", args=[inspection.pk]),
        {"version": str(inspection.version)},
    )
    assert response.status_code == 403
    assert (
        "Chỉ chuyên viên của Tỉnh Phú An mới ban hành được kết luận." in response.content.decode()
    )
    assert _state() == before


def test_a_viewer_of_the_inspecting_unit_reads_but_changes_nothing(world, people, client_of):
    inspection = ready_to_conclude(world, people)
    viewer = client_of(people.viewer)
    assert viewer.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 200
    before = _state()
    for url, data in (
        (reverse("inspections:conclude", args=[inspection.pk]), {"version": inspection.version}),
        (reverse("inspections:checklist_add", args=[inspection.pk]), {"text": "Mục"}),
        (reverse("inspections:findings", args=[inspection.pk]), {"version": 1, "findings": "x"}),
    ):
        assert viewer.post(url, data).status_code == 403, url
    assert _state() == before


# --- concluding --------------------------------------------------------------------------------


def test_a_conclusion_is_issued_once(world, people, client_of):
    inspection = ready_to_conclude(world, people)
    services.inspection_conclude(
        actor=people.province_officer, inspection_id=inspection.pk, version=inspection.version
    )
    inspection.refresh_from_db()
    before = _state()
    response = client_of(people.province_officer).post(
        f"{API}/{inspection.pk}/conclusion",
        {"version": inspection.version},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (409, "concluded")
    assert _state() == before


def test_a_conclusion_waits_for_every_result_and_the_findings(world, people, client_of):
    inspection = ready_to_conclude(world, people)
    services.checklist_add(actor=people.province_officer, inspection_id=inspection.pk, text="Mới")
    before = _state()
    response = client_of(people.province_officer).post(
        reverse("inspections:conclude", args=[inspection.pk]), {"version": inspection.version}
    )
    assert response.status_code == 400
    assert (
        "Còn 1 mục kiểm tra chưa đánh giá; hãy ghi kết quả trước khi kết luận."
        in response.content.decode()
    )
    assert _state() == before


def test_a_conclusion_without_a_number_is_published_as_unnumbered(world, people):
    inspection = ready_to_conclude(world, people, recommendations=2)
    concluded = services.inspection_conclude(
        actor=people.province_officer, inspection_id=inspection.pk, version=inspection.version
    )
    directive = concluded.conclusion
    assert (directive.unnumbered, directive.number, directive.issued_on) == (True, "", None)
    assert directive.title == (  # the subject as typed
        "Kết luận kiểm tra Việc thực hiện nhiệm vụ năm học tại Trường Tiểu học An Lạc"
    )
    assert list(
        Assignment.objects.filter(task__directive=directive)
        .order_by("task__position")
        .values_list("unit__key", "deadline")
    ) == [("s-a1", dt(2099, 6, 1)), ("s-a1", dt(2099, 6, 2))]


def dt(year: int, month: int, day: int):  # type: ignore[no-untyped-def]
    import datetime

    return datetime.date(year, month, day)


def test_an_internal_check_is_the_schools_own_and_its_follow_up_stays_with_it(
    org, people, client_of
):
    principal = people.school_principal
    plan = services.plan_create(
        actor=principal, unit="s-a1", school_year="2025-2026", title="Kiểm tra nội bộ"
    )
    # only the school itself may be looked at by its internal check
    with pytest.raises(DomainError) as refused:
        services.inspection_create(
            actor=principal,
            plan_id=plan.pk,
            kind="noi_bo",
            unit="s-a2",
            subject="Hồ sơ",
            starts_on="01/10/2025",
            ends_on="02/10/2025",
        )
    assert (refused.value.code, refused.value.field) == ("unit_not_found", "unit")
    inspection = services.inspection_create(
        actor=principal,
        plan_id=plan.pk,
        kind="noi_bo",
        unit="",
        subject="Hồ sơ chuyên môn tổ 1",
        starts_on="01/10/2025",
        ends_on="02/10/2025",
    )
    assert inspection.unit == org.school_a1
    item = services.checklist_add(actor=principal, inspection_id=inspection.pk, text="Giáo án")[0]
    services.results_record(
        actor=principal, inspection_id=inspection.pk, results={item.pk: {"result": "dat"}}
    )
    inspection.refresh_from_db()
    services.findings_save(
        actor=principal, inspection_id=inspection.pk, version=inspection.version, findings="Tốt."
    )
    services.recommendation_add(
        actor=principal, inspection_id=inspection.pk, text="Duy trì", deadline="30/06/2099"
    )
    inspection.refresh_from_db()
    concluded = services.inspection_conclude(
        actor=principal, inspection_id=inspection.pk, version=inspection.version
    )
    assert concluded.conclusion.unit == org.school_a1
    assert Assignment.objects.filter(task__directive=concluded.conclusion).count() == 0
    page = client_of(principal).get(reverse("inspections:detail", args=[inspection.pk]))
    follow = page.context["page"].recommendations[0][1]
    assert (follow.code, follow.label) == ("own", "Đơn vị tự thực hiện (kiểm tra nội bộ)")


def test_an_internal_check_belongs_to_a_school(world, people):
    with pytest.raises(DomainError) as refused:
        services.inspection_create(
            actor=people.province_officer,
            plan_id=world.plan.pk,
            kind="noi_bo",
            unit="",
            subject="Nội bộ",
            starts_on="01/10/2025",
            ends_on="02/10/2025",
        )
    assert refused.value.code == "internal_is_own_school"


# --- the Word files ----------------------------------------------------------------------------


def test_the_record_and_the_draft_conclusion_are_drafted_in_the_official_layout(
    world, people, client_of
):
    inspection = ready_to_conclude(world, people)
    school = client_of(people.school_principal)
    record = school.get(reverse("inspections:record", args=[inspection.pk]))
    assert record.status_code == 200
    assert record["Content-Disposition"] == (
        'attachment; filename="bien-ban-kiem-tra-truong-tieu-hoc-an-lac.docx"'
    )
    document = docx.Document(io.BytesIO(record.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "BIÊN BẢN"
    assert "- Trần Văn Tỉnh, trưởng đoàn;" in texts
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert "UBND TỈNH PHÚ AN\nSỞ GIÁO DỤC VÀ ĐÀO TẠO" in header[0]
    assert "Số:      /BB-SGDĐT" in header[0]
    results = document.tables[1]
    assert [c.text for c in results.rows[2].cells] == [
        "2",
        f"{world.given.task.label} {world.given.task.title}".strip(),
        "Chưa đạt",
        "Chưa có kế hoạch chi tiết",
    ]
    draft = school.get(reverse("inspections:conclusion", args=[inspection.pk]))
    assert draft["Content-Disposition"] == (
        'attachment; filename="du-thao-ket-luan-kiem-tra-truong-tieu-hoc-an-lac.docx"'
    )
    texts = [p.text for p in docx.Document(io.BytesIO(draft.content)).paragraphs]
    assert texts[0] == "KẾT LUẬN"
    assert "1. Bổ sung kế hoạch chi tiết số 1 Thời hạn hoàn thành: 01/06/2099." in texts
    assert (
        client_of(people.outsider)
        .get(reverse("inspections:record", args=[inspection.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (dt(2026, 3, 5), "Phú An, ngày 05 tháng 3 năm 2026"),
        (dt(2026, 1, 12), "Phú An, ngày 12 tháng 01 năm 2026"),
        (dt(2026, 12, 3), "Phú An, ngày 03 tháng 12 năm 2026"),
    ],
)
def test_an_issued_documents_number_and_date_read_as_decree_30_asks(day, line):
    from namhoc.inspections.documents import NumberedHeader

    header = NumberedHeader(
        upper_body="", issuer="SỞ", symbol="KL-SGDĐT", place="Phú An", year=2026,
        number="15/KL-SGDĐT", day=day,
    )  # fmt: skip
    assert (header.number_line, header.place_date) == ("Số: 15/KL-SGDĐT", line)
    draft = NumberedHeader(upper_body="", issuer="SỞ", symbol="KL-SGDĐT", place="Phú An", year=2026)
    assert (draft.number_line, draft.place_date) == (
        "Số:      /KL-SGDĐT",
        "Phú An, ngày      tháng      năm 2026",
    )
