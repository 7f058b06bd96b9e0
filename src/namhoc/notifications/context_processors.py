"""The bell on every page: the signed-in person's unread count, computed only when a template
shows it, once per request (one COUNT on a partial index)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from namhoc.notifications.selectors import UNREAD_CAP, unread_count


def _bell(request: HttpRequest) -> dict[str, object]:
    count = unread_count(getattr(request, "user", None))
    return {"count": count, "label": f"{UNREAD_CAP}+" if count > UNREAD_CAP else str(count)}


def bell(request: HttpRequest) -> dict[str, object]:
    return {"notice_bell": SimpleLazyObject(lambda: _bell(request))}
