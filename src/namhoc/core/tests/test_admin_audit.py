"""Every change made through /admin/ is audited (issue 9, item 8), and a catalogue name set to a
formula there reaches the Excel template as text."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client, RequestFactory
from openpyxl import load_workbook

from namhoc.accounts.models import User
from namhoc.core.admin import AuditedModelAdmin
from namhoc.core.models import AuditEvent
from namhoc.indicators.models import DataElement, DataSetElement, Period, ValidationRule
from namhoc.indicators.tests.helpers import Figures, setup_figures

HOSTILE = '=HYPERLINK("http://evil.example","Số lớp")'


@pytest.fixture
def figures(org: Any, people: Any) -> Figures:
    return setup_figures(org, people)


@pytest.fixture
def admin_client(figures: Figures) -> Client:
    client = Client()
    client.force_login(figures.people.superuser)
    return client


def form_data(response: Any) -> dict[str, Any]:
    """What the admin's change page would post back unchanged: the main form's values and every
    inline formset's (management form included)."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
            )

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.initial_forms:
            add(form)
    return data


def test_every_admin_page_is_audited_or_read_only(figures: Figures) -> None:
    request = RequestFactory().get("/admin/")
    request.user = figures.people.superuser
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
        and (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
    ]
    assert unaudited == []


def test_a_catalogue_name_changed_in_the_admin_is_audited_and_stays_text_in_excel(
    figures: Figures, admin_client: Client, client_of: Any
) -> None:
    element = DataElement.objects.get(code="TH_LOP")
    url = f"/admin/indicators/dataelement/{element.pk}/change/"
    data = form_data(admin_client.get(url))
    data["short_name"] = HOSTILE
    response = admin_client.post(url, data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="dataelement.update")
    assert event.changes == {"short_name": ["Số lớp", HOSTILE]}
    assert (event.actor_id, event.source, event.object_id) == (
        figures.people.superuser.pk,
        "admin",
        str(element.pk),
    )
    # The template a commune officer downloads holds the name as text, not a formula
    template = client_of(figures.people.commune_officer).get(
        f"/so-lieu/c-a1/ky/{figures.start_2025.code}/bieu/DN_TH/mau.xlsx"
    )
    assert template.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(template.content))
    assert all(
        "<f>" not in archive.read(name).decode()
        for name in archive.namelist()
        if name.startswith("xl/worksheets/")
    )
    cell = load_workbook(io.BytesIO(template.content))["So lieu"]["C3"]
    assert (cell.value, cell.data_type) == ("'" + HOSTILE, "s")


def test_inline_rows_changed_or_deleted_in_the_admin_are_audited(
    figures: Figures, admin_client: Client
) -> None:
    data_set = figures.dn_th
    url = f"/admin/indicators/dataset/{data_set.pk}/change/"
    data = form_data(admin_client.get(url))
    rule = ValidationRule.objects.filter(data_set=data_set).order_by("pk").first()
    member = DataSetElement.objects.filter(data_set=data_set).order_by("pk").last()
    assert rule is not None
    assert member is not None
    rules = [k for k, v in data.items() if k.endswith("-id") and v == str(rule.pk)]
    members = [k for k, v in data.items() if k.endswith("-id") and v == str(member.pk)]
    data[rules[0].replace("-id", "-message")] = "Thông báo mới"
    data[members[0].replace("-id", "-DELETE")] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    update = AuditEvent.objects.get(action="validationrule.update")
    assert update.changes["message"][1] == "Thông báo mới"
    assert update.object_id == str(rule.pk)
    deleted = AuditEvent.objects.get(action="datasetelement.delete")
    assert deleted.object_id == str(member.pk)
    assert deleted.changes["element"] == [member.element_id, None]
    assert not DataSetElement.objects.filter(pk=member.pk).exists()


def test_a_bulk_delete_in_the_admin_is_audited_row_by_row(
    figures: Figures, admin_client: Client
) -> None:
    spare = [
        Period.objects.create(
            code=f"2030-2031.{kind}",
            school_year="2030-2031",
            kind=kind,
            name=f"Kỳ {kind}",
            start="2030-09-01",
            end="2031-05-31",
            as_of="2030-09-30",
            due="2030-10-15",
        )
        for kind in ("start", "end")
    ]
    response = admin_client.post(
        "/admin/indicators/period/",
        {
            "action": "delete_selected",
            "_selected_action": [str(p.pk) for p in spare],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Period.objects.filter(school_year="2030-2031").exists()
    assert sorted(
        AuditEvent.objects.filter(action="period.delete").values_list("object_id", flat=True)
    ) == sorted(str(p.pk) for p in spare)


def test_a_groups_permissions_and_a_password_changed_in_the_admin_are_audited(
    figures: Figures, admin_client: Client
) -> None:
    group = Group.objects.create(name="Kiểm tra")
    permission = Permission.objects.get(codename="change_dataelement")
    url = f"/admin/auth/group/{group.pk}/change/"
    data = form_data(admin_client.get(url))
    data["permissions"] = [str(permission.pk)]
    assert admin_client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="group.update")
    assert event.changes == {"permissions": [[], [permission.pk]]}

    user = figures.people.commune_officer
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "mat-khau-moi-2026!", "password2": "mat-khau-moi-2026!"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.set_password")
    assert event.changes == {"password": ["***", "***"]}
    assert event.object_id == str(user.pk)
    assert User.objects.get(pk=user.pk).check_password("mat-khau-moi-2026!")
