"""``{% unit_picker %}``: the searchable unit picker inside a form (see ``web/pickers.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from namhoc.accounts.selectors import PickChoices

register = template.Library()


@register.inclusion_tag("web/_unit_picker.html")
def unit_picker(
    name: str,
    label: str,
    *,
    purpose: str = "xem",
    within: str = "",
    kinds: str = "",
    multiple: bool = True,
    chosen: Sequence[Any] = (),
    help: str = "",
    errors: Sequence[str] = (),
) -> dict[str, Any]:
    """``chosen``: the units ticked when the page renders (objects with ``key``, ``name``)."""
    params = {
        "o": name,
        "muc": purpose,
        "trong": within,
        "cap": kinds,
        "mot": "0" if multiple else "1",
    }
    url = reverse("unit-picker") + "?" + urlencode({k: v for k, v in params.items() if v})
    return {
        "p": {
            "name": name,
            "label": label,
            "multiple": multiple,
            "url": url,
            "help": help,
            "errors": list(errors),
            "id": f"chon-{name}",
        },
        "choices": PickChoices(chosen=list(chosen), matches=[], more=False, query=""),
    }
