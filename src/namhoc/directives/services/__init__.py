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

directive_revise = lifecycle.directive_revise
directive_set_upper = links.directive_set_upper
links_suggest = links.links_suggest
link_decide = links.link_decide

del drafting
