"""Types shared by every app: who acts, and the small closed vocabularies.

:class:`Actor` is what use cases, selectors and access checks take as "the acting user": a
signed-in :class:`~namhoc.accounts.models.User`, Django's ``AnonymousUser``, or ``None`` for the
system itself (background tasks, the demo loader, the CLI). Access checks treat anonymous, inactive
and ``None`` alike: they see nothing.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["SYSTEM", "Actor", "ActorOrSystem"]


@runtime_checkable
class Actor(Protocol):
    """A person as the access layer sees them (a User or an AnonymousUser)."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...


ActorOrSystem = Actor | None
"""An action's author: a person, or ``None`` when namhoc itself acts (tasks, loaders, CLI)."""


class _System:
    """namhoc itself acting (the demo loader, the CLI, background tasks): sees and may do
    everything; audited under the source of the work (``cli``, ``task``…), not under a person."""

    pk = None
    is_authenticated = False
    is_active = True
    is_superuser = True
    is_staff = True

    def __str__(self) -> str:
        return "namhoc"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Actor = _System()
"""The actor for work namhoc does on its own behalf."""
