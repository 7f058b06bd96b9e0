"""Register → self-assess → vote → decision, over the pages (issue 16): titles from the data
file with their legal basis and published weights, the score from the year's record, each
council member's vote once, the results computed by the round's rules, the decision drafted in
the official layout, the history of a unit and of a person."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.emulation.models import EmulationRound, Registration, Vote
from namhoc.emulation.tests.helpers import YEAR, build, submit, to_stage

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf():  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bang-khen.pdf", PDF, content_type="application/pdf")


def test_register_assess_vote_and_decide_over_the_pages(org, people, client_of) -> None:
    officer = client_of(people.commune_officer)
    principal = client_of(people.school_principal)
    world = build(org, people)
    round_url = reverse("emulation:round", args=[world.round.pk])
    page = principal.get(round_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15" in html
    assert "lựa chọn của namhoc, không phải tiêu chuẩn của luật" in html
    assert "điều khoản chưa đối chiếu văn bản gốc" in html

    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    url = reverse("emulation:registration", args=[world.school.pk])
    form = principal.get(url)
    assert form.context["page"].can_assess
    response = principal.post(
        reverse("emulation:assess", args=[world.school.pk]),
        {
            "version": str(world.school.version),
            "text": "Trường hoàn thành tốt các nhiệm vụ.",
            "d-no_discipline": "on",
            "files": [_pdf()],
        },
    )
    assert response.status_code == 302
    school = Registration.objects.get(pk=world.school.pk)
    assert school.status == Registration.Status.SUBMITTED
    assert school.declared == {"no_discipline": True}
    assert [(c["code"], c["value"], c["met"]) for c in school.criteria] == [
        ("attainment", None, None),  # no figures due yet: left out, not zero
        ("on_time", None, None),
        ("inspection", None, None),
        ("no_discipline", "100", True),
    ]
    assert school.score is None  # nothing weighed: no score, and namhoc proposes nothing
    assert school.evidence.count() == 1
    submit(world.principal, people.school_principal, duties=True, conduct="on")

    to_stage(world, people, EmulationRound.Status.VOTING)
    # each member votes once: two agree on the school, the third does not
    for member, choice in zip(world.members, ("dong_y", "dong_y", "khong_dong_y"), strict=True):
        client = client_of(member)
        response = client.post(reverse("emulation:vote", args=[world.school.pk]), {"agree": choice})
        assert response.status_code == 302, member
    again = officer.post(
        reverse("emulation:vote", args=[world.school.pk]), {"agree": "khong_dong_y"}
    )
    assert again.status_code == 409  # once per candidate: the second vote changes nothing
    assert "Bạn đã bỏ phiếu cho hồ sơ này; phiếu không sửa được." in again.content.decode()
    assert list(
        Vote.objects.filter(member__user=people.commune_officer).values_list("agree", flat=True)
    ) == [True]
    # the principal's: one agrees only — not quorate (1 of 3 < 67 %)
    client_of(world.members[1]).post(
        reverse("emulation:vote", args=[world.principal.pk]), {"agree": "dong_y"}
    )
    assert Vote.objects.filter(registration=world.school).count() == 3
    page = officer.get(round_url)
    rows = {row.registration.pk: row for row in page.context["page"].rows}
    assert (rows[world.school.pk].tally.agree, rows[world.school.pk].tally.passed) == (2, True)
    assert rows[world.principal.pk].tally.label == "Chưa đủ số thành viên bỏ phiếu"

    world.round.refresh_from_db()
    response = officer.post(
        reverse("emulation:decide", args=[world.round.pk]),
        {
            "version": str(world.round.version),
            "decision_number": "25/QĐ-UBND",
            "decision_date": "15/06/2026",
        },
    )
    assert response.status_code == 302
    assert Registration.objects.get(pk=world.school.pk).result == "awarded"
    assert Registration.objects.get(pk=world.principal.pk).result == "not_awarded"
    decided = EmulationRound.objects.get(pk=world.round.pk)
    assert (decided.status, decided.decision_number, str(decided.decision_date)) == (
        "decided",
        "25/QĐ-UBND",
        "2026-06-15",
    )

    decision = principal.get(reverse("emulation:decision", args=[world.round.pk]))
    assert decision.status_code == 200
    texts = [p.text for p in docx.Document(io.BytesIO(decision.content)).paragraphs]
    assert "QUYẾT ĐỊNH" in texts
    assert f"Về việc công nhận danh hiệu thi đua năm học {YEAR}" in texts
    assert "- Trường Tiểu học An Lạc;" in texts
    assert not any("Hoàng Thị Hiệu" in t for t in texts)
    results = officer.get(reverse("emulation:results", args=[world.round.pk]))
    table = docx.Document(io.BytesIO(results.content)).tables[-2]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert ["1", "Trường Tiểu học An Lạc", "Tập thể lao động tiên tiến", "2/3", "1", "Đạt"] in cells

    history = principal.get(reverse("emulation:unit_history", args=["s-a1"]))
    assert [(r.pk, t.name) for r, t in history.context["page"].rows] == [
        (world.school.pk, "Tập thể lao động tiên tiến")
    ]
    assert "Được công nhận" in history.content.decode()
    mine = principal.get(reverse("emulation:person_history", args=[people.school_principal.pk]))
    assert [r.pk for r, _t in mine.context["page"].rows] == [world.principal.pk]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "emulation_round.open",
        "registration.create",
        "council.add",
        "emulation_round.advance",
        "registration.assess",
        "vote.cast",
        "registration.result",
        "emulation_round.decide",
    } <= actions
