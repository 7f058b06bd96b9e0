"""A unit's own template: checked at upload with sample values, rendered in a sandbox; a broken
one is refused with a Vietnamese message that names the bad tag."""

from __future__ import annotations

import io
import zipfile

import pytest

from namhoc.reporting.custom import MAX_UNPACKED, TemplateProblem, check_template, render_custom
from namhoc.reporting.drafting.context import PLACEHOLDERS, sample_context
from namhoc.reporting.models import ReportKind
from namhoc.reporting.starter import starter_template
from namhoc.reporting.tests.helpers import docx_text, template

SAMPLE = sample_context(ReportKind.YEAR_END)


def refusal(data: bytes) -> str:
    with pytest.raises(TemplateProblem) as info:
        check_template(data, SAMPLE)
    assert info.value.code == "bad_template"
    assert info.value.field == "file"
    return info.value.message


@pytest.mark.parametrize("kind", ReportKind.values)
def test_the_starter_template_passes_its_own_check(kind: str) -> None:
    tags = check_template(starter_template(kind), sample_context(kind))
    assert "{{ co_quan_ban_hanh }}" in tags
    assert "{% for d in noi_dung %}" in tags


@pytest.mark.parametrize("kind", ReportKind.values)
def test_every_documented_placeholder_has_a_sample_value(kind: str) -> None:
    assert {name for name, _ in PLACEHOLDERS[kind]} <= set(sample_context(kind))


def test_a_template_is_filled_and_text_is_escaped() -> None:
    data = template(
        "{{ co_quan_ban_hanh }} — {{ don_vi }}",
        "{%p for m in nhiem_vu %}",
        "{{ m.stt }}. {{ m.ten|upper }}: {{ m.ty_le_dung_han }}",
        "{%p endfor %}",
    )
    context = {**SAMPLE, "don_vi": "Trường <A> & B", "nhiem_vu": SAMPLE["nhiem_vu"] * 2}
    text = docx_text(render_custom(data, context))
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO — Trường <A> & B" in text
    assert text.count("1. NHIỆM VỤ MẪU: 77,8%") == 2
    assert "{{" not in text
    assert "{%" not in text


def test_an_unclosed_block_names_the_tag_left_open() -> None:
    message = refusal(template("{%p for m in nhiem_vu %}", "{{ m.ten }}"))
    assert message.startswith("Mẫu có thẻ sai ở thẻ {% for m in nhiem_vu %}: thiếu thẻ đóng")


def test_a_bad_tag_is_named_as_docxtpl_reads_it() -> None:
    """A tag left unclosed runs to the next closing braces (docxtpl joins what lies between,
    paragraphs included): the message shows that stretch, the bad tag first."""
    message = refusal(template("Đơn vị: {{ don_vi }", "Năm học {{ nam_hoc }}"))
    assert message.startswith("Mẫu có thẻ sai ở thẻ {{ don_vi }Năm học {{ nam_hoc }}")
    assert "ký tự «}» không đúng chỗ" in message


def test_an_unknown_placeholder_is_named() -> None:
    message = refusal(template("Kính gửi {{ ten_sai }}"))
    assert message == (
        "Mẫu dùng tên «ten_sai» không có trong danh sách thẻ ở thẻ {{ ten_sai }}; xem danh "
        "sách thẻ trên trang Mẫu báo cáo."
    )


def test_an_unknown_field_of_a_list_item_is_named() -> None:
    message = refusal(template("{%p for m in nhiem_vu %}", "{{ m.khong_co }}", "{%p endfor %}"))
    assert message.startswith("Mẫu dùng tên «khong_co» không có trong danh sách thẻ ở thẻ "
                              "{{ m.khong_co }}")  # fmt: skip


@pytest.mark.parametrize(
    ("tag", "reason"),
    [
        ("{% set x = don_vi %}{{ x }}", "mẫu không được dùng gán biến ({% set %})"),
        ("{{ don_vi * 100000000 }}", "mẫu không được dùng phép nhân"),
        ("{{ 9 ** 99999 }}", "mẫu không được dùng lũy thừa"),
        ("{{ range(10) }}", "mẫu không được dùng gọi hàm"),
        ("{{ don_vi.ljust(1000000000) }}", "mẫu không được dùng gọi hàm"),
        ("{{ don_vi|center(1000000000) }}", "bộ lọc «center» không được dùng"),
        ("{% include 'x' %}", "mẫu không được dùng include"),
        ("{% macro m() %}x{% endmacro %}", "mẫu không được dùng macro"),
    ],
)
def test_constructs_that_could_run_away_are_refused(tag: str, reason: str) -> None:
    message = refusal(template(f"Đơn vị {tag}"))
    assert message.startswith("Mẫu có thẻ không dùng được ở thẻ ")
    assert f"(đoạn “Đơn vị {tag}”)" in message
    assert message.endswith(f": {reason}.")


def test_loops_nest_three_deep_at_most() -> None:
    loops = [f"{{%p for a{n} in nhiem_vu %}}" for n in range(4)]
    message = refusal(template(*loops, "x", *["{%p endfor %}"] * 4))
    assert message.endswith("vòng lặp lồng nhau quá 3 cấp.")


def test_python_internals_are_out_of_reach() -> None:
    message = refusal(template("{{ don_vi.__class__.__mro__ }}"))
    assert message.startswith("Mẫu dùng thao tác không được phép")


def test_a_template_without_tags_is_refused() -> None:
    assert refusal(template("Báo cáo tổng kết")).startswith("Mẫu không có thẻ nào")


def test_a_file_that_is_not_a_word_document_is_refused() -> None:
    assert refusal(b"%PDF-1.4 not a docx") == "Tệp không phải là tài liệu Word (.docx) đọc được."


def test_a_zip_bomb_is_refused_before_its_xml_is_read() -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (MAX_UNPACKED + 1))
    assert len(data.getvalue()) < 200_000
    assert refusal(data.getvalue()).startswith("Tệp mẫu giải nén ra quá lớn")
