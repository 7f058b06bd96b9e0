"""What the access matrix reads in a response, and the marked rows its world holds.

Every object the matrix's world makes for a relation carries a *marker* naming its kind and its
relation: ``[dir.own]`` in a published directive's title, ``[user.sibling]`` in a person's name,
``[asg.child]`` in an assignment's note, ``[report.parent]`` inside a drafted Word file. An
``Expect`` lists, per actor and relation, the markers the response must show (``sees``) and
those it must not (``hides``); :func:`received` turns any response — a page, JSON, a workbook,
a Word file, a PDF, a CSV — into the text those markers are looked for in. Units are matched by
their names (the fixed tree of ``conftest.py``, :data:`UNIT_NAMES`).

The relations, seen from commune A1 where every role actor works: ``own`` (c-a1), ``child``
(school s-a1), ``sibling`` (c-a2), ``parent`` (p-a), ``other_province`` (c-b1); and, for content
only, ``absorbed``: a pre-2025 commune merged into c-a1, whose history c-a1's people read.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpResponse

RELATIONS = ("own", "child", "sibling", "parent", "other_province")
ABSORBED = "absorbed"
# The units, by relation, as ``conftest.py`` names them (and the absorbed commune added here).
UNIT_NAMES = {
    "own": "Xã An Lạc",
    "child": "Trường Tiểu học An Lạc",
    "sibling": "Phường Hòa Bình",
    "sibling_school": "Trường THCS Hòa Bình",
    "parent": "Tỉnh Phú An",
    "other_province": "Xã Sơn Thủy",
    "other_school": "Trường Mầm non Sơn Thủy",
    "province_b": "Tỉnh Bình Sơn",
    "ministry": "Bộ Giáo dục và Đào tạo",
    "district_old": "Huyện Phú Lộc",
    ABSORBED: "Xã Cổ Lễ",
}
ACTOR_NAMES = ("viewer", "specialist", "approver", "unit_admin", "superuser")


def mark(kind: str, rel: str) -> str:
    """The marker of the ``kind`` object made for ``rel`` (``[dir.own]``)."""
    return f"[{kind}.{rel}]"


# --- what a response says, as text ------------------------------------------------------------


def body_of(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        response.streaming_content = iter([data])  # type: ignore[attr-defined]
        return data
    return bytes(response.content)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells: list[str] = []
    for sheet in book.worksheets:
        cells.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None)
    book.close()
    return "\n".join(cells)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            return _xlsx_text(data)
        if "word/document.xml" in names:
            return _docx_text(data)
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in sorted(names))


def text_of(data: bytes, content_type: str = "") -> str:
    """The words of a body: the cells of a workbook, the paragraphs and tables of a Word file,
    the values of JSON (non-ASCII as is), the text of a page (entities decoded); a PDF or any
    other file as its bytes read as Latin-1 (the world's PDFs carry their markers in clear)."""
    if data.startswith(b"PK\x03\x04"):
        try:
            return _zip_text(data)
        except (zipfile.BadZipFile, KeyError, ValueError):
            return data.decode("latin-1")
    if data.startswith(b"%PDF"):
        return data.decode("latin-1")
    text = data.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return html.unescape(text)


def received(response: HttpResponse) -> str:
    """What ``response`` says, as text (see :func:`text_of`)."""
    return text_of(body_of(response), response.get("Content-Type", ""))


def content_failures(text: str, sees: Iterable[str], hides: Iterable[str]) -> list[str]:
    """What is wrong with ``text``: a marker it should show and does not, one it shows and
    should not."""
    wrong = [f"missing {m!r}" for m in dict.fromkeys(sees) if m not in text]
    wrong += [f"shows {m!r}" for m in dict.fromkeys(hides) if m in text]
    return wrong


# --- the world's marked rows ------------------------------------------------------------------


def _stored(data: bytes, *, folder: str, kind: str) -> Any:
    from namhoc.directives.files import store_blob

    return store_blob(data, folder=folder, kind=kind)


def docx_bytes(*lines: str) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(*rows: Iterable[object]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(marker: str) -> bytes:
    return f"%PDF-1.4\n% {marker}\n%%EOF\n".encode("latin-1")


def absorbed_unit(org: Any) -> Any:
    """A commune of the dissolved district, merged into c-a1 on 1/7/2025: c-a1's people read
    its history (``accounts.access.member_paths``)."""
    from namhoc.core.text import fold
    from namhoc.orgunits.models import (
        OrgUnit,
        OrgUnitEvent,
        OrgUnitPlacement,
        OrgUnitSuccession,
    )
    from namhoc.orgunits.tree import child_path, depth_of

    reform = dt.date(2025, 7, 1)
    district = org.district_a_old
    path = child_path(district.path, 1)
    name = UNIT_NAMES[ABSORBED]
    unit = OrgUnit.objects.create(
        key="c-a-old", name=name, name_folded=fold(name), kind=OrgUnit.Kind.COMMUNE,
        parent=district, path=path, depth=depth_of(path), valid_to=reform, unit_type="Xã",
        is_synthetic=True,
    )  # fmt: skip
    OrgUnitPlacement.objects.create(
        unit=unit, parent=district, path=path, depth=unit.depth, valid_to=reform
    )
    event = OrgUnitEvent.objects.create(
        key="matrix:absorbed", kind=OrgUnitEvent.Kind.MERGE, date=reform,
        title=f"Sáp nhập {name} vào {org.commune_a1.name}",
    )  # fmt: skip
    OrgUnitSuccession.objects.create(event=event, predecessor=unit, successor=org.commune_a1)
    return unit


def build_marked_rows(world: Any) -> None:
    """The rows every list of the matrix shows or hides, per relation (and per actor for what
    is personal): notices, webhooks, failed deliveries, audit rows, drafted reports and
    templates. Directives, tasks, assignments, reports of progress and evidence are made by
    ``access_expectations._dt`` (with their markers); people by ``build_world``."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from namhoc.accounts.models import User
    from namhoc.core.models import Event
    from namhoc.core.models_audit import AuditEvent
    from namhoc.notifications.models import Delivery, Notice, Webhook
    from namhoc.reporting.models import ReportDraft, ReportTemplate

    now = timezone.now()
    user_type = ContentType.objects.get_for_model(User)
    for rel, unit in world.unit.items():
        event = Event.objects.create(
            key=f"matrix:{rel}", kind="figures.approved", unit_id=unit.pk,
            payload={"unit_name": mark("notice", rel), "data_set": "DN_TH", "period": "ĐN"},
        )  # fmt: skip
        Notice.objects.create(user=world.member[rel], event=event, kind=event.kind, unit_id=unit.pk)
        Webhook.objects.create(
            unit=unit, name=f"Cổng {mark('hook', rel)}", url=f"https://{rel}.example.vn/nh",
            secret="x",
        )  # fmt: skip
        Delivery.objects.create(
            key=f"matrix:{rel}", channel="webhook", status="failed", unit_id=unit.pk,
            last_error=f"Máy nhận từ chối {mark('delivery', rel)}",
            payload={"unit": mark("delivery", rel)},
        )  # fmt: skip
        AuditEvent.objects.create(
            actor_label="Hệ thống", action="user.update", content_type=user_type,
            object_id=str(world.member[rel].pk), object_repr=mark("audit", rel),
            unit_id=unit.pk, changes={"email": ["", f"{rel}@truong.vn"]}, source="cli",
            note=mark("audit", rel),
        )  # fmt: skip
        report = _stored(
            docx_bytes(f"Báo cáo {mark('report', rel)}"), folder="reports", kind="docx"
        )
        annex = _stored(xlsx_bytes(["Phụ lục", mark("annex", rel)]), folder="reports", kind="xlsx")
        ReportDraft.objects.create(
            unit=unit, kind="year_end", school_year="2025-2026", version=1, status="done",
            progress=100, title=f"Báo cáo tổng kết {mark('report', rel)}", file=report.name,
            file_size=report.size, annex=annex.name, annex_size=annex.size, requested_at=now,
        )  # fmt: skip
        template = _stored(
            docx_bytes("{{ don_vi }}", f"Mẫu {mark('tpl', rel)}"),
            folder="report-templates",
            kind="docx",
        )
        ReportTemplate.objects.create(
            unit=unit, kind="year_end", file=template.name,
            original_name=f"mau-{mark('tpl', rel)}.docx", size=template.size,
            sha256=template.sha256, uploaded_at=now,
        )  # fmt: skip
    for name, actor in world.actors.items():
        if actor is None:
            continue
        event = Event.objects.create(
            key=f"matrix:actor:{name}", kind="figures.approved",
            unit_id=world.unit["own"].pk,
            payload={"unit_name": mark("notice", name), "data_set": "DN_TH", "period": "ĐN"},
        )  # fmt: skip
        Notice.objects.create(user=actor, event=event, kind=event.kind, unit_id=event.unit_id)


# --- who sees which markers -------------------------------------------------------------------

Markers = Callable[[Any, str, str], list[str]]


def marker_list(kind: str, rels: Iterable[str]) -> list[str]:
    return [mark(kind, rel) for rel in rels]
