"""Reads of directives, for one viewer (ADR 0007), one module per area:

- :mod:`.lists` — the directive list (filters, search without diacritics), upper candidates;
- :mod:`.parts` — a directive with its parts, the source text cut at the tasks, the
  difference a revision makes;
- :mod:`.pages` — the upload, source, review and publish pages, with the ``can_*`` answers of
  ``directives.access`` that decide which buttons show;
- :mod:`.cascade` — the links page and coverage.
"""

from __future__ import annotations

from namhoc.directives.selectors.cascade import (
    Coverage,
    LinkRow,
    LinksPage,
    TaskLinks,
    UnitCoverage,
    coverage,
    coverage_page,
    directive_links,
    links_page,
)
from namhoc.directives.selectors.lists import (
    directive_list,
    upper_candidates,
)
from namhoc.directives.selectors.pages import (
    PublishPage,
    ReviewPage,
    SourcePage,
    StoredFile,
    UploadPage,
    date_notices,
    publish_page,
    review_page,
    source_file,
    source_page,
    upload_page,
    upload_units_named,
)
from namhoc.directives.selectors.parts import (
    FieldChange,
    RevisionDiff,
    Segment,
    TaskChange,
    directive_detail,
    directive_with_parts,
    revision_diff,
    source_segments,
)

__all__ = [
    "Coverage",
    "FieldChange",
    "LinkRow",
    "LinksPage",
    "PublishPage",
    "ReviewPage",
    "RevisionDiff",
    "Segment",
    "SourcePage",
    "StoredFile",
    "TaskChange",
    "TaskLinks",
    "UnitCoverage",
    "UploadPage",
    "coverage",
    "coverage_page",
    "date_notices",
    "directive_detail",
    "directive_links",
    "directive_list",
    "directive_with_parts",
    "links_page",
    "publish_page",
    "review_page",
    "revision_diff",
    "source_file",
    "source_page",
    "source_segments",
    "upload_page",
    "upload_units_named",
    "upper_candidates",
]
