# ruff: noqa: E501  (tables of exact expected values read better one per line)
from __future__ import annotations

import json
from pathlib import Path

import pytest

from namhoc.ingest.command import main

TEXT = "KẾ HOẠCH\nThực hiện nhiệm vụ năm học 2024-2025\nCăn cứ Chỉ thị số 1112/CT-BGDĐT ngày 19/8/2022.\n1. Nhiệm vụ một\n2. Nhiệm vụ hai\n"


def test_json_prints_one_object_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(TEXT, encoding="utf-8")
    second.write_text(TEXT, encoding="utf-8")
    assert main(["--json", str(first), str(second)]) == 0
    lines = capsys.readouterr().out.splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["schema"] for o in objects] == ["namhoc.ingest/2", "namhoc.ingest/2"]
    obj = objects[0]
    assert set(obj) >= {
        "source",
        "document",
        "body",
        "outline",
        "tasks",
        "citations",
        "targets",
        "assignments",
        "warnings",
    }
    assert obj["source"]["name"] == "a.txt"
    assert obj["source"]["format"] == "txt"
    assert obj["document"]["school_year"] == "2024-2025"
    assert [c["canonical"] for c in obj["citations"]] == ["1112/CT-BGDĐT"]
    assert obj["citations"][0]["date"] == "2022-08-19"


def test_readable_outline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "Năm học: 2024-2025" in out
    assert "  1. Nhiệm vụ một" in out
    assert "1112/CT-BGDĐT — Chỉ thị, Bộ Giáo dục và Đào tạo, 2022-08-19" in out


def test_errors_exit_2_with_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 3 * 2**20)
    assert main(["--max-size", "1", str(big), str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err
    assert "Tệp quá lớn" in err
    assert "too large" in err
    assert "Không đọc được tệp" in err
    assert "Cannot read" in err
    assert "Traceback" not in err


REPEATED = "KẾ HOẠCH\nNăm học 2024-2025\n1. Nhiệm vụ một\n1. Nhiệm vụ hai\n"


def test_warnings_are_printed_in_vietnamese_and_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(REPEATED, encoding="utf-8")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    (vi,) = [line for line in out if line.startswith("! ")]
    assert vi.startswith("! Có hai mục trùng số thứ tự")
    assert vi.endswith("('1.' repeated at offset 43)")
    assert (
        out[out.index(vi) + 1]
        == "  Two items carry the same number; both are kept in the document's order."
    )


def test_json_warnings_are_objects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.txt"
    path.write_text(REPEATED, encoding="utf-8")
    assert main(["--json", str(path)]) == 0
    (warning,) = json.loads(capsys.readouterr().out)["warnings"]
    assert set(warning) == {"code", "message", "message_en", "detail"}
    assert warning["code"] == "outline_number_repeated"


def test_a_scan_with_ocr_turned_off_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from namhoc.ingest.tests.helpers import make_pdf

    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[]]))
    assert main(["--no-ocr", str(path)]) == 2
    err = capsys.readouterr().err
    assert "không có lớp chữ" in err
    assert "OCR is turned off" in err


def test_bad_limits_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--ocr-pages", "0", "a.txt"]) == 2
    assert "must be positive" in capsys.readouterr().err
