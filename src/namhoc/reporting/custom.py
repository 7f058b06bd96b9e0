"""A unit's own .docx template: checked when uploaded, rendered in a sandbox when used.

A template is a Word document with docxtpl tags (``{{ don_vi }}``, ``{%p for d in noi_dung %}``
… ``{%p endfor %}``); the placeholders are listed on the templates page
(:data:`namhoc.reporting.drafting.context.PLACEHOLDERS`). It comes from a person, so it is
treated as hostile input:

- the file must be a .docx (by content), within the upload size, and its parts must not
  unpack beyond :data:`MAX_UNPACKED` (a zip bomb is refused before Word XML is parsed);
- tags are compiled by a sandboxed Jinja environment (no attribute starting with ``_``, no
  Python objects reachable), with undefined names an error, text escaped for XML, and a
  whitelist of template constructs: output, ``if``, ``for`` (nested at most :data:`MAX_LOOPS`
  deep, over the lists namhoc provides), names, attributes, items, comparisons, ``~`` joins and
  the filters in :data:`FILTERS`. Assignments, macros, includes, calls, arithmetic and repeat
  operators are refused: nothing in a template can make its output grow beyond the data;
- at upload the template is rendered with sample values of every placeholder; any error is
  refused with a Vietnamese message that names the bad tag and the paragraph it sits in.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from namhoc.core.errors import DomainError

__all__ = [
    "FILTERS",
    "MAX_LOOPS",
    "MAX_UNPACKED",
    "TemplateProblem",
    "check_template",
    "render_custom",
    "template_tags",
]

MAX_UNPACKED = 60 * 1024 * 1024  # bytes of XML and media a template may unpack to
MAX_PARTS = 2000
MAX_LOOPS = 3
MAX_TAGS = 5000
FILTERS = frozenset(
    {
        "abs",
        "capitalize",
        "count",
        "d",
        "default",
        "dictsort",
        "e",
        "escape",
        "first",
        "float",
        "groupby",
        "int",
        "join",
        "last",
        "length",
        "list",
        "lower",
        "map",
        "max",
        "min",
        "reject",
        "rejectattr",
        "reverse",
        "round",
        "select",
        "selectattr",
        "sort",
        "string",
        "striptags",
        "sum",
        "title",
        "trim",
        "truncate",
        "unique",
        "upper",
        "wordcount",
    }
)
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.For,
    nodes.If,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Const,
    nodes.Filter,
    nodes.Test,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.CondExpr,
    nodes.Concat,
    nodes.List,
    nodes.Tuple,
    nodes.Slice,
    nodes.Keyword,
)
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_XML_TAG = re.compile(r"<[^>]+>")


class TemplateProblem(DomainError):
    """An uploaded (or stored) template that cannot be used, and why — in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__("bad_template", message, field="file")


class _Environment(SandboxedEnvironment):
    """The sandbox, with undefined names an error and only the whitelisted filters."""

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=True)
        self.globals.clear()  # no range(), lipsum(), dict(), cycler(), namespace()
        self.filters = {name: f for name, f in self.filters.items() if name in FILTERS}
        self.tests = {
            name: t
            for name, t in self.tests.items()
            if name in {"defined", "undefined", "none", "string", "number", "sequence", "in",
                        "eq", "ne", "lt", "le", "gt", "ge", "even", "odd"}
        }  # fmt: skip


def environment() -> _Environment:
    return _Environment()


# --- reading the template's tags -------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TemplateProblem("Tệp không phải là tài liệu Word (.docx) đọc được.") from None
    if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise TemplateProblem(
            "Tệp mẫu giải nén ra quá lớn; hãy lưu lại mẫu bằng Word (bỏ ảnh lớn) rồi tải lên."
        )


def _template(data: bytes) -> Any:
    from docxtpl import DocxTemplate

    _check_zip(data)
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.render_init()
    except Exception:  # any parser failure means "not a usable Word file"
        raise TemplateProblem("Tệp không phải là tài liệu Word (.docx) đọc được.") from None
    return template


def _sources(template: Any) -> Iterator[tuple[str, str]]:
    """(where, patched XML) of every part docxtpl renders: body, headers, footers, footnotes,
    and the document's properties."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    def lines(xml: str) -> str:  # as docxtpl renders: one paragraph per line
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml))

    yield "nội dung", lines(template.get_xml())
    for uri, where in (
        (RELATIONSHIP_TYPE.HEADER, "đầu trang"),
        (RELATIONSHIP_TYPE.FOOTER, "chân trang"),
    ):
        for _, part in template.get_headers_footers(uri):
            yield where, lines(template.get_part_xml(part))
    for part in template.docx.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            yield "chú thích", lines(part.blob.decode("utf-8"))
    core = template.docx.core_properties
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(core, prop) or ""
        if "{" in value:
            yield "thuộc tính tài liệu", value


def _text(line: str) -> str:
    return " ".join(_XML_TAG.sub("", line).split())


def template_tags(data: bytes) -> list[str]:
    """The tags of a template as written (after docxtpl joins tags split across runs)."""
    template = _template(data)
    found: list[str] = []
    for _, xml in _sources(template):
        for tag in _TAG.findall(_text(xml)):
            if tag not in found:
                found.append(tag)
    return found


def _where(xml: str, lineno: int | None) -> str:
    """The paragraph at ``lineno`` of a part, as text, and the tags in it."""
    if not lineno:
        return ""
    lines = xml.splitlines()
    text = _text(lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
    if not text:
        return ""
    tags = _TAG.findall(text)
    shown = text if len(text) <= 120 else text[:117] + "…"
    if tags:
        return f" ở thẻ {', '.join(tags[:3])} (đoạn “{shown}”)"
    return f" ở đoạn “{shown}”"


_SYNTAX_HINTS = (
    (
        re.compile(r"unexpected end of template", re.I),
        "thiếu thẻ đóng ({% endfor %} hoặc {% endif %})",
    ),
    (re.compile(r"unknown tag '(\w+)'", re.I), "thẻ «{0}» không có hoặc thiếu thẻ mở tương ứng"),
    (re.compile(r"expected token", re.I), "cú pháp bên trong thẻ không đúng"),
    (re.compile(r"unexpected '([^']*)'", re.I), "ký tự «{0}» không đúng chỗ"),
    (re.compile(r"unexpected char", re.I), "có ký tự không dùng được trong thẻ"),
)


_INNERMOST = re.compile(r"innermost block that needs to be closed is '(\w+)'")


def _unclosed(xml: str, exc: TemplateSyntaxError) -> str:
    """For "unexpected end of template": the last opening tag of the block left open."""
    match = _INNERMOST.search(exc.message or "")
    if match is None:
        return ""
    opening = re.compile(rf"\{{%-?\s*{match.group(1)}\b")
    tags = [tag for tag in _TAG.findall(_text(xml)) if opening.match(tag)]
    return f" ở thẻ {tags[-1]}" if tags else ""


def _syntax_message(exc: TemplateSyntaxError, where: str) -> str:
    hint = "cú pháp thẻ không đúng"
    for pattern, text in _SYNTAX_HINTS:
        match = pattern.search(exc.message or "")
        if match:
            hint = text.replace("{0}", match.group(1)) if match.groups() else text
            break
    return f"Mẫu có thẻ sai{where}: {hint}. (Jinja: {exc.message})"


_NODE_NAMES = {
    nodes.Assign: "gán biến ({% set %})",
    nodes.AssignBlock: "gán biến ({% set %})",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Extends: "extends",
    nodes.Call: "gọi hàm",
    nodes.Mul: "phép nhân",
    nodes.Pow: "lũy thừa",
    nodes.Add: "phép cộng",
    nodes.Sub: "phép trừ",
    nodes.Div: "phép chia",
    nodes.FloorDiv: "phép chia",
    nodes.Mod: "phép chia lấy dư",
    nodes.With: "with",
    nodes.FilterBlock: "khối filter",
}


def _walk(node: nodes.Node, depth: int = 0) -> Iterator[tuple[nodes.Node, str]]:
    """Every construct of a parsed template that is not allowed, with the reason."""
    if not isinstance(node, _ALLOWED_NODES):
        name = next(
            (label for kind, label in _NODE_NAMES.items() if isinstance(node, kind)),
            type(node).__name__,
        )
        yield node, f"mẫu không được dùng {name}"
        return
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        yield node, f"bộ lọc «{node.name}» không được dùng"
    if isinstance(node, nodes.For):
        depth += 1
        if depth > MAX_LOOPS:
            yield node, f"vòng lặp lồng nhau quá {MAX_LOOPS} cấp"
            return
    for child in node.iter_child_nodes():
        yield from _walk(child, depth)


def _compile(env: _Environment, template: Any) -> int:
    """Parse every part and walk it; TemplateProblem on the first fault. Returns the tag count."""
    tags = 0
    for where_part, xml in _sources(template):
        count = len(_TAG.findall(_text(xml)))
        tags += count
        if tags > MAX_TAGS:
            raise TemplateProblem(f"Mẫu có quá nhiều thẻ (tối đa {MAX_TAGS}).")
        try:
            parsed = env.parse(xml)
        except TemplateSyntaxError as exc:
            where = _unclosed(xml, exc) or _where(xml, exc.lineno) or f" ({where_part})"
            raise TemplateProblem(_syntax_message(exc, where)) from None
        for node, reason in _walk(parsed):
            where = _where(xml, getattr(node, "lineno", None)) or f" ({where_part})"
            raise TemplateProblem(f"Mẫu có thẻ không dùng được{where}: {reason}.")
    return tags


def _find_tag(template: Any, name: str) -> str:
    for _, xml in _sources(template):
        for tag in _TAG.findall(_text(xml)):
            if re.search(rf"\b{re.escape(name)}\b", tag):
                return tag
    return ""


_UNDEFINED = re.compile(r"'([^']+)' is undefined")
_NO_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")


def _render_error(template: Any, exc: TemplateError) -> TemplateProblem:
    text = str(exc)
    if isinstance(exc, UndefinedError):
        match = _UNDEFINED.search(text) or _NO_ATTRIBUTE.search(text)
        name = match.group(1) if match else text
        tag = _find_tag(template, name)
        where = f" ở thẻ {tag}" if tag else ""
        return TemplateProblem(
            f"Mẫu dùng tên «{name}» không có trong danh sách thẻ{where}; xem danh sách thẻ "
            "trên trang Mẫu báo cáo."
        )
    if isinstance(exc, SecurityError):
        return TemplateProblem(f"Mẫu dùng thao tác không được phép: {text}")
    if isinstance(exc, TemplateSyntaxError):
        return TemplateProblem(_syntax_message(exc, ""))
    return TemplateProblem(f"Không dùng được mẫu: {text}")


def _render(template: Any, context: Mapping[str, Any]) -> bytes:
    env = environment()
    _compile(env, template)
    try:
        template.render(dict(context), jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise _render_error(template, exc) from None
    except Exception as exc:  # broken Word XML from misplaced tags, a value of the wrong type
        raise TemplateProblem(
            "Không dùng được mẫu: sau khi điền, tài liệu Word không hợp lệ (thường do thẻ "
            "{%p …%}, {%tr …%} không đứng riêng một đoạn, một dòng bảng)."
            f" ({type(exc).__name__}: {str(exc)[:200]})"
        ) from None
    buffer = io.BytesIO()
    try:
        template.save(buffer)
    except Exception as exc:  # same: the filled document cannot be written
        raise TemplateProblem(
            f"Không dùng được mẫu: không ghi được tài liệu đã điền ({type(exc).__name__})."
        ) from None
    return buffer.getvalue()


def check_template(data: bytes, sample: Mapping[str, Any]) -> list[str]:
    """Refuse (TemplateProblem) a template that has no tag, a bad or forbidden tag, or that
    fails with ``sample`` values; return its tags."""
    tags = template_tags(data)
    if not tags:
        raise TemplateProblem(
            "Mẫu không có thẻ nào (ví dụ {{ don_vi }}): báo cáo nào cũng sẽ giống nhau. Hãy "
            "tải mẫu gốc, đặt các thẻ vào rồi tải lên."
        )
    _render(_template(data), sample)
    return tags


def render_custom(data: bytes, context: Mapping[str, Any]) -> bytes:
    """The template filled with ``context``, as .docx bytes (TemplateProblem on failure)."""
    return _render(_template(data), context)
