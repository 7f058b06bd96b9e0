"""The conclusion once issued: it reaches the inspected unit only — not the public page of the
inspecting unit, not the specialists of every child unit, not a sibling of the inspected unit —
and it keeps its number, date and signer, with or without recommendations (ADR 0011)."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from conftest import make_user
from django.test import Client
from django.urls import reverse

from namhoc.accounts.models import Role
from namhoc.core.models import Event
from namhoc.directives.models import Directive
from namhoc.indicators.models import Period
from namhoc.inspections import services
from namhoc.inspections.models import Inspection
from namhoc.inspections.tests.helpers import YEAR, build, ready_to_conclude
from namhoc.notifications.dispatch import dispatch_pending
from namhoc.notifications.models import Notice

pytestmark = pytest.mark.django_db


def _conclude(inspection: Inspection, people, **header) -> Inspection:  # type: ignore[no-untyped-def]
    return services.inspection_conclude(
        actor=people.province_officer,
        inspection_id=inspection.pk,
        version=inspection.version,
        **header,
    )


def _texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _signature(data: bytes) -> str:
    """The last table: recipients on the left, the signer on the right."""
    return docx.Document(io.BytesIO(data)).tables[-1].rows[0].cells[-1].text


def _header(data: bytes) -> str:
    return "\n".join(c.text for c in docx.Document(io.BytesIO(data)).tables[0].rows[0].cells)


# --- (a) the public page of the inspecting unit ----------------------------------------------


def test_the_inspecting_units_public_page_lists_its_plans_not_its_conclusions(org, people):
    Period.objects.create(
        code=f"{YEAR}.DN", school_year=YEAR, kind="start", name="Đầu năm học 2025-2026",
        start=dt.date(2025, 9, 5), end=dt.date(2025, 9, 30), as_of=dt.date(2025, 9, 30),
        due=dt.date(2025, 10, 15),
    )  # fmt: skip
    world = build(org, people)
    concluded = _conclude(ready_to_conclude(world, people), people, number="15/KL-SGDĐT")
    assert concluded.conclusion.title.endswith("tại Trường Tiểu học An Lạc")

    page = Client().get(reverse("disclosure:unit", args=["p-a"]) + f"?ky={YEAR}.DN")

    assert page.status_code == 200
    listed = [d.pk for d in page.context["directives"].page]
    assert listed == [world.directive.pk]  # the province's plan, not the conclusion
    html = page.content.decode()
    assert world.directive.number in html
    assert "15/KL-SGDĐT" not in html
    assert "Trường Tiểu học An Lạc" not in html


# --- (b) who hears of it ---------------------------------------------------------------------


def test_issuing_the_conclusion_tells_the_inspected_unit_only(org, people):
    world = build(org, people)
    a2 = make_user("cv-phuong-a2", "Chuyên viên Phường", (org.commune_a2, Role.SPECIALIST))
    dispatch_pending()  # the province's plan: its child units hear of it, as they should
    before = set(Notice.objects.values_list("pk", flat=True))

    concluded = _conclude(ready_to_conclude(world, people, recommendations=2), people)
    dispatch_pending()

    new = Notice.objects.exclude(pk__in=before).select_related("user")
    assert sorted((n.user.username, n.kind) for n in new) == [
        (people.school_principal.username, "assignment.created"),
        (people.school_principal.username, "assignment.created"),
    ]
    # the event is recorded (the province's webhooks hear of it); no child unit is told
    published = Event.objects.get(key=f"directive.published:{concluded.conclusion_id}")
    assert not Notice.objects.filter(event=published).exists()
    assert (
        not Notice.objects.filter(user__in=[people.commune_officer, a2])
        .exclude(pk__in=before)
        .exists()
    )


# --- (c) who reads it --------------------------------------------------------------------------


@pytest.fixture
def concluded(org, people):  # type: ignore[no-untyped-def]
    """The province's conclusion on school A1, and a person at each unit around it."""
    world = build(org, people)
    inspection = _conclude(ready_to_conclude(world, people), people, number="15/KL-SGDĐT")
    make_user("hieu-truong-a2", "Hiệu trưởng THCS", (org.school_a2, Role.SPECIALIST))
    make_user("cv-phuong-a2", "Chuyên viên Phường", (org.commune_a2, Role.SPECIALIST))
    return inspection


READERS = {
    "province_officer": True,  # the inspecting unit
    "viewer": True,  # a viewer of the inspecting unit
    "school_principal": True,  # the inspected unit
    "commune_officer": True,  # the unit above the inspected one (reads its inspection)
    "hieu-truong-a2": False,  # a sibling school of the province's
    "cv-phuong-a2": False,  # another commune below the province
    "outsider": False,  # another province
}


@pytest.mark.parametrize(("who", "reads"), READERS.items())
def test_the_conclusion_is_read_where_its_inspection_is_read(concluded, people, who, reads):
    client = Client()
    client.force_login(_user(people, who))
    directive = concluded.conclusion
    task = directive.tasks.get()
    inspection_page = client.get(reverse("inspections:detail", args=[concluded.pk]))
    page = client.get(reverse("directives:detail", args=[directive.pk]))
    api = client.get(f"/api/directives/{directive.pk}")
    listed = client.get(f"/api/directives?school_year={YEAR}&limit=100").json()["items"]
    source = client.get(f"/api/directives/sources/{directive.source_id}/file")
    coverage = client.get(f"/api/directives/{directive.pk}/coverage")
    expected = 200 if reads else 404
    assert inspection_page.status_code == expected  # the inspection's own rule ...
    # ... is the conclusion's, on the page and through the API, its file and its coverage
    assert (page.status_code, api.status_code) == (expected, expected)
    assert (source.status_code, coverage.status_code) == (expected, expected)
    assert (directive.pk in [row["id"] for row in listed]) is reads
    if reads:
        assert api.json()["tasks"][0]["id"] == task.pk
        assert "Bổ sung kế hoạch chi tiết số 1" in page.content.decode()


def _user(people, who):  # type: ignore[no-untyped-def]
    from namhoc.accounts.models import User

    found = getattr(people, who, None)
    return found if found is not None else User.objects.get(username=who)


def test_a_published_directive_of_the_province_is_still_read_by_every_unit_below(concluded, people):
    """The narrow rule is the conclusion's: the province's plan reaches the sibling school."""
    plan = Directive.objects.exclude(pk=concluded.conclusion_id).get(status="published")
    sibling = Client()
    sibling.force_login(_user(people, "hieu-truong-a2"))
    assert sibling.get(reverse("directives:detail", args=[plan.pk])).status_code == 200


def test_a_revision_of_the_conclusion_is_addressed_like_it(concluded, people):
    from namhoc.directives import services as directives

    revision = directives.directive_revise(
        actor=people.province_officer, directive_id=concluded.conclusion_id
    )
    assert revision.addressed_to_id == concluded.unit_id


# --- 2. the number, date and signer are kept ----------------------------------------------------


@pytest.mark.parametrize("recommendations", [0, 1])
def test_the_issued_conclusion_downloads_with_its_number_date_and_signer(
    org, people, client_of, recommendations
):
    world = build(org, people)
    inspection = ready_to_conclude(world, people, recommendations=recommendations)

    concluded = _conclude(
        inspection,
        people,
        number="15/KL-SGDĐT",
        issued_on="20/03/2026",
        signer_name="Lê Văn An",
    )

    assert (
        concluded.conclusion_number,
        concluded.conclusion_date,
        concluded.conclusion_signer,
    ) == ("15/KL-SGDĐT", dt.date(2026, 3, 20), "Lê Văn An")
    assert (concluded.conclusion_id is not None) is bool(recommendations)
    for reader in (people.province_officer, people.school_principal):
        response = client_of(reader).get(reverse("inspections:conclusion", args=[concluded.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            'attachment; filename="ket-luan-kiem-tra-truong-tieu-hoc-an-lac.docx"'
        )
        header = _header(response.content)
        assert "Số: 15/KL-SGDĐT" in header
        assert "Phú An, ngày 20 tháng 3 năm 2026" in header
        assert _signature(response.content).endswith("Lê Văn An")
        if not recommendations:
            assert "Không có kiến nghị." in _texts(response.content)
    # what was issued stays what downloads, whatever is drawn later
    again = client_of(people.province_officer).get(
        reverse("inspections:conclusion", args=[concluded.pk])
    )
    assert again.content == response.content
