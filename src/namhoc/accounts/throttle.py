"""Sign-in throttle: failures counted in the database, checked before any password hash runs.

Limits (settings, with these defaults): ``SIGNIN_FAILURES_PER_ACCOUNT`` = 5 and
``SIGNIN_FAILURES_PER_ADDRESS`` = 20 within ``SIGNIN_WINDOW_MINUTES`` = 15. A name that belongs
to no account is counted exactly like a real one, so the answer never tells them apart.

Check and record are one step, so that parallel guesses cannot all pass the check before any of
them is recorded (issue 9): in one short transaction, serialised per account name and per
address (:func:`_serialize`), an attempt counts the failures in the window and, within the
limits, records itself as a failure *before* its password is checked; a right password then
takes the row back. So every password check is already counted when the next attempt counts,
and no more than the limit can be checked per window, however many arrive at once. No lock is
held while the hash runs.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from namhoc.accounts.models import SignInFailure

_LOCK_CLASS = 0x6E68  # PostgreSQL advisory lock class of the sign-in throttle ("nh")


@dataclass(frozen=True)
class Lockout:
    """Sign-in is refused for ``minutes`` more minutes (rounded up, at least 1)."""

    minutes: int

    @property
    def message(self) -> str:
        return f"Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau {self.minutes} phút."


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt let through to the password check; ``row_id`` is its provisional
    failure row (kept if the password is wrong, removed if it is right)."""

    row_id: int
    username: str


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "SIGNIN_WINDOW_MINUTES", 15)))


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "SIGNIN_FAILURES_PER_ACCOUNT", 5)),
        int(getattr(settings, "SIGNIN_FAILURES_PER_ADDRESS", 20)),
    )


def normalize_username(username: str | None) -> str:
    return (username or "").strip().casefold()[:150]


def _lockout(failures: list[dt.datetime], limit: int, now: dt.datetime) -> Lockout | None:
    if len(failures) < limit:
        return None
    # Sign-in opens again when enough failures have left the window to fall below the limit.
    failures.sort(reverse=True)
    reopens = failures[limit - 1] + _window()
    # Parallel attempts read the clock a moment apart: never name more than the window.
    minutes = math.ceil((reopens - now).total_seconds() / 60)
    return Lockout(minutes=min(max(1, minutes), math.ceil(_window().total_seconds() / 60)))


def _recent(*, since: dt.datetime, limit: int, **match: object) -> list[dt.datetime]:
    """The ``limit`` latest failure times matching ``match`` inside the window."""
    return list(
        SignInFailure.objects.filter(occurred_at__gt=since, **match)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)[:limit]
    )


def _lockout_for(name: str, ip: str | None, now: dt.datetime) -> Lockout | None:
    since = now - _window()
    per_account, per_address = _limits()
    found: list[Lockout] = []
    if name:
        lock = _lockout(_recent(since=since, limit=per_account, username=name), per_account, now)
        if lock:
            found.append(lock)
    if ip:
        lock = _lockout(_recent(since=since, limit=per_address, ip=ip), per_address, now)
        if lock:
            found.append(lock)
    if not found:
        return None
    return max(found, key=lambda lock: lock.minutes)


def signin_lockout(*, username: str | None, ip: str | None) -> Lockout | None:
    """The lockout in force for this account name or this address, if any. Runs no hash."""
    return _lockout_for(normalize_username(username), ip, timezone.now())


def _serialize(name: str, ip: str | None) -> None:
    """Make this transaction the only one counting for this account name and this address.

    PostgreSQL: transaction-scoped advisory locks, one per key, taken in a fixed order (no
    deadlock between an attempt locking name then address and another the other way). SQLite:
    nothing to do — ``transaction_mode=IMMEDIATE`` took the database's write lock at BEGIN.
    """
    if connection.vendor != "postgresql":
        return
    keys = sorted(key for key in (f"u:{name}" if name else "", f"a:{ip}" if ip else "") if key)
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_CLASS, key])


def signin_attempt_begin(*, username: str | None, ip: str | None) -> Attempt | Lockout:
    """Check the limits and record the attempt, as one step: the :class:`Attempt` to go on with
    (its failure row committed before any hash runs), or the :class:`Lockout` that refuses it."""
    name = normalize_username(username)
    with transaction.atomic():
        _serialize(name, ip)
        now = timezone.now()
        lockout = _lockout_for(name, ip, now)
        if lockout is not None:
            return lockout
        row = SignInFailure.objects.create(username=name, ip=ip, occurred_at=now)
    return Attempt(row_id=row.pk, username=name)


def signin_attempt_failed(attempt: Attempt) -> None:
    """The password was wrong: the attempt's row stays as the failure it recorded."""
    # Failures only matter inside the window: pruning here keeps the table small without a
    # scheduler (one indexed MIN() when there is nothing to delete).
    signin_failures_prune()


def signin_attempt_succeeded(attempt: Attempt) -> None:
    """The password was right: take the provisional row back and clear the account's failures
    (not the address's): one DELETE (the provisional row is the account's too)."""
    SignInFailure.objects.filter(Q(pk=attempt.row_id) | Q(username=attempt.username)).delete()


def signin_failure_record(*, username: str | None, ip: str | None) -> None:
    SignInFailure.objects.create(
        username=normalize_username(username), ip=ip, occurred_at=timezone.now()
    )
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
