"""At sign-in, the person's home unit goes into the session for the request log (ADR 0010).

Kept apart from ``ops.middleware``: the app registers this at start-up, and importing the
middleware would import prometheus_client before ``namhoc serve`` has chosen its multiprocess
mode (which prometheus_client reads once, when it is first imported).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

SESSION_UNIT = "namhoc_log_unit"


def remember_unit(sender: Any, request: HttpRequest | None, user: Any, **_kw: Any) -> None:
    """``user_logged_in``: keep the person's home unit in the session, so that the log line
    names it without a query on every request (the unit as it was at sign-in)."""
    if request is None or not hasattr(request, "session"):
        return
    from namhoc.accounts.selectors import home_unit

    try:
        unit = home_unit(user)
    except Exception:  # the sign-in must not fail for a log field
        return
    request.session[SESSION_UNIT] = unit.key if unit is not None else ""
