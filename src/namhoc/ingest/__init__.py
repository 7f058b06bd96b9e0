"""namhoc.ingest: read a Vietnamese directive (txt, html, docx, doc, pdf) and output its structure.

A plain library (no Django, no other namhoc package): ``read_document`` returns an
:class:`IngestResult` whose ``to_dict()`` is the ``namhoc.ingest/1`` JSON schema; the only
exception it raises is :class:`IngestError`.
"""

from namhoc.ingest.errors import IngestError
from namhoc.ingest.model import IngestResult
from namhoc.ingest.pipeline import DEFAULT_MAX_BYTES, read_document

__all__ = ["DEFAULT_MAX_BYTES", "IngestError", "IngestResult", "read_document"]
