"""Audit log endpoints (``/api/audit``): the rows a unit admin may read, with the page's filters,
and one object's history — through the same selectors as ``/nhat-ky/`` (ADR 0007).

Lists are paginated (``?limit=&offset=``, at most 500 a page; ``{"items": [...], "count": n}``),
newest first. Times are UTC (ISO 8601).
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from namhoc.accounts import selectors
from namhoc.api.paging import BoundedLimitOffset
from namhoc.core.models_audit import AuditEvent

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor: str = Field(description="the user name of who acted, or the source (cli, task…)")
    actor_name: str = Field(description="the person's name as people read it")
    action: str = Field(description="stable code, e.g. membership.grant")
    action_label: str
    object_type: str = Field(description="app.model")
    object_kind: str = Field(description="what the object is, in Vietnamese")
    object_id: str
    object_repr: str
    unit_id: int | None
    changes: dict[str, Any] = Field(description="{field: [old, new]}")
    source: str
    ip: str | None
    note: str

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_actor_name(obj: AuditEvent) -> str:
        return str(obj.actor) if obj.actor is not None else obj.actor_label

    @staticmethod
    def resolve_object_kind(obj: AuditEvent) -> str:
        model = obj.content_type.model_class()
        return str(model._meta.verbose_name) if model is not None else obj.content_type.model

    @staticmethod
    def resolve_object_type(obj: AuditEvent) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class AuditFilter(Schema):
    unit: str = Field(default="", max_length=40, description="a unit's key: rows of its subtree")
    person: str = Field(default="", max_length=150, description="who acted: user name or name")
    action: str = Field(default="", max_length=61, description="a code, or its first part (user)")
    target: str = Field(default="", max_length=200, description="app.model or app.model:id")
    date_from: str = Field(default="", max_length=40, description="local day, dd/mm/yyyy or ISO")
    date_to: str = Field(default="", max_length=40, description="local day, inclusive")


@router.get("", response=list[AuditEventOut], summary="Changes in the subtree I manage")
@paginate(BoundedLimitOffset)
def list_events(request: HttpRequest, filters: Query[AuditFilter]) -> QuerySet[AuditEvent]:
    return selectors.audit_log(request.user, **filters.dict())


@router.get(
    "/{content_type}/{object_id}",
    response=list[AuditEventOut],
    summary="One object's history (content_type as app.model)",
)
@paginate(BoundedLimitOffset)
def object_history(
    request: HttpRequest,
    content_type: str,
    object_id: str,
) -> QuerySet[AuditEvent]:
    _kind, events = selectors.object_history(request.user, content_type, object_id)
    return events
