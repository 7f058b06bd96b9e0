"""Demo data for a first look at namhoc: loaded by ``namhoc demo``, idempotent.

Every step is safe to run again: it finds what an earlier run created instead of adding a copy,
and it never deletes or overwrites data that people entered. Writes go through the services,
so the demo's own changes appear in the audit log like anybody's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import DatabaseError, transaction

from namhoc.accounts.models import Membership, Role, User
from namhoc.accounts.services import membership_grant, user_create, user_set_password
from namhoc.core.audit import audit_context
from namhoc.orgunits.models import OrgUnit

DEMO_PASSWORD = "namhoc-demo-2025"  # noqa: S105 - printed on purpose: the demo runs on loopback
DEMO_PROVINCE = "p2025-31"  # Thành phố Hải Phòng (merged with Hải Dương on 1/7/2025)
# Provinces whose synthetic schools get demo figures (all 34 would write ~2 million values and
# take minutes): Hải Phòng, Hà Nội, Huế, Đà Nẵng, TP Hồ Chí Minh, Cần Thơ.
DEMO_FIGURES_PROVINCES = ("p2025-31", "p2025-01", "p2025-46", "p2025-48", "p2025-79", "p2025-92")


@dataclass
class DemoSummary:
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, password, role
    notes: list[str] = field(default_factory=list)

    def sign_in_text(self) -> str:
        lines = ["", "Đăng nhập thử / Demo sign-in:"]
        lines += [f"  {role}: {username} / {password}" for username, password, role in self.users]
        if self.notes:
            lines += ["", "Dữ liệu mẫu / Demo data:"]
            lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    unit: OrgUnit
    roles: tuple[Role, ...]
    label: str


def _ensure_superuser(username: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_superuser(
            username=username, password=DEMO_PASSWORD, full_name=full_name, email=""
        )
    elif not (user.is_superuser and user.is_active and user.check_password(DEMO_PASSWORD)):
        user.is_superuser = user.is_staff = user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _ensure_person(admin: User, person: DemoPerson) -> User:
    user = User.objects.filter(username=person.username).first()
    if user is None:
        user = user_create(
            actor=admin,
            username=person.username,
            full_name=person.full_name,
            password=DEMO_PASSWORD,
            unit=person.unit.key,
            role=person.roles[0],
        )
    elif not user.check_password(DEMO_PASSWORD):
        # The printed password must work: reset it (audited) if someone changed it.
        user_set_password(actor=admin, user_id=user.pk, password=DEMO_PASSWORD)
    held = set(
        Membership.objects.filter(user=user, unit=person.unit).values_list("role", flat=True)
    )
    for role in person.roles:
        if role not in held:
            membership_grant(actor=admin, user_id=user.pk, unit=person.unit.key, role=role)
    return user


def _demo_people() -> list[DemoPerson]:
    province = OrgUnit.objects.get(key=DEMO_PROVINCE)
    school = (
        OrgUnit.objects.filter(
            kind=OrgUnit.Kind.SCHOOL,
            school_level=OrgUnit.SchoolLevel.PRIMARY,
            parent__kind=OrgUnit.Kind.COMMUNE,
            path__startswith=province.path,
            valid_to__isnull=True,
        )
        .select_related("parent")
        .order_by("path")
        .first()
    )
    if school is None or school.parent is None:
        raise RuntimeError("the demo needs the synthetic schools of Hải Phòng")
    commune = school.parent
    return [
        DemoPerson(
            "demo", "Nguyễn Thị Lan", province, (Role.SPECIALIST, Role.APPROVER),
            f"Chuyên viên {province.office_name or 'Sở GDĐT'}",
        ),
        DemoPerson(
            "demo-quantri", "Trần Văn Hùng", province, (Role.UNIT_ADMIN,),
            f"Quản trị đơn vị {province.name}",
        ),
        DemoPerson(
            "demo-xa", "Lê Minh Tâm", commune, (Role.SPECIALIST, Role.APPROVER),
            f"Cán bộ giáo dục {commune.name}",
        ),
        DemoPerson(
            "demo-truong", "Phạm Thu Hà", school, (Role.SPECIALIST, Role.APPROVER),
            f"Hiệu trưởng {school.name}",
        ),
    ]  # fmt: skip


def _first_load() -> bool:
    """No unit loaded yet (or no table at all: a new database)."""
    try:
        return not OrgUnit.objects.exists()
    except DatabaseError:
        return True


def load_demo(*, verbose: bool = True, schools_scale: float = 1.0) -> DemoSummary:
    from namhoc.demo.directives import load_demo_directives
    from namhoc.demo.indicators import load_demo_approvals, load_demo_indicators
    from namhoc.demo.units import load_demo_units
    from namhoc.legal.services import registry_load

    started = time.monotonic()
    if verbose and _first_load():
        print(
            "Lần đầu nạp dữ liệu mẫu mất khoảng 2–3 phút (đơn vị hành chính, 50.000 trường, "
            "số liệu). / The first demo load takes about 2–3 minutes.",
            flush=True,
        )
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    summary = DemoSummary()
    with audit_context(source="cli"):
        units = load_demo_units(verbose=verbose, schools_scale=schools_scale)
        summary.notes += units.notes()
        with transaction.atomic():
            admin = _ensure_superuser("admin", "Quản trị hệ thống")
            people = _demo_people()
            for person in people:
                _ensure_person(admin, person)
                summary.users.append((person.username, DEMO_PASSWORD, person.label))
        summary.notes += load_demo_directives(
            actor=admin,
            province_key=DEMO_PROVINCE,
            include_communes=[p.unit.key for p in people if p.unit.kind == OrgUnit.Kind.COMMUNE],
        )
        load_demo_indicators(verbose=verbose, province_keys=DEMO_FIGURES_PROVINCES)
        approved = load_demo_approvals(actor=admin, province_key=DEMO_PROVINCE)
        if approved:
            summary.notes.append(
                f"Phê duyệt số liệu mẫu: {approved} biểu của các xã, phường thuộc "
                "Hải Phòng (trang công khai /cong-khai/ lấy từ đây)."
            )
        legal = registry_load(actor=admin)
        if legal.created:
            summary.notes.append(f"Văn bản pháp lý: {legal.created} văn bản trong danh mục.")
    summary.users.append(("admin", DEMO_PASSWORD, "Quản trị hệ thống (/admin/)"))
    summary.notes.append(f"Thời gian nạp / load time: {time.monotonic() - started:.1f} s")
    return summary
