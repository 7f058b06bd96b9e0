"""The use cases: versions, who may draft, what input is refused (and that a refusal changes
nothing), the background build being safe to run twice, templates nearest-first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase

from namhoc.core.errors import DomainError, Forbidden, NotFound
from namhoc.core.models import AuditEvent
from namhoc.reporting import services
from namhoc.reporting.models import ReportDraft, ReportTemplate
from namhoc.reporting.selectors import STALE_AFTER, template_for
from namhoc.reporting.starter import starter_template
from namhoc.reporting.tests.helpers import (
    NOW,
    build_world,
    clock,
    docx_text,
    request_and_build,
    stored,
    template,
)

pytestmark = pytest.mark.django_db
YEAR = "2025-2026"


def _state() -> tuple:
    return (
        list(ReportDraft.objects.order_by("pk").values_list("unit_id", "kind", "version")),
        list(ReportTemplate.objects.order_by("pk").values_list("unit_id", "retired_at")),
        AuditEvent.objects.count(),
    )


def _request(actor, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=False):
        return services.draft_request(actor=actor, **kwargs)


def test_drafting_again_makes_the_next_version_and_keeps_the_old(org, people):
    world = build_world(org, people)
    first = request_and_build(
        actor=people.province_officer, unit_key="p-a", kind="year_end", school_year=YEAR
    )
    second = request_and_build(
        actor=people.province_officer, unit_key="p-a", kind="year-end", school_year=YEAR
    )
    semester = request_and_build(
        actor=people.province_officer, unit_key="p-a", kind="semester", school_year=YEAR
    )
    plan = request_and_build(
        actor=people.province_officer,
        unit_key="c-a1",
        kind="plan",
        directive_id=str(world.province_plan.pk),
    )
    drafts = (first, second, semester, plan)
    assert [(d.kind, d.school_year, d.version, d.status) for d in drafts] == [
        ("year_end", YEAR, 1, "done"),
        ("year_end", YEAR, 2, "done"),
        ("semester", YEAR, 1, "done"),
        ("plan", YEAR, 1, "done"),
    ]  # fmt: skip
    assert stored(first.file.name)[:2] == b"PK"
    assert first.title == (
        "Báo cáo tổng kết năm học 2025-2026 và phương hướng, nhiệm vụ năm học 2026-2027"
    )
    assert plan.directive_id == world.province_plan.pk
    events = list(
        AuditEvent.objects.filter(object_id=str(second.pk), content_type__model="reportdraft")
        .order_by("pk")
        .values_list("action", "actor_id", "unit_id", "source")
    )
    assert events == [
        ("report.request", people.province_officer.pk, org.province_a.pk, "system"),
        ("report.finish", None, org.province_a.pk, "task"),
    ]


def test_the_plans_default_upper_document_is_the_one_in_force_above(org, people):
    world = build_world(org, people)
    with clock():
        draft = _request(people.commune_officer, unit_key="c-a1", kind="plan", school_year=YEAR)
    assert draft.directive_id == world.province_plan.pk


@pytest.mark.parametrize(
    ("user", "unit", "error"),
    [
        ("viewer", "p-a", Forbidden),  # reads drafts, does not make them
        ("province_admin", "c-a1", Forbidden),
        ("commune_officer", "p-a", NotFound),  # above them
        ("commune_officer", "c-a2", NotFound),  # a sibling
        ("outsider", "c-a1", NotFound),
    ],
)
def test_only_a_specialist_of_the_unit_or_above_drafts_and_a_refusal_changes_nothing(
    org, people, user, unit, error
):
    before = _state()
    with pytest.raises(error):
        _request(getattr(people, user), unit_key=unit, kind="year_end", school_year=YEAR)
    assert _state() == before


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"kind": "bao-cao"}, "bad_kind", "kind"),
        ({"kind": None}, "bad_kind", "kind"),
        ({"school_year": "2025"}, "bad_school_year", "school_year"),
        ({"school_year": "2025-2027"}, "bad_school_year", "school_year"),
        ({"school_year": ""}, "bad_school_year", "school_year"),
        ({"unit_key": ""}, "required", "unit"),
        ({"unit_key": "x" * 41}, "not_found", "unit"),
        ({"signer_name": "N" * 121}, "too_long", "signer_name"),
        ({"signer_title": ["GIÁM ĐỐC"]}, "invalid_text", "signer_title"),
    ],
)
def test_bad_input_is_refused_with_its_field(org, people, kwargs, code, field):
    before = _state()
    raw = {"unit_key": "p-a", "kind": "year_end", "school_year": YEAR, **kwargs}
    with pytest.raises(DomainError) as info:
        _request(people.province_officer, **raw)
    assert (info.value.code, info.value.field) == (code, field)
    assert _state() == before


def test_a_too_long_signer_gets_a_vietnamese_message(org, people):
    with pytest.raises(DomainError) as info:
        _request(
            people.province_officer,
            unit_key="p-a",
            kind="year_end",
            school_year=YEAR,
            signer_name="N" * 121,
        )
    assert info.value.message == "Người ký dài tối đa 120 ký tự (đang có 121)."


@pytest.mark.parametrize(
    ("which", "code", "status"),
    [
        ("own", "not_above", 400),  # An Lạc's own plan is not above An Lạc
        ("below", "not_above", 400),
        ("sibling", "not_found", 404),
        ("bad", "bad_directive", 400),
    ],
)
def test_a_plan_carries_out_a_directive_above_the_unit(org, people, which, code, status):
    world = build_world(org, people)
    directive = {
        "own": world.commune_plan.pk,
        "below": world.commune_plan.pk,
        "sibling": 10**9,
        "bad": "abc",
    }[which]
    unit = "s-a1" if which == "below" else "c-a1"
    actor = people.commune_officer
    if which == "below":
        directive = world.province_plan.pk  # issued above the school: allowed
        with clock():
            draft = _request(actor, unit_key=unit, kind="plan", directive_id=directive)
        assert draft.directive_id == directive
        directive, unit = world.commune_plan.pk, "c-a1"
    before = _state()
    with pytest.raises(DomainError) as info:
        _request(actor, unit_key=unit, kind="plan", directive_id=directive)
    assert (info.value.code, info.value.status) == (code, status)
    assert _state() == before


def test_building_twice_changes_nothing_the_second_time(org, people):
    build_world(org, people)
    draft = request_and_build(
        actor=people.province_officer, unit_key="p-a", kind="year_end", school_year=YEAR
    )
    events = AuditEvent.objects.count()
    again = services.draft_build(draft_id=draft.pk)
    assert again is not None
    assert (again.status, again.file.name, again.attempts) == ("done", draft.file.name, 1)
    assert AuditEvent.objects.count() == events


def test_a_draft_whose_worker_stopped_is_taken_over_then_given_up(org, people):
    build_world(org, people)
    with clock():
        draft = _request(people.province_officer, unit_key="p-a", kind="year_end", school_year=YEAR)
    long_ago = NOW - STALE_AFTER - dt.timedelta(minutes=1)
    stale = ReportDraft.objects.filter(pk=draft.pk)
    stale.update(status="running", started_at=long_ago, attempts=1)
    with clock():
        taken = services.draft_build(draft_id=draft.pk)
    assert taken is not None
    assert (taken.status, taken.attempts) == ("done", 2)
    stale.update(status="running", started_at=long_ago, attempts=3)
    with clock():
        given_up = services.draft_build(draft_id=draft.pk)
    assert given_up is not None
    assert given_up.status == "failed"
    assert given_up.message.startswith("Việc soạn dự thảo bị dừng giữa chừng 3 lần")
    ReportDraft.objects.filter(pk=draft.pk).update(status="running", started_at=NOW, attempts=1)
    with clock():
        assert services.draft_build(draft_id=draft.pk).status == "running"  # a live worker


def test_the_nearest_units_template_is_used_and_retiring_it_goes_back(org, people):
    world = build_world(org, people)
    del world
    province = services.template_upload(
        actor=people.province_officer,
        unit_key="p-a",
        kind="year_end",
        data=template("TỈNH {{ don_vi }} {{ nam_hoc }}"),
        filename="mau-tinh.docx",
    )
    commune = services.template_upload(
        actor=people.commune_officer,
        unit_key="c-a1",
        kind="year_end",
        data=template("XÃ {{ don_vi }} — {{ ty_le_dung_han }}"),
        filename="mau-xa.docx",
    )
    assert template_for(org.school_a1, "year_end") == commune
    assert template_for(org.commune_a2, "year_end") == province
    assert template_for(org.commune_a2, "semester") is None
    drafted = request_and_build(
        actor=people.commune_officer, unit_key="c-a1", kind="year_end", school_year=YEAR
    )
    assert drafted.template_id == commune.pk
    assert docx_text(stored(drafted.file.name)).strip() == "XÃ Xã An Lạc — —"  # nothing due yet
    services.template_retire(actor=people.commune_officer, template_id=commune.pk)
    drafted = request_and_build(
        actor=people.commune_officer, unit_key="c-a1", kind="year_end", school_year=YEAR
    )
    assert (drafted.template_id, drafted.version) == (province.pk, 2)
    assert docx_text(stored(drafted.file.name)).strip() == "TỈNH Xã An Lạc 2025-2026"
    with pytest.raises(DomainError) as info:
        services.template_retire(actor=people.commune_officer, template_id=commune.pk)
    assert (info.value.code, info.value.status) == ("already_retired", 409)
    actions = list(
        AuditEvent.objects.filter(content_type__model="reporttemplate")
        .order_by("pk")
        .values_list("action", "object_id")
    )
    assert actions == [
        ("report_template.upload", str(province.pk)),
        ("report_template.upload", str(commune.pk)),
        ("report_template.retire", str(commune.pk)),
    ]


def test_the_starter_template_renders_real_data(org, people):
    build_world(org, people)
    services.template_upload(
        actor=people.province_officer,
        unit_key="p-a",
        kind="year_end",
        data=starter_template("year_end"),
        filename="mau-goc.docx",
    )
    drafted = request_and_build(
        actor=people.province_officer, unit_key="p-a", kind="year_end", school_year=YEAR
    )
    text = docx_text(stored(drafted.file.name))
    assert "UBND TỈNH PHÚ AN" in text
    assert "Số:      /BC-SGDĐT" in text
    assert "Phú An, ngày      tháng      năm 2026" in text
    assert "I. TÌNH HÌNH CHUNG" in text
    assert "{{" not in text
    assert "{%" not in text


def test_uploading_again_replaces_the_template_and_keeps_the_old_one(org, people):
    first = services.template_upload(
        actor=people.province_officer,
        unit_key="p-a",
        kind="plan",
        data=template("{{ don_vi }}"),
        filename="a.docx",
    )
    second = services.template_upload(
        actor=people.province_officer,
        unit_key="p-a",
        kind="plan",
        data=template("{{ don_vi }} {{ nam_hoc }}"),
        filename="b.docx",
    )
    first.refresh_from_db()
    assert first.retired_at is not None
    assert first.retired_by == people.province_officer
    assert second.in_use
    assert template_for(org.province_a, "plan") == second


@pytest.mark.parametrize(
    ("user", "error"),
    [("viewer", Forbidden), ("commune_officer", NotFound), ("outsider", NotFound)],
)
def test_only_a_specialist_of_the_unit_or_above_uploads_a_template(org, people, user, error):
    before = _state()
    with pytest.raises(error):
        services.template_upload(
            actor=getattr(people, user),
            unit_key="p-a",
            kind="year_end",
            data=template("{{ don_vi }}"),
            filename="a.docx",
        )
    assert _state() == before


def test_a_broken_template_is_refused_and_nothing_is_kept(org, people):
    before = _state()
    with pytest.raises(DomainError) as info:
        services.template_upload(
            actor=people.province_officer,
            unit_key="p-a",
            kind="year_end",
            data=template("{{ ten_sai }}"),
            filename="a.docx",
        )
    assert info.value.code == "bad_template"
    assert "«ten_sai»" in info.value.message
    assert _state() == before


def test_a_template_must_be_a_docx_within_the_upload_size(org, people, settings):
    for data, code in ((b"%PDF-1.4 x", "bad_type"), (b"", "empty")):
        with pytest.raises(DomainError) as info:
            services.template_upload(
                actor=people.province_officer,
                unit_key="p-a",
                kind="year_end",
                data=data,
                filename="a.pdf",
            )
        assert (info.value.code, info.value.field) == (code, "file")
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(DomainError) as info:
        services.template_upload(
            actor=people.province_officer,
            unit_key="p-a",
            kind="year_end",
            data=template("{{ don_vi }}" + "x" * 4000),
            filename="a.docx",
        )
    assert info.value.code == "too_large"
