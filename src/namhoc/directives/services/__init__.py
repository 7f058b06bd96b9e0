"""Use cases on directives (ADR 0007), one module per area:

- :mod:`.reading` — upload or paste a source, read it in the background, read it again;
- :mod:`.drafting` — correct a draft: its header and tasks (correct, merge, split, add,
  delete);
- :mod:`.parts` — the documents a draft cites and the targets it states;
- :mod:`.lifecycle` — open a revision of a published directive;
- :mod:`.links` — the upper directive, link proposals and decisions;
- :mod:`.publishing` — internal: what publishing does to directives, called only by
  ``tracking.services.directive_publish``, the one public way to publish (it also moves the
  work assigned on a revision's old tasks).

Every user action takes the acting user and the raw input, checks access through
``directives.access``, parses with ``core.parsing`` and writes in one transaction with the
directive's row locked and its audit rows beside the change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from namhoc.core.errors import StaleEdit
from namhoc.directives.services import drafting, lifecycle, links
from namhoc.directives.services.common import HEADER_FIELDS
from namhoc.directives.services.drafting import (
    directive_update,
    task_add,
    task_delete,
    task_merge_next,
    task_split,
    task_update,
)
from namhoc.directives.services.links import LinkProposal, links_accept, suggest_links
from namhoc.directives.services.parts import (
    citation_add,
    citation_delete,
    citation_update,
    target_add,
    target_delete,
    target_update,
    target_value,
)
from namhoc.directives.services.reading import (
    Recovery,
    progress_message,
    read_limits,
    source_paste,
    source_read,
    source_retry,
    source_upload,
    sources_recover,
)

__all__ = [
    "HEADER_FIELDS",
    "LinkProposal",
    "Recovery",
    "StaleEdit",
    "citation_add",
    "citation_delete",
    "citation_update",
    "directive_revise",
    "directive_set_upper",
    "directive_update",
    "link_decide",
    "links_accept",
    "links_suggest",
    "progress_message",
    "read_limits",
    "source_paste",
    "source_read",
    "source_retry",
    "source_upload",
    "sources_recover",
    "suggest_links",
    "target_add",
    "target_delete",
    "target_update",
    "target_value",
    "task_add",
    "task_delete",
    "task_merge_next",
    "task_split",
    "task_update",
]

F = TypeVar("F", bound=Callable[..., Any])


def _ids_from_objects(function: F) -> F:
    """Transitional, for callers outside this app written before ADR 0007 (the demo loader and
    tracking's tests pass loaded objects: ``directive=d``, ``upper=u``, ``task=t``,
    ``upper_task=u``, ``confirmed=True``): the objects become the raw ids the use case takes,
    and access is checked as for anyone. Remove once they pass ids."""
    renames = {
        "directive": "directive_id",
        "upper": "upper_id",
        "task": "task_id",
        "upper_task": "upper_task_id",
    }

    @functools.wraps(function)
    def call(**kwargs: Any) -> Any:
        for old, new in renames.items():
            if old in kwargs and new not in kwargs and hasattr(kwargs[old], "pk"):
                kwargs[new] = kwargs.pop(old).pk
            elif old in kwargs and kwargs[old] is None and new == "upper_id":
                kwargs[new] = kwargs.pop(old)
        if "confirmed" in kwargs:
            kwargs["decision"] = "confirm" if kwargs.pop("confirmed") else "reject"
        return function(**kwargs)

    return call  # type: ignore[return-value]


directive_revise = _ids_from_objects(lifecycle.directive_revise)
directive_set_upper = _ids_from_objects(links.directive_set_upper)
links_suggest = _ids_from_objects(links.links_suggest)
link_decide = _ids_from_objects(links.link_decide)

del drafting

# Transitional: ``tracking.services.directive_publish`` (the one public way to publish) calls the
# internal step by this name; it moves to ``services.publishing.publish_draft``. Not in __all__.
from namhoc.directives.services.publishing import publish_draft as directive_publish  # noqa: E402,F401
