"""Stored files served as downloads: attachment, never rendered inline."""

from __future__ import annotations

from typing import cast

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse

from namhoc.core.errors import NotFound


def stored_file_response(name: str, filename: str, content_type: str) -> HttpResponse:
    """A stored file (``name`` in the default storage) as an attachment called ``filename``."""
    if not default_storage.exists(name):
        raise NotFound("Tệp không còn trên máy chủ.")
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return cast(HttpResponse, response)  # streamed; the decorators only pass it through
