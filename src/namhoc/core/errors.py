"""Errors raised by services, carrying a stable code and a message for the user (Vietnamese)."""

from __future__ import annotations


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

    def as_dict(self) -> dict[str, str | None]:
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


def command_error(exc: DomainError) -> Exception:
    """A DomainError as a management command's error: the Vietnamese message, then an English
    line built from its code, exit status 2 (the ``namhoc`` command's usage-error status)."""
    from django.core.management.base import CommandError

    english = exc.code.replace("_", " ")
    return CommandError(f"{exc.message}\nError: {english}.", returncode=2)
