"""Finding every web form: walk the URLconf, fill each route's parameters with the fuzz world's
objects, GET the page as a signed-in user and read the ``<form method="post">`` it renders
(action, encoding, every named field with its rendered value and its options)."""

from __future__ import annotations

import itertools
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from lxml import html as lxml_html

# Not pages of namhoc's own: Django's admin (its own views, is_staff), static files, the API
# (fuzzed from its schema), the metrics endpoint. Signing out would end the walker's session.
SKIPPED_PREFIXES = ("admin/", "static/", "api/", "metrics", "dang-xuat/", "__debug__/")
CSRF_FIELD = "csrfmiddlewaretoken"


@dataclass(frozen=True)
class Field:
    name: str
    kind: (
        str  # text, number, date, email, password, hidden, textarea, select, checkbox, radio, file…
    )
    value: str  # as a browser sends it untouched ("" for a box left unticked)
    options: tuple[str, ...] = ()  # a select's options, a checkbox/radio group's values
    multiple: bool = False


@dataclass(frozen=True)
class Form:
    page: str  # where it was found
    action: str  # where it posts
    route: str  # the action's URL pattern
    multipart: bool
    fields: tuple[Field, ...]
    signed_in: bool = True  # found by the signed-in walk (else by the anonymous one)

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.route, tuple(sorted(f.name for f in self.fields)))


def walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def page_routes() -> list[str]:
    routes = dict.fromkeys(walk(get_resolver().url_patterns))
    return [r for r in routes if not r.startswith(SKIPPED_PREFIXES)]


PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def params_of(route: str) -> list[str]:
    return [m.group("name") for m in PARAM.finditer(route)]


def fill(route: str, values: dict[str, Any]) -> str:
    return "/" + PARAM.sub(lambda m: str(values[m.group("name")]), route)


def combos(route: str, joint: dict[tuple[str, ...], list[dict[str, Any]]],
           pools: dict[str, list[Any]], per_param: int = 4) -> list[dict[str, Any]]:  # fmt: skip
    """The parameter values to open ``route`` with: the world's related objects for routes
    naming several (a directive and one of its tasks), else a few of each parameter's values."""
    names = params_of(route)
    if not names:
        return [{}]
    for together, rows in joint.items():
        if set(together) == set(names):
            return rows
    choices = [pools.get(name, [])[:per_param] for name in names]
    if not all(choices):
        return []
    return [dict(zip(names, row, strict=True)) for row in itertools.product(*choices)][:12]


def _field_kind(element: Any) -> str:
    tag = element.tag.lower()
    if tag == "input":
        return (element.get("type") or "text").lower()
    return tag


def _read_field(node: Any) -> Field:
    kind = _field_kind(node)
    if kind in ("submit", "reset", "image") and node.tag != "button":
        kind = "button"
    name = node.get("name")
    if node.tag == "select":
        options = tuple(o.get("value", o.text_content()) for o in node.iter("option"))
        chosen = [o.get("value", "") for o in node.iter("option") if o.get("selected")]
        value = chosen[0] if chosen else (options[0] if options else "")
        return Field(name, kind, value, options, multiple=node.get("multiple") is not None)
    if node.tag == "textarea":
        return Field(name, kind, node.text_content())
    if kind in ("checkbox", "radio", "button"):
        option = node.get("value", "on")
        ticked = kind == "button" or node.get("checked") is not None
        return Field(name, kind, option if ticked else "", (option,))
    return Field(name, kind, node.get("value", ""))


def _read_fields(form: Any) -> tuple[Field, ...]:
    fields: dict[str, Field] = {}
    for node in form.iter("input", "select", "textarea", "button"):
        name = node.get("name")
        if not name or name == CSRF_FIELD:
            continue
        field = _read_field(node)
        known = fields.get(name)
        if known is not None and field.kind in ("checkbox", "radio", "button"):
            # a group of boxes (or buttons) under one name: its values are the options
            fields[name] = Field(
                name, known.kind, known.value or field.value, (*known.options, *field.options),
                multiple=True,
            )  # fmt: skip
            continue
        fields[name] = field
        # the unit picker's search box stands for the picked units' field (filled by htmx)
        if name.startswith("tim_") and name[4:] not in fields:
            fields[name[4:]] = Field(name[4:], "unit", "", (), multiple=True)
    return tuple(fields.values())


def read_forms(page: str, content: bytes, *, signed_in: bool = True) -> list[Form]:
    """The post forms of a page whose action is one of namhoc's URLs."""
    if not content.strip():
        return []
    try:
        document = lxml_html.fromstring(content)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    found = []
    for element in document.iter("form"):
        if (element.get("method") or "get").lower() != "post":
            continue
        parts = urlsplit(urljoin(page, element.get("action") or page))
        if parts.netloc not in ("", "testserver"):
            continue
        try:
            route = resolve(parts.path).route
        except Resolver404:
            continue
        action = f"{parts.path}?{parts.query}" if parts.query else parts.path
        multipart = (element.get("enctype") or "").lower() == "multipart/form-data"
        found.append(Form(page, action, route, multipart, _read_fields(element), signed_in))
    return found


def discover(
    client: Client,
    joint: dict[tuple[str, ...], list[dict[str, Any]]],
    pools: dict[str, list[Any]],
    *,
    signed_in: bool = True,
    forms: dict[tuple[str, tuple[str, ...]], Form] | None = None,
    statuses: dict[str, int | str] | None = None,
) -> tuple[dict[tuple[str, tuple[str, ...]], Form], dict[str, int | str]]:
    """Every distinct post form the walk finds (one per route and set of field names), and
    what each page answered: its status, or the traceback of the exception it raised. The
    anonymous walk (``signed_in=False``) opens each route once: most send it to sign in."""
    forms = {} if forms is None else forms
    statuses = {} if statuses is None else statuses
    for route in page_routes():
        for values in combos(route, joint, pools, per_param=4 if signed_in else 1)[
            : None if signed_in else 2
        ]:
            url = fill(route, values)
            try:
                response = client.get(url)
            except Exception:
                statuses[url] = traceback.format_exc()
                continue
            statuses[url if signed_in else f"{url} (anonymous)"] = response.status_code
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in read_forms(url, response.content, signed_in=signed_in):
                forms.setdefault(form.key, form)
    return forms, statuses
