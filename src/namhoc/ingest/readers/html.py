"""HTML: the whole page as text lines, plus the article as a content extractor sees it.

The page is kept (scripts, styles and forms dropped) so that offsets, the body span and the
references inside site furniture can all be reported; trafilatura's article extraction then
tells where the body lies (see :mod:`namhoc.ingest.furniture`).
"""

from __future__ import annotations

from typing import Any

from namhoc.ingest.errors import IngestError
from namhoc.ingest.readers import RawText
from namhoc.ingest.readers.text import decode_bytes

_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head", "nav")
_BLOCK = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "dl",
        "form",
        "fieldset",
        "figure",
        "figcaption",
        "main",
        "address",
        "hr",
        "title",
        "td",
        "th",
    ]
)


def _page_lines(root: Any) -> str:
    from lxml import etree

    etree.strip_elements(root, *_DROP, with_tail=False)
    out: list[str] = []

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if isinstance(element, etree._Comment) or not tag:
            if element.tail:
                out.append(element.tail)
            return
        block = tag.lower() in _BLOCK
        if block:
            out.append("\n")
        if tag.lower() in ("td", "th"):
            out.append(" | ")
        if element.text:
            out.append(element.text)
        for child in element:
            walk(child)
        if block:
            out.append("\n")
        if element.tail:
            out.append(element.tail)

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(out).split("\n"))
    return "\n".join(line.strip(" |") for line in lines if line.strip(" |"))


def read_html(data: bytes) -> RawText:
    from lxml import etree, html

    text, _encoding = decode_bytes(data)
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=_parser())
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(
            "bad_html",
            f"Không phân tích được trang HTML: {exc}",
            f"Cannot parse the HTML page: {exc}",
        ) from exc
    article = _article(text)
    page = _page_lines(root)
    return RawText(text=page, format="html", article=article)


def _parser() -> Any:
    from lxml import html

    return html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)


def _article(text: str) -> str | None:
    try:
        import trafilatura

        extracted = trafilatura.extract(
            text,
            include_comments=False,
            include_tables=True,
            include_links=False,
            with_metadata=False,
            favor_precision=True,
            deduplicate=False,
        )
    except Exception:  # trafilatura is a helper here: without it the page is still read
        return None
    return extracted or None
