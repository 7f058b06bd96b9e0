"""Concluding an inspection: the conclusion becomes a document of the inspecting unit, and each
recommendation follow-up work for the inspected unit (ADR 0011).

In one transaction, with the inspection's row locked:

1. the conclusion is drafted in the official layout (``inspections.documents``) with its number,
   date and signer, and kept on the inspection (those three and the .docx) — with or without
   recommendations: what downloads afterwards is what was issued;
2. with recommendations, the same file is the original of a directive of the inspecting unit,
   of type "Kết luận", addressed to the inspected unit (``Directive.addressed_to``: read there
   and above it, not by its siblings, not announced to every child unit, not on the public
   page), whose tasks are the recommendations (position, text); it is published through
   ``tracking.services.directive_publish`` — the one public way to publish, with its own checks
   and audit;
3. each recommendation is given to the inspected unit through
   ``tracking.services.assignments_create``, with its deadline — the same work lists, dashboards,
   reminders and on-time figures as any other work. The unit reports progress with evidence; the
   inspecting unit accepts the report (``tracking.services.progress_review``) — that closes it.

A school's internal check concludes the same way, but its recommendations stay tasks of the
school's own conclusion: tracking gives work only to units below the issuer (ADR 0011).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from namhoc.core.audit import audit_record
from namhoc.core.clock import today
from namhoc.core.errors import DomainError
from namhoc.core.parsing import clean_text, parse_date, text_cap
from namhoc.core.types import Actor
from namhoc.directives.files import store_blob
from namhoc.directives.models import Directive, DirectiveTask, SourceDocument
from namhoc.directives.services.common import directive_changed
from namhoc.inspections.access import access_inspection, conclude_refusal
from namhoc.inspections.documents import conclusion_document, plain_text, render, slug
from namhoc.inspections.models import Inspection, InspectionKind, Recommendation
from namhoc.inspections.services.common import (
    check_version,
    locked_inspection,
    parse_version,
    refuse,
    user_of,
)
from namhoc.reporting.document import Document
from namhoc.tracking import services as tracking
from namhoc.tracking.models import Assignment

__all__ = ["CONCLUSION_DOC_TYPE", "FOLLOW_UP_NOTE", "inspection_conclude"]

CONCLUSION_DOC_TYPE = "Kết luận"
FOLLOW_UP_NOTE = "Kiến nghị sau kiểm tra: báo cáo kết quả kèm minh chứng."


def _issued_on(raw: object, inspection: Inspection) -> dt.date:
    day = parse_date(
        raw,
        field="issued_on",
        label="Ngày kết luận",
        minimum=inspection.ends_on,
        maximum=today(),
    )
    return day or today()


def inspection_conclude(
    *,
    actor: Actor | None,
    inspection_id: object,
    version: object,
    number: object = "",
    issued_on: object = None,
    signer_name: object = "",
) -> Inspection:
    """Issue the conclusion (number optional: "chưa có số" is allowed, as for any document;
    the date from the inspection's last day to today, today when blank)."""
    inspection = access_inspection(actor, inspection_id)
    refuse(conclude_refusal(actor, inspection))
    expected = parse_version(version)
    doc_number = clean_text(
        number,
        field="number",
        label="Số kết luận",
        max_length=text_cap(Inspection, "conclusion_number"),
    )
    signer = clean_text(
        signer_name,
        field="signer_name",
        label="Người ký",
        max_length=text_cap(Inspection, "conclusion_signer"),
    )
    day = _issued_on(issued_on, inspection)
    with transaction.atomic():
        locked = locked_inspection(inspection.pk)
        refuse(conclude_refusal(actor, locked))
        check_version(locked, expected, ("findings",))
        if not locked.findings.strip():
            raise DomainError(
                "no_findings", "Hãy ghi kết luận của đoàn trước khi ban hành.", field="findings"
            )
        items = list(locked.items.order_by("position"))
        if any(not item.result for item in items):
            pending = sum(1 for item in items if not item.result)
            raise DomainError(
                "items_pending",
                f"Còn {pending} mục kiểm tra chưa đánh giá; hãy ghi kết quả trước khi kết luận.",
            )
        recommendations = list(locked.recommendations.order_by("position"))
        late = [r for r in recommendations if r.deadline < day]
        if late:
            raise DomainError(
                "deadline_before_conclusion",
                f"{len(late)} kiến nghị có thời hạn trước ngày kết luận; hãy sửa thời hạn.",
            )
        document = conclusion_document(
            locked,
            items=items,
            recommendations=recommendations,
            number=doc_number,
            issued_on=day,
            signer_name=signer,
        )
        data = render(document)
        kept = store_blob(data, folder="inspections", kind="docx")
        directive = None
        if recommendations:
            directive = _publish_conclusion(
                actor, locked, document, data, recommendations, number=doc_number, day=day
            )
        locked.conclusion = directive
        locked.conclusion_number = doc_number
        locked.conclusion_date = day
        locked.conclusion_signer = signer
        locked.conclusion_file.name = kept.name
        locked.concluded_at = timezone.now()
        locked.concluded_by = user_of(actor)
        locked.version += 1
        locked.updated_by = user_of(actor)
        locked.updated_at = locked.concluded_at
        locked.save()
        audit_record(
            actor=actor,
            action="inspection.conclude",
            target=locked,
            changes={
                "conclusion": [None, directive.pk if directive else None],
                "number": ["", doc_number],
                "date": [None, day.isoformat()],
                "signer": ["", signer],
                "concluded_at": [None, locked.concluded_at.isoformat()],
                "recommendations": [None, len(recommendations)],
            },
            unit_id=locked.unit_id,
        )
    return locked


def _publish_conclusion(
    actor: Actor | None,
    inspection: Inspection,
    document: Document,
    data: bytes,
    recommendations: list[Recommendation],
    *,
    number: str,
    day: dt.date,
) -> Directive:
    """The conclusion (``document``, drawn as ``data``) as a published directive of the
    inspecting unit addressed to the inspected unit, its recommendations as tasks given to the
    inspected unit. Runs inside the caller's transaction."""
    plan = inspection.plan
    blob = store_blob(data, folder="directives", kind="docx")
    user = user_of(actor)
    source, _ = SourceDocument.objects.get_or_create(
        unit=plan.unit,
        sha256=blob.sha256,
        defaults={
            "filename": f"{slug(document.summary)}.docx"[:255],
            "format": SourceDocument.Format.DOCX,
            "size": blob.size,
            "file": blob.name,
            "status": SourceDocument.Status.READY,
            "status_message": "Soạn trên namhoc từ cuộc kiểm tra.",
            "text": plain_text(document),
            "uploaded_by": user,
            "read_at": timezone.now(),
        },
    )
    title_cap = text_cap(Directive, "title")
    directive = Directive.objects.create(
        unit=plan.unit,
        source=source,
        addressed_to=inspection.unit,
        doc_type=CONCLUSION_DOC_TYPE,
        number=number,
        unnumbered=not number,
        issuer=document.header.issuer[: text_cap(Directive, "issuer")],
        issued_on=day if number else None,
        place=document.header.place[: text_cap(Directive, "place")],
        title=f"Kết luận {document.summary[:1].lower()}{document.summary[1:]}"[:title_cap],
        school_year=plan.school_year,
        created_by=user,
        updated_by=user,
    )
    task_cap = text_cap(DirectiveTask, "title")
    tasks = [
        DirectiveTask.objects.create(
            directive=directive,
            position=n,
            label=f"{n}.",
            title=(r.text.splitlines()[0] if r.text else f"Kiến nghị {n}")[:task_cap],
            text=r.text,
        )
        for n, r in enumerate(recommendations, start=1)
    ]
    directive_changed(directive.pk)
    directive.refresh_from_db()
    directive = tracking.directive_publish(
        actor=actor, directive_id=directive.pk, version=directive.version
    )
    follow_up = inspection.kind != InspectionKind.INTERNAL
    for recommendation, task in zip(recommendations, tasks, strict=True):
        recommendation.task = task
        if follow_up:
            result = tracking.assignments_create(
                actor=actor,
                task_id=task.pk,
                units=[inspection.unit.key],
                role=Assignment.Role.LEAD,
                deadline=recommendation.deadline,
                note=FOLLOW_UP_NOTE,
            )
            recommendation.assignment = result.created[0]
        recommendation.save(update_fields=["task", "assignment"])
    return directive
