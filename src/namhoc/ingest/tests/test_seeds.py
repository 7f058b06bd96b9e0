# ruff: noqa: E501  (tables of exact expected values read better one per line)
"""The five seed pages in ../shared/seeds: what a reader of them finds, asserted exactly."""

from __future__ import annotations

from functools import cache

import pytest

from namhoc.ingest import IngestResult, read_document
from namhoc.ingest.tests.helpers import shared_dir

SEEDS = shared_dir() / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")


@cache
def seed(prefix: str) -> IngestResult:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return read_document(path)


CITATIONS = {
    "000": [
        "1112/CT-BGDĐT", "15-NQ/TU", "12-NQ/TU", "72-QĐ/TW", "71/2020/NĐ-CP", "1737/CT-BGDĐT",
        "12-CT/TU", "2183/QĐ-UBND", "102/KH-UBND", "35/NQ-CP", "05/2005/NQ-CP", "69/2008/NĐ-CP",
        "715/QĐ-UBND", "14/CT-TTg", "1373/QĐ-TTg", "1373/QĐ-TTg", "14/CT-TTg", "36/2017/TT-BGDĐT",
        "113/KH-UBND",
    ],
    "001": ["05-CT/TW", "115/2020/NĐ-CP"],
    "002": [
        "12/2020/TT-BGDĐT", "42/2013/NĐ-CP", "39/2013/TT-BGDĐT", "36/2017/TT-BGDĐT",
        "32/2018/TT-BGDĐT", "3248/QĐ-UBND", "1057/QĐ-UBND", "05-CT/TW", "17/2018/TT-BGDĐT",
        "18/2018/TT-BGDĐT", "19/2018/TT-BGDĐT", "71/2020/NĐ-CP", "2489/KH-UBND", "771/QĐ-UBND",
        "1668/KH-UBND", "2992/KH-UBND", "138/CT-BGDĐT", "81/2021/NĐ-CP", "105/2020/NĐ-CP",
        "42/2013/TTLT-BGDĐT-BLĐTBXH-BTC",
    ],
    "003": [
        "03-NQ/TU", "4448/KH-UBND", "107/2020/NĐ-CP", "140/2017/NĐ-CP", "697/KH-UBND", "31/CT-TTg",
        "4640/KH-UBND", "1666/KH-UBND", "11-NQ/TU", "19/2018/TT-BGDĐT", "17/2018/TT-BGDĐT",
        "18/2018/TT-BGDĐT", "20/2014/NĐ-CP", "07/2016/TT-BGDĐT",
    ],
    "004": ["29-NQ/TW", "29-NQ/TW", "29-NQ/TW"],
}  # fmt: skip


@pytest.mark.parametrize("prefix", sorted(CITATIONS))
def test_seed_citations_are_every_reference_in_order(prefix: str) -> None:
    # Given a seed page / When it is read
    result = seed(prefix)
    # Then its citations are exactly the document references, in order
    assert [c.canonical for c in result.citations] == CITATIONS[prefix]
    assert result.furniture_citations == []
    for citation in result.citations:
        assert result.text[citation.start : citation.end] == citation.raw


def test_seed_citation_details_keep_what_was_written_and_correct_typos() -> None:
    # Given seed 002 (odd spacing, a compound list, a split joint circular) and 003 (a typo)
    by_number = {c.number: c for c in seed("002").citations}
    # Then spacing is normalized in number, the raw text is kept, dates are read
    assert seed("002").citations[5].raw == "3248/QĐ- UBND"
    assert by_number["3248/QĐ-UBND"].date == "2021-12-15"
    compound = [c for c in seed("002").citations if c.date == "2018-08-22"]
    assert [(c.raw, c.number, c.doc_type, c.issuer) for c in compound] == [
        ("17", "17/2018/TT-BGDĐT", "Thông tư", "Bộ Giáo dục và Đào tạo"),
        ("18", "18/2018/TT-BGDĐT", "Thông tư", "Bộ Giáo dục và Đào tạo"),
        ("19/2018/TT-BGDĐT", "19/2018/TT-BGDĐT", "Thông tư", "Bộ Giáo dục và Đào tạo"),
    ]
    joint = seed("002").citations[-1]
    assert (joint.raw, joint.number, joint.year, joint.issuer_code) == (
        "42/2013/TTLT-BGDĐT-BLĐTBXH- BTC",
        "42/2013/TTLT-BGDĐT-BLĐTBXH-BTC",
        2013,
        "BGDĐT-BLĐTBXH-BTC",
    )
    typo = seed("003").citations[-1]
    assert (typo.number, typo.canonical, typo.corrections) == (
        "07/2016/TT-GDĐT",
        "07/2016/TT-BGDĐT",
        ["issuer GDĐT -> BGDĐT"],
    )


SCHOOL_YEARS = {
    "000": "2022-2023",
    "001": "2022-2023",
    "002": "2022-2023",
    "003": "2020-2021",
    "004": "2020-2021",
}
THEMES = {
    "000": None,
    "001": None,
    "002": "Đoàn kết, nỗ lực vượt khó khăn, đối mới sáng tạo, củng cố, nâng cao chất lượng các "
    "hoạt động giáo dục và đào tạo",
    "003": None,
    "004": "Kỷ cương - Nền nếp; Chủ động - Sáng tạo; Chất lượng - Hiệu quả",
}


@pytest.mark.parametrize("prefix", sorted(SCHOOL_YEARS))
def test_seed_school_year_and_theme(prefix: str) -> None:
    result = seed(prefix)
    assert (result.document.school_year, result.document.theme) == (
        SCHOOL_YEARS[prefix],
        THEMES[prefix],
    )


TASKS = {
    "000": [
        ("1", "Hoàn thiện thể chế, nâng cao hiệu lực, hiệu quả trong quản lý nhà nước về giáo dục và đào tạo"),
        ("2", "Chủ động phòng, chống và ứng phó hiệu quả với thiên tai, dịch bệnh"),
        ("3", "Tăng cường công tác chính trị, tư tưởng trong toàn ngành"),
        ("4", "Phát triển đội ngũ nhà giáo và cán bộ quản lý giáo dục đáp ứng yêu cầu đổi mới giáo dục"),
        ("5", "Thu hút và sử dụng hiệu quả các nguồn lực đầu tư cho giáo dục"),
        ("6", "Thực hiện hiệu quả chương trình giáo dục mầm non, giáo dục phổ thông và giáo dục thường xuyên"),
        ("7", "Đẩy mạnh chuyển đổi số, cải cách hành chính trong toàn ngành"),
        ("8", "Tăng cường hội nhập quốc tế trong giáo dục"),
        ("9", "Tăng cường công tác thanh tra, kiểm tra và xử lý vi phạm trong lĩnh vực giáo dục và đào tạo"),
        ("10", "Tiếp tục đổi mới phong trào thi đua, kịp thời biểu dương, nhân rộng những tấm gương điển hình, góp phần nâng cao chất lượng dạy và học"),
    ],
    # A news article whose tasks are paragraphs opening with what to do, none numbered; the
    # first is the sentence that hands the work to the education office.
    "001": [
        ("1", "Giao phòng GD-ĐT chủ động xây dựng và triển khai kế hoạch năm học 2022-2023 linh hoạt"),
        ("2", "Tiếp tục triển khai thực hiện nhiệm vụ trọng tâm của ngành giáo dục giai đoạn 2020-2025 theo Nghị quyết Đại hội Đảng bộ huyện Tứ Kỳ lần thứ XXV, nhiệm kỳ 2020-2025"),
        ("3", "Triển khai thực hiện Đề án “Phát triển Giáo dục và Đào tạo huyện Tứ Kỳ giai đoạn 2022-2025, định hướng đến năm 2030\""),
        ("4", "Tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
        ("5", "Nâng trình độ chuẩn được đào tạo của giáo viên mầm non, tiểu học, trung học cơ sở"),
        ("6", "Phát huy vai trò, trách nhiệm người đứng đầu trong quản lý nhà nước về giáo dục và đào tạo"),
        ("7", "Chỉ đạo các cơ sở giáo dục có điều kiện mở rộng hợp tác phát triển giáo dục với nước ngoài"),
        ("8", "Tăng cường chuyển đổi số và ứng dụng công nghệ thông tin trong dạy, học và quản lý"),
    ],
    "004": [
        ("1", "Rà soát, quy hoạch mạng lưới cơ sở giáo dục hợp lý"),
        ("2", "Nâng cao chất lượng đội ngũ nhà giáo và cán bộ quản lý giáo dục các cấp"),
        ("3", "Phát triển và nâng cao chất lượng giáo dục mầm non, giáo dục phổ thông"),
        ("4", "Nâng cao chất lượng dạy, học Tiếng Anh"),
        ("5", "Đẩy mạnh ứng dụng công nghệ thông tin trong quản lý và dạy học"),
        ("6", "Đẩy mạnh phân cấp và thực hiện tự chủ đối với các cơ sở giáo dục"),
        ("7", "Chủ động hội nhập quốc tế trong giáo dục và đào tạo"),
        ("8", "Tăng cường cơ sở vật chất đảm bảo chất lượng các hoạt động giáo dục"),
        ("9", "Phát triển nguồn nhân lực, nhất là nguồn nhân lực chất lượng cao"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("prefix", sorted(TASKS))
def test_seed_key_tasks_as_listed(prefix: str) -> None:
    assert [(t.label, t.title) for t in seed(prefix).tasks] == TASKS[prefix]


def test_seed_001_unnumbered_tasks_are_taken_with_a_warning_and_the_other_units_left_out() -> None:
    result = seed("001")
    assert [(w.code, w.detail) for w in result.warnings] == [
        ("tasks_from_paragraphs", "8 paragraphs")
    ]
    # The paragraphs addressed to the other units ("Các phòng: ...", "Ủy ban nhân dân các xã")
    # end the run: they are assignments, not the education office's tasks.
    assert result.tasks[-1].text.endswith("tổ chức thực hiện tốt công tác thông tin, truyền thông.")
    for task in result.tasks:
        assert result.text[task.start : task.end].split()[:3] == task.text.split()[:3]


def test_seed_003_keeps_both_items_numbered_14_and_warns() -> None:
    # Given a list whose last two items are both numbered "14."
    result = seed("003")
    # Then both are kept, in order, and a warning says so
    assert [t.label for t in result.tasks] == [str(n) for n in range(1, 15)] + ["14"]
    assert result.tasks[-2].title.startswith("Tổ chức Hội nghị đánh giá lại công tác ứng dụng")
    assert result.tasks[-1].title.startswith("Tổ chức Hội nghị tổng kết năm học 2020-2021")
    repeated = [w for w in result.warnings if w.code == "outline_number_repeated"]
    assert [w.detail.split(" at ")[0] for w in repeated] == ["'14.' repeated"]


def test_seed_002_declared_seven_unnumbered_tasks_are_segmented_with_a_warning() -> None:
    # Given "Bảy nhiệm vụ trọng tâm bao gồm:" followed by unnumbered paragraphs
    result = seed("002")
    tasks = [(t.label, t.title) for t in result.tasks]
    # Then seven tasks come out; the six boundaries the text marks are found
    assert len(tasks) == 7
    assert tasks[:5] == [
        ("1", "Tiếp tục đổi mới căn bản công tác quản lý giáo dục, đào tạo"),
        ("2", "Rà soát, sắp xếp, tổ chức lại mạng lưới cơ sở giáo dục và đào tạo, huy động học sinh ra lớp"),
        ("3", "Chủ động phòng, chống và ứng phó hiệu quả với thiên tai, dịch bệnh"),
        ("4", "Tập trung nâng cao chất lượng giáo dục"),
        ("5", "Phát triển đội ngũ nhà giáo và cán bộ quản lý giáo dục"),
    ]  # fmt: skip
    assert tasks[6] == ("7", "Tăng cường công tác thông tin truyền thông")
    assert [w.code for w in result.warnings if w.code.startswith("tasks_")] == ["tasks_segmented"]


def test_seed_002_sixth_task_starts_where_its_heading_is_restated() -> None:
    # Given a task heading run into its paragraph with a comma, the paragraph restating the
    # heading's first word ("Đổi mới quản lý tài chính ..., đổi mới công tác quản lý ...")
    task = seed("002").tasks[5]
    # Then that paragraph starts task 6 (it used to start one paragraph late)
    assert (task.label, task.title) == (
        "6",
        "Đổi mới quản lý tài chính và tăng cường cơ sở vật chất",
    )
    assert task.text.startswith("Đổi mới quản lý tài chính và tăng cường cơ sở vật chất, đổi mới")
    assert seed("002").tasks[4].text.endswith("theo quy định.")


def test_seed_furniture_is_outside_the_body() -> None:
    # Given pages that open with a site clock and end with visitor counters
    for prefix in ("000", "002"):
        result = seed(prefix)
        body = result.text[result.body.start : result.body.end]
        # Then the clock and the counters are furniture, not body
        assert "Chào mừng" not in body
        assert "Thống kê truy cập" not in body if prefix == "000" else "Online:" not in body
        assert result.furniture[0].kind == "head"
        assert result.furniture[-1].kind == "tail"
    # And the site clock is not taken as the document's date
    assert seed("002").document.date is None
    assert seed("000").document.date is None
    # And the portal's statistics at the foot of 001 are not targets
    assert seed("001").targets == []


def test_seed_articles_name_the_document_they_report() -> None:
    subject_000 = seed("000").document.subject
    subject_004 = seed("004").document.subject
    assert subject_000 is not None
    assert subject_004 is not None
    assert (subject_000.doc_type, subject_000.issuer, subject_000.date) == (
        "Chỉ thị",
        "Chủ tịch UBND tỉnh Bạc Liêu",
        None,
    )
    assert (subject_004.doc_type, subject_004.issuer, subject_004.date) == (
        "Chỉ thị",
        "Chủ tịch UBND tỉnh Bắc Giang",
        "2020-09-08",
    )
    assert seed("004").document.kind == "article"


def test_seed_targets_and_assignments() -> None:
    targets = [(t.raw, t.value, t.unit) for t in seed("003").targets]
    assert targets == [
        ("4300 văn bản", 4300.0, "văn bản"),
        ("3917 văn bản", 3917.0, "văn bản"),
        ("66,37%", 66.37, "%"),
        ("32 học sinh", 32.0, "học sinh"),
        ("01 giải", 1.0, "giải"),
        ("08 giải", 8.0, "giải"),
        ("08 giải", 8.0, "giải"),
        ("15 giải", 15.0, "giải"),
    ]
    assert [(t.raw, t.kind) for t in seed("004").targets] == [("100%", "target")]
    assert [(a.lead, a.support) for a in seed("004").assignments] == [
        (["Sở Giáo dục và Đào tạo"], ["các sở, ban, ngành, đoàn thể, các địa phương"]),
        (["Sở Giáo dục và Đào tạo"], ["UBND các huyện, thành phố"]),
    ]
