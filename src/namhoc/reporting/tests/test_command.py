"""``namhoc report …``: the same use case from the command line, errors in Vietnamese and
English with exit status 2 (``namhoc`` turns a CommandError's ``returncode`` into its exit
status; ``call_command`` keeps the test's database connection open, on PostgreSQL too)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from namhoc.core.models import AuditEvent
from namhoc.reporting.models import ReportDraft
from namhoc.reporting.tests.helpers import build_world, clock

pytestmark = pytest.mark.django_db


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as info:
        report(*args)
    assert info.value.returncode == 2
    return str(info.value)


def test_namhoc_report_is_a_namhoc_command() -> None:
    """``namhoc`` offers every management command of a ``namhoc.*`` app by its name."""
    assert get_commands()["report"] == "namhoc.reporting"


def test_year_end_report_to_a_file_with_its_annex(org, people, tmp_path: Path):
    build_world(org, people)
    target = tmp_path / "bao-cao.docx"
    with clock():
        out = report(
            "year-end", "--unit", "p-a", "--year", "2025-2026", "-o", str(target),
            "--signer", "Lê Văn Hùng",
        )  # fmt: skip
    assert out.startswith(f"Đã soạn báo cáo tổng kết năm học của Tỉnh Phú An, bản 1: {target}")
    document = docx.Document(io.BytesIO(target.read_bytes()))
    assert document.paragraphs[0].text == "BÁO CÁO"
    signature = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature[-1] == "Lê Văn Hùng"
    annex = openpyxl.load_workbook(tmp_path / "bao-cao-phu-luc.xlsx")
    assert annex.sheetnames[2] == "Bieu 3 - Nhiem vu"
    draft = ReportDraft.objects.get()
    assert (draft.version, draft.requested_by, draft.signer_name) == (1, None, "Lê Văn Hùng")
    events = AuditEvent.objects.filter(object_id=str(draft.pk), content_type__model="reportdraft")
    assert list(events.order_by("pk").values_list("action", "source")) == [
        ("report.request", "cli"),
        ("report.finish", "cli"),
    ]


def test_plan_for_a_directive(org, people, tmp_path: Path):
    world = build_world(org, people)
    target = tmp_path / "ke-hoach.docx"
    annex = tmp_path / "phu-luc.xlsx"
    with clock():
        report(
            "plan", "--unit", "c-a1", "--directive", str(world.province_plan.pk),
            "-o", str(target), "--annex", str(annex),
        )  # fmt: skip
    assert docx.Document(io.BytesIO(target.read_bytes())).paragraphs[0].text == "KẾ HOẠCH"
    assert annex.exists()


@pytest.mark.parametrize(
    ("args", "vietnamese", "english"),
    [
        (
            ["year-end", "--unit", "khong-co", "--year", "2025-2026"],
            "Không tìm thấy hoặc bạn không có quyền xem.",
            "Error: not found.",
        ),
        (
            ["semester", "--unit", "p-a", "--year", "2025"],
            "Năm học phải có dạng 2025-2026 (hai năm liền nhau).",
            "Error: bad school year.",
        ),
        (
            ["plan", "--unit", "p-a", "--directive", "abc"],
            "Mã văn bản không hợp lệ.",
            "Error: bad directive.",
        ),
    ],
)
def test_errors_are_said_in_both_languages_with_status_2(  # noqa: PLR0917 - fixtures
    org, people, tmp_path: Path, args, vietnamese, english
):
    err = refused(*args, "-o", str(tmp_path / "x.docx"))
    assert vietnamese in err
    assert english in err
    assert ReportDraft.objects.count() == 0
    assert not (tmp_path / "x.docx").exists()


def test_an_output_folder_that_does_not_exist(org, people, tmp_path: Path):
    target = tmp_path / "khong-co" / "x.docx"
    err = refused("year-end", "--unit", "p-a", "--year", "2025-2026", "-o", str(target))
    assert f"Lỗi: thư mục {target.parent} không tồn tại." in err
    assert f"Error: directory {target.parent} does not exist." in err
    assert ReportDraft.objects.count() == 0
