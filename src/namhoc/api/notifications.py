"""JSON API of notifications: my notices (read one, read all), my preferences; for unit admins
the webhooks of their units and the deliveries that failed. Same use cases as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from namhoc.api.paging import BoundedLimitOffset
from namhoc.notifications import selectors, services
from namhoc.notifications.models import (
    WEBHOOK_NAME_MAX,
    WEBHOOK_URL_MAX,
    Delivery,
    Notice,
    Webhook,
)

router = Router(tags=["notifications"])

_TEXT = 200  # schema pre-check of a short text; the use case is the authority


class NoticeOut(Schema):
    id: int
    kind: str
    label: str
    text: str
    url: str
    unit_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadOut(Schema):
    unread: int


class CountOut(Schema):
    count: int


class PreferencesIn(Schema):
    modes: dict[str, str] = {}
    email_enabled: bool | str = True
    quiet_start: str = Field("21:00", max_length=_TEXT)
    quiet_end: str = Field("06:30", max_length=_TEXT)


class PreferencesOut(Schema):
    email_enabled: bool
    quiet_start: str
    quiet_end: str
    modes: dict[str, str]


class WebhookIn(Schema):
    unit: str = Field(..., max_length=_TEXT)
    name: str = Field(..., max_length=WEBHOOK_NAME_MAX * 4)
    url: str = Field(..., max_length=WEBHOOK_URL_MAX * 4)
    kinds: list[str] = Field([], max_length=50)


class WebhookUpdateIn(Schema):
    version: int | str
    name: str = Field(..., max_length=WEBHOOK_NAME_MAX * 4)
    url: str = Field(..., max_length=WEBHOOK_URL_MAX * 4)
    kinds: list[str] = Field([], max_length=50)
    active: bool | str = True


class WebhookOut(Schema):
    id: int
    unit: str
    unit_name: str
    name: str
    url: str
    kinds: list[str]
    active: bool
    version: int
    secret_rotated_at: dt.datetime

    @staticmethod
    def resolve_unit(obj: Webhook) -> str:
        return obj.unit.key

    @staticmethod
    def resolve_unit_name(obj: Webhook) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_kinds(obj: Webhook) -> list[str]:
        return obj.kind_list


class WebhookSecretOut(Schema):
    webhook: WebhookOut
    secret: str = Field(..., description="Shown only in this answer: keep it to verify signatures")


class DeliveryOut(Schema):
    id: int
    channel: str
    status: str
    target: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime

    @staticmethod
    def resolve_target(obj: Delivery) -> str:
        return selectors.delivery_target(obj)


def _notice_out(notice: Notice) -> dict[str, Any]:
    told = selectors.notice_rows([notice])[0].told
    return _row(notice, told)


def _row(notice: Notice, told: Any) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "label": told.label,
        "text": told.text,
        "url": told.url,
        "unit_id": notice.unit_id,
        "created_at": notice.created_at,
        "read_at": notice.read_at,
    }


class _NoticePaging(BoundedLimitOffset):
    """One page of notices, each told in words (one query per kind of object on the page)."""

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        rows = list(page["items"])
        page["items"] = [_row(row.notice, row.told) for row in selectors.notice_rows(rows)]
        return page


@router.get("", response=list[NoticeOut], summary="My notices, newest first")
@paginate(_NoticePaging)
def notice_list(request: HttpRequest, unread: bool = False) -> Any:
    return selectors.notices(request.user, unread_only=unread)


@router.get("/unread", response=UnreadOut, summary="How many of my notices are unread (max 100)")
def unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(request.user)}


@router.post("/{notice_id}/read", response=NoticeOut, summary="Mark one notice read")
def read(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    return _notice_out(services.notice_read(actor=request.user, notice_id=notice_id))


@router.post("/read-all", response=CountOut, summary="Mark all my notices read")
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"count": services.notices_read_all(actor=request.user)}


def _preferences_out(prefs: services.Preferences) -> dict[str, Any]:
    stored = prefs.settings
    return {
        "email_enabled": stored.email_enabled,
        "quiet_start": f"{stored.quiet_start:%H:%M}",
        "quiet_end": f"{stored.quiet_end:%H:%M}",
        "modes": prefs.modes,
    }


@router.get("/preferences", response=PreferencesOut, summary="My notification preferences")
def preferences(request: HttpRequest) -> dict[str, Any]:
    return _preferences_out(selectors.preferences_page(request.user).preferences)


@router.put("/preferences", response=PreferencesOut, summary="Change my preferences")
def preferences_save(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    return _preferences_out(
        services.preferences_save(
            actor=request.user,
            modes=payload.modes,
            email_enabled=payload.email_enabled,
            quiet_start=payload.quiet_start,
            quiet_end=payload.quiet_end,
        )
    )


@router.get("/webhooks", response=list[WebhookOut], summary="Webhooks of the units I administer")
def webhooks(request: HttpRequest) -> list[Webhook]:
    return [row.webhook for row in selectors.webhooks_page(request.user).rows]


@router.post(
    "/webhooks", response={201: WebhookSecretOut}, summary="Set up a webhook (secret shown once)"
)
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Any:
    created = services.webhook_create(
        actor=request.user,
        unit=payload.unit,
        name=payload.name,
        url=payload.url,
        kinds=payload.kinds,
    )
    return Status(201, {"webhook": created.webhook, "secret": created.secret})


@router.put("/webhooks/{webhook_id}", response=WebhookOut, summary="Change a webhook")
def webhook_update(request: HttpRequest, webhook_id: int, payload: WebhookUpdateIn) -> Webhook:
    return services.webhook_update(
        actor=request.user,
        webhook_id=webhook_id,
        version=payload.version,
        name=payload.name,
        url=payload.url,
        kinds=payload.kinds,
        active=payload.active,
    )


@router.post(
    "/webhooks/{webhook_id}/rotate",
    response=WebhookSecretOut,
    summary="A new signing secret (shown once; the old one stops working)",
)
def webhook_rotate(request: HttpRequest, webhook_id: int) -> dict[str, Any]:
    rotated = services.webhook_rotate(actor=request.user, webhook_id=webhook_id)
    return {"webhook": rotated.webhook, "secret": rotated.secret}


@router.delete("/webhooks/{webhook_id}", response={204: None}, summary="Remove a webhook")
def webhook_delete(request: HttpRequest, webhook_id: int) -> Any:
    services.webhook_delete(actor=request.user, webhook_id=webhook_id)
    return Status(204, None)


@router.get(
    "/failed-deliveries",
    response=list[DeliveryOut],
    summary="E-mails and webhook posts that failed for good, for units I administer",
)
@paginate(BoundedLimitOffset)
def failed_deliveries(request: HttpRequest) -> Any:
    return selectors.failed_deliveries(request.user)


@router.post(
    "/failed-deliveries/{delivery_id}/retry", response=DeliveryOut, summary="Send it again now"
)
def retry(request: HttpRequest, delivery_id: int) -> Delivery:
    return services.delivery_retry(actor=request.user, delivery_id=delivery_id)
