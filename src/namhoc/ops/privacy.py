"""Personal data (Law 91/2025/QH15; docs/privacy.md, ADR 0010): a person's data exported, a
departed person erased, and what has outlived its purpose swept away.

Every link from a row to a person (a foreign key to the user) is classified below, and a test
fails when a new one is not:

- ``PERSONAL_ROWS`` — the person's own rows (roles, sessions, notices and their settings,
  e-mail deliveries, Django admin's log): exported, and deleted when the person is erased;
- ``AUTHORED_RECORDS`` — the unit's records the person made, decided or took part in
  (directives, progress reports, figures, approvals, reports, inspections and their teams,
  emulation registrations and councils, the audit trail…): exported as references, and KEPT when
  the person is erased — they then point at the same account row made a tombstone, which shows
  as "Người dùng đã xóa #<id>" wherever the name showed.

Erasure keeps the audit trail consistent: rows keep their actions, times, objects and changes;
the actor's recorded name becomes the pseudonym and their client address is dropped; the
person's name, user name and e-mail address are replaced in the rows about their account and
roles. The erasure itself is audited (counts only, no personal data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from namhoc.accounts.models import Membership, SignInFailure, User, UserSession
from namhoc.accounts.sessions import user_sessions_end
from namhoc.accounts.throttle import normalize_username
from namhoc.core.audit import action_label, audit_record
from namhoc.core.errors import DomainError
from namhoc.core.models_audit import AuditEvent
from namhoc.core.parsing import clean_text
from namhoc.core.types import Actor
from namhoc.ops.access import (
    access_person,
    erase_refusal,
    erased_username,
    export_refusal,
    pseudonym,
)

SCHEMA = "namhoc.personal-data/1"
REASON_MAX = 255
REDACTED = "[đã xóa]"
PERSON_FIELDS = ("username", "full_name", "first_name", "last_name", "email")

# "app_label.Model.field" of every foreign key to the user model.
PERSONAL_ROWS = frozenset(
    {
        "accounts.Membership.user",
        "accounts.UserSession.user",
        "notifications.NoticeSettings.user",
        "notifications.Preference.user",
        "notifications.Notice.user",
        "notifications.Delivery.user",
        "admin.LogEntry.user",
    }
)
AUTHORED_RECORDS = frozenset(
    {
        "core.AuditEvent.actor",
        "core.Event.actor",
        "directives.SourceDocument.uploaded_by",
        "directives.Directive.created_by",
        "directives.Directive.updated_by",
        "directives.Directive.published_by",
        "directives.DirectiveTask.updated_by",
        "directives.TaskLink.decided_by",
        "tracking.Assignment.assigned_by",
        "tracking.Assignment.updated_by",
        "tracking.ProgressUpdate.author",
        "tracking.ProgressUpdate.reviewed_by",
        "indicators.DataValue.updated_by",
        "indicators.Target.updated_by",
        "indicators.Approval.approved_by",
        "indicators.ApprovalEvent.actor",
        "notifications.Webhook.created_by",
        "reporting.ReportTemplate.uploaded_by",
        "reporting.ReportTemplate.retired_by",
        "reporting.ReportDraft.requested_by",
        "inspections.InspectionPlan.created_by",
        "inspections.Inspection.created_by",
        "inspections.Inspection.updated_by",
        "inspections.Inspection.concluded_by",
        # a member of an inspection team, of an emulation council; a person registered for an
        # emulation title: the official record of who took part, kept under the pseudonym
        "inspections.InspectionMember.user",
        "emulation.CouncilMember.user",
        "emulation.EmulationRound.created_by",
        "emulation.EmulationRound.decided_by",
        "emulation.Registration.person",
        "emulation.Registration.registered_by",
        "emulation.Registration.submitted_by",
        "legal.LegalDocument.updated_by",
    }
)
_WHEN = ("created_at", "occurred_at", "updated_at", "approved_at", "decided_at", "published_at")


def user_links() -> list[tuple[str, type[models.Model], str]]:
    """``(label, model, field name)`` of every foreign key to the user model."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if (
                isinstance(model_field, models.ForeignKey)
                and model_field.remote_field.model is user_model
            ):
                label = f"{model._meta.app_label}.{model.__name__}.{model_field.name}"
                found.append((label, model, model_field.name))
    return sorted(found, key=lambda item: item[0])


def _home_unit_id(person: User) -> int | None:
    from namhoc.accounts.selectors import home_unit

    unit = home_unit(person)
    return unit.pk if unit is not None else None


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _when(obj: models.Model) -> str | None:
    for name in _WHEN:
        value = getattr(obj, name, None)
        if value is not None:
            return str(_iso(value))
    return None


# --- export ---------------------------------------------------------------------------------


def _profile(person: User) -> dict[str, Any]:
    return {
        "id": person.pk,
        "username": person.username,
        "full_name": person.full_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_active": person.is_active,
        "date_joined": _iso(person.date_joined),
        "last_login": _iso(person.last_login),
    }


def _own_rows(person: User) -> dict[str, Any]:
    from namhoc.notifications.models import Delivery, Notice, NoticeSettings, Preference

    settings_row = NoticeSettings.objects.filter(user=person).first()
    return {
        "memberships": [
            {
                "unit": m.unit.key,
                "unit_name": m.unit.name,
                "role": m.role,
                "since": _iso(m.created_at),
            }
            for m in Membership.objects.filter(user=person).select_related("unit").order_by("pk")
        ],
        "sessions": [
            {"started": _iso(s.created_at)}
            for s in UserSession.objects.filter(user=person).order_by("created_at")
        ],
        "sign_in_failures": [
            {"at": _iso(f.occurred_at), "ip": f.ip}
            for f in SignInFailure.objects.filter(
                username=normalize_username(person.username)
            ).order_by("occurred_at")
        ],
        "notice_settings": None
        if settings_row is None
        else {
            "email_enabled": settings_row.email_enabled,
            "quiet_start": _iso(settings_row.quiet_start),
            "quiet_end": _iso(settings_row.quiet_end),
        },
        "notice_preferences": [
            {"kind": p.kind, "mode": p.mode}
            for p in Preference.objects.filter(user=person).order_by("kind")
        ],
        "notices": [
            {"kind": n.kind, "created": _iso(n.created_at), "read": _iso(n.read_at)}
            for n in Notice.objects.filter(user=person).order_by("pk")
        ],
        "deliveries": [
            {
                "channel": d.channel,
                "status": d.status,
                "created": _iso(d.created_at),
                "sent": _iso(d.sent_at),
                "attempts": d.attempts,
            }
            for d in Delivery.objects.filter(user=person).order_by("pk")
        ],
    }


def _audit(person: User) -> dict[str, Any]:
    user_type = ContentType.objects.get_for_model(User)
    mine = AuditEvent.objects.filter(actor=person).order_by("occurred_at", "pk")
    about = AuditEvent.objects.filter(content_type=user_type, object_id=str(person.pk))
    return {
        "actions": [
            {
                "at": _iso(e.occurred_at),
                "action": e.action,
                "label": action_label(e.action),
                "object": e.object_repr,
                "source": e.source,
                "ip": e.ip,
            }
            for e in mine.iterator()
        ],
        "about_the_account": [
            {
                "at": _iso(e.occurred_at),
                "action": e.action,
                "label": action_label(e.action),
                "by": e.actor_label,
                "changes": e.changes,
            }
            for e in about.order_by("occurred_at", "pk")
        ],
    }


def _records(person: User) -> dict[str, list[dict[str, Any]]]:
    """References to the records the person made or decided (not their contents: those are
    the unit's records, readable in namhoc by whoever may read them)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for label, model, name in user_links():
        if label not in AUTHORED_RECORDS or label in ("core.AuditEvent.actor",):
            continue
        rows = [
            {"id": obj.pk, "label": str(obj)[:200], "at": _when(obj)}
            for obj in model._default_manager.filter(**{name: person}).order_by("pk").iterator()
        ]
        if rows:
            found[label] = rows
    return found


def _files(person: User) -> list[dict[str, Any]]:
    from namhoc.directives.models import SourceDocument
    from namhoc.tracking.models import Evidence

    files = [
        {"kind": "văn bản tải lên", "name": s.filename, "size": s.size, "at": _iso(s.created_at)}
        for s in SourceDocument.objects.filter(uploaded_by=person).order_by("pk")
    ]
    files += [
        {
            "kind": "minh chứng",
            "name": e.original_name,
            "size": e.size,
            "at": _iso(e.update.created_at),
        }
        for e in Evidence.objects.filter(update__author=person).select_related("update")
    ]
    return files


@dataclass(frozen=True)
class Export:
    person: User
    data: dict[str, Any]

    @property
    def filename(self) -> str:
        return f"du-lieu-ca-nhan-{self.person.pk}-{timezone.localdate():%Y%m%d}.json"


def personal_data_export(*, actor: Actor | None, user_id: object) -> Export:
    """Everything namhoc holds about one person, as one JSON-ready object. Audited."""
    person = access_person(actor, user_id)
    refusal = export_refusal(actor, person)
    if refusal is not None:
        raise refusal
    self_export = actor is not None and actor.pk == person.pk
    data = {
        "schema": SCHEMA,
        "exported_at": _iso(timezone.now()),
        "exported_for": "self" if self_export else "unit admin",
        "person": _profile(person),
        **_own_rows(person),
        "audit": _audit(person),
        "records": _records(person),
        "files": _files(person),
    }
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="privacy.export",
            target=person,
            unit_id=_home_unit_id(person),
            note="người dùng tự xuất" if self_export else "quản trị đơn vị xuất",
        )
    return Export(person=person, data=data)


# --- erasure --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    person: User
    pseudonym: str
    counts: dict[str, int] = field(default_factory=dict)


def _redact_changes(changes: Any) -> Any:
    if not isinstance(changes, dict):
        return changes
    return {
        key: ([REDACTED if v not in (None, "") else v for v in value] if key in PERSON_FIELDS
              and isinstance(value, list) else value)
        for key, value in changes.items()
    }  # fmt: skip


def _scrub_audit(person: User, *, names: Iterable[str], alias: str) -> dict[str, int]:
    """The person's traces in the audit trail, made anonymous in place."""
    acted = AuditEvent.objects.filter(actor=person).update(actor_label=alias, ip=None)
    user_type = ContentType.objects.get_for_model(User)
    membership_type = ContentType.objects.get_for_model(Membership)
    about = AuditEvent.objects.filter(
        Q(content_type=user_type, object_id=str(person.pk))
        | Q(content_type=membership_type)
        & (Q(changes__user__0=person.pk) | Q(changes__user__1=person.pk))
    )
    names = sorted({n for n in names if n}, key=len, reverse=True)
    rewritten = 0
    for event in about.select_for_update():
        text = event.object_repr
        for name in names:
            text = text.replace(name, alias)
        if event.content_type_id == user_type.pk:
            text = alias
        event.object_repr = text[:255]
        event.changes = _redact_changes(event.changes)
        event.save(update_fields=["object_repr", "changes"])
        rewritten += 1
    return {"audit_rows_as_actor": acted, "audit_rows_about": rewritten}


def user_erase(
    *, actor: Actor | None, user_id: object, confirm: object, reason: object = ""
) -> Erasure:
    """Erase a departed person: their own rows deleted, their name, user name and e-mail gone
    from the account (kept as a tombstone, so that every record they made still points
    somewhere) and from the audit trail, which keeps every action under a pseudonym. The
    account can no longer sign in. ``confirm`` must repeat the user name (irreversible)."""
    person = access_person(actor, user_id)
    refusal = erase_refusal(actor, person)
    if refusal is not None:
        raise refusal
    if not isinstance(confirm, str) or confirm.strip() != person.username:
        raise DomainError(
            "confirm",
            f"Hãy gõ đúng tên đăng nhập “{person.username}” để xác nhận xóa.",
            field="confirm",
        )
    note = clean_text(reason, field="reason", label="Lý do", max_length=REASON_MAX)
    alias = pseudonym(person.pk)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        refusal = erase_refusal(actor, person)  # erased or re-enabled meanwhile
        if refusal is not None:
            raise refusal
        names = [
            person.full_name,
            person.get_full_name(),
            person.username,
            person.email,
            str(person),
        ]
        unit_id = _home_unit_id(person)
        counts = _scrub_audit(person, names=names, alias=alias)
        counts["sessions"] = user_sessions_end(user=person)
        counts["sign_in_failures"] = SignInFailure.objects.filter(
            username=normalize_username(person.username)
        ).delete()[0]
        for label, model, name in user_links():
            if label in PERSONAL_ROWS:
                counts[label] = model._default_manager.filter(**{name: person}).delete()[0]
        person.groups.clear()
        person.user_permissions.clear()
        person.username = erased_username(person.pk)
        person.full_name = alias
        person.first_name = person.last_name = person.email = ""
        person.is_active = person.is_staff = person.is_superuser = False
        person.last_login = None
        person.set_unusable_password()
        person.save()
        audit_record(
            actor=actor,
            action="privacy.erase",
            target=person,
            changes={"username": [REDACTED, person.username], "is_active": [False, False]},
            unit_id=unit_id,
            note=(note or "")[:255],
        )
    return Erasure(person=person, pseudonym=alias, counts=counts)


# --- retention ------------------------------------------------------------------------------

# How long what holds personal data is kept (docs/privacy.md).
SIGN_IN_FAILURES_DAYS = 30
NOTICES_READ_DAYS = 180
NOTICES_DAYS = 365
DELIVERIES_DAYS = 90
AUDIT_IP_DAYS = 365


@dataclass(frozen=True)
class Swept:
    counts: dict[str, int]

    def summary(self) -> str:
        return ", ".join(f"{name}: {n}" for name, n in self.counts.items())


def privacy_sweep(*, now: dt.datetime | None = None) -> Swept:
    """Delete what has outlived its purpose (docs/privacy.md); safe to run again."""
    from django.contrib.sessions.models import Session

    from namhoc.notifications.models import Delivery, Notice

    now = now or timezone.now()
    days = dt.timedelta(days=1)
    counts: dict[str, int] = {}
    counts["sign_in_failures"] = SignInFailure.objects.filter(
        occurred_at__lt=now - SIGN_IN_FAILURES_DAYS * days
    ).delete()[0]
    counts["sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    counts["user_sessions"] = UserSession.objects.exclude(
        session_key__in=Session.objects.values("session_key")
    ).delete()[0]
    counts["notices"] = Notice.objects.filter(
        Q(read_at__isnull=False, created_at__lt=now - NOTICES_READ_DAYS * days)
        | Q(created_at__lt=now - NOTICES_DAYS * days)
    ).delete()[0]
    counts["deliveries"] = (
        Delivery.objects.exclude(status=Delivery.Status.PENDING)
        .filter(created_at__lt=now - DELIVERIES_DAYS * days)
        .delete()[0]
    )
    counts["audit_addresses"] = AuditEvent.objects.filter(
        occurred_at__lt=now - AUDIT_IP_DAYS * days, ip__isnull=False
    ).update(ip=None)
    return Swept(counts=counts)
