"""Errors of the operations commands: said to the person at the terminal in Vietnamese, then
English (the ``namhoc`` command's way)."""

from __future__ import annotations


class OpsError(Exception):
    """A backup, restore or check that cannot go on; nothing was changed unless ``vi`` says so."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi = vi
        self.en = en

    def __str__(self) -> str:
        return f"{self.vi}\nError: {self.en}"


def command_error(exc: OpsError) -> Exception:
    """The error as a management command's: exit status 2, Vietnamese first."""
    from django.core.management.base import CommandError

    return CommandError(str(exc), returncode=2)
