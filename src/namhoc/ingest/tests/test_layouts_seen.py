# ruff: noqa: E501  (documents and tables of exact expected values read better one per line)
"""Layouts the reader met on real documents and used to misread (issue 12), on documents we wrote:
headers laid out as tables (markdown and HTML) or printed on one line, mirror sites' lists of
related documents, the theme inside a sentence, key tasks in a decision's "Điều 1", a guidance's
sections, a plan's "II. NHIỆM VỤ" with a), b), and a news article's unnumbered paragraphs."""

from __future__ import annotations

import shutil

import pytest

from namhoc.ingest import IngestResult, read_document
from namhoc.ingest.ocrtext import tidy
from namhoc.ingest.tests.helpers import shared_dir


def read(text: str, name: str = "a.txt") -> IngestResult:
    return read_document(text.encode("utf-8"), filename=name)


def tasks(result: IngestResult) -> list[tuple[str, str]]:
    return [(t.label, t.title) for t in result.tasks]


def codes(result: IngestResult) -> list[str]:
    return [w.code for w in result.warnings]


# A decision as a legal-document mirror publishes it and a crawler renders it in markdown: the
# site's title, its list of related documents, the header as a two-row table.
MIRROR_DECISION = """Quyết định 1520/QĐ-UBND năm 2024 ban hành Kế hoạch thời gian năm học 2024-2025 tỉnh Phú An
Văn bản liên quan
- 1 Kết luận 91-KL/TW năm 2024 về tiếp tục thực hiện Nghị quyết số 29-NQ/TW
- 2 Kế hoạch 102/KH-UBND năm 2023 thực hiện nhiệm vụ giáo dục của tỉnh
- 3 Quyết định 2358/QĐ-BGDĐT năm 2025 ban hành Kế hoạch thực hiện nhiệm vụ năm học

| ỦY BAN NHÂN DÂN TỈNH PHÚ AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |
|---|---|
| Số: 1520/QĐ-UBND | Phú An, ngày 15 tháng 8 năm 2024 |

QUYẾT ĐỊNH
Ban hành Kế hoạch thời gian năm học 2024-2025 của giáo dục mầm non, giáo dục phổ thông và giáo dục thường xuyên trên địa bàn tỉnh Phú An
ỦY BAN NHÂN DÂN TỈNH PHÚ AN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Quyết định số 2045/QĐ-BGDĐT ngày 02 tháng 8 năm 2024 của Bộ trưởng Bộ Giáo dục và Đào tạo ban hành khung kế hoạch thời gian năm học 2024-2025;
Theo đề nghị của Giám đốc Sở Giáo dục và Đào tạo tại Tờ trình số 88/TTr-SGDĐT ngày 10 tháng 8 năm 2024.
QUYẾT ĐỊNH:
Điều 1. Ban hành Kế hoạch thời gian năm học 2024-2025 của giáo dục mầm non, giáo dục phổ thông và giáo dục thường xuyên trên địa bàn tỉnh như sau:
1. Đối với giáo dục mầm non
a) Tựu trường ngày 03 tháng 9 năm 2024; khai giảng ngày 05 tháng 9 năm 2024.
b) Kết thúc năm học trước ngày 31 tháng 5 năm 2025.
2. Đối với giáo dục phổ thông
a) Tựu trường sớm nhất vào ngày 29 tháng 8 năm 2024.
b) Học kỳ I kết thúc trước ngày 18 tháng 01 năm 2025; học kỳ II kết thúc trước ngày 25 tháng 5 năm 2025.
3. Đối với giáo dục thường xuyên
Thực hiện như giáo dục phổ thông; xét công nhận tốt nghiệp trung học cơ sở trước ngày 30 tháng 6 năm 2025.
Điều 2. Giao Sở Giáo dục và Đào tạo chủ trì, phối hợp với các sở, ngành liên quan hướng dẫn thực hiện Quyết định này.
Điều 3. Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Giáo dục và Đào tạo chịu trách nhiệm thi hành Quyết định này./.

| Nơi nhận: - Như Điều 3; - Bộ GDĐT (b/c); - Lưu: VT. | TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn Minh |
"""


def test_a_header_laid_out_as_a_markdown_table_gives_the_number_and_date() -> None:
    result = read(MIRROR_DECISION, "qd.md")
    doc = result.document
    assert (doc.issuer, doc.issuer_parent, doc.number, doc.date, doc.place) == (
        "ỦY BAN NHÂN DÂN TỈNH PHÚ AN",
        None,
        "1520/QĐ-UBND",
        "2024-08-15",
        "Phú An",
    )
    assert (doc.doc_type, doc.school_year) == ("Quyết định", "2024-2025")
    assert doc.title is not None
    assert doc.title.startswith("Ban hành Kế hoạch thời gian năm học 2024-2025")
    # The document's own number (in its header and in the site's title) is not a citation;
    # the mirror's list of related documents is site furniture, not what the decision cites.
    assert [c.canonical for c in result.citations] == ["2045/QĐ-BGDĐT", "88/TTr-SGDĐT"]
    assert [c.canonical for c in result.furniture_citations] == [
        "91-KL/TW",
        "29-NQ/TW",
        "102/KH-UBND",
        "2358/QĐ-BGDĐT",
    ]
    assert result.document.signer is not None
    assert result.document.signer.name == "Nguyễn Văn Minh"


def test_a_decision_issuing_the_school_year_calendar_has_its_items_as_tasks() -> None:
    result = read(MIRROR_DECISION, "qd.md")
    assert tasks(result) == [
        ("1", "Đối với giáo dục mầm non"),
        ("2", "Đối với giáo dục phổ thông"),
        ("3", "Đối với giáo dục thường xuyên"),
    ]
    assert result.tasks[0].text.startswith("Đối với giáo dục mầm non a) Tựu trường ngày 03 tháng 9")
    (from_article,) = [w for w in result.warnings if w.code == "tasks_from_article"]
    assert from_article.detail == "3 items of “Điều 1”"


MIRROR_PLAN_HTML = """<!doctype html><html><head><title>Kế hoạch 215/KH-UBND năm 2024</title></head>
<body><div class="menu"><a href="/">Trang chủ</a> | <a href="/vb">Văn bản</a></div>
<h1>Kế hoạch 215/KH-UBND năm 2024 triển khai nhiệm vụ năm học 2024-2025 tỉnh Phú An</h1>
<div class="related"><p>Văn bản liên quan</p><ul>
<li>1 Kết luận 91-KL/TW năm 2024 về tiếp tục thực hiện Nghị quyết số 29-NQ/TW</li>
<li>2 Kế hoạch 102/KH-UBND năm 2023 thực hiện nhiệm vụ giáo dục của tỉnh</li></ul></div>
<div class="content">
<table><tr><td><p><b>ỦY BAN NHÂN DÂN<br>TỈNH PHÚ AN</b></p><p>-------</p></td>
<td><p><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</b></p><p>---------------</p></td></tr>
<tr><td><p>Số: 215/KH-UBND</p></td><td><p><i>Phú An, ngày 12 tháng 9 năm 2024</i></p></td></tr></table>
<p align="center"><b>KẾ HOẠCH</b></p>
<p align="center"><b>Triển khai nhiệm vụ năm học 2024-2025</b></p>
<p>Căn cứ Chỉ thị số 1112/CT-BGDĐT ngày 19/8/2022 của Bộ trưởng Bộ Giáo dục và Đào tạo về nhiệm vụ trọng tâm của ngành;</p>
<p>Năm học 2024-2025, ngành giáo dục tỉnh thực hiện với chủ đề “Kỷ cương - Sáng tạo - Đột phá - Phát triển”. Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:</p>
<p><b>I. MỤC ĐÍCH, YÊU CẦU</b></p>
<p>1. Mục đích: nâng cao chất lượng giáo dục toàn diện.</p>
<p>2. Yêu cầu: bám sát nhiệm vụ của Bộ Giáo dục và Đào tạo.</p>
<p><b>II. NHIỆM VỤ</b></p>
<p>a) Rà soát, sắp xếp mạng lưới trường, lớp phù hợp với đơn vị hành chính mới.</p>
<p>b) Nâng cao chất lượng đội ngũ nhà giáo; bồi dưỡng 100% giáo viên dạy lớp 5.</p>
<p>c) Đẩy mạnh chuyển đổi số trong quản lý và dạy học.</p>
<p><b>III. TỔ CHỨC THỰC HIỆN</b></p>
<p>Sở Giáo dục và Đào tạo chủ trì theo dõi, báo cáo Ủy ban nhân dân tỉnh trước ngày 25/5/2025.</p>
<table><tr><td><p><b><i>Nơi nhận:</i></b><br>- Bộ GDĐT;<br>- Lưu: VT.</p></td>
<td><p><b>TM. ỦY BAN NHÂN DÂN<br>KT. CHỦ TỊCH<br>PHÓ CHỦ TỊCH</b></p><p><b>Trần Thị Hoa</b></p></td></tr></table>
</div><div class="footer">Lượt xem: 1.024</div></body></html>"""


def test_a_header_laid_out_as_an_html_table_and_a_plans_lettered_tasks() -> None:
    result = read(MIRROR_PLAN_HTML, "kh.html")
    doc = result.document
    # "ỦY BAN NHÂN DÂN" over "TỈNH PHÚ AN" in one cell is one name
    assert (doc.issuer, doc.issuer_parent, doc.number, doc.date, doc.place) == (
        "ỦY BAN NHÂN DÂN TỈNH PHÚ AN",
        None,
        "215/KH-UBND",
        "2024-09-12",
        "Phú An",
    )
    assert (doc.doc_type, doc.title) == ("Kế hoạch", "Triển khai nhiệm vụ năm học 2024-2025")
    # The theme is read from the sentence that names it
    assert (doc.theme, doc.school_year) == (
        "Kỷ cương - Sáng tạo - Đột phá - Phát triển",
        "2024-2025",
    )
    assert [c.canonical for c in result.citations] == ["1112/CT-BGDĐT"]
    assert [c.canonical for c in result.furniture_citations] == [
        "91-KL/TW",
        "29-NQ/TW",
        "102/KH-UBND",
    ]
    # "về nhiệm vụ trọng tâm" in a legal basis announces no list: the tasks are those of
    # "II. NHIỆM VỤ", not the purpose and requirements
    assert tasks(result) == [
        ("a", "Rà soát, sắp xếp mạng lưới trường, lớp phù hợp với đơn vị hành chính mới"),
        ("b", "Nâng cao chất lượng đội ngũ nhà giáo; bồi dưỡng 100% giáo viên dạy lớp 5"),
        ("c", "Đẩy mạnh chuyển đổi số trong quản lý và dạy học"),
    ]
    assert [w.detail for w in result.warnings if w.code == "tasks_from_sections"] == [
        "3 items of “II. NHIỆM VỤ”"
    ]


@pytest.mark.parametrize(
    "header",
    [
        # a print view: issuer and motto, number and place-date, on one line each
        "UBND TỈNH PHÚ AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc\n"
        "Số: 45/HD-SGDĐT Phú An, ngày 03 tháng 9 năm 2024\n",
        # the same with tabs, as a print view copied from a browser
        "UBND TỈNH PHÚ AN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO\tĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 45/HD-SGDĐT\t\tPhú An, ngày 03 tháng 9 năm 2024\n",
        # everything on one line
        "UBND TỈNH PHÚ AN SỞ GIÁO DỤC VÀ ĐÀO TẠO CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - "
        "Tự do - Hạnh phúc Số: 45/HD-SGDĐT Phú An, ngày 03 tháng 9 năm 2024\n",
    ],
    ids=["lines", "tabs", "one-line"],
)
def test_a_print_view_header_gives_the_number_and_date(header: str) -> None:
    result = read(header + GUIDANCE_BODY)
    doc = result.document
    assert (doc.number, doc.date, doc.place, doc.doc_type) == (
        "45/HD-SGDĐT",
        "2024-09-03",
        "Phú An",
        "Hướng dẫn",
    )
    assert doc.issuer is not None
    assert doc.issuer.endswith("SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    assert "45/HD-SGDĐT" not in [c.canonical for c in result.citations]


GUIDANCE_BODY = """HƯỚNG DẪN
Thực hiện nhiệm vụ giáo dục mầm non năm học 2024-2025
Căn cứ Quyết định số 2358/QĐ-BGDĐT ngày 20/8/2025 của Bộ Giáo dục và Đào tạo; Thông tư số 12/2020/TT-BGD ngày 22/5/2020;
Sở Giáo dục và Đào tạo hướng dẫn thực hiện nhiệm vụ giáo dục mầm non năm học 2024-2025 như sau:
I. PHÁT TRIỂN MẠNG LƯỚI TRƯỜNG, LỚP
1. Rà soát quy hoạch mạng lưới trường, lớp mầm non phù hợp với việc sắp xếp đơn vị hành chính.
2. Huy động trẻ em trong độ tuổi đến trường; phấn đấu 100% trẻ 5 tuổi ra lớp.
II. NÂNG CAO CHẤT LƯỢNG CHĂM SÓC, GIÁO DỤC TRẺ
1. Thực hiện Chương trình giáo dục mầm non; tổ chức các hoạt động lấy trẻ làm trung tâm.
2. Bảo đảm an toàn tuyệt đối cho trẻ trong thời gian ở trường.
III. PHÁT TRIỂN ĐỘI NGŨ
1. Bồi dưỡng chuyên môn cho giáo viên mầm non theo chuẩn nghề nghiệp.
2. Bố trí đủ giáo viên theo định mức.
IV. TỔ CHỨC THỰC HIỆN
Các đơn vị báo cáo kết quả thực hiện về Sở trước ngày 20/12/2024./.
Nơi nhận:
- Các đơn vị;
- Lưu: VT.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Lê Văn Hùng
"""
GUIDANCE_TASKS = [
    ("I", "PHÁT TRIỂN MẠNG LƯỚI TRƯỜNG, LỚP"),
    ("II", "NÂNG CAO CHẤT LƯỢNG CHĂM SÓC, GIÁO DỤC TRẺ"),
    ("III", "PHÁT TRIỂN ĐỘI NGŨ"),
]


GUIDANCE_TITLE = "HƯỚNG DẪN\nThực hiện nhiệm vụ giáo dục mầm non năm học 2024-2025\n"


@pytest.mark.parametrize(
    "header",
    [
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 45/HD-SGDĐT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Phú An, ngày 03 tháng 9 năm 2024\n",
        # a guidance sent as a Công văn: numbered ISSUER-UNIT, subject "V/v hướng dẫn ..."
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 2110/SGDĐT-GDMN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Phú An, ngày 03 tháng 9 năm 2024\nV/v hướng dẫn thực hiện nhiệm vụ giáo dục mầm non năm học 2024-2025\n",
    ],
    ids=["hd", "cong-van"],
)
def test_a_guidance_has_its_roman_sections_as_tasks(header: str) -> None:
    body = GUIDANCE_BODY.removeprefix(GUIDANCE_TITLE)
    result = read(header + (GUIDANCE_TITLE if "/HD-" in header else "") + body)
    assert tasks(result) == GUIDANCE_TASKS
    assert result.tasks[0].text.startswith("PHÁT TRIỂN MẠNG LƯỚI TRƯỜNG, LỚP 1. Rà soát quy hoạch")
    assert codes(result) == ["tasks_from_sections"]
    # and its truncated issuer code is corrected, the text as written kept
    circular = [c for c in result.citations if c.doc_type == "Thông tư"]
    assert [(c.number, c.canonical) for c in circular] == [("12/2020/TT-BGD", "12/2020/TT-BGDĐT")]


def test_a_guidance_letters_numbered_points_are_not_tasks() -> None:
    # A Công văn "V/v hướng dẫn ..." whose points are instructions (1., 2., 3.), not roman
    # sections of work: no tasks, as before
    letter = (
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 2111/SGDĐT-GDTrH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Phú An, ngày 04 tháng 9 năm 2024\nV/v hướng dẫn ôn thi học sinh giỏi\n"
        "Kính gửi: Các trường trung học cơ sở.\n"
        "1. Nội dung ôn thi bám sát chương trình lớp 9.\n"
        "2. Các trường lập danh sách học sinh dự thi trước ngày 15/10/2024.\n"
        "3. Đề thi gồm hai phần: trắc nghiệm và tự luận.\n"
    )
    assert read(letter).tasks == []


ARTICLE = """GIÁO DỤC
Sở GDĐT Phú An triển khai nhiệm vụ năm học 2024-2025
08/09/2024 10:15
Giám đốc Sở Giáo dục và Đào tạo vừa ký ban hành Kế hoạch số 215/KH-SGDĐT ngày 05/9/2024 về thực hiện nhiệm vụ năm học 2024-2025.
Theo đó, yêu cầu các phòng chuyên môn tập trung triển khai các việc sau.
Tiếp tục rà soát, sắp xếp mạng lưới trường, lớp theo đơn vị hành chính mới của tỉnh.
Đẩy mạnh chuyển đổi số trong quản lý, dạy học và kiểm tra, đánh giá học sinh.
Nâng cao chất lượng giáo dục toàn diện, chú trọng giáo dục đạo đức, lối sống cho học sinh.
Tăng cường công tác kiểm tra, giám sát việc thực hiện nhiệm vụ năm học tại các trường.
Các trường báo cáo kết quả thực hiện về Sở trước ngày 20/5/2025.
Lượt xem: 120
"""


def test_a_news_articles_unnumbered_task_paragraphs_are_its_tasks() -> None:
    result = read(ARTICLE)
    assert result.document.kind == "article"
    # The introduction ("... các việc sau.") and the reporting line are not tasks
    assert tasks(result) == [
        (
            "1",
            "Tiếp tục rà soát, sắp xếp mạng lưới trường, lớp theo đơn vị hành chính mới của tỉnh",
        ),
        ("2", "Đẩy mạnh chuyển đổi số trong quản lý, dạy học và kiểm tra, đánh giá học sinh"),
        (
            "3",
            "Nâng cao chất lượng giáo dục toàn diện, chú trọng giáo dục đạo đức, lối sống cho học sinh",
        ),
        (
            "4",
            "Tăng cường công tác kiểm tra, giám sát việc thực hiện nhiệm vụ năm học tại các trường",
        ),
    ]
    assert [(w.code, w.detail) for w in result.warnings] == [
        ("tasks_from_paragraphs", "4 paragraphs")
    ]


def test_two_action_paragraphs_are_not_a_list() -> None:
    text = ARTICLE.replace("Nâng cao chất lượng", "Các trường nâng cao chất lượng").replace(
        "Tăng cường công tác", "Ngành sẽ tăng cường công tác"
    )
    assert read(text).tasks == []


def test_ocr_text_with_broken_numbering_gives_its_tasks() -> None:
    # Given what OCR gives for a scanned plan: "L." for "I.", a dot read as a comma, wrapped lines
    ocr = (
        "KẾ HOẠCH\nCông tác phổ cập giáo dục năm 2024\n"
        "Phần L. Các nhiệm vụ trọng tâm\n"
        "1. Điều tra, cập nhật số liệu trẻ em trong độ tuổi từ 0 đến 18 tuổi tại các thôn,\n"
        "bản trên địa bàn xã.\n"
        "2, Duy trì kết quả phổ cập giáo dục mầm non cho trẻ em 5 tuổi.\n"
        "3. Hoàn thiện hồ sơ phổ cập giáo dục trước ngày 30/11/2024.\n"
        "Phần HI. Tổ chức thực hiện\n"
        "Các trường báo cáo về Ủy ban nhân dân xã.\n"
    )
    text, corrections = tidy(ocr)
    result = read(text)
    assert tasks(result) == [
        (
            "1",
            "Điều tra, cập nhật số liệu trẻ em trong độ tuổi từ 0 đến 18 tuổi tại các thôn, bản trên địa bàn xã",
        ),
        ("2", "Duy trì kết quả phổ cập giáo dục mầm non cho trẻ em 5 tuổi"),
        ("3", "Hoàn thiện hồ sơ phổ cập giáo dục trước ngày 30/11/2024"),
    ]
    assert corrections == ["L. -> I.", "HI. -> II.", "2, -> 2."]


DECISION_WITH_PLAN = """BỘ GIÁO DỤC VÀ ĐÀO TẠO
Số: 2100/QĐ-BGDĐT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 20 tháng 8 năm 2026
QUYẾT ĐỊNH
Ban hành Kế hoạch thực hiện nhiệm vụ năm học 2026-2027 của ngành Giáo dục
BỘ TRƯỞNG BỘ GIÁO DỤC VÀ ĐÀO TẠO
Căn cứ Nghị định số 86/2022/NĐ-CP ngày 24 tháng 10 năm 2022 của Chính phủ;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch thực hiện nhiệm vụ năm học 2026-2027 của ngành Giáo dục.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Điều 3. Chánh Văn phòng, thủ trưởng các đơn vị thuộc Bộ chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
BỘ TRƯỞNG
(Đã ký)
Trần Văn An
KẾ HOẠCH
Thực hiện nhiệm vụ năm học 2026-2027 của ngành Giáo dục
(Ban hành kèm theo Quyết định số 2100/QĐ-BGDĐT ngày 20 tháng 8 năm 2026 của Bộ trưởng Bộ Giáo dục và Đào tạo)
I. MỤC TIÊU
Nâng cao chất lượng giáo dục và đào tạo.
II. NHIỆM VỤ TRỌNG TÂM
1. Hoàn thiện thể chế, chính sách về giáo dục và đào tạo.
2. Sắp xếp mạng lưới cơ sở giáo dục theo đơn vị hành chính hai cấp.
3. Phát triển đội ngũ nhà giáo và cán bộ quản lý giáo dục.
III. TỔ CHỨC THỰC HIỆN
Các đơn vị báo cáo kết quả về Bộ trước ngày 15/6/2027.
"""


def test_a_decision_issuing_an_attached_plan_has_the_plans_tasks() -> None:
    # Given the Ministry's form: a decision whose article 1 issues the plan printed after it
    result = read(DECISION_WITH_PLAN, "qd.txt")
    assert (result.document.number, result.document.doc_type) == ("2100/QĐ-BGDĐT", "Quyết định")
    # Then the key tasks are the plan's, read after the decision's signature
    assert tasks(result) == [
        ("1", "Hoàn thiện thể chế, chính sách về giáo dục và đào tạo"),
        ("2", "Sắp xếp mạng lưới cơ sở giáo dục theo đơn vị hành chính hai cấp"),
        ("3", "Phát triển đội ngũ nhà giáo và cán bộ quản lý giáo dục"),
    ]
    assert result.closing is not None
    assert result.tasks[0].start > result.closing.end


@pytest.mark.skipif(
    not (shared_dir() / "realdocs").is_dir() or shutil.which("soffice") is None,
    reason="needs ../shared/realdocs and LibreOffice",
)
def test_real_dispatches_cited_with_their_issuer_code_alone() -> None:
    # A real decision cites "Công văn số 495/PGD&ĐT ngày 16/10/2015": a dispatch numbered with
    # its issuer alone, kept as written ("&" included)
    result = read_document(shared_dir() / "realdocs" / "qd-cong-nhan-kq-2015-2016.doc")
    dispatches = [
        (c.canonical, c.doc_type, c.issuer_code, c.date)
        for c in result.citations
        if c.doc_type_code is None and "/" in c.canonical and "-" not in c.canonical
    ]
    assert dispatches == [
        ("495/PGD&ĐT", "Công văn", "PGDĐT", "2015-10-16"),
        ("118/PGD&ĐT", "Công văn", "PGDĐT", "2016-03-10"),
    ]
