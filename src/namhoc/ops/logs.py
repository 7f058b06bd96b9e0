"""Log lines: JSON objects one per line in production (for journald, Loki, Elasticsearch…),
readable lines in development. ``settings.LOGGING`` picks one (``NAMHOC_LOG_FORMAT``).

Fields that a caller passes as ``extra={"namhoc": {...}}`` (the request log does: request id,
method, path, route, status, duration, user, unit, client address) become top-level keys of the
JSON object; in development they are appended as ``key=value``. This module imports no model:
settings load it before the apps are ready.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

FIELDS = "namhoc"  # the record attribute holding the structured fields


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, FIELDS, None)
    return dict(fields) if isinstance(fields, dict) else {}


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", …fields, "exc"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in _fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message key=value …`` (development)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(
            f"{key}={value}" for key, value in _fields(record).items() if value not in ("", None)
        )
        if not extra:
            return line
        first, newline, rest = line.partition("\n")
        return f"{first} {extra}{newline}{rest}"
