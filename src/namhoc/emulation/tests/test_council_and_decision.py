"""A council member does not vote on their own registration nor on their own unit's (conflict of
interest), and is then not counted for it; the award decision is one document, the same for
whoever downloads it; the council's minutes are the council's record (ADR 0011)."""

from __future__ import annotations

import io

import docx
import pytest
from conftest import make_user
from django.urls import reverse

from namhoc.accounts.models import Membership, Role
from namhoc.core.models import AuditEvent
from namhoc.emulation import services
from namhoc.emulation.models import EmulationRound, Registration, Vote
from namhoc.emulation.tests.helpers import build, submit, to_stage

pytestmark = pytest.mark.django_db
API = "/api/emulation"


def _state() -> tuple:
    return (
        list(Vote.objects.order_by("pk").values_list("registration", "member", "agree")),
        list(Registration.objects.order_by("pk").values_list("status", "result", "version")),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def world(org, people):  # type: ignore[no-untyped-def]
    """The commune's round; its council: the officer (chair) and two people of the commune, one
    of whom (``members[1]``) stands for "Lao động tiên tiến" from the commune and also works at
    the school, which stands for its collective title. All three submitted; the vote is open."""
    found = build(org, people)
    member = found.members[1]
    Membership.objects.create(user=member, unit=org.school_a1, role=Role.VIEWER)
    own = services.registration_create(
        actor=member, round_id=found.round.pk, title="lao_dong_tien_tien", unit="c-a1"
    )
    to_stage(found, people, EmulationRound.Status.ASSESSMENT)
    submit(found.school, people.school_principal, no_discipline=True)
    submit(found.principal, people.school_principal)
    submit(own, member)
    to_stage(found, people, EmulationRound.Status.VOTING)
    found.own = own  # type: ignore[attr-defined]
    return found


# --- 4. conflict of interest --------------------------------------------------------------------


def test_a_council_member_may_not_vote_on_their_own_registration(world, client_of):
    member = world.members[1]
    before = _state()

    page = client_of(member).post(
        reverse("emulation:vote", args=[world.own.pk]), {"agree": "dong_y"}
    )
    api = client_of(member).post(
        f"{API}/registrations/{world.own.pk}/vote", {"agree": True}, content_type="application/json"
    )

    message = (
        "Bạn không bỏ phiếu được cho hồ sơ này: bạn là người đăng ký danh hiệu (xung đột lợi "
        "ích). Hồ sơ được xét theo phiếu của các thành viên hội đồng còn lại."
    )
    assert page.status_code == 403
    assert message in page.content.decode()
    assert (api.status_code, api.json()["code"], api.json()["message"]) == (
        403,
        "conflict_of_interest",
        message,
    )
    assert _state() == before


def test_a_council_member_may_not_vote_on_their_own_units_registration(world, client_of):
    member = world.members[1]
    before = _state()

    page = client_of(member).post(
        reverse("emulation:vote", args=[world.school.pk]), {"agree": "dong_y"}
    )
    api = client_of(member).post(
        f"{API}/registrations/{world.school.pk}/vote",
        {"agree": False},
        content_type="application/json",
    )

    message = (
        "Bạn không bỏ phiếu được cho hồ sơ này: bạn là người của Trường Tiểu học An Lạc, đơn vị "
        "đăng ký danh hiệu (xung đột lợi ích). Hồ sơ được xét theo phiếu của các thành viên "
        "hội đồng còn lại."
    )
    assert page.status_code == 403
    assert message in page.content.decode()
    assert (api.status_code, api.json()["code"], api.json()["message"]) == (
        403,
        "conflict_of_interest",
        message,
    )
    assert _state() == before


def test_the_pages_offer_no_vote_where_the_member_stands(world, client_of):
    member = client_of(world.members[1])
    rows = {
        r.registration.pk: r.can_vote
        for r in member.get(reverse("emulation:round", args=[world.round.pk])).context["page"].rows
    }
    assert rows == {world.school.pk: False, world.principal.pk: True, world.own.pk: False}
    detail = member.get(f"{API}/rounds/{world.round.pk}").json()
    assert {r["registration"]["id"]: r["can_vote"] for r in detail["rows"]} == rows
    page = member.get(reverse("emulation:registration", args=[world.own.pk]))
    assert page.context["page"].can_vote is False
    html = page.content.decode()
    assert 'data-testid="vote-form"' not in html
    assert (
        '<p class="card muted" data-testid="vote-conflict">Bạn không bỏ phiếu được cho hồ sơ này: '
        "bạn là người đăng ký danh hiệu (xung đột lợi ích)." in html
    )
    # the other members vote on it
    chair = client_of(world.members[0]).get(reverse("emulation:registration", args=[world.own.pk]))
    assert chair.context["page"].can_vote is True


def test_a_member_who_may_not_vote_is_not_counted_for_that_registration(world, people):
    for member in (world.members[0], world.members[2]):
        for registration in (world.school, world.own):
            services.vote_cast(actor=member, registration_id=registration.pk, agree="dong_y")
    world.round.refresh_from_db()

    services.round_decide(
        actor=people.commune_officer, round_id=world.round.pk, version=world.round.version
    )

    # two of the two members who may vote agreed (two thirds of three would not have voted)
    results = dict(Registration.objects.values_list("pk", "result"))
    assert (results[world.school.pk], results[world.own.pk]) == ("awarded", "awarded")
    counts = AuditEvent.objects.filter(action="registration.result")
    assert {e.object_id: e.changes["votes"][1] for e in counts} == {
        str(world.school.pk): [2, 0, 2],
        str(world.own.pk): [2, 0, 2],
        str(world.principal.pk): [0, 0, 3],
    }


# --- 3. the award decision is one document --------------------------------------------------


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


@pytest.fixture
def decided(org, people):  # type: ignore[no-untyped-def]
    """The commune's round decided: the school, its principal and a person of the commune
    (not on the council) each awarded by all three members."""
    found = build(org, people)
    person = make_user("gv-xa", "Ngô Thị Xã", (org.commune_a1, Role.VIEWER))
    own = services.registration_create(
        actor=person, round_id=found.round.pk, title="lao_dong_tien_tien", unit="c-a1"
    )
    to_stage(found, people, EmulationRound.Status.ASSESSMENT)
    submit(found.school, people.school_principal, no_discipline=True)
    submit(found.principal, people.school_principal)
    submit(own, person)
    to_stage(found, people, EmulationRound.Status.VOTING)
    for member in found.members:
        for registration in (found.school, found.principal, own):
            services.vote_cast(actor=member, registration_id=registration.pk, agree="dong_y")
    found.round.refresh_from_db()
    services.round_decide(
        actor=people.commune_officer,
        round_id=found.round.pk,
        version=found.round.version,
        decision_number="25/QĐ-UBND",
    )
    found.own = own  # type: ignore[attr-defined]
    found.person = person  # type: ignore[attr-defined]
    return found


def test_the_decision_lists_everyone_it_awards_whoever_downloads_it(decided, people, client_of):
    names = {
        "- Trường Tiểu học An Lạc;",
        f"- {people.school_principal}, Trường Tiểu học An Lạc;",
        f"- {decided.person}, Xã An Lạc;",
    }
    downloads = {}
    for reader in (people.commune_officer, people.province_officer, people.school_principal):
        response = client_of(reader).get(reverse("emulation:decision", args=[decided.round.pk]))
        assert response.status_code == 200
        texts = _paragraphs(response.content)
        assert names <= set(texts), reader
        article = (
            "Điều 1. Công nhận danh hiệu thi đua năm học 2025-2026 cho 3 tập thể, cá nhân sau:"
        )
        assert article in texts
        downloads[reader.username] = texts
    # the school reads its own registrations only, yet receives the same decision
    listed = client_of(people.school_principal).get(
        reverse("emulation:round", args=[decided.round.pk])
    )
    assert decided.own.pk not in [r.registration.pk for r in listed.context["page"].rows]
    assert len({tuple(t) for t in downloads.values()}) == 1


def test_the_councils_minutes_stay_with_the_council(decided, people, client_of):
    school = client_of(people.school_principal).get(
        reverse("emulation:results", args=[decided.round.pk])
    )
    commune = client_of(people.commune_officer).get(
        reverse("emulation:results", args=[decided.round.pk])
    )

    assert school.status_code == 403
    assert (
        "Biên bản kết quả bỏ phiếu là hồ sơ của hội đồng thi đua – khen thưởng: chỉ người của "
        "Xã An Lạc (và cấp trên) xem được." in school.content.decode()
    )
    assert commune.status_code == 200
    rows = [
        [c.text for c in row.cells]
        for row in docx.Document(io.BytesIO(commune.content)).tables[1].rows[1:]
    ]
    assert sorted(row[1] for row in rows) == sorted(
        [
            "Trường Tiểu học An Lạc",
            f"{people.school_principal}, Trường Tiểu học An Lạc",
            f"{decided.person}, Xã An Lạc",
        ]
    )
    # the round page offers each reader the files they may have, and those only
    for reader, offered in (
        (people.school_principal, {"decision-download"}),
        (people.commune_officer, {"decision-download", "results-download"}),
    ):
        html = (
            client_of(reader)
            .get(reverse("emulation:round", args=[decided.round.pk]))
            .content.decode()
        )
        shown = {t for t in ("decision-download", "results-download") if f'"{t}"' in html}
        assert shown == offered, reader


def test_before_the_decision_the_draft_is_the_round_units(world, people, client_of):
    """Unchanged: the draft decision is for the round's unit and above, not the units below."""
    assert (
        client_of(people.school_principal)
        .get(reverse("emulation:decision", args=[world.round.pk]))
        .status_code
        == 403
    )
    assert (
        client_of(people.commune_officer)
        .get(reverse("emulation:decision", args=[world.round.pk]))
        .status_code
        == 200
    )
