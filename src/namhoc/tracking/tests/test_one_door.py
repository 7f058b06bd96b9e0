"""Tracked work through one door (issue 10) with every number and text bounded (issue 9): the
page and the API call the same use cases and get the same answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import child_path, depth_of
from namhoc.tracking import services
from namhoc.tracking.models import Assignment, ProgressUpdate
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db
API = "/api/tracking"


@pytest.fixture
def plan(org, people):
    return published(people.province_officer, org.province_a, PROVINCE_DOC)


def _state() -> tuple:
    return (
        list(
            Assignment.objects.order_by("pk").values_list(
                "unit_id", "role", "deadline", "target_value", "note", "version"
            )
        ),
        ProgressUpdate.objects.count(),
        AuditEvent.objects.count(),
    )


def _many_communes(province: OrgUnit, count: int) -> None:
    start = OrgUnit.objects.filter(parent=province).count() + 1
    units = []
    for number in range(start, start + count):
        path = child_path(province.path, number)
        units.append(
            OrgUnit(
                key=f"c-many-{number}",
                name=f"Xã Thử Nghiệm {number}",
                name_folded=f"xa thu nghiem {number}",
                kind=OrgUnit.Kind.COMMUNE,
                parent=province,
                path=path,
                depth=depth_of(path),
                is_synthetic=True,
            )
        )
    OrgUnit.objects.bulk_create(units, batch_size=500)


def test_every_unit_of_a_level_means_every_one_even_past_a_thousand(org, people, plan, client_of):
    _many_communes(org.province_a, 1_100)
    task = plan.tasks.get(position=1)
    response = client_of(people.province_officer).post(
        reverse("tracking:assign", args=[task.pk]),
        {"level": "commune", "role": "lead", "deadline": "15/01/2026"},
    )
    assert response.status_code == 302
    communes = OrgUnit.objects.filter(parent=org.province_a, kind="commune").count()
    assert communes == 1_102
    assert Assignment.objects.filter(task=task).count() == communes
    assert set(Assignment.objects.values_list("deadline", flat=True)) == {dt.date(2026, 1, 15)}


@pytest.mark.parametrize("door", ["page", "api"])
def test_naming_an_already_assigned_unit_saves_none(org, people, plan, client_of, door):
    task = plan.tasks.get(position=1)
    assign(actor=people.province_officer, task=task, unit=org.commune_a2)
    before = _state()
    client = client_of(people.province_officer)
    if door == "page":
        response = client.post(
            reverse("tracking:assign", args=[task.pk]),
            {"units": [org.commune_a1.key, org.commune_a2.key], "role": "lead"},
        )
        assert "Nhiệm vụ này đã được giao cho Phường Hòa Bình" in response.content.decode()
    else:
        response = client.post(
            f"{API}/tasks/{task.pk}/assignments",
            {"units": [org.commune_a1.key, org.commune_a2.key]},
            content_type="application/json",
        )
        assert response.json()["code"] == "duplicate"
    assert response.status_code == 400
    assert _state() == before


def test_a_tasks_assignment_list_shows_only_what_the_viewer_may_see(org, people, plan, client_of):
    task = plan.tasks.get(position=1)
    for unit in (org.commune_a1, org.commune_a2, org.school_a1, org.school_a2):
        assign(actor=people.province_officer, task=task, unit=unit)

    def api_units(user: str) -> list[str]:
        rows = client_of(getattr(people, user)).get(f"{API}/tasks/{task.pk}/assignments")
        return sorted(row["unit"] for row in rows.json()["items"])

    def page_units(user: str) -> list[str]:
        page = client_of(getattr(people, user)).get(reverse("tracking:assign", args=[task.pk]))
        return sorted(a.unit.key for a, _status in page.context["page"].rows)

    expected = {
        "province_officer": ["c-a1", "c-a2", "s-a1", "s-a2"],
        "commune_officer": ["c-a1", "s-a1"],
        "school_principal": ["s-a1"],
    }
    for user, units in expected.items():
        assert api_units(user) == units, user
        assert page_units(user) == units, user
    assert client_of(people.outsider).get(f"{API}/tasks/{task.pk}/assignments").status_code == 404


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1e20", "invalid_number"),
        ("123456789012", "too_large"),
        ("²", "invalid_number"),
        ("-3", "negative"),
        ("0,00001", "too_many_places"),
    ],
)
def test_an_out_of_range_target_is_refused_before_saving(  # noqa: PLR0917 - fixtures
    org, people, plan, client_of, raw, code
):
    task = plan.tasks.get(position=1)
    assignment = assign(actor=people.province_officer, task=task, unit=org.commune_a1)
    before = _state()
    client = client_of(people.province_officer)
    patched = client.patch(
        f"{API}/assignments/{assignment.pk}",
        {"version": 1, "role": "lead", "target_value": raw},
        content_type="application/json",
    )
    created = client.post(
        f"{API}/tasks/{task.pk}/assignments",
        {"units": [org.commune_a2.key], "target_value": raw},
        content_type="application/json",
    )
    page = client.post(
        reverse("tracking:terms", args=[assignment.pk]),
        {"version": 1, "role": "lead", "target_value": raw},
    )
    for response in (patched, created):
        assert response.status_code == 400
        assert (response.json()["code"], response.json()["field"]) == (code, "target_value")
    assert page.status_code == 400
    assert page.context["terms_form"].errors["target_value"]
    assert _state() == before
    # ... and everything that shows the assignment still works.
    assert client.get(f"{API}/assignments/{assignment.pk}").status_code == 200
    assert client.get(reverse("tracking:assign", args=[task.pk])).status_code == 200


def test_a_json_number_too_large_for_the_column_is_refused(org, people, plan, client_of):
    task = plan.tasks.get(position=1)
    assignment = assign(actor=people.province_officer, task=task, unit=org.commune_a1)
    response = client_of(people.province_officer).patch(
        f"{API}/assignments/{assignment.pk}",
        {"version": 1, "role": "lead", "target_value": 1e20},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "too_large",
        "message": "Chỉ tiêu không được lớn hơn 9.999.999.999,9999.",
        "field": "target_value",
    }


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.250", Decimal(1250)),
        ("1.250,5", Decimal("1250.5")),
        ("12,5", Decimal("12.5")),
        ("97,5", Decimal("97.5")),
    ],
)
@pytest.mark.parametrize("door", ["page", "api"])
def test_one_number_means_one_value_on_every_door(  # noqa: PLR0917 - fixtures
    org, people, plan, client_of, typed, value, door
):
    task = plan.tasks.get(position=1)
    assignment = assign(actor=people.province_officer, task=task, unit=org.commune_a1)
    client = client_of(people.province_officer)
    payload = {"version": 1, "role": "lead", "target_value": typed}
    if door == "page":
        assert (
            client.post(reverse("tracking:terms", args=[assignment.pk]), payload).status_code == 302
        )
    else:
        response = client.patch(
            f"{API}/assignments/{assignment.pk}", payload, content_type="application/json"
        )
        assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.target_value == value


def test_the_terms_form_posted_back_unchanged_is_accepted(org, people, plan, client_of):
    """What the form shows (``97,5``, ``31/12/2026``), it reads back as the same values."""
    task = plan.tasks.get(position=1)
    assignment = assign(
        actor=people.province_officer,
        task=task,
        unit=org.commune_a1,
        deadline="31/12/2026",
        target_value="1.250,5",
        target_unit="trường",
    )
    client = client_of(people.province_officer)
    page = client.get(reverse("tracking:assignment", args=[assignment.pk]))
    form = page.context["terms_form"]
    posted = {name: form[name].value() for name in form.fields}
    posted = {
        k: form.fields[k].prepare_value(v) if v is not None else "" for k, v in posted.items()
    }
    assert posted["target_value"] == "1.250,5"
    assert posted["deadline"] == "31/12/2026"
    assert client.post(reverse("tracking:terms", args=[assignment.pk]), posted).status_code == 302
    assignment.refresh_from_db()
    assert (assignment.version, assignment.target_value) == (1, Decimal("1250.5"))


def test_progress_text_is_capped_with_a_message(org, people, plan, client_of):
    task = plan.tasks.get(position=1)
    assignment = assign(actor=people.province_officer, task=task, unit=org.commune_a1)
    before = _state()
    huge = "x" * (services.PROGRESS_TEXT_MAX + 1)
    api = client_of(people.commune_officer).post(
        f"{API}/assignments/{assignment.pk}/updates", {"text": huge, "percent": "10"}
    )
    assert api.status_code == 400
    assert api.json()["code"] == "too_long"
    assert api.json()["message"] == ("Nội dung cập nhật dài tối đa 10.000 ký tự (đang có 10.001).")
    page = client_of(people.commune_officer).post(
        reverse("tracking:update_post", args=[assignment.pk]), {"text": huge, "percent": "10"}
    )
    assert page.status_code == 400
    assert "dài tối đa 10.000 ký tự" in page.content.decode()
    assert _state() == before


def test_unicode_digits_in_percent_are_a_message_not_a_crash(org, people, plan, client_of):
    task = plan.tasks.get(position=1)
    assignment = assign(actor=people.province_officer, task=task, unit=org.commune_a1)
    for percent in ("²", "٥٠", "1e2", "101"):
        response = client_of(people.commune_officer).post(
            f"{API}/assignments/{assignment.pk}/updates", {"text": "x", "percent": percent}
        )
        assert response.status_code == 400, percent
        assert response.json()["field"] == "percent"


def test_the_unit_picker_finds_without_diacritics_within_scope(org, people, plan, client_of):
    client = client_of(people.province_officer)
    url = reverse("unit-picker")
    found = client.get(url, {"o": "units", "muc": "duoi", "trong": "p-a", "tim_units": "an lac"})
    html = found.content.decode()
    assert found.status_code == 200
    assert 'value="c-a1"' in html
    assert 'value="s-a1"' in html
    assert "Tỉnh Phú An</span>" not in html.split("<fieldset", 1)[-1].split("value=")[0]
    # another province's commune is never offered, even by exact name
    other = client.get(url, {"o": "units", "muc": "duoi", "trong": "p-a", "tim_units": "son thuy"})
    assert 'value="c-b1"' not in other.content.decode()
    # ticked units stay, whatever is typed next
    kept = client.get(
        url, {"o": "units", "muc": "duoi", "trong": "p-a", "tim_units": "hoa binh", "units": "c-a1"}
    )
    assert 'value="c-a1" checked' in kept.content.decode()
    assert 'value="c-a2"' in kept.content.decode()
    # a unit outside the viewer's scope as "within": not found
    assert client_of(people.outsider).get(url, {"trong": "p-a"}).status_code == 404


def test_the_dashboard_sorts_filters_and_explains_itself(org, people, plan, client_of):
    task = plan.tasks.get(position=1)
    late = assign(
        actor=people.province_officer, task=task, unit=org.commune_a1, deadline="01/01/2020"
    )
    assign(actor=people.province_officer, task=task, unit=org.commune_a2, deadline="31/12/2099")
    assert late.deadline == dt.date(2020, 1, 1)
    client = client_of(people.province_officer)
    url = reverse("tracking:dashboard")
    page = client.get(url, {"don_vi": "p-a", "nam_hoc": "2025-2026"})
    board = page.context["board"]
    # worst first: An Lạc has one overdue (0 %), Hòa Bình nothing due yet (no rate: last)
    assert [c.key for c, _f in board.by_child_unit] == ["c-a1", "c-a2"]
    html = page.content.decode()
    assert "Tỷ lệ đúng hạn</strong> = số việc hoàn thành đúng hạn" in html
    assert "chưa đến hạn" in html
    assert 'aria-sort="ascending"' in html
    by_name = client.get(url, {"don_vi": "p-a", "nam_hoc": "2025-2026", "sap_xep": "ten"})
    assert [c.key for c, _f in by_name.context["board"].by_child_unit] == ["c-a2", "c-a1"]
    found = client.get(url, {"don_vi": "p-a", "nam_hoc": "2025-2026", "tim": "an lac"})
    assert [c.key for c, _f in found.context["board"].by_child_unit] == ["c-a1"]
    assert "1 trong 2 đơn vị" in found.content.decode()
    kinds = client.get(url, {"don_vi": "p-a", "nam_hoc": "2025-2026", "loai": "school"})
    assert kinds.context["board"].kind == ""  # no school directly under the province
    overall = board.overall
    assert overall.total == overall.done + overall.overdue + overall.in_progress


def _sheet_rows(response: Any, sheet: str) -> list[tuple[Any, ...]]:
    from io import BytesIO

    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(BytesIO(response.content), read_only=True)
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


def test_every_tracking_table_downloads_as_what_the_page_shows(org, people, plan, client_of):
    task = plan.tasks.get(position=1)
    for unit in (org.commune_a1, org.commune_a2, org.school_a1):
        assign(actor=people.province_officer, task=task, unit=unit, deadline="01/01/2020")
    province = client_of(people.province_officer)
    board = province.get(
        reverse("tracking:dashboard"),
        {"don_vi": "p-a", "nam_hoc": "2025-2026", "tim": "an lac", "xuat": "xlsx"},
    )
    rows = _sheet_rows(board, "Theo đơn vị")
    units = [row[0] for row in rows if row[0] in ("Xã An Lạc", "Phường Hòa Bình")]
    assert units == ["Xã An Lạc"]  # the page's filter holds in the file
    assert any(row[:5] == ("Xã An Lạc", 2, 0, 0, 2) for row in rows)
    # a commune officer's assign-page export holds only its own subtree's rows
    mine = _sheet_rows(
        client_of(people.commune_officer).get(
            reverse("tracking:assign", args=[task.pk]), {"xuat": "xlsx"}
        ),
        "Phân công",
    )
    names = {row[0] for row in mine}
    assert {"Xã An Lạc", "Trường Tiểu học An Lạc"} <= names
    assert "Phường Hòa Bình" not in names
    work = _sheet_rows(
        client_of(people.commune_officer).get(
            reverse("tracking:unit_work", args=["c-a1"]), {"xuat": "xlsx"}
        ),
        "Việc cần làm",
    )
    assert any(row[6] == "Quá hạn chưa hoàn thành" for row in work)
    # out of scope: 404, no file
    refused = client_of(people.outsider).get(
        reverse("tracking:unit_work", args=["c-a1"]), {"xuat": "xlsx"}
    )
    assert refused.status_code == 404
    page = province.get(reverse("tracking:dashboard"), {"don_vi": "p-a"})
    assert "Tải Excel" in page.content.decode()
