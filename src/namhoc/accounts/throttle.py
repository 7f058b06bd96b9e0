"""Sign-in throttle: failures counted in the database, checked before any password hash runs.

Limits (settings, with these defaults): ``SIGNIN_FAILURES_PER_ACCOUNT`` = 5 and
``SIGNIN_FAILURES_PER_ADDRESS`` = 20 within ``SIGNIN_WINDOW_MINUTES`` = 15. A name that belongs
to no account is counted exactly like a real one, so the answer never tells them apart.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from namhoc.accounts.models import SignInFailure


@dataclass(frozen=True)
class Lockout:
    """Sign-in is refused for ``minutes`` more minutes (rounded up, at least 1)."""

    minutes: int

    @property
    def message(self) -> str:
        return f"Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau {self.minutes} phút."


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "SIGNIN_WINDOW_MINUTES", 15)))


def normalize_username(username: str | None) -> str:
    return (username or "").strip().casefold()[:150]


def _lockout(failures: list[dt.datetime], limit: int, now: dt.datetime) -> Lockout | None:
    if len(failures) < limit:
        return None
    # Sign-in opens again when enough failures have left the window to fall below the limit.
    failures.sort(reverse=True)
    reopens = failures[limit - 1] + _window()
    return Lockout(minutes=max(1, math.ceil((reopens - now).total_seconds() / 60)))


def signin_lockout(*, username: str | None, ip: str | None) -> Lockout | None:
    """The lockout in force for this account name or this address, if any. Runs no hash."""
    now = timezone.now()
    since = now - _window()
    per_account = int(getattr(settings, "SIGNIN_FAILURES_PER_ACCOUNT", 5))
    per_address = int(getattr(settings, "SIGNIN_FAILURES_PER_ADDRESS", 20))
    found: list[Lockout] = []
    name = normalize_username(username)
    if name:
        times = list(
            SignInFailure.objects.filter(username=name, occurred_at__gt=since)
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)[:per_account]
        )
        lock = _lockout(times, per_account, now)
        if lock:
            found.append(lock)
    if ip:
        times = list(
            SignInFailure.objects.filter(ip=ip, occurred_at__gt=since)
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)[:per_address]
        )
        lock = _lockout(times, per_address, now)
        if lock:
            found.append(lock)
    if not found:
        return None
    return max(found, key=lambda lock: lock.minutes)


def signin_failure_record(*, username: str | None, ip: str | None) -> None:
    SignInFailure.objects.create(
        username=normalize_username(username), ip=ip, occurred_at=timezone.now()
    )
    # Failures only matter inside the window: pruning here keeps the table small without a
    # scheduler (one indexed MIN() when there is nothing to delete).
    signin_failures_prune()


def signin_success_record(*, username: str | None) -> None:
    """A successful sign-in clears the account's failures (not the address's)."""
    SignInFailure.objects.filter(username=normalize_username(username)).delete()


def signin_failures_prune() -> int:
    """Delete failures older than the window; returns how many. Safe to run any time."""
    cutoff = timezone.now() - _window()
    oldest = SignInFailure.objects.aggregate(oldest=Min("occurred_at"))["oldest"]
    if oldest is None or oldest > cutoff:
        return 0
    deleted, _ = SignInFailure.objects.filter(occurred_at__lte=cutoff).delete()
    return deleted
