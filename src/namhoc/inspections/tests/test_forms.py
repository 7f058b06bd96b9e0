"""Every form of the inspection pages, rendered with saved values and posted back unchanged as a
browser would, is accepted (ADR 0007: what a page shows — 10/03/2026, the results chosen, the
team ticked — it reads back as the same values) and saves nothing new."""

from __future__ import annotations

import pytest
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.inspections.models import ChecklistItem, Inspection, InspectionMember, Recommendation
from namhoc.inspections.tests.forms import forms_on
from namhoc.inspections.tests.helpers import build, ready_to_conclude

pytestmark = pytest.mark.django_db


def _state() -> tuple:
    return (
        list(
            Inspection.objects.order_by("pk").values_list(
                "subject", "starts_on", "ends_on", "findings", "version"
            )
        ),
        list(InspectionMember.objects.order_by("pk").values_list("pk", "user", "role")),
        list(ChecklistItem.objects.order_by("pk").values_list("text", "result", "note")),
        list(Recommendation.objects.order_by("pk").values_list("text", "deadline")),
        AuditEvent.objects.count(),
    )


def test_every_inspection_form_posted_back_unchanged_is_accepted(org, people, client_of):
    world = build(org, people)
    inspection = ready_to_conclude(world, people, recommendations=2)
    client = client_of(people.province_officer)
    plan_page = client.get(reverse("inspections:plan", args=[world.plan.pk])).content.decode()
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert 'value="10/03/2026"' in page  # dates shown dd/mm/yyyy
    assert 'value="01/06/2099"' in page
    saved = forms_on(plan_page, "plan-edit-form") + forms_on(
        page, "schedule-form", "team-form", "results-form", "findings-form", "recommendation-edit"
    )
    kinds = sorted(f["attrs"]["data-testid"] for f in saved)
    assert kinds == [
        "findings-form",
        "plan-edit-form",
        "recommendation-edit",
        "recommendation-edit",
        "results-form",
        "schedule-form",
        "team-form",
    ]
    team = next(f for f in saved if f["attrs"]["data-testid"] == "team-form")
    assert team["fields"]["members"] == [str(people.province_officer.pk)]
    results = next(f for f in saved if f["attrs"]["data-testid"] == "results-form")
    assert sorted(v[0] for k, v in results["fields"].items() if k.endswith("-result")) == [
        "chua_dat",
        "dat",
    ]
    before = _state()
    here = {  # the forms without an action post to their own page
        "plan-edit-form": reverse("inspections:plan", args=[world.plan.pk]),
        "schedule-form": reverse("inspections:detail", args=[inspection.pk]),
    }
    for form in saved:
        target = form["action"] or here[form["attrs"]["data-testid"]]
        response = client.post(target, form["fields"])
        assert response.status_code == 302, (form["attrs"], response.content.decode()[-1500:])
    assert _state() == before  # accepted, and nothing new: no version, no audit row

    conclude = forms_on(page, "conclude-form")[0]
    response = client.post(conclude["action"], conclude["fields"])
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.is_concluded
    assert inspection.conclusion.tasks.count() == 2
