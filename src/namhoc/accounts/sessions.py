"""Sessions a user signed in with: recorded per user so that they can all be ended at once."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

from namhoc.accounts.models import User, UserSession


def _store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key)
    return store


def user_session_record(*, user: User, session_key: str) -> None:
    """Remember that ``user`` holds the session ``session_key`` (idempotent).

    Also forgets this user's sessions that no longer exist (signed out or expired), so the table
    stays about as large as the number of live sessions.
    """
    known = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=session_key)
        .values_list("session_key", flat=True)
    )
    live = _existing(known)
    gone = [key for key in known if key not in live]
    if gone:
        UserSession.objects.filter(session_key__in=gone).delete()
    UserSession.objects.bulk_create(
        [UserSession(user=user, session_key=session_key)],
        update_conflicts=True,
        unique_fields=["session_key"],
        update_fields=["user"],
    )


def _existing(keys: list[str]) -> set[str]:
    """Which of ``keys`` the session store still holds: one query with the database store
    (what its ``exists`` asks, for all at once), else the store asked key by key."""
    if not keys:
        return set()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if issubclass(store, DatabaseStore):
        model = store.get_model_class()
        return set(model.objects.filter(session_key__in=keys).values_list("session_key", flat=True))
    return {key for key in keys if _store(key).exists(key)}


def user_sessions_end(*, user: User) -> int:
    """End every session of ``user``; returns how many were recorded."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        _store(key).delete(key)
    UserSession.objects.filter(user=user).delete()
    return len(keys)
