"""JSON API of the legal registry (issue 17; ADR 0012): the registry, adding and correcting an
entry (audited), who cites a document down the hierarchy and what it cites, and the directives
still citing a replaced document. The same use cases and selectors as the pages."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from namhoc.api.directives import ConflictOut, ErrorOut
from namhoc.api.paging import BoundedLimitOffset
from namhoc.directives.models import Directive
from namhoc.directives.selectors.citing import citation_graph, stale_citations
from namhoc.legal import selectors, services
from namhoc.legal.models import NOTE_MAX, NUMBER_MAX, TITLE_MAX, URL_MAX, LegalDocument

router = Router(tags=["legal"])


class DocumentOut(Schema):
    id: int
    number: str
    doc_type: str
    doc_type_label: str
    issuer: str
    issued_on: dt.date | None
    effective_on: dt.date | None
    title: str
    status: str
    status_label: str
    replaced_by: str | None
    amended_by: str
    source_url: str
    note: str
    version: int

    @staticmethod
    def resolve_doc_type_label(obj: LegalDocument) -> str:
        return obj.get_doc_type_display()

    @staticmethod
    def resolve_status_label(obj: LegalDocument) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_replaced_by(obj: LegalDocument) -> str | None:
        return obj.replaced_by.number if obj.replaced_by else None


class DocumentIn(Schema):
    """Dates as ``dd/mm/yyyy`` or ``yyyy-mm-dd``; ``replaced_by``: the replacing document's
    number (already in the registry); ``doc_type`` and ``status``: a code or its label."""

    number: str = Field(max_length=NUMBER_MAX)
    doc_type: str = Field(max_length=40)
    issuer: str = Field(max_length=255)
    issued_on: str | None = Field(None, max_length=40)
    effective_on: str | None = Field(None, max_length=40)
    title: str = Field(max_length=TITLE_MAX)
    status: str = Field("in_force", max_length=40)
    replaced_by: str = Field("", max_length=NUMBER_MAX)
    amended_by: str = Field("", max_length=255)
    source_url: str = Field(max_length=URL_MAX)
    note: str = Field("", max_length=NOTE_MAX)


class DocumentUpdateIn(DocumentIn):
    version: str | int | float | None  # as sent; the use case reads it (core.parsing)


class RegistryQuery(Schema):
    q: str = Field("", max_length=200)
    status: str = Field("", max_length=20)


@router.get(
    "/documents",
    response={200: list[DocumentOut]},
    summary="The registry, newest first (paginated: limit, offset; q: words, diacritics optional)",
)
@paginate(BoundedLimitOffset)
def documents(request: HttpRequest, filters: Query[RegistryQuery]) -> QuerySet[LegalDocument]:
    return selectors.registry_list(request.user, search=filters.q, status=filters.status)


@router.post(
    "/documents",
    response={201: DocumentOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="Add a document to the registry (Ministry specialists, superusers; audited)",
)
def create_document(request: HttpRequest, payload: DocumentIn) -> Status:
    return Status(201, services.document_create(actor=request.user, **payload.dict()))


@router.get("/documents/{document_id}", response={200: DocumentOut, 404: ErrorOut})
def document(request: HttpRequest, document_id: int) -> LegalDocument:
    return selectors.document_page(request.user, document_id).document


@router.put(
    "/documents/{document_id}",
    response={200: DocumentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="Correct a registry entry (optimistic: send the version you read; audited)",
)
def update_document(
    request: HttpRequest, document_id: int, payload: DocumentUpdateIn
) -> LegalDocument:
    return services.document_update(actor=request.user, document_id=document_id, **payload.dict())


class DirectiveRef(Schema):
    id: int
    number: str
    title: str
    unit: str
    unit_name: str
    issued_on: dt.date | None


def _ref(directive: Directive) -> dict[str, Any]:
    return {
        "id": directive.pk,
        "number": directive.number,
        "title": directive.title,
        "unit": directive.unit.key,
        "unit_name": directive.unit.name,
        "issued_on": directive.issued_on,
    }


class CitedOut(Schema):
    number: str
    registry_id: int | None
    status: str | None


class LevelOut(Schema):
    depth: int
    total: int
    directives: list[DirectiveRef]


class GraphOut(Schema):
    number: str
    registry: DocumentOut | None
    documents: list[DirectiveRef]
    cites: list[CitedOut]
    citing: list[LevelOut]
    stopped: bool


class GraphQuery(Schema):
    number: str = Field(max_length=200)


@router.get(
    "/graph",
    response={200: GraphOut, 400: ErrorOut},
    summary="Who cites a document (by number), level by level down the hierarchy, among the "
    "directives you read; and what it cites when namhoc holds it (200 shown per level)",
)
def graph(request: HttpRequest, filters: Query[GraphQuery]) -> dict[str, Any]:
    found = citation_graph(request.user, filters.number)
    return {
        "number": found.number,
        "registry": found.entry,
        "documents": [_ref(d) for d in found.documents],
        "cites": [
            {
                "number": c.number,
                "registry_id": e.pk if e else None,
                "status": e.status if e else None,
            }
            for c, e in found.cites
        ],
        "citing": [
            {
                "depth": level.depth,
                "total": level.total,
                "directives": [_ref(d) for d in level.directives],
            }
            for level in found.levels
        ],
        "stopped": found.stopped,
    }


class StaleRowOut(DirectiveRef):
    cites: list[CitedOut]


class StaleQuery(Schema):
    unit: str = Field("", max_length=40)


@router.get(
    "/stale-citations",
    response={200: list[StaleRowOut], 404: ErrorOut},
    summary="Published directives of a unit's subtree (default: your home unit) still citing a "
    "document the registry says is replaced or expired (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def stale(request: HttpRequest, filters: Query[StaleQuery]) -> list[dict[str, Any]]:
    result = stale_citations(request.user, unit_key=filters.unit)
    return _StaleRows(result)  # type: ignore[return-value]


class _StaleRows:
    """The directives queryset, shaped row by row only for the page the paginator slices."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def __len__(self) -> int:
        return int(self.result.directives.count())

    def count(self) -> int:
        return len(self)

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        rows = []
        for directive in self.result.directives[index]:
            cites = []
            for citation in directive.stale_citations:
                entry = self.result.entries.get(citation.k)
                cites.append(
                    {
                        "number": citation.number,
                        "registry_id": entry.pk if entry else None,
                        "status": entry.status if entry else None,
                    }
                )
            rows.append({**_ref(directive), "cites": cites})
        return rows
