"""The access matrix's entries for the legal registry's URLs (issue 17), kept beside the app's
tests. ``tests/access_expectations.py`` takes them with::

    from namhoc.legal.tests.access_expectations import entries as legal_entries

    EXPECTATIONS.update(legal_entries())

Who may do what: anyone signed in reads the registry, an entry, the look-up of a cited number
and who cites it (directives they may read only: in scope, or published above them), and the
directives of a unit in their scope still citing a replaced document (another unit: 404); only a
Ministry specialist or a superuser adds or corrects an entry (every role at commune A1: 403).

Every directive of the matrix's world cites 2901/QĐ-BGDĐT; the helpers here put that number in
the registry, replaced by 2902/QĐ-BGDĐT, inside the request's own (rolled back) transaction.
"""

from __future__ import annotations

from typing import Any

CITED = "2901/QĐ-BGDĐT"

_ROW = {
    "doc_type": "decision",
    "issuer": "Bộ Giáo dục và Đào tạo",
    "issued_on": "01/08/2025",
    "effective_on": "",
    "title": "Văn bản thử của ma trận quyền",
    "amended_by": "",
    "source_url": "https://example.vn/ma-tran",
    "note": "",
}


def _registry(world: Any) -> Any:
    """2901/QĐ-BGDĐT in the registry, replaced by 2902/QĐ-BGDĐT (made in the request's
    transaction, rolled back after it); the 2901 entry."""
    from namhoc.core.types import SYSTEM
    from namhoc.legal.models import LegalDocument
    from namhoc.legal.services import CSV_COLUMNS, registry_load

    found = LegalDocument.objects.filter(number=CITED).first()
    if found is not None:
        return found
    rows = [
        {**_ROW, "number": "2902/QĐ-BGDĐT", "status": "in_force", "replaced_by": ""},
        {**_ROW, "number": CITED, "status": "replaced", "replaced_by": "2902/QĐ-BGDĐT"},
    ]
    text = "\n".join(
        [",".join(CSV_COLUMNS), *(",".join(f'"{r[c]}"' for c in CSV_COLUMNS) for r in rows)]
    )
    registry_load(actor=SYSTEM, text=text)
    return LegalDocument.objects.get(number=CITED)


def _entry(world: Any, rel: str) -> dict[str, Any]:
    return {"document_id": _registry(world).pk}


def _cited(world: Any, rel: str) -> dict[str, Any]:
    _registry(world)
    return {"so": CITED}


def _cited_api(world: Any, rel: str) -> dict[str, Any]:
    _registry(world)
    return {"number": CITED}


def _unit(world: Any, rel: str) -> dict[str, Any]:
    _registry(world)
    return {"don_vi": world.unit[rel].key}


def _unit_api(world: Any, rel: str) -> dict[str, Any]:
    _registry(world)
    return {"unit": world.unit[rel].key}


def _new(world: Any, rel: str) -> dict[str, Any]:
    return {**_ROW, "number": "77/2025/TT-BGDĐT", "status": "in_force", "replaced_by": ""}


def _edit(world: Any, rel: str) -> dict[str, Any]:
    entry = _registry(world)
    return {
        **_ROW,
        "number": CITED,
        "status": "replaced",
        "replaced_by": "2902/QĐ-BGDĐT",
        "title": "Trích yếu đã sửa",
        "version": entry.version,
    }


def entries() -> dict[str, list[Any]]:
    """The legal registry's routes with their expectations, in the matrix's vocabulary."""
    from tests.access_expectations import (
        DIRECTIVES_ALL,
        DIRECTIVES_SEEN,
        RELATIONS,
        content,
        in_scope,
        rows,
        same,
    )
    from tests.access_expectations import Expect as E

    M = True
    refused = same(403)  # every role at commune A1: not the Ministry
    # Who cites 2901/QĐ-BGDĐT: every published directive the actor reads (all cite it), never a
    # draft; the superuser reads them all.
    citing = content(
        rows("dir", DIRECTIVES_SEEN, DIRECTIVES_ALL), rows("draft", (), RELATIONS, superuser=())
    )
    # Directives of the asked unit's subtree still citing it (published only).
    below = {
        "own": ("own", "child"),
        "child": ("child",),
        "sibling": ("sibling",),
        "parent": ("parent", "own", "child", "sibling", "absorbed"),
        "other_province": ("other_province",),
    }
    stale = content(
        rows("dir", {r: below[r] for r in ("own", "child")}, DIRECTIVES_ALL, superuser=below),
        rows("draft", (), RELATIONS, superuser=()),
    )
    return {
        "van-ban-phap-ly/": [E("GET", 302, 200, same(200), relation_free=True)],
        "van-ban-phap-ly/tra-cuu/": [
            # 2901 is in the registry: the look-up opens its entry
            E("GET", 302, 302, same(302), query=_cited, relation_free=True)
        ],
        "van-ban-phap-ly/<int:document_id>/": [
            E("GET", 302, 200, same(200), params=_entry, relation_free=True, **citing)
        ],
        "van-ban-phap-ly/them/": [
            E("GET", 302, 200, refused, relation_free=True),
            E("POST", 302, 302, refused, data=_new, relation_free=True, mutates=M),
        ],
        "van-ban-phap-ly/<int:document_id>/sua/": [
            E("GET", 302, 200, refused, params=_entry, relation_free=True),
            E(
                "POST",
                302,
                302,
                refused,
                params=_entry,
                data=_edit,
                relation_free=True,
                mutates=M,
            ),
        ],
        "van-ban-phap-ly/van-ban-con-dan-van-ban-bi-thay-the/": [
            E("GET", 302, 200, in_scope(200), query=_unit, **stale)
        ],
        "api/legal/documents": [
            E("GET", 401, 200, same(200), relation_free=True),
            E("POST", 401, 201, refused, data=_new, json=True, relation_free=True, mutates=M),
        ],
        "api/legal/documents/<document_id>": [
            E("GET", 401, 200, same(200), params=_entry, relation_free=True),
            E(
                "PUT",
                401,
                200,
                refused,
                params=_entry,
                data=_edit,
                json=True,
                relation_free=True,
                mutates=M,
            ),
        ],
        "api/legal/graph": [
            E("GET", 401, 200, same(200), query=_cited_api, relation_free=True, **citing)
        ],
        "api/legal/stale-citations": [E("GET", 401, 200, in_scope(200), query=_unit_api, **stale)],
    }
