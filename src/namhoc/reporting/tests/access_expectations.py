"""The access matrix's entries for the reports URLs (issue 13), kept beside the app's tests.

``tests/access_expectations.py`` (the matrix's table) takes them with::

    from namhoc.reporting.tests.access_expectations import entries as reporting_entries

    EXPECTATIONS.update(reporting_entries())

Who may do what: anyone whose scope holds a draft's or a template's unit reads it and downloads
its files (out of scope: 404); drafting for a unit and uploading or retiring its template need a
specialist at the unit or above (other roles in scope: 403). The helpers build the objects each
relation's URL points at (a finished draft with a stored file, a template in use).
"""

from __future__ import annotations

from typing import Any


def _report_draft(world: Any, rel: str) -> dict[str, Any]:
    """A finished year-end draft of the relation's unit, with a stored file."""
    from django.utils import timezone

    from namhoc.directives.files import store_blob
    from namhoc.reporting.models import ReportDraft

    blob = store_blob(b"PK\x03\x04 namhoc access matrix", folder="reports", kind="docx")
    draft, _ = ReportDraft.objects.get_or_create(
        unit=world.unit[rel],
        kind="year_end",
        school_year="2025-2026",
        version=1,
        defaults={
            "status": "done",
            "progress": 100,
            "file": blob.name,
            "annex": blob.name,
            "requested_at": timezone.now(),
        },
    )
    return {"draft_id": draft.pk}


def _report_template(world: Any, rel: str) -> dict[str, Any]:
    """The relation's unit's template in use for year-end reports, with a stored file."""
    from django.utils import timezone

    from namhoc.directives.files import store_blob
    from namhoc.reporting.models import ReportTemplate

    blob = store_blob(b"PK\x03\x04 namhoc access matrix", folder="report-templates", kind="docx")
    template, _ = ReportTemplate.objects.get_or_create(
        unit=world.unit[rel],
        kind="year_end",
        retired_at=None,
        defaults={
            "file": blob.name,
            "original_name": "mau.docx",
            "size": blob.size,
            "sha256": blob.sha256,
            "uploaded_at": timezone.now(),
        },
    )
    return {"template_id": template.pk}


def _report_request(world: Any, rel: str) -> dict[str, Any]:
    return {"unit": world.unit[rel].key, "kind": "year_end", "school_year": "2025-2026"}


def _template_upload(world: Any, rel: str) -> dict[str, Any]:
    import io

    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = docx.Document()
    document.add_paragraph("{{ don_vi }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return {
        "unit": world.unit[rel].key,
        "kind": "year_end",
        "file": SimpleUploadedFile("mau.docx", buffer.getvalue()),
    }


def entries() -> dict[str, list[Any]]:
    """The reports routes with their expectations, in the matrix's vocabulary."""
    from tests.access_expectations import Expect as E
    from tests.access_expectations import by_role, in_scope, rel, same

    M = True

    def drafting(ok: int) -> dict[str, dict[str, int]]:
        """Draft for a unit, upload or retire its template: a specialist at the unit or above."""
        return by_role(rel(ok, ok, 404, 404, 404), rel(403, 403, 404, 404, 404))

    REPORT_READ = in_scope(200)
    return {
        "bao-cao/": [
            E("GET", 302, 200, same(200), relation_free=True),
            E("POST", 302, 302, drafting(302), data=_report_request, mutates=M),
        ],
        "bao-cao/ban-nhap/<int:draft_id>/": [E("GET", 302, 200, REPORT_READ, params=_report_draft)],
        "bao-cao/ban-nhap/<int:draft_id>/trang-thai/": [
            E("GET", 302, 200, REPORT_READ, params=_report_draft)
        ],
        "bao-cao/ban-nhap/<int:draft_id>/tai-ve/": [
            E("GET", 302, 200, REPORT_READ, params=_report_draft)
        ],
        "bao-cao/ban-nhap/<int:draft_id>/phu-luc/": [
            E("GET", 302, 200, REPORT_READ, params=_report_draft)
        ],
        "bao-cao/mau/": [
            E("GET", 302, 200, same(200), relation_free=True),
            E("POST", 302, 302, drafting(302), data=_template_upload, mutates=M),
        ],
        "bao-cao/mau/mau-goc/<str:kind>/": [
            E(
                "GET",
                302,
                200,
                same(200),
                params=lambda w, r: {"kind": "year_end"},
                relation_free=True,
            )
        ],
        "bao-cao/mau/<int:template_id>/tai-ve/": [
            E("GET", 302, 200, REPORT_READ, params=_report_template)
        ],
        "bao-cao/mau/<int:template_id>/bo/": [
            E("POST", 302, 302, drafting(302), params=_report_template, mutates=M)
        ],
        "api/reports/drafts": [
            E("GET", 401, 200, same(200), relation_free=True),
            E("POST", 401, 202, drafting(202), data=_report_request, json=True, mutates=M),
        ],
        "api/reports/drafts/<draft_id>": [E("GET", 401, 200, REPORT_READ, params=_report_draft)],
        "api/reports/templates": [
            E("GET", 401, 200, same(200), relation_free=True),
            E("POST", 401, 201, drafting(201), data=_template_upload, mutates=M),
        ],
        "api/reports/templates/<template_id>": [
            E("DELETE", 401, 200, drafting(200), params=_report_template, mutates=M)
        ],
        "api/reports/placeholders": [E("GET", 401, 200, same(200), relation_free=True)],
    }
