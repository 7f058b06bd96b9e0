"""The authentication backend: Django's model backend behind the sign-in throttle."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router
from django.http import HttpRequest

from namhoc.accounts import throttle
from namhoc.accounts.http import client_ip
from namhoc.core.sql import columns_of, fetch_models

LOCKOUT_ATTRIBUTE = "namhoc_signin_lockout"
# Table and column names come from the user model's metadata, the value is a parameter.
_USER_SQL = "SELECT {columns} FROM {table} WHERE {pk} = %s"


class ThrottledModelBackend(ModelBackend):
    """Refuses, before any password hash runs, an account or address with too many failures.

    Every sign-in path goes through here (the sign-in page, the admin's login page). The attempt
    is recorded *before* the check (``throttle.signin_attempt_begin``), so that parallel guesses
    cannot all slip through one check. When locked out, the
    :class:`~namhoc.accounts.throttle.Lockout` is left on the request for the form to show, and
    ``PermissionDenied`` stops Django from trying any other backend.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None  # nothing to check (ModelBackend runs no hash either)
        ip = client_ip(request)
        attempt = throttle.signin_attempt_begin(username=username, ip=ip)
        if isinstance(attempt, throttle.Lockout):
            if request is not None:
                setattr(request, LOCKOUT_ATTRIBUTE, attempt)
            raise PermissionDenied(attempt.message)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.signin_attempt_failed(attempt)
        else:
            throttle.signin_attempt_succeeded(attempt)
        return user

    def get_user(self, user_id: Any) -> Any:
        """The signed-in user of a session (every signed-in request asks it once), read by a
        query written out — composing the ORM's cost more than running it (issue 15); None for
        an unknown or inactive account, as Django's backend answers."""
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        quote = connections[router.db_for_read(model)].ops.quote_name
        sql = _USER_SQL.format(
            columns=columns_of(model),
            table=quote(model._meta.db_table),
            pk=quote(str(model._meta.pk.column)),
        )
        found = fetch_models(model, sql, [pk])
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
