"""Emulation's rules, bounds and refusals through both doors: one title a year, stages, the
council's people, votes once and secret, the count's rule, the score from the year's record,
what each side reads, every number bounded and every text capped; a refused request changes
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from namhoc.core.errors import DomainError
from namhoc.core.models import AuditEvent
from namhoc.emulation import services
from namhoc.emulation.models import CouncilMember, EmulationRound, Registration, Vote
from namhoc.emulation.tally import Tally
from namhoc.emulation.tests.helpers import YEAR, build, submit, to_stage
from namhoc.emulation.titles import all_titles, title_by_code
from namhoc.inspections.tests import helpers as inspections
from namhoc.tracking.tests.helpers import report

pytestmark = pytest.mark.django_db
API = "/api/emulation"


def _state() -> tuple:
    return (
        list(
            EmulationRound.objects.order_by("pk").values_list(
                "title", "status", "quorum_percent", "threshold_percent", "version"
            )
        ),
        list(
            Registration.objects.order_by("pk").values_list(
                "title", "status", "result", "self_assessment", "score", "version"
            )
        ),
        list(CouncilMember.objects.order_by("pk").values_list("user", "role")),
        list(Vote.objects.order_by("pk").values_list("member", "agree")),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def world(org, people):
    return build(org, people)


# --- the titles' data file ----------------------------------------------------------------------


def test_the_titles_name_their_legal_basis_and_publish_their_weights():
    titles = {t.code: t for t in all_titles()}
    assert [t.name for t in all_titles()] == [
        "Tập thể lao động xuất sắc",
        "Tập thể lao động tiên tiến",
        "Lao động tiên tiến",
        "Chiến sĩ thi đua cơ sở",
    ]
    for title in titles.values():
        assert "06/2022/QH15" in title.legal.basis
        assert "98/2023/NĐ-CP" in title.legal.basis
    fighter = titles["chien_si_thi_dua_co_so"]
    assert (fighter.legal.article, fighter.legal.checked) == ("Điều 23", True)
    assert [c.namhoc_choice for c in fighter.criteria] == [False, False]
    excellent = titles["tt_lao_dong_xuat_sac"]
    assert [(c.code, int(c.weight)) for c in excellent.criteria] == [
        ("attainment", 40),
        ("on_time", 30),
        ("inspection", 20),
        ("standard_schools", 10),
        ("no_discipline", 0),
    ]
    assert all(c.namhoc_choice for c in excellent.criteria)


def test_the_api_publishes_the_titles(people, client_of):
    rows = client_of(people.viewer).get(f"{API}/titles").json()
    assert [r["code"] for r in rows] == [t.code for t in all_titles()]
    assert rows[0]["legal_checked"] is False
    assert rows[0]["criteria"][0]["weight"] == "40"


# --- the count ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "agree", "disagree", "quorate", "passed"),
    [
        (3, 2, 1, True, True),  # 2/3 = 66.7 % > 50 %
        (4, 2, 2, True, False),  # 2/4 = 50 %: not more than half
        (3, 1, 0, False, False),  # 1 of 3 voted: 33 % < 67 %
        (3, 2, 0, False, False),  # two of three voted: 66.7 % < 67 % (200 < 201)
        (6, 4, 0, False, False),  # 66.7 % again
        (6, 5, 0, True, True),
        (0, 0, 0, False, False),
    ],
)
def test_the_count_follows_the_rounds_rules(members, agree, disagree, quorate, passed):
    tally = Tally(members, agree, disagree, quorum_percent=67, threshold_percent=50)
    assert (tally.quorate, tally.passed) == (quorate, passed)


# --- registering ---------------------------------------------------------------------------------


def test_one_title_a_year_for_a_unit_until_it_withdraws(world, people, client_of):
    principal = client_of(people.school_principal)
    before = _state()
    response = principal.post(
        reverse("emulation:register", args=[world.round.pk]),
        {"title": "tt_lao_dong_xuat_sac", "unit": "s-a1"},
    )
    assert response.status_code == 409
    assert (
        "Đã đăng ký danh hiệu “Tập thể lao động tiên tiến — Trường Tiểu học An Lạc” trong đợt này"
        in response.content.decode()
    )
    assert _state() == before
    services.registration_withdraw(actor=people.school_principal, registration_id=world.school.pk)
    response = principal.post(
        reverse("emulation:register", args=[world.round.pk]),
        {"title": "tt_lao_dong_xuat_sac", "unit": "s-a1"},
    )
    assert response.status_code == 302
    assert Registration.objects.filter(unit__key="s-a1", kind="collective").exclude(
        status="withdrawn"
    ).get().title == ("tt_lao_dong_xuat_sac")


def test_a_collective_title_is_for_a_unit_below_the_councils(world, people, client_of):
    before = _state()
    response = client_of(people.commune_officer).post(
        f"{API}/rounds/{world.round.pk}/registrations",
        {"title": "tt_lao_dong_tien_tien", "unit": "c-a1"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["message"]) == (
        400,
        "Đơn vị đăng ký phải là đơn vị cấp dưới của Xã An Lạc.",
    )
    assert _state() == before


def test_registering_after_its_stage_is_refused(world, people, client_of):
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    before = _state()
    response = client_of(people.commune_officer).post(
        f"{API}/rounds/{world.round.pk}/registrations",
        {"title": "lao_dong_tien_tien", "unit": "c-a1"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["message"]) == (
        400,
        "Việc này chỉ làm được ở giai đoạn đăng ký danh hiệu; đợt thi đua đang ở giai đoạn tự "
        "đánh giá cuối năm.",
    )
    assert _state() == before


def test_someone_else_may_not_register_a_person(world, org, people, client_of):
    before = _state()
    response = client_of(people.viewer).post(
        f"{API}/rounds/{world.round.pk}/registrations",
        {"title": "lao_dong_tien_tien", "unit": "s-a1", "person": people.school_principal.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert _state() == before


# --- the round's settings: bounded numbers, capped texts -------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quorum_percent", "0", "Tỷ lệ thành viên bỏ phiếu tối thiểu phải từ 1 trở lên."),
        ("quorum_percent", "101", "Tỷ lệ thành viên bỏ phiếu tối thiểu không được lớn hơn 100."),
        (
            "quorum_percent",
            "1e20",
            "Tỷ lệ thành viên bỏ phiếu tối thiểu phải là một số, ví dụ 1.250 hoặc 12,5.",
        ),
        ("threshold_percent", "²", "Tỷ lệ đồng ý phải vượt phải là một số, ví dụ 1.250 hoặc 12,5."),
        ("threshold_percent", "100", "Tỷ lệ đồng ý phải vượt không được lớn hơn 99."),
        (
            "threshold_percent",
            "50,5",
            "Tỷ lệ đồng ý phải vượt phải là số nguyên (không có phần thập phân).",
        ),
        ("title", "t" * 301, "Tên đợt thi đua dài tối đa 300 ký tự (đang có 301)."),
    ],
)
@pytest.mark.parametrize("door", ["page", "api"])
def test_the_rounds_rules_are_bounded(world, people, client_of, field, value, message, door):  # noqa: PLR0917
    data = {
        "version": world.round.version,
        "title": "Thi đua",
        "quorum_percent": "67",
        "threshold_percent": "50",
        field: value,
    }
    before = _state()
    client = client_of(people.commune_officer)
    if door == "page":
        response = client.post(reverse("emulation:round", args=[world.round.pk]), data)
        assert response.status_code == 400
        assert response.context["settings_form"].errors[field] == [message]
    else:
        response = client.patch(
            f"{API}/rounds/{world.round.pk}", data, content_type="application/json"
        )
        assert (response.status_code, response.json()["message"]) == (400, message)
    assert _state() == before


def test_a_self_assessment_is_capped(world, people, client_of):
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    world.school.refresh_from_db()
    before = _state()
    response = client_of(people.school_principal).post(
        reverse("emulation:assess", args=[world.school.pk]),
        {"version": world.school.version, "text": "x" * 10_001},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["text"] == [
        "Tự đánh giá dài tối đa 10.000 ký tự (đang có 10.001)."
    ]
    assert _state() == before


def test_a_school_cannot_hold_a_round(people, org, client_of):
    response = client_of(people.school_principal).post(
        f"{API}/rounds",
        {"unit": "s-a1", "school_year": YEAR},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "not_a_council_unit")
    assert EmulationRound.objects.count() == 0


def test_a_second_round_of_the_year_is_refused(world, people, client_of):
    response = client_of(people.commune_officer).post(
        f"{API}/rounds", {"unit": "c-a1", "school_year": YEAR}, content_type="application/json"
    )
    assert (response.status_code, response.json()["message"]) == (
        409,
        "Xã An Lạc đã mở đợt thi đua năm học 2025-2026.",
    )


# --- the council and the vote ------------------------------------------------------------------


def test_the_council_is_people_of_the_rounds_unit(world, people, client_of):
    before = _state()
    response = client_of(people.commune_officer).post(
        reverse("emulation:council_add", args=[world.round.pk]),
        {"user": people.school_principal.pk, "role": "uy_vien"},
    )
    assert response.status_code == 400
    assert "Thành viên hội đồng phải là người của Xã An Lạc." in response.content.decode()
    assert _state() == before


def test_only_the_council_votes_and_only_during_the_vote(world, people, client_of):
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    submit(world.school, people.school_principal, no_discipline=True)
    before = _state()
    early = client_of(world.members[0]).post(
        f"{API}/registrations/{world.school.pk}/vote",
        {"agree": True},
        content_type="application/json",
    )
    assert (early.status_code, early.json()["code"]) == (400, "wrong_stage")
    to_stage(world, people, EmulationRound.Status.VOTING)
    before = _state()
    outsider = client_of(people.school_principal).post(
        f"{API}/registrations/{world.school.pk}/vote",
        {"agree": True},
        content_type="application/json",
    )
    assert (outsider.status_code, outsider.json()["message"]) == (
        403,
        "Chỉ thành viên hội đồng thi đua – khen thưởng mới bỏ phiếu được.",
    )
    unsubmitted = client_of(world.members[0]).post(
        f"{API}/registrations/{world.principal.pk}/vote",
        {"agree": True},
        content_type="application/json",
    )
    assert (unsubmitted.status_code, unsubmitted.json()["code"]) == (400, "not_submitted")
    assert _state() == before


def test_the_vote_is_secret_and_the_tally_is_the_councils_until_the_decision(
    world, people, client_of
):
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    submit(world.school, people.school_principal, no_discipline=True)
    to_stage(world, people, EmulationRound.Status.VOTING)
    for member in world.members:
        services.vote_cast(actor=member, registration_id=world.school.pk, agree="dong_y")
    event = AuditEvent.objects.filter(action="vote.cast").latest("pk")
    assert event.changes == {"vote": [None, "đã bỏ phiếu"]}  # not how
    school = client_of(people.school_principal)
    page = school.get(reverse("emulation:registration", args=[world.school.pk]))
    assert page.context["page"].tally is None
    assert school.get(reverse("emulation:results", args=[world.round.pk])).status_code == 403
    officer = client_of(people.commune_officer)
    page = officer.get(reverse("emulation:registration", args=[world.school.pk]))
    assert (page.context["page"].tally.agree, page.context["page"].tally.members) == (3, 3)
    world.round.refresh_from_db()
    services.round_decide(
        actor=people.commune_officer, round_id=world.round.pk, version=world.round.version
    )
    page = school.get(reverse("emulation:registration", args=[world.school.pk]))
    assert page.context["page"].tally.passed is True
    assert "Được công nhận" in page.content.decode()


def test_a_member_cannot_leave_once_the_vote_opened(world, people, client_of):
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    submit(world.school, people.school_principal, no_discipline=True)
    to_stage(world, people, EmulationRound.Status.VOTING)
    seat = CouncilMember.objects.get(round=world.round, user=world.members[1])
    before = _state()
    response = client_of(people.commune_officer).delete(
        f"{API}/rounds/{world.round.pk}/council/{seat.pk}"
    )
    assert (response.status_code, response.json()["code"]) == (400, "wrong_stage")
    assert _state() == before


# --- the score from the year's record ----------------------------------------------------------


def test_the_score_weighs_the_years_work_and_inspections(org, people):
    # the school's year: one task done on time, one inspection with one item met of two
    world = inspections.build(org, people)
    report(
        actor=people.school_principal, assignment=world.given, text="Xong", percent=100
    )  # done today, due 2099: on time
    checked = inspections.ready_to_conclude(world, people)
    from namhoc.inspections import services as inspection_services

    inspection_services.inspection_conclude(
        actor=people.province_officer, inspection_id=checked.pk, version=checked.version
    )
    emulation = build(org, people)
    to_stage(emulation, people, EmulationRound.Status.ASSESSMENT)
    submitted = submit(emulation.school, people.school_principal, no_discipline="on")
    values = {c["code"]: (c["value"], c["met"], c["note"]) for c in submitted.criteria}
    assert values["on_time"] == ("100.0", True, "1/1 việc đúng hạn")
    assert values["inspection"] == (
        "50.0",
        False,
        "1/2 nội dung đạt qua 1 cuộc kiểm tra",
    )
    assert values["attainment"][0] is None  # no figures: left out, not scored 0
    # (40 × 100 + 20 × 50) / 60
    assert str(submitted.score) == "83.3"


def test_a_declared_criterion_is_required(world, people):
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    from namhoc.emulation.scoring import score

    title = title_by_code("lao_dong_tien_tien")
    assert title is not None
    scored = score(title, unit=world.principal.unit, school_year=YEAR, declared={"duties": True})
    assert (scored.score, scored.proposed) == (100, False)  # "conduct" not declared yet
    scored = score(
        title,
        unit=world.principal.unit,
        school_year=YEAR,
        declared={"duties": True, "conduct": False},
    )
    assert (scored.score, scored.proposed) == (50, False)
    scored = score(
        title,
        unit=world.principal.unit,
        school_year=YEAR,
        declared={"duties": True, "conduct": True},
    )
    assert (scored.score, scored.proposed) == (100, True)


def test_the_decision_date_is_not_in_the_future(world, people, client_of):
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    submit(world.school, people.school_principal, no_discipline=True)
    to_stage(world, people, EmulationRound.Status.VOTING)
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    before = _state()
    with pytest.raises(DomainError) as refused:
        services.round_decide(
            actor=people.commune_officer,
            round_id=world.round.pk,
            version=world.round.version,
            decision_date=tomorrow.strftime("%d/%m/%Y"),
        )
    assert refused.value.field == "decision_date"
    assert _state() == before


def test_the_score_reads_the_latest_period_whose_reference_date_has_passed():
    """As ``indicators.calendar.current_period``: on 20/10 the start-of-year figures (as of
    30/09, due 31/10) are the newest, though not yet due; the semester is not."""
    from namhoc.emulation.scoring import _period
    from namhoc.indicators.models import Period

    start = Period.objects.create(
        code=f"{YEAR}.DN", school_year=YEAR, kind="start", name="Đầu năm học",
        start=dt.date(2025, 9, 5), end=dt.date(2025, 9, 30), as_of=dt.date(2025, 9, 30),
        due=dt.date(2025, 10, 31),
    )  # fmt: skip
    Period.objects.create(
        code=f"{YEAR}.HK1", school_year=YEAR, kind="hk1", name="Học kỳ I",
        start=dt.date(2025, 9, 5), end=dt.date(2026, 1, 15), as_of=dt.date(2026, 1, 15),
        due=dt.date(2026, 1, 31),
    )  # fmt: skip
    assert _period(YEAR, dt.date(2025, 9, 29)) is None
    assert _period(YEAR, dt.date(2025, 10, 20)) == start
    assert _period(YEAR, dt.date(2026, 1, 15)).kind == "hk1"
