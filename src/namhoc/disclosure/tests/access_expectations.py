"""The access matrix's entries for the public disclosure URLs (issue 17), kept beside the app's
tests. ``tests/access_expectations.py`` takes them with::

    from namhoc.disclosure.tests.access_expectations import entries as disclosure_entries

    EXPECTATIONS.update(disclosure_entries())

Public pages: anyone, signed in or not, gets every unit's page and open data (200). What a page
shows is the same for everyone: the unit's own published directives of the school year, never
its drafts, never another unit's directives; no figure is approved in the matrix's world, so the
open data holds none.
"""

from __future__ import annotations

from typing import Any


def _key(world: Any, rel: str) -> dict[str, Any]:
    return {"key": world.unit[rel].key}


def entries() -> dict[str, list[Any]]:
    """The disclosure routes with their expectations, in the matrix's vocabulary."""
    from tests.access_content import mark
    from tests.access_expectations import RELATIONS, same
    from tests.access_expectations import Expect as E

    def sees(world: Any, actor: str, relation: str) -> list[str]:
        return [mark("dir", relation)]

    def hides(world: Any, actor: str, relation: str) -> list[str]:
        others = [mark("dir", r) for r in RELATIONS if r != relation]
        return [*others, mark("draft", relation), "[user.", "@"]

    public = same(200)
    return {
        "cong-khai/": [E("GET", 200, 200, public, relation_free=True)],
        "cong-khai/<str:key>/": [E("GET", 200, 200, public, params=_key, sees=sees, hides=hides)],
        "cong-khai/<str:key>/du-lieu.csv": [E("GET", 200, 200, public, params=_key)],
        "cong-khai/<str:key>/du-lieu.json": [E("GET", 200, 200, public, params=_key)],
        "api/disclosure/units": [E("GET", 200, 200, public, relation_free=True)],
        "api/disclosure/units/<key>": [E("GET", 200, 200, public, params=_key)],
    }
