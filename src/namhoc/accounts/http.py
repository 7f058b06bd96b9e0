"""Facts about the request that the accounts layer needs: the client's address."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address.

    ``REMOTE_ADDR`` unless ``NAMHOC_PROXY_HOPS`` (settings ``PROXY_HOPS``) says that many trusted
    reverse proxies sit in front: then the address that the outermost trusted proxy saw, taken
    from the right of ``X-Forwarded-For`` (entries to its left are client-supplied and untrusted).
    """
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR") or ""
    hops = int(getattr(settings, "PROXY_HOPS", 0))
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
