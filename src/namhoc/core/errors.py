"""Errors raised by services, carrying a stable code and a message for the user (Vietnamese)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """A rule of the domain refused an operation.

    ``code`` is stable and meant for programs (API clients, tests); ``message`` is the sentence
    shown to the user, in Vietnamese; ``field`` names the input at fault, when there is one.
    """

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field}


class NotFound(DomainError):
    """The object does not exist, or the acting user may not know it does (out of scope)."""

    status = 404

    def __init__(self, message: str = "Không tìm thấy hoặc bạn không có quyền xem.") -> None:
        super().__init__("not_found", message)


class Forbidden(DomainError):
    """The user may see the object but not do this to it."""

    status = 403

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
        super().__init__("forbidden", message)


class Conflict(DomainError):
    """The object changed since the user loaded it (optimistic concurrency)."""

    status = 409


class StaleEdit(Conflict):
    """Someone saved the object since this user loaded it. ``current`` holds what they saved."""

    def __init__(
        self, *, current: Mapping[str, Any], changed_by: str, changed_at: Any, what: str = ""
    ) -> None:
        when = _local_time(changed_at)
        keep = "Nội dung bạn nhập vẫn được giữ bên dưới; hãy xem bản hiện tại, rồi lưu lại."
        if what:  # "Phân công này đã được Trần Văn Tỉnh sửa lúc 10:05 24/11/2026 ..."
            by = f" {changed_by}" if changed_by else ""
            message = f"{what} đã được{by} sửa lúc {when} sau khi bạn mở trang. {keep}"
        else:
            who = changed_by or "Người khác"
            message = f"{who} đã lưu thay đổi lúc {when} sau khi bạn mở trang. {keep}"
        super().__init__("stale", message)
        self.current = dict(current)
        self.changed_by = changed_by
        self.changed_at = changed_at

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "current": self.current}


def _local_time(moment: Any) -> str:
    if not moment:
        return ""
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def command_error(exc: DomainError) -> Exception:
    """A DomainError as a management command's error: the Vietnamese message, then an English
    line built from its code, exit status 2 (the ``namhoc`` command's usage-error status)."""
    from django.core.management.base import CommandError

    english = exc.code.replace("_", " ")
    return CommandError(f"{exc.message}\nError: {english}.", returncode=2)
