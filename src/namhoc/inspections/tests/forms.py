"""The forms of a page as a browser posts them (no button pressed): every field with all its
values — checked boxes, selected options, a textarea's text — for the "posted back unchanged is
accepted" tests of the inspection and emulation pages."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._multiple = False
        self._options: list[tuple[str, bool]] = []

    def _add(self, name: str, value: str) -> None:
        assert self._form is not None
        self._form["fields"].setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "attrs": a, "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "search"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a["name"], a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name", ""), ""
        elif tag == "select":
            self._select, self._options = a.get("name", ""), []
            self._multiple = "multiple" in a

    def handle_data(self, text: str) -> None:
        if self._textarea is not None:
            self._text += text

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._add(self._textarea, html.unescape(self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not self._multiple and self._options:
                chosen = [self._options[0][0]]
            for value in chosen:
                self._add(self._select, value)
            self._select = None


class _WithOptions(_Forms):
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option" and self._select is not None:
            a = {k: v or "" for k, v in attrs}
            self._options.append((a.get("value", ""), "selected" in a))
            return
        super().handle_starttag(tag, attrs)


def forms_on(body: str, *testids: str) -> list[dict[str, Any]]:
    """The forms of ``body`` (those with one of ``testids``, when given)."""
    parser = _WithOptions()
    parser.feed(body)
    return [f for f in parser.forms if not testids or f["attrs"].get("data-testid") in testids]
