"""``units load`` on the real package data (once: the national load takes a few seconds)."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from namhoc.core.models_audit import AuditEvent
from namhoc.orgunits import selectors
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent
from namhoc.orgunits.services import schools_generate, units_load_admin

REFORM = dt.date(2025, 7, 1)
BEFORE = dt.date(2024, 6, 30)


def count(kind: str, *, legacy: bool) -> int:
    return OrgUnit.objects.filter(kind=kind, valid_to__isnull=not legacy).count()


@pytest.mark.slow
def test_national_load_has_both_sets_the_mapping_and_is_idempotent(db: None) -> None:
    summary = units_load_admin()

    assert summary.created == {
        "ministry": 1,
        "province/2025": 34,
        "commune/2025": 3321,
        "province/legacy": 63,
        "district/legacy": 696,
        "commune/legacy": 10035,
    }
    assert (count("province", legacy=False), count("commune", legacy=False)) == (34, 3321)
    assert (count("province", legacy=True), count("district", legacy=True)) == (63, 696)
    # 10,040 rows in the package: 10,035 communes + 5 island districts that had none
    assert count("commune", legacy=True) == 10035
    assert OrgUnit.objects.get(key="p2025-01").name == "Thành phố Hà Nội"
    assert OrgUnit.objects.get(key="p2025-79").name == "Thành phố Hồ Chí Minh"
    assert OrgUnit.objects.get(key="p2024-95").name == "Tỉnh Bạc Liêu"

    tu_ky = OrgUnit.objects.get(key="d2024-298")
    assert (tu_ky.name, tu_ky.valid_to, tu_ky.parent.name) == (
        "Huyện Tứ Kỳ",
        REFORM,
        "Tỉnh Hải Dương",
    )
    assert tu_ky.office_name == "Phòng Giáo dục và Đào tạo huyện Tứ Kỳ"
    hai_phong = OrgUnit.objects.get(key="p2025-31")
    assert selectors.resolve_to_current(tu_ky) == hai_phong
    communes = list(selectors.children(tu_ky))
    assert len(communes) == 20
    assert {selectors.resolve_to_current(c).parent_id for c in communes} == {hai_phong.pk}
    assert [u.key for u in selectors.counterparts(hai_phong, BEFORE)] == ["p2024-30", "p2024-31"]
    assert selectors.resolve_to_current(OrgUnit.objects.get(key="p2024-95")).key == "p2025-96"
    assert [u.name for u in selectors.search("tu ky", kinds=["district"])] == ["Huyện Tứ Kỳ"]
    assert selectors.children(OrgUnit.objects.get(key="bo-gddt"), as_of=BEFORE).count() == 63
    assert OrgUnitEvent.objects.filter(kind="dissolve").count() == 691
    assert AuditEvent.objects.filter(action="orgunits.load_admin").count() == 1

    again = units_load_admin()

    assert (sum(again.created.values()), again.updated, again.events_created) == (0, 0, 0)
    assert AuditEvent.objects.filter(action="orgunits.load_admin").count() == 1


def test_subset_load_and_school_generation(db: None) -> None:
    units_load_admin(provinces=["31"])
    assert OrgUnit.objects.filter(kind="province").count() == 3  # Hải Phòng + 2 legacy

    first = schools_generate(seed=7, scale=0.2, provinces=["31"])
    schools = OrgUnit.objects.filter(kind="school")
    assert first.total == schools.count() > 300
    assert set(schools.values_list("is_synthetic", flat=True)) == {True}
    by_level = first.created
    assert set(by_level) == {"mam_non", "tieu_hoc", "thcs", "lien_cap", "thpt", "gdtx"}
    hai_phong = OrgUnit.objects.get(key="p2025-31")
    assert set(
        schools.filter(school_level__in=["thpt", "gdtx"]).values_list("parent_id", flat=True)
    ) == {hai_phong.pk}
    assert set(schools.filter(school_level="mam_non").values_list("parent__kind", flat=True)) == {
        "commune"
    }
    # before the reform every school sits under a legacy unit of Hải Dương or Hải Phòng
    old_schools = selectors.subtree(hai_phong, as_of=BEFORE, kinds=["school"])
    assert old_schools.count() == first.total
    assert (
        not selectors.subtree(hai_phong, as_of=BEFORE)
        .filter(valid_to__isnull=True)
        .exclude(kind="school")
        .exists()
    )
    names = list(schools.order_by("key").values_list("key", "name")[:3])

    again = schools_generate(seed=7, scale=0.2, provinces=["31"])

    assert (again.total, again.provinces_skipped) == (0, ["p2025-31"])
    assert list(schools.order_by("key").values_list("key", "name")[:3]) == names


def test_units_command_errors_in_both_languages(db: None) -> None:
    with pytest.raises(CommandError, match=r"Chưa nạp danh mục(.|\n)*\nError: not loaded\.$"):
        call_command("units", "generate-schools", "--seed", "1")
    with pytest.raises(CommandError, match="mã 99") as caught:
        call_command("units", "load", "--provinces", "99")
    assert caught.value.returncode == 2
