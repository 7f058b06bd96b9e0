"""Demo data: a ministry plan, a province plan cascaded from it, work given to communes.

``load_demo_directives`` is called by ``namhoc demo`` once the org tree exists. It goes through
the same services as people do (upload -> read -> publish -> suggest and confirm links ->
assign -> report), so the demo also exercises them. Idempotent: a second run finds the ministry
plan and changes nothing.

It lives in ``namhoc.demo``, above every domain app, and uses them as a person would. The documents
are written for the demo (``namhoc/directives/data/demo``): realistic, not real. The deadlines are
set around today so that the dashboard shows every status: done on time, done late, overdue,
in progress.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from importlib.resources import files

from django.db import transaction
from django.utils import timezone

from namhoc.core.types import SYSTEM, Actor
from namhoc.directives import services
from namhoc.directives.models import Directive, SourceDocument, TaskLink
from namhoc.orgunits.models import OrgUnit
from namhoc.tracking import services as tracking
from namhoc.tracking.selectors import current_school_year

__all__ = ["MINISTRY_NUMBER", "load_demo_directives"]

MINISTRY_NUMBER = "2901/QĐ-BGDĐT"
MAX_COMMUNES = 8


def _text(name: str, **fields: str) -> str:
    """A demo document, written for the school year of today (``{school_year}``, ``{y1}``,
    ``{y2}`` in the text), so that the demo's deadlines and years agree on any date."""
    school_year = current_school_year()
    y1, y2 = school_year.split("-")
    template = files("namhoc.directives").joinpath("data", "demo", name).read_text(encoding="utf-8")
    return template.format(school_year=school_year, y1=y1, y2=y2, **fields)


def _read_now(actor: Actor | None, unit: OrgUnit, text: str, filename: str) -> Directive:
    """Upload and read at once (the demo must not wait for a worker); the queued task that
    follows finds the source already read and does nothing."""
    source, _ = services.source_upload(
        actor=actor, unit=unit, data=text.encode("utf-8"), filename=filename
    )
    services.source_read(source_id=source.pk)
    source = SourceDocument.objects.get(pk=source.pk)
    if source.status != SourceDocument.Status.READY:
        raise RuntimeError(f"demo document {filename} could not be read: {source.status_message}")
    return source.directives.order_by("revision").get()


def _publish(actor: Actor | None, directive: Directive) -> Directive:
    directive.refresh_from_db()
    return tracking.directive_publish(
        actor=actor, directive_id=directive.pk, version=directive.version
    )


def _province_with_communes(
    province_key: str | None, include: Sequence[str]
) -> tuple[OrgUnit, list[OrgUnit]] | None:
    provinces = OrgUnit.objects.filter(kind="province", valid_to__isnull=True).order_by("path")
    if province_key is not None:
        provinces = provinces.filter(key=province_key)
    for province in provinces:
        current = OrgUnit.objects.filter(parent=province, kind="commune", valid_to__isnull=True)
        wanted = list(current.filter(key__in=include).order_by("path"))
        others = current.exclude(key__in=include).order_by("path")
        communes = wanted + list(others[: max(0, MAX_COMMUNES - len(wanted))])
        if len(communes) >= 2:
            return province, communes
    return None


def load_demo_directives(
    *,
    verbose: bool = False,
    actor: Actor | None = SYSTEM,
    province_key: str | None = None,
    include_communes: Sequence[str] = (),
) -> list[str]:
    """Create the demo directives and work; return notes for the person running the demo.

    ``province_key`` picks the province (default: the first with two communes);
    ``include_communes`` names communes (keys) that must receive work.
    """
    ministry = (
        OrgUnit.objects.filter(kind="ministry", valid_to__isnull=True).order_by("path").first()
    )
    found = _province_with_communes(province_key, include_communes)
    if ministry is None or found is None:
        return ["Văn bản mẫu: bỏ qua (chưa có Bộ, tỉnh và xã trong cây đơn vị)."]
    province, communes = found
    existing = Directive.objects.filter(unit=ministry, number=MINISTRY_NUMBER).first()
    if existing is not None:
        return [f"Văn bản mẫu: đã có ({MINISTRY_NUMBER} và kế hoạch của {province.name})."]

    with transaction.atomic():
        upper = _publish(
            actor,
            _read_now(actor, ministry, _text("bo.txt"), f"bo-kh-{current_school_year()}.txt"),
        )
        text = _text(
            "so.txt",
            PROVINCE_UPPER=province.name.upper(),
            province=province.name,
            place=province.name.split(" ", 1)[-1],
        )
        plan = _read_now(actor, province, text, f"kh-nam-hoc-{province.key}.txt")
        services.directive_set_upper(actor=actor, directive_id=plan.pk, upper_id=upper.pk)
        services.links_suggest(actor=actor, directive_id=plan.pk)
        for link in TaskLink.objects.filter(task__directive=plan, rank=1):
            services.link_decide(
                actor=actor,
                task_id=link.task_id,
                upper_task_id=link.upper_task_id,
                decision="confirm",
                directive_id=plan.pk,
            )
        plan = _publish(actor, plan)

        today = timezone.localdate()
        tasks = list(plan.tasks.order_by("position"))
        assignments = 0
        for index, task in enumerate(tasks):
            # Past deadlines for the first half of the tasks, future ones for the rest.
            deadline = today + dt.timedelta(days=(-30 if index % 2 == 0 else 45) + index)
            for position, commune in enumerate(communes):
                created = tracking.assignments_create(
                    actor=actor,
                    task_id=task.pk,
                    units=[commune.key],
                    deadline=deadline,
                    role="lead" if position % 3 else "support",
                )
                assignment = created.created[0]
                assignments += 1
                case = (index + position) % 4
                if case == 0:  # reported done today: on time if not yet due, else late
                    tracking.progress_post(
                        actor=actor,
                        assignment_id=assignment.pk,
                        text="Đã hoàn thành, gửi kèm báo cáo kết quả.",
                        percent=100,
                    )
                elif case == 1:
                    tracking.progress_post(
                        actor=actor,
                        assignment_id=assignment.pk,
                        text="Đang triển khai; đã họp triển khai với các trường.",
                        percent=40 + 10 * position % 50,
                    )
    notes = [
        f"Văn bản mẫu: {upper.number} (Bộ), {plan.number} ({province.name}) thực hiện văn bản "
        f"của Bộ, {len(tasks)} nhiệm vụ giao cho {len(communes)} xã, phường "
        f"({assignments} phân công).",
    ]
    if verbose:
        for note in notes:
            print(note)
    return notes
