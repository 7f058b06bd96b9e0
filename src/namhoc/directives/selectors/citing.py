"""Citations across directives (issue 17): for any document number, which directives cite it,
level after level down the hierarchy, and what it cites; and the directives still citing a
document the legal registry says is replaced or no longer in force.

Numbers are matched the way the reader writes them (``ingest.citations.number_key``: spacing and
"&" ignored), in SQL, over the directives the viewer may read (``access.visible_directives``);
only published directives (the revision in force) count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from namhoc.accounts.access import access_unit
from namhoc.accounts.selectors import home_unit
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.types import Actor
from namhoc.directives.access import visible_directives
from namhoc.directives.models import Citation, Directive
from namhoc.ingest.citations import number_key
from namhoc.legal.models import LegalDocument
from namhoc.legal.selectors import entries_for, entry_for, superseded_entries
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import subtree_q

__all__ = [
    "MAX_DEPTH",
    "MAX_SHOWN",
    "CitationGraph",
    "CitingLevel",
    "StaleCitations",
    "citation_graph",
    "stale_citations",
]

MAX_DEPTH = 4  # Ministry → province → commune → school: four levels below a national document
MAX_SHOWN = 200  # directives shown per level; the count says how many there are in all
MAX_FOLLOWED = 5_000  # directives of one level whose own citers are looked for
NUMBER_MAX = 80


def _key_of(column: str) -> Replace:
    """``number_key`` of a column, in SQL: spaces and "&" removed."""
    return Replace(Replace(F(column), Value(" "), Value("")), Value("&"), Value(""))


def _published(viewer: Actor | None) -> QuerySet[Directive]:
    return visible_directives(viewer).filter(status=Directive.Status.PUBLISHED)


@dataclass(frozen=True)
class CitingLevel:
    depth: int  # 1: cite the document itself; 2: cite a directive of level 1; …
    directives: list[Directive]  # the first MAX_SHOWN, by unit then date
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.directives)


@dataclass(frozen=True)
class CitationGraph:
    number: str
    entry: LegalDocument | None  # the registry's entry for the number, if any
    documents: list[Directive]  # directives in namhoc with this number that the viewer reads
    cites: list[tuple[Citation, LegalDocument | None]]  # what the document cites (in namhoc)
    levels: list[CitingLevel] = field(default_factory=list)
    stopped: bool = False  # a level too large to follow further down

    @property
    def citing_total(self) -> int:
        return sum(level.total for level in self.levels)


def citation_graph(viewer: Actor | None, number: object) -> CitationGraph:
    """Who cites ``number`` (a document number as written), level by level down the hierarchy,
    among the directives ``viewer`` reads; and what that document cites when it is a directive
    namhoc holds."""
    text = " ".join(number.split()) if isinstance(number, str) else ""
    if not text or len(text) > NUMBER_MAX or not number_key(text) or not text.isprintable():
        raise DomainError(
            "bad_number",
            "Hãy nhập số, ký hiệu văn bản (tối đa 80 ký tự), ví dụ 09/2024/TT-BGDĐT.",
            field="so",
        )
    key = number_key(text)
    published = _published(viewer)
    documents: list[Directive] = list(
        published.annotate(k=_key_of("number"))
        .filter(k=key)
        .select_related("unit")
        .defer("search_folded")
        .order_by("unit__path", "-issued_on", "pk")
    )
    cites: list[tuple[Citation, LegalDocument | None]] = []
    if documents:
        cited = list(documents[0].citations.order_by("start", "pk"))
        found = entries_for(c.number for c in cited)
        cites = [(c, found.get(number_key(c.number))) for c in cited]
    levels: list[CitingLevel] = []
    seen = {d.pk for d in documents}
    keys, ids = {key}, set(seen)
    stopped = False
    for depth in range(1, MAX_DEPTH + 1):
        citing = Citation.objects.annotate(k=_key_of("number")).filter(k__in=keys)
        level = (
            published.filter(Q(pk__in=citing.values("directive_id")) | Q(upper_id__in=ids))
            .exclude(pk__in=seen)
            .order_by()
        )
        found_rows = list(level.values_list("pk", "number"))
        if not found_rows:
            break
        shown = list(
            published.filter(pk__in=[pk for pk, _ in found_rows])
            .select_related("unit")
            .defer("search_folded")
            .order_by("unit__path", "-issued_on", "pk")[:MAX_SHOWN]
        )
        levels.append(CitingLevel(depth=depth, directives=shown, total=len(found_rows)))
        if len(found_rows) > MAX_FOLLOWED:
            stopped = True
            break
        ids = {pk for pk, _ in found_rows}
        seen |= ids
        keys = {number_key(n) for _, n in found_rows if n and number_key(n)}
    return CitationGraph(
        number=text,
        entry=entry_for(text),
        documents=documents,
        cites=cites,
        levels=levels,
        stopped=stopped,
    )


@dataclass(frozen=True)
class StaleCitations:
    unit: OrgUnit | None  # whose subtree is listed (None: the viewer belongs to no unit)
    directives: QuerySet[Directive]  # each with ``stale_citations`` (its citations to list)
    entries: dict[str, LegalDocument]  # number_key -> the superseded registry entry


def stale_citations(viewer: Actor | None, *, unit_key: object = "") -> StaleCitations:
    """Published directives in a unit's subtree (``unit_key``, one the viewer sees; by default
    the viewer's home unit — a province officer's province) that still cite a document the
    registry says is replaced or no longer in force, by unit and date; paginated by the caller."""
    if isinstance(unit_key, str) and unit_key.strip():
        if not unit_key.isprintable():
            raise NotFound()
        unit: OrgUnit | None = access_unit(viewer, unit_key.strip())
    else:
        unit = home_unit(viewer)
    entries = superseded_entries()
    if unit is None or not entries:
        return StaleCitations(unit=unit, directives=Directive.objects.none(), entries=entries)
    stale = Citation.objects.annotate(k=_key_of("number")).filter(k__in=list(entries))
    directives = (
        _published(viewer)
        .filter(subtree_q(unit.path, field="unit__path"), pk__in=stale.values("directive_id"))
        .select_related("unit")
        .defer("search_folded")
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=stale.order_by("start", "pk"),
                to_attr="stale_citations",
            )
        )
        .order_by("unit__path", "-issued_on", "pk")
    )
    return StaleCitations(unit=unit, directives=directives, entries=entries)
