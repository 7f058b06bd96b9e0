"""namhoc.ingest: read a Vietnamese directive (txt, html, docx, doc, pdf) and output its structure.

A plain library (no Django, no other namhoc package): ``read_document`` returns an
:class:`IngestResult` whose ``to_dict()`` is the ``namhoc.ingest/2`` JSON schema; the only
exception it raises is :class:`IngestError`. :class:`ReadLimits` bounds a read (size, pages,
characters, time, OCR); warnings are :class:`ReaderWarning` objects with a stable code.
``number_key`` gives the form under which two document numbers are the same document.
"""

from namhoc.ingest.citations import number_key
from namhoc.ingest.errors import IngestError
from namhoc.ingest.limits import ReadLimits
from namhoc.ingest.messages import ReaderWarning
from namhoc.ingest.model import IngestResult
from namhoc.ingest.pipeline import DEFAULT_MAX_BYTES, read_document

__all__ = [
    "DEFAULT_MAX_BYTES",
    "IngestError",
    "IngestResult",
    "ReadLimits",
    "ReaderWarning",
    "number_key",
    "read_document",
]
