"""Every form of the emulation pages, rendered with saved values and posted back unchanged as a
browser would, is accepted (ADR 0007)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.emulation.models import EmulationRound, Registration
from namhoc.emulation.tests.helpers import build, submit, to_stage
from namhoc.inspections.tests.forms import forms_on

pytestmark = pytest.mark.django_db


def test_every_emulation_form_posted_back_unchanged_is_accepted(org, people, client_of):
    world = build(org, people)
    officer = client_of(people.commune_officer)
    principal = client_of(people.school_principal)
    round_url = reverse("emulation:round", args=[world.round.pk])

    settings = forms_on(officer.get(round_url).content.decode(), "round-settings-form")[0]
    assert settings["fields"]["quorum_percent"] == ["67"]
    audits = AuditEvent.objects.count()
    response = officer.post(settings["action"] or round_url, settings["fields"])
    assert response.status_code == 302
    assert AuditEvent.objects.count() == audits  # nothing changed

    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    submit(world.principal, people.school_principal, duties=True, conduct=True)
    url = reverse("emulation:registration", args=[world.principal.pk])
    form = forms_on(principal.get(url).content.decode(), "assessment-form")[0]
    assert form["fields"]["text"] == ["Hoàn thành tốt nhiệm vụ năm học."]
    assert form["fields"]["d-duties"] == ["on"]
    response = principal.post(form["action"], form["fields"])
    assert response.status_code == 302
    saved = Registration.objects.get(pk=world.principal.pk)
    assert (saved.self_assessment, saved.declared, str(saved.score)) == (
        "Hoàn thành tốt nhiệm vụ năm học.",
        {"duties": True, "conduct": True},
        "100.0",
    )

    advance = forms_on(officer.get(round_url).content.decode(), "advance-form")[0]
    assert officer.post(advance["action"], advance["fields"]).status_code == 302
    decide = forms_on(officer.get(round_url).content.decode(), "decide-form")[0]
    assert officer.post(decide["action"], decide["fields"]).status_code == 302
    assert EmulationRound.objects.get(pk=world.round.pk).status == "decided"
