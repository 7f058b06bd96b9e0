"""The public disclosure pages (issue 17): no sign-in, approved figures only — on the page, in
the CSV and in the JSON — each section with its period and approval date, cached per unit and
period and fresh after an (un-)approval, no personal data, and a unit index searchable without
diacritics in Vietnamese order."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from namhoc.core.text import fold
from namhoc.directives.models import Directive, SourceDocument
from namhoc.indicators.models import DataElement
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    THCS_FIGURES,
    approve,
    revoke,
    save_values,
    setup_figures,
)
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import child_path, depth_of

pytestmark = pytest.mark.django_db

TH_CODES = set(TH_FIGURES)
THCS_CODES = set(THCS_FIGURES)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(org, people):
    """School A1's start-of-year form approved by its commune; school A2's form and both
    communes' population figures entered but not approved."""
    f = setup_figures(org, people)
    su = people.superuser
    save_values(
        actor=su, unit=org.school_a1, data_set=f.dn_th, period=f.start_2025, values=TH_FIGURES
    )
    save_values(
        actor=su, unit=org.school_a2, data_set=f.dn_thcs, period=f.start_2025, values=THCS_FIGURES
    )
    save_values(
        actor=su, unit=org.commune_a1, data_set=f.ds_xa, period=f.start_2025, values={"DS_5T": 120}
    )
    save_values(
        actor=su, unit=org.commune_a2, data_set=f.ds_xa, period=f.start_2025, values={"DS_5T": 80}
    )
    approve(actor=f.commune_approver, unit=org.commune_a1, data_set=f.dn_th, period=f.start_2025)
    return f


def _page(key: str, period: str = "") -> str:
    query = f"?ky={period}" if period else ""
    response = Client().get(reverse("disclosure:unit", args=[key]) + query)
    assert response.status_code == 200
    return response.content.decode()


def _json(key: str, period: str) -> dict:
    response = Client().get(reverse("disclosure:json", args=[key]) + f"?ky={period}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def _csv(key: str, period: str) -> list[dict[str, str]]:
    response = Client().get(reverse("disclosure:csv", args=[key]) + f"?ky={period}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="cong-khai-{key}-{period}.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def _codes_on(page: str, prefix: str) -> set[str]:
    import re

    return set(re.findall(rf'data-code="({prefix}[A-Z0-9_]*)"', page))


def test_only_approved_figures_appear_on_the_page_and_in_the_open_data(world, org):
    period = world.start_2025.code
    approved = _page("s-a1", period)
    # every approved figure of school A1, and nothing of any other unit or form
    assert _codes_on(approved, "TH_") == TH_CODES | {
        "TH_HS_LOP",
        "TH_GV_LOP",
        "TH_TL_CHUAN_QG",
        "TH_TL_GV_CHUAN",
        "TH_TL_PHONG_KC",
        "TH_TL_2BUOI",
    }
    assert _codes_on(approved, "THCS_") == set()
    assert _codes_on(approved, "DS_") == set()
    assert 'data-code="TH_HS"><td>Tổng số học sinh tiểu học</td><td class="num">400 học sinh' in (
        approved
    )
    # school A2's form was entered, never approved: not one of its figures anywhere
    unapproved = _page("s-a2", period)
    assert _codes_on(unapproved, "") == set()
    for section in ("tuyen-sinh", "ket-qua", "doi-ngu", "co-so-vat-chat", "tai-chinh"):
        assert f'data-testid="section-{section}"' in unapproved
    assert unapproved.count("Chưa có số liệu được phê duyệt cho kỳ") == 5
    assert "Chờ phê duyệt (chưa công bố): Báo cáo đầu năm — trung học cơ sở." in unapproved

    rows = _csv("s-a1", period)
    elements = {r["Mã"]: r for r in rows if r["Loại"] == "Số liệu"}
    assert set(elements) == TH_CODES
    assert {code: elements[code]["Giá trị"] for code in elements} == {
        code: str(value) for code, value in TH_FIGURES.items()
    }
    assert elements["TH_HS"]["Đơn vị phê duyệt"] == "Xã An Lạc"
    assert elements["TH_HS"]["Biểu"] == "DN_TH"
    assert _csv("s-a2", period) == []

    data = _json("s-a1", period)
    assert {i["code"] for i in data["items"] if i["kind"] == "element"} == TH_CODES
    by_code = {i["code"]: i for i in data["items"]}
    assert by_code["TH_GV"]["value"] == "18"
    assert by_code["TH_TL_GV_CHUAN"]["value"] == "88.9"  # 16 / 18, one decimal
    assert data["period"] == {
        "code": period,
        "name": world.start_2025.name,
        "school_year": "2025-2026",
        "as_of": world.start_2025.as_of.isoformat(),
    }
    other = _json("s-a2", period)
    assert other["items"] == []
    assert other["awaiting_approval"] == ["Báo cáo đầu năm — trung học cơ sở"]


def test_a_commune_publishes_only_what_it_or_a_unit_above_approved(world, org):
    period = world.start_2025.code
    commune = _json("c-a1", period)
    codes = {i["code"] for i in commune["items"]}
    # the primary form approved at the commune: its school's totals; the commune's own
    # population figure (DS_XA, approved by no one) and the rate built on it stay out
    assert codes >= TH_CODES
    assert "DS_5T" not in codes
    assert "MN_TL_HUY_DONG_5T" not in codes
    assert commune["awaiting_approval"] == ["Dân số độ tuổi đi học trên địa bàn xã"]
    # the province approved nothing: its page shows no figure, though a school below it has
    assert _json("p-a", period)["items"] == []
    assert _codes_on(_page("p-a", period), "") == set()


def test_each_section_states_its_period_and_approval_date(world, org):
    period = world.start_2025
    page = _page("s-a1", period.code)
    approval = timezone.localtime(
        world.dn_th.approvals.get(unit=org.commune_a1, period=period).approved_at
    )
    stamp = (
        f"Kỳ {period.name} · Báo cáo đầu năm — tiểu học: "
        f"phê duyệt ngày {approval:%d/%m/%Y} (Xã An Lạc)"
    )
    # enrolment, results (the 2-session rate, computed from approved figures), staff, facilities
    assert page.count(stamp) == 4
    assert page.count("Chưa có số liệu được phê duyệt cho kỳ") == 1  # finance


def test_an_unapproval_takes_the_figures_off_the_cached_page(world, org):
    period = world.start_2025.code
    assert "TH_HS" in _codes_on(_page("s-a1", period), "TH_")
    assert "TH_HS" in _codes_on(_page("s-a1", period), "TH_")  # from the cache
    revoke(
        actor=world.province_approver,
        unit=org.commune_a1,
        data_set=world.dn_th,
        period=world.start_2025,
    )
    page = _page("s-a1", period)
    assert _codes_on(page, "") == set()
    assert _json("s-a1", period)["items"] == []
    # approved again: back at once
    approve(
        actor=world.commune_approver,
        unit=org.commune_a1,
        data_set=world.dn_th,
        period=world.start_2025,
    )
    assert "TH_HS" in _codes_on(_page("s-a1", period), "TH_")


def _more_schools(commune: OrgUnit, count: int) -> None:
    start = OrgUnit.objects.filter(parent=commune).count() + 1
    OrgUnit.objects.bulk_create(
        OrgUnit(
            key=f"s-extra-{n}",
            name=f"Trường Tiểu học Thêm {n}",
            name_folded=f"truong tieu hoc them {n}",
            kind=OrgUnit.Kind.SCHOOL,
            school_level=OrgUnit.SchoolLevel.PRIMARY,
            parent=commune,
            path=child_path(commune.path, n),
            depth=depth_of(child_path(commune.path, n)),
            is_synthetic=True,
        )
        for n in range(start, start + count)
    )


def test_a_warm_page_costs_the_same_few_queries_whatever_the_unit(
    world, org, django_assert_num_queries
):
    period = world.start_2025.code
    client = Client()
    url = reverse("disclosure:unit", args=["c-a1"]) + f"?ky={period}"
    client.get(url)
    # unit, periods, ancestors, child units by level, the roll-ups' state, the cache key
    # (approvals, their events), the directives' count: eight
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    _more_schools(org.commune_a1, 40)
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_no_personal_data_on_the_page_or_in_the_open_data(world, org, people):
    period = world.start_2025.code
    texts = [_page("s-a1", period), _page("c-a1", period), json.dumps(_json("s-a1", period))]
    texts.append(
        Client().get(reverse("disclosure:csv", args=["s-a1"]) + f"?ky={period}").content.decode()
    )
    for text in texts:
        for person in (world.commune_approver, world.province_approver, people.superuser):
            assert person.full_name not in text
            assert person.username not in text
        assert "@" not in text.replace("&#x27;", "")


def test_formula_like_names_are_neutralised_in_the_csv(world):
    DataElement.objects.filter(code="TH_HS").update(name='=HYPERLINK("http://evil.example","Số")')
    rows = _csv("s-a1", world.start_2025.code)
    row = next(r for r in rows if r["Mã"] == "TH_HS")
    assert row["Tên"] == '\'=HYPERLINK("http://evil.example","Số")'
    # JSON is for programs: the text as it is
    items = _json("s-a1", world.start_2025.code)["items"]
    assert next(i for i in items if i["code"] == "TH_HS")["name"].startswith("=HYPERLINK")


def test_the_page_opens_on_the_newest_period_with_approved_figures(world):
    page = _page("s-a1")
    assert f'<option value="{world.start_2025.code}" selected>' in page
    assert "TH_HS" in _codes_on(page, "TH_")


def test_unknown_unit_or_period_is_a_vietnamese_404(world):
    client = Client()
    missing = client.get(reverse("disclosure:unit", args=["khong-co"]))
    assert missing.status_code == 404
    assert "<h1>Không tìm thấy</h1>" in missing.content.decode()
    bad_period = client.get(reverse("disclosure:csv", args=["s-a1"]) + "?ky=9999-1")
    assert bad_period.status_code == 404
    assert client.get("/api/disclosure/units/khong-co").json()["message"] == (
        "Không tìm thấy đơn vị này."
    )
    assert client.get("/api/disclosure/units/s-a1?period=9999-1").json()["message"] == (
        "Không có kỳ báo cáo này."
    )
    assert client.get(reverse("disclosure:unit", args=["x" * 300])).status_code == 404


def _directive(unit: OrgUnit, status: str, number: str) -> Directive:
    source = SourceDocument.objects.create(
        unit=unit, sha256=number.ljust(64, "0")[:64], filename="kh.txt", format="txt", size=1,
        file="directives/kh.txt", status="ready",
    )  # fmt: skip
    return Directive.objects.create(
        unit=unit, source=source, status=status, number=number, title=f"Kế hoạch {number}",
        school_year="2025-2026", issued_on=timezone.localdate(),
        published_at=timezone.now() if status == "published" else None,
    )  # fmt: skip


def test_the_unit_lists_its_published_directives_without_their_files(world, org):
    _directive(org.commune_a1, "published", "12/KH-UBND")
    _directive(org.commune_a1, "draft", "13/KH-UBND")
    page = _page("c-a1", world.start_2025.code)
    assert "12/KH-UBND" in page
    assert "Kế hoạch 12/KH-UBND" in page
    assert "13/KH-UBND" not in page
    assert "/tai-ve/" not in page
    assert "Tệp gốc không được đăng lại ở đây" in page


def test_the_index_finds_units_without_diacritics_in_vietnamese_order(org):
    for number, name in ((5, "Xã Việt Hòa"), (6, "Xã Ái Quốc")):
        path = child_path(org.province_b.path, number)
        OrgUnit.objects.create(
            key=f"c-extra-{number}", name=name, name_folded=fold(name), kind="commune",
            parent=org.province_b, path=path, depth=depth_of(path), is_synthetic=True,
        )  # fmt: skip
    client = Client()
    found = client.get(reverse("disclosure:index") + "?q=an+lac").content.decode()
    assert "Xã An Lạc" in found
    assert "Trường Tiểu học An Lạc" in found
    assert "Phường Hòa Bình" not in found
    communes = client.get(reverse("disclosure:index") + "?cap=commune")
    names = [u.name for u in communes.context["pager"].page]
    assert names == ["Phường Hòa Bình", "Xã Ái Quốc", "Xã An Lạc", "Xã Sơn Thủy", "Xã Việt Hòa"]
    # the pre-2025 district has no public page in the index
    assert "Huyện Phú Lộc" not in client.get(reverse("disclosure:index")).content.decode()


def test_the_public_api_needs_no_sign_in_and_says_the_same(world):
    client = Client()
    units = client.get("/api/disclosure/units?q=an%20lac")
    assert units.status_code == 200
    assert [u["key"] for u in units.json()["items"]] == ["s-a1", "c-a1"]  # T before X
    period = world.start_2025.code
    data = client.get(f"/api/disclosure/units/s-a1?period={period}")
    assert data.status_code == 200
    assert data.json() == _json("s-a1", period)
    assert client.get("/api/disclosure/units/khong-co").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/cong-khai/?q=an%00lac",
        "/cong-khai/s-a1%00/",
        "/cong-khai/s-a1/?ky=%00",
        "/cong-khai/s-a1/du-lieu.csv?ky=2025-2026.DN%00",
        "/api/disclosure/units?q=%00",
        "/api/disclosure/units/%00",
        "/api/disclosure/units/s-a1?period=" + "9" * 30,
    ],
)
def test_no_input_breaks_a_public_page(org, url):
    response = Client().get(url)
    assert response.status_code in (200, 400, 404, 422)
    if response.status_code == 400:  # a NUL in the address: refused before any view, in Vietnamese
        assert "Yêu cầu không hợp lệ" in response.content.decode()
