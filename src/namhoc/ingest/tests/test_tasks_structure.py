# ruff: noqa: E501  (documents and tables of exact expected values read better one per line)
"""Key tasks of documents that name no key-task list: taken from their own numbered structure."""

from __future__ import annotations

import shutil
from functools import cache

import pytest

from namhoc.ingest import IngestResult, read_document
from namhoc.ingest.tests.helpers import shared_dir

COMMUNE_HEADER = """ỦY BAN NHÂN DÂN
XÃ TÂN PHÚ
Số: 45/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Tân Phú, ngày 10 tháng 9 năm 2025
KẾ HOẠCH
Thực hiện nhiệm vụ giáo dục năm học 2025-2026
"""
COMMUNE_BODY = """Căn cứ Quyết định số 2358/QĐ-BGDĐT ngày 20/8/2025 của Bộ Giáo dục và Đào tạo; Ủy ban nhân dân xã ban hành Kế hoạch như sau:
1. Huy động 100% trẻ 5 tuổi ra lớp, duy trì sĩ số học sinh các cấp.
2. Củng cố trường đạt chuẩn quốc gia. Xây dựng thêm 02 phòng học cho trường mầm non.
3. Giao Phòng Văn hóa - Xã hội chủ trì, phối hợp với các trường bồi dưỡng giáo viên.
4. Đẩy mạnh chuyển đổi số trong các trường mầm non, tiểu học và trung học cơ sở.
"""
COMMUNE_CLOSING = """Nơi nhận:
- Phòng VH-XH;
- Các trường;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
(Đã ký)
Trần Văn Bình
"""
COMMUNE_TASKS = [
    ("1", "Huy động 100% trẻ 5 tuổi ra lớp, duy trì sĩ số học sinh các cấp"),
    ("2", "Củng cố trường đạt chuẩn quốc gia"),
    ("3", "Giao Phòng Văn hóa - Xã hội chủ trì, phối hợp với các trường bồi dưỡng giáo viên"),
    ("4", "Đẩy mạnh chuyển đổi số trong các trường mầm non, tiểu học và trung học cơ sở"),
]

SCHOOL_HEADER = """PHÒNG VĂN HÓA - XÃ HỘI XÃ HÒA AN
TRƯỜNG TIỂU HỌC HÒA AN
Số: 12/KH-THHA
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hòa An, ngày 15 tháng 9 năm 2025
KẾ HOẠCH
Công tác chuyên môn năm học 2025-2026
Căn cứ Kế hoạch số 45/KH-UBND ngày 10/9/2025 của Ủy ban nhân dân xã Hòa An;
Trường Tiểu học Hòa An xây dựng kế hoạch công tác chuyên môn như sau:
"""
SCHOOL_CLOSING = """Nơi nhận:
- Các tổ chuyên môn;
- Lưu: VT.
HIỆU TRƯỞNG
(Đã ký)
Lê Thị Hoa
"""
SCHOOL_SPECIFIC = """I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao chất lượng dạy và học ở tất cả các khối lớp.
2. Mọi giáo viên nắm vững chương trình và kế hoạch dạy học.
II. NHIỆM VỤ CỤ THỂ
1. Thực hiện chương trình giáo dục phổ thông 2018 ở tất cả các khối lớp.
2. Bồi dưỡng học sinh năng khiếu; phụ đạo học sinh chưa hoàn thành.
- Mỗi khối lập danh sách học sinh cần phụ đạo.
3. Tổ chức sinh hoạt chuyên môn theo nghiên cứu bài học mỗi tháng một lần.
III. TỔ CHỨC THỰC HIỆN
1. Hiệu trưởng chỉ đạo chung.
2. Tổ trưởng chuyên môn xây dựng kế hoạch tổ.
"""
SCHOOL_TASKS = [
    ("1", "Thực hiện chương trình giáo dục phổ thông 2018 ở tất cả các khối lớp"),
    ("2", "Bồi dưỡng học sinh năng khiếu; phụ đạo học sinh chưa hoàn thành"),
    ("3", "Tổ chức sinh hoạt chuyên môn theo nghiên cứu bài học mỗi tháng một lần"),
]

DECISION = """ỦY BAN NHÂN DÂN
XÃ TÂN PHÚ
Số: 88/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Tân Phú, ngày 12 tháng 9 năm 2025
QUYẾT ĐỊNH
Về việc thành lập Ban Chỉ đạo phổ cập giáo dục xã Tân Phú năm 2025
CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN PHÚ
Căn cứ Nghị định số 142/2025/NĐ-CP ngày 12/6/2025 của Chính phủ;
QUYẾT ĐỊNH:
Điều 1. Thành lập Ban Chỉ đạo phổ cập giáo dục xã Tân Phú gồm các ông, bà sau:
1. Ông Trần Văn Bình, Chủ tịch Ủy ban nhân dân xã, Trưởng ban.
2. Bà Nguyễn Thị Lan, Trưởng Phòng Văn hóa - Xã hội, Phó Trưởng ban.
Điều 2. Nhiệm vụ cụ thể của Ban Chỉ đạo:
1. Chỉ đạo huy động trẻ 5 tuổi ra lớp.
2. Kiểm tra hồ sơ phổ cập giáo dục của các trường.
Điều 3. Văn phòng Ủy ban nhân dân xã, các ông, bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
CHỦ TỊCH
(Đã ký)
Trần Văn Bình
"""


def read(text: str, name: str = "kh.txt") -> IngestResult:
    return read_document(text.encode("utf-8"), filename=name)


def labels_and_titles(result: IngestResult) -> list[tuple[str, str]]:
    return [(t.label, t.title) for t in result.tasks]


def fallback_warnings(result: IngestResult) -> list[str]:
    """The details of the warnings that say the tasks came from the document's sections."""
    return [w.detail for w in result.warnings if w.code == "tasks_from_sections"]


def test_commune_plan_with_a_bare_numbered_list_gives_its_items_as_tasks() -> None:
    # Given a commune's plan: "Căn cứ ...; ... ban hành Kế hoạch như sau:", 1.-4., the signature
    result = read(COMMUNE_HEADER + COMMUNE_BODY + COMMUNE_CLOSING)
    assert result.document.doc_type_code == "KH"
    # Then the four numbered items are its tasks, and a warning says where they came from
    assert labels_and_titles(result) == COMMUNE_TASKS
    assert fallback_warnings(result) == ["4 top-level items"]
    # And spans and text are those of the items, like any other task
    second = result.tasks[1]
    assert result.text[second.start : second.end].startswith("2. Củng cố trường")
    assert (
        second.text
        == "Củng cố trường đạt chuẩn quốc gia. Xây dựng thêm 02 phòng học cho trường mầm non."
    )
    assert result.closing is not None
    assert result.tasks[-1].end <= result.closing.start


def test_commune_plan_without_a_recognized_header_is_read_from_its_announcing_sentence() -> None:
    # Given the same plan pasted without its header: only "ban hành Kế hoạch như sau:" says so
    result = read(COMMUNE_BODY + COMMUNE_CLOSING)
    assert result.document.doc_type_code is None
    assert labels_and_titles(result) == COMMUNE_TASKS


def test_legal_bases_listed_with_dashes_before_the_items_do_not_hide_them() -> None:
    # Given "Căn cứ:" and a dash list before the numbered items (the outline nests them there)
    bases = (
        "Căn cứ:\n- Luật Giáo dục ngày 14 tháng 6 năm 2019;\n"
        "- Quyết định số 2358/QĐ-BGDĐT ngày 20/8/2025 của Bộ Giáo dục và Đào tạo;\n"
        "Ủy ban nhân dân xã ban hành Kế hoạch như sau:\n"
    )
    items = COMMUNE_BODY.split("\n", 1)[1]
    result = read(COMMUNE_HEADER + bases + items + COMMUNE_CLOSING)
    assert labels_and_titles(result) == COMMUNE_TASKS


def test_school_plan_takes_the_items_of_its_specific_tasks_section() -> None:
    # Given I. MỤC ĐÍCH, YÊU CẦU / II. NHIỆM VỤ CỤ THỂ (1.-3.) / III. TỔ CHỨC THỰC HIỆN
    result = read(SCHOOL_HEADER + SCHOOL_SPECIFIC + SCHOOL_CLOSING)
    # Then the tasks are the numbered items of II., nothing from I. or III.
    assert labels_and_titles(result) == SCHOOL_TASKS
    assert fallback_warnings(result) == ["3 items of “II. NHIỆM VỤ CỤ THỂ”"]
    assert result.tasks[1].text == (
        "Bồi dưỡng học sinh năng khiếu; phụ đạo học sinh chưa hoàn thành. "
        "- Mỗi khối lập danh sách học sinh cần phụ đạo."
    )


def test_specific_tasks_are_preferred_to_general_tasks() -> None:
    # Given I. NHIỆM VỤ CHUNG (1., 2.) before II. NHIỆM VỤ CỤ THỂ (1.-3.)
    general = (
        "I. NHIỆM VỤ CHUNG\n"
        "1. Tiếp tục đổi mới phương pháp dạy học.\n"
        "2. Giữ vững kỷ cương, nền nếp trường học.\n"
    )
    specific = SCHOOL_SPECIFIC.split("II. ", 1)[1].split("III. ", 1)
    body = general + "II. " + specific[0] + "III. " + specific[1]
    result = read(SCHOOL_HEADER + body + SCHOOL_CLOSING)
    # Then the specific ones are the tasks
    assert labels_and_titles(result) == SCHOOL_TASKS


def test_general_tasks_are_taken_when_they_are_all_there_is() -> None:
    body = (
        "I. NHIỆM VỤ CHUNG\n"
        "1. Tiếp tục đổi mới phương pháp dạy học.\n"
        "2. Giữ vững kỷ cương, nền nếp trường học.\n"
        "II. TỔ CHỨC THỰC HIỆN\n"
        "1. Hiệu trưởng chỉ đạo chung.\n"
        "2. Các tổ chuyên môn triển khai.\n"
    )
    result = read(SCHOOL_HEADER + body + SCHOOL_CLOSING)
    assert labels_and_titles(result) == [
        ("1", "Tiếp tục đổi mới phương pháp dạy học"),
        ("2", "Giữ vững kỷ cương, nền nếp trường học"),
    ]


def test_content_section_with_lettered_items() -> None:
    # Given "II. NỘI DUNG" whose items are a), b), c)
    body = (
        "I. MỤC ĐÍCH\nGiúp học sinh rèn luyện kỹ năng sống.\n"
        "II. NỘI DUNG\n"
        "a) Tổ chức Hội khỏe Phù Đổng cấp trường.\n"
        "b) Thành lập câu lạc bộ đọc sách ở mỗi khối.\n"
        "c) Tham quan di tích lịch sử của xã.\n"
        "III. KINH PHÍ\nTừ nguồn ngân sách của trường.\n"
    )
    result = read(SCHOOL_HEADER + body + SCHOOL_CLOSING)
    assert labels_and_titles(result) == [
        ("a", "Tổ chức Hội khỏe Phù Đổng cấp trường"),
        ("b", "Thành lập câu lạc bộ đọc sách ở mỗi khối"),
        ("c", "Tham quan di tích lịch sử của xã"),
    ]


def test_top_level_sections_that_are_work_are_kept_and_the_others_named() -> None:
    # Given roman sections, some of them work and some not, no heading naming "nhiệm vụ"
    body = (
        "I. MỤC ĐÍCH, YÊU CẦU\nBảo đảm mọi trẻ em trong độ tuổi được đến trường.\n"
        "II. CÔNG TÁC PHỔ CẬP GIÁO DỤC\n1. Điều tra trẻ em trong độ tuổi.\n2. Cập nhật hồ sơ phổ cập.\n"
        "III. XÂY DỰNG TRƯỜNG ĐẠT CHUẨN QUỐC GIA\nHoàn thành hồ sơ công nhận lại trường Tiểu học Hòa An.\n"
        "IV. KINH PHÍ THỰC HIỆN\nNgân sách xã.\n"
        "V. TỔ CHỨC THỰC HIỆN\nCác trường báo cáo trước ngày 25/5/2026.\n"
    )
    result = read(SCHOOL_HEADER + body + SCHOOL_CLOSING)
    assert labels_and_titles(result) == [
        ("II", "CÔNG TÁC PHỔ CẬP GIÁO DỤC"),
        ("III", "XÂY DỰNG TRƯỜNG ĐẠT CHUẨN QUỐC GIA"),
    ]
    assert fallback_warnings(result) == [
        "2 top-level items; left out: mục đích, yêu cầu; kinh phí thực hiện; tổ chức thực hiện"
    ]


def test_one_work_section_left_gives_its_items() -> None:
    body = (
        "I. MỤC ĐÍCH, YÊU CẦU\nBảo đảm mọi trẻ em trong độ tuổi được đến trường.\n"
        "II. CÔNG TÁC PHỔ CẬP GIÁO DỤC\n1. Điều tra trẻ em trong độ tuổi.\n2. Cập nhật hồ sơ phổ cập.\n"
        "III. TỔ CHỨC THỰC HIỆN\nCác trường báo cáo trước ngày 25/5/2026.\n"
    )
    result = read(SCHOOL_HEADER + body + SCHOOL_CLOSING)
    assert labels_and_titles(result) == [
        ("1", "Điều tra trẻ em trong độ tuổi"),
        ("2", "Cập nhật hồ sơ phổ cập"),
    ]


def test_assigning_a_task_is_a_task_but_a_section_of_assignments_is_not() -> None:
    body = (
        "1. Rà soát số lớp, số học sinh của từng khối.\n"
        "2. Phân công giáo viên dạy lớp 5 tuổi ở các điểm trường.\n"
        "3. Phân công thực hiện\n"
        "Hiệu trưởng phụ trách chung; Phó Hiệu trưởng phụ trách chuyên môn.\n"
    )
    result = read(SCHOOL_HEADER + body + SCHOOL_CLOSING)
    assert labels_and_titles(result) == [
        ("1", "Rà soát số lớp, số học sinh của từng khối"),
        ("2", "Phân công giáo viên dạy lớp 5 tuổi ở các điểm trường"),
    ]


def test_a_decisions_articles_are_not_tasks() -> None:
    # Given a Quyết định: Điều 1-3, one of them even listing "Nhiệm vụ cụ thể" 1., 2.
    result = read(DECISION, "qd.txt")
    assert result.document.doc_type_code == "QĐ"
    # Then no tasks, and no fallback warning
    assert result.tasks == []
    assert fallback_warnings(result) == []


def test_articles_are_not_tasks_whatever_the_type() -> None:
    # Given the decision's articles without its header (the type is unknown)
    body = DECISION.split("QUYẾT ĐỊNH:\n", 1)[1]
    result = read("Ủy ban nhân dân xã ban hành Kế hoạch như sau:\n" + body, "qd.txt")
    assert result.tasks == []


def test_plan_whose_only_sections_are_purpose_and_implementation_has_no_tasks() -> None:
    # Given "I. Mục đích, yêu cầu" and "II. Tổ chức thực hiện", each with numbered items, one of
    # them even "1. Nhiệm vụ của tổ chuyên môn"
    body = (
        "I. Mục đích, yêu cầu\n"
        "1. Mục đích: nâng cao chất lượng giáo dục toàn diện.\n"
        "2. Yêu cầu: bám sát kế hoạch của xã.\n"
        "II. Tổ chức thực hiện\n"
        "1. Nhiệm vụ của tổ chuyên môn\n"
        "a) Xây dựng kế hoạch tổ.\n"
        "b) Dự giờ, thăm lớp.\n"
        "2. Giáo viên chủ nhiệm báo cáo sĩ số hằng tháng.\n"
    )
    result = read(SCHOOL_HEADER + body + SCHOOL_CLOSING)
    assert result.tasks == []
    assert fallback_warnings(result) == []


def test_numbered_points_of_a_dispatch_are_not_tasks() -> None:
    # Given a Công văn (not a plan) with numbered points and no announcing sentence
    letter = COMMUNE_HEADER.replace("Số: 45/KH-UBND", "Số: 46/UBND-VHXH").replace(
        "KẾ HOẠCH\nThực hiện", "V/v thực hiện"
    )
    body = "\n".join(COMMUNE_BODY.splitlines()[1:]) + "\n"
    result = read(letter + "Kính gửi: Các trường trên địa bàn xã.\n" + body + COMMUNE_CLOSING)
    assert result.document.doc_type == "Công văn"
    assert result.tasks == []


def test_an_announced_list_is_still_read_as_before_without_the_fallback_warning() -> None:
    # Given a plan that names its key tasks
    body = COMMUNE_BODY.replace(
        "ban hành Kế hoạch như sau:", "ban hành Kế hoạch với các nhiệm vụ trọng tâm sau:"
    )
    result = read(COMMUNE_HEADER + body + COMMUNE_CLOSING)
    assert labels_and_titles(result) == COMMUNE_TASKS
    assert fallback_warnings(result) == []


# --- real documents (../shared/realdocs) ---

REALDOCS = shared_dir() / "realdocs"
needs_realdocs = pytest.mark.skipif(
    not REALDOCS.is_dir(), reason=f"no real documents at {REALDOCS}"
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed"
)


@cache
def real(name: str) -> IngestResult:
    return read_document(REALDOCS / name)


@needs_realdocs
def test_real_plan_with_general_and_specific_tasks_takes_the_specific_ones() -> None:
    result = real("kh-phap-che-2020-2021.pdf")
    assert labels_and_titles(result) == [
        ("1", "Về kiện toàn và nâng cao chất lượng hoạt động của tổ pháp chế"),
        ("2", "Về công tác xây dựng pháp luật"),
    ]
    assert fallback_warnings(result) == ["2 items of “II. NHIỆM VỤ CỤ THỂ”"]


@needs_realdocs
@needs_soffice
def test_real_guidance_takes_the_activities_of_its_content_section() -> None:
    result = real("hd06-cdn-2017.doc")
    assert [t.label for t in result.tasks] == ["1", "2", "3", "4", "5"]
    assert [t.title for t in result.tasks] == [
        "Tuyên truyền về ý nghĩa của ngày Phụ nữ Việt Nam 20/10 và truyền thống vẻ vang của Phụ nữ Việt Nam, về vai trò của nữ CBNGNLĐ trong sự nghiệp đổi mới giáo dục và đào tạo",
        "Tổ chức họp mặt kỷ niệm, hội thảo, tọa đàm, trao đổi với chủ đề: “Đổi mới, sáng tạo trong dạy và học”",
        "Chào mừng Đại hội công đoàn các cấp tiến tới Đại hội Công đoàn Việt Nam lần thứ XII và Đại hội CĐGD Việt Nam lần thứ XV, Đại hội Công đoàn tỉnh Hà Giang lần thứ XVI, Đại hội…",
        "Tổ chức thăm hỏi, động viên nữ CBNGLĐ có hoàn cảnh khó khăn, bệnh hiểm nghèo và bệnh tật phải điều trị dài ngày",
        "Phối hợp với Ban Vì sự tiến bộ Phụ nữ thực hiện tốt công tác vì sự tiến bộ phụ nữ, bình đẳng giới",
    ]
    assert fallback_warnings(result) == ["5 items of “II. NỘI DUNG VÀ HÌNH THỨC”"]


NO_TASKS = [
    pytest.param("cv-bao-cao-csdl-2020-2021.pdf", marks=needs_realdocs),
    pytest.param("cv348-dieu-chinh-day-hoc-2019-2020.pdf", marks=needs_realdocs),
    pytest.param("hd-on-thi-hsg-2020-2021.pdf", marks=needs_realdocs),
    pytest.param("tai-lieu-teams.docx", marks=needs_realdocs),
    pytest.param("qd-cong-nhan-kq-2015-2016.doc", marks=[needs_realdocs, needs_soffice]),
    pytest.param("thong-tu-30.doc", marks=[needs_realdocs, needs_soffice]),
    pytest.param("ttlt-42-2013.doc", marks=[needs_realdocs, needs_soffice]),
]


@pytest.mark.parametrize("name", NO_TASKS)
def test_real_dispatches_links_and_legal_texts_get_no_tasks_from_their_numbering(
    name: str,
) -> None:
    result = real(name)
    assert result.tasks == []
    assert fallback_warnings(result) == []
