"""The starting point of a unit's own template: the built-in layout with docxtpl tags in place
of the drafted words, downloadable from the templates page. It passes :func:`check_template`
(a test renders it with real data), so a unit can edit it in Word and upload it back."""

from __future__ import annotations

import functools

from namhoc.reporting.builtin import render_builtin
from namhoc.reporting.document import Document, Header, Para, Run, Signature

__all__ = ["starter_template"]


def _p(text: str, style: str = "body") -> Para:
    return Para(runs=(Run(text),), style=style)


@functools.cache
def starter_template(kind: str) -> bytes:
    """A .docx in the built-in layout whose texts are placeholders (``{{ don_vi }}`` …)."""
    body = [
        _p("{%p for d in noi_dung %}"),
        _p('{%p if d.kieu != "table" %}'),
        _p("{{ d.van_ban }}"),
        _p("{%p else %}"),
        _p("{{ d.tieu_de|join(' | ') }}"),
        _p("{%p for r in d.dong %}"),
        _p("{{ r|join(' | ') }}"),
        _p("{%p endfor %}"),
        _p("{%p endif %}"),
        _p("{%p endfor %}"),
    ]
    document = Document(
        kind=kind,
        header=Header(
            upper_body="{{ co_quan_chu_quan }}",
            issuer="{{ co_quan_ban_hanh }}",
            symbol="{{ ky_hieu }}",
            place="{{ dia_danh }}",
            year="{{ nam }}",
        ),
        type_name="{{ loai_van_ban }}",
        summary="{{ trich_yeu }}",
        opening=[_p("{{ mo_dau }}")],
        body=[
            *body,
            _p("{%p for g in ghi_chu %}"),
            _p("{{ g }}"),
            _p("{%p endfor %}"),
        ],
        closing=_p("{{ ket_thuc }}"),
        notes=[],
        signature=Signature(
            title="{{ chuc_vu }}", name="{{ nguoi_ky }}", placeholder="{{ ky_ten }}"
        ),
        recipients=["{%p for n in noi_nhan %}", "{{ n }}", "{%p endfor %}"],
    )
    return render_builtin(document)
