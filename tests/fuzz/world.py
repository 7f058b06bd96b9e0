"""The small world the fuzzers run in (issue 9, item 6): the root conftest's tree and people, one
person holding EVERY role at province A (the one the fuzzers act as), and a few objects of each
kind made through the domain's use cases — directives (published, draft, another province's),
tasks, citations, targets, assignments, progress reports with a file, figures, targets, an
approval, a report draft, a report template, a webhook, notices.

``pools`` maps the name of each path parameter of the project's URLs (``directive_id``,
``key``, ``user_id``…) to the real values it can take here — in scope AND out of scope (province
B's objects), so that fuzzed requests often reach real objects and their refusals.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from conftest import OrgTree, People, build_org_tree, build_people, make_user

from namhoc.accounts.models import Membership, Role, User
from namhoc.directives.models import Citation, Directive, DirectiveTask, SourceDocument, Target
from namhoc.directives.tests.helpers import (
    COMMUNE_A1_DOC,
    COMMUNE_A2_DOC,
    PROVINCE_DOC,
    published,
    upload,
)
from namhoc.indicators.catalogue import catalogue_load, periods_ensure
from namhoc.indicators.tests.helpers import TH_FIGURES, grant
from namhoc.orgunits.models import OrgUnit
from namhoc.tracking.models import Assignment, ProgressUpdate
from namhoc.tracking.services import UploadedFile
from namhoc.tracking.tests.helpers import assign, report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCHOOL_YEAR = "2025-2026"


@dataclass
class FuzzWorld:
    org: OrgTree
    people: People
    actor: User  # viewer + specialist + approver + unit admin at province A
    pools: dict[str, list[Any]] = field(default_factory=dict)
    # routes naming several parameters: the values that belong together
    joint: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)


def _docx(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_fuzz_world() -> FuzzWorld:
    from namhoc.indicators import services as figures
    from namhoc.notifications.dispatch import dispatch_pending
    from namhoc.notifications.services import webhook_create
    from namhoc.reporting import services as reports

    org = build_org_tree()
    people = build_people(org)
    actor = make_user(
        "fuzzer",
        "Người Thử Mọi Vai",
        *((org.province_a, role) for role in Role),
    )
    officer = people.province_officer

    # --- directives: the province's plan (published), a draft of the actor, province B's plan
    plan = published(officer, org.province_a, PROVINCE_DOC)
    upload(actor, org.province_a, COMMUNE_A2_DOC)
    published(people.outsider, org.province_b, COMMUNE_A1_DOC)

    # --- tracked work: in province A and in province B
    tasks = list(plan.tasks.order_by("position"))
    first = assign(actor=officer, task=tasks[0], unit=org.commune_a1, deadline=dt.date(2026, 5, 30))
    assign(actor=officer, task=tasks[0], unit=org.commune_a2, role="support")
    assign(actor=officer, task=tasks[1], unit=org.school_a1, target_value="95", target_unit="%")
    report(
        actor=people.commune_officer,
        assignment=first,
        text="Đã rà soát mạng lưới trường, lớp.",
        percent=60,
        files=[UploadedFile(name="bien-ban.pdf", data=PDF)],
    )
    b_task = DirectiveTask.objects.filter(directive__unit=org.province_b).order_by("pk").first()
    if b_task is not None:
        b_work = assign(actor=people.outsider, task=b_task, unit=org.commune_b1)
        report(actor=people.outsider, assignment=b_work, text="Đang triển khai.", percent=10)

    # --- figures: catalogue, periods, a school's figures, a target, an approval
    catalogue_load()
    start_2024 = periods_ensure("2024-2025")[0]
    start = periods_ensure(SCHOOL_YEAR)[0]
    figures.values_save(
        actor=people.school_principal,
        unit_key="s-a1",
        period_code=start.code,
        data_set_code="DN_TH",
        values=TH_FIGURES,
    )
    figures.values_save(
        actor=people.school_principal,
        unit_key="s-a1",
        period_code=start_2024.code,
        data_set_code="DN_TH",
        values={"TH_LOP": 11, "TH_HS": 380},
    )
    figures.target_set(
        actor=actor,
        unit_key="p-a",
        indicator_code="TH_TL_2BUOI",
        school_year=SCHOOL_YEAR,
        value="90",
    )
    # An Lạc approves its school's primary figures: locked from then on.
    figures.approval_approve(
        actor=grant("commune_approver", org.commune_a1, Role.APPROVER),
        unit_key="c-a1",
        period_code=start.code,
        data_set_code="DN_TH",
    )
    figures.rollups_rebuild(force=True)  # the roll-ups as fresh as a running system keeps them

    # --- reports, webhooks, notices
    reports.draft_request(actor=actor, unit_key="p-a", kind="year_end", school_year=SCHOOL_YEAR)
    reports.template_upload(
        actor=actor,
        unit_key="p-a",
        kind="year_end",
        data=_docx("Báo cáo tổng kết năm học của {{ don_vi }}"),
        filename="mau.docx",
    )
    webhook_create(
        actor=actor,
        unit="p-a",
        name="Hệ thống tỉnh",
        url="https://hook.example.vn/namhoc",
    )
    dispatch_pending()

    world = FuzzWorld(org=org, people=people, actor=actor)
    world.pools = pools()
    world.joint = joint(people, start.code)
    return world


def joint(people: People, period: str) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """Parameter values that belong together: a directive and one of its tasks (citations,
    targets), a unit with a period and a form it reports, an audited object, a password link."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    def parts(model: Any, name: str) -> list[dict[str, Any]]:
        rows = model.objects.order_by("directive_id", "pk").values_list("directive_id", "pk")
        seen: dict[int, dict[str, Any]] = {}
        for directive_id, pk in rows:
            seen.setdefault(directive_id, {"directive_id": directive_id, name: pk})
        return list(seen.values())

    figures = [("s-a1", "DN_TH"), ("s-a2", "DN_THCS"), ("c-a1", "DS_XA"), ("p-a", "DN_TH"),
               ("s-b1", "DN_MN")]  # fmt: skip
    subject = people.commune_officer
    return {
        ("directive_id", "task_id"): parts(DirectiveTask, "task_id"),
        ("directive_id", "citation_id"): parts(Citation, "citation_id"),
        ("directive_id", "target_id"): parts(Target, "target_id"),
        ("key", "period_code", "data_set_code"): [
            {"key": key, "period_code": period, "data_set_code": code} for key, code in figures
        ],
        ("content_type", "object_id"): [
            {"content_type": "accounts.user", "object_id": subject.pk},
            {"content_type": "accounts.user", "object_id": people.outsider.pk},
        ],
        ("uidb64", "token"): [
            {
                "uidb64": urlsafe_base64_encode(force_bytes(subject.pk)),
                "token": default_token_generator.make_token(subject),
            },
            {"uidb64": "MQ", "token": "abc-123"},
        ],
    }


def _ids(model: Any) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def pools() -> dict[str, list[Any]]:
    """Path parameter name → the real values it can take in this world."""
    from django.apps import apps

    def ids(label: str) -> list[int]:
        try:
            return _ids(apps.get_model(label))
        except LookupError:
            return []

    def codes(label: str) -> list[str]:
        return list(apps.get_model(label).objects.order_by("pk").values_list("code", flat=True))

    keys = list(OrgUnit.objects.order_by("path").values_list("key", flat=True))
    users = _ids(User)
    found: dict[str, list[Any]] = {
        "key": keys,
        "unit_key": keys,
        "user_id": users,
        "membership_id": _ids(Membership),
        "source_id": _ids(SourceDocument),
        "directive_id": _ids(Directive),
        "task_id": _ids(DirectiveTask),
        "citation_id": _ids(Citation),
        "target_id": _ids(Target),
        "assignment_id": _ids(Assignment),
        "update_id": _ids(ProgressUpdate),
        "draft_id": ids("reporting.ReportDraft"),
        "template_id": ids("reporting.ReportTemplate"),
        "notice_id": ids("notifications.Notice"),
        "webhook_id": ids("notifications.Webhook"),
        "delivery_id": ids("notifications.Delivery"),
        "evidence_id": ids("tracking.Evidence"),
        "content_type": ["accounts.user", "directives.directive", "tracking.assignment"],
        "object_id": users[:3] + _ids(Directive)[:2],
        "code": codes("indicators.Indicator"),
        "period_code": codes("indicators.Period"),
        "data_set_code": codes("indicators.DataSet"),
        "kind": ["year_end", "semester", "plan"],
        "school_year": ["2025-2026", "2024-2025", "2026-2027"],
        "version": [1, 2, 3],
        "role": ["viewer", "specialist", "approver", "unit_admin", "lead", "support"],
    }
    return {name: values for name, values in found.items() if values}
