"""The authentication backend: Django's model backend behind the sign-in throttle."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from namhoc.accounts import throttle
from namhoc.accounts.http import client_ip

LOCKOUT_ATTRIBUTE = "namhoc_signin_lockout"


class ThrottledModelBackend(ModelBackend):
    """Refuses, before any password hash runs, an account or address with too many failures.

    Every sign-in path goes through here (the sign-in page, the admin's login page). When locked
    out, the :class:`~namhoc.accounts.throttle.Lockout` is left on the request for the form to
    show, and ``PermissionDenied`` stops Django from trying any other backend.
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
        ip = client_ip(request)
        lockout = throttle.signin_lockout(username=username, ip=ip)
        if lockout is not None:
            if request is not None:
                setattr(request, LOCKOUT_ATTRIBUTE, lockout)
            raise PermissionDenied(lockout.message)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            if username is not None or password is not None:
                throttle.signin_failure_record(username=username, ip=ip)
        else:
            throttle.signin_success_record(username=username)
        return user
