"""Who may change the hierarchy itself. Reading it is the access layer's business
(``accounts.access``: a person reads the subtrees of their memberships); changing it — loads,
renames, moves, merges, splits — is for namhoc itself (the CLI, data migrations: ``actor=None``
or ``SYSTEM``) and for superusers. A unit admin manages people, not the map of the country.
"""

from __future__ import annotations

from namhoc.core.errors import DomainError, Forbidden
from namhoc.core.types import Actor

__all__ = ["restructure_refusal"]


def restructure_refusal(actor: Actor | None) -> DomainError | None:
    """Why ``actor`` may not change the org tree, or None."""
    if actor is None or (actor.is_active and actor.is_superuser):
        return None
    return Forbidden("Chỉ quản trị hệ thống mới thay đổi được cây đơn vị hành chính.")
