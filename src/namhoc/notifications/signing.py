"""Webhook signatures: HMAC-SHA256 over ``"<timestamp>.<body>"`` (ADR 0009).

A receiver checks, with the secret it was shown when the webhook was made (or last rotated)::

    timestamp = request.headers["X-Namhoc-Timestamp"]            # Unix seconds
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body,
                                    hashlib.sha256).hexdigest()
    ok = hmac.compare_digest(expected, request.headers["X-Namhoc-Signature"])
         and abs(time.time() - int(timestamp)) <= 300

The timestamp inside the signed text stops a captured request from being replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-Namhoc-Signature"
TIMESTAMP_HEADER = "X-Namhoc-Timestamp"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A fresh signing secret: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, body, timestamp)}


def verify(secret: str, body: bytes, headers: dict[str, str], *, now: float | None = None) -> bool:
    """What a receiver does (used by the tests, and a reference for the people who bridge)."""
    try:
        timestamp = int(headers.get(TIMESTAMP_HEADER, ""))
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), headers.get(SIGNATURE_HEADER, ""))
