"""Demo data for a first look at namhoc: loaded by ``namhoc demo``, idempotent.

Every step is safe to run again: it finds what an earlier run created instead of adding a copy,
and it never deletes or overwrites data that people entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

DEMO_PASSWORD = "namhoc-demo-2025"  # noqa: S105 - printed on purpose: the demo runs on loopback


@dataclass
class DemoSummary:
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, password, role
    notes: list[str] = field(default_factory=list)

    def sign_in_text(self) -> str:
        lines = ["", "Đăng nhập thử / Demo sign-in:"]
        lines += [f"  {role}: {username} / {password}" for username, password, role in self.users]
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)


def _ensure_user(
    username: str, *, full_name: str, password: str, is_superuser: bool = False
) -> None:
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "is_active": True}
    )
    # The printed password must work, so it is (re)set on every run: these are demo accounts.
    user.set_password(password)
    user.is_active = True
    if is_superuser:
        user.is_staff = True
        user.is_superuser = True
    user.save()


def load_demo(*, verbose: bool = True) -> DemoSummary:
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    summary = DemoSummary()
    with transaction.atomic():
        _ensure_user("demo", full_name="Chuyên viên Sở GDĐT (demo)", password=DEMO_PASSWORD)
        _ensure_user(
            "admin", full_name="Quản trị hệ thống", password=DEMO_PASSWORD, is_superuser=True
        )
    summary.users.append(("demo", DEMO_PASSWORD, "Chuyên viên / Specialist"))
    summary.users.append(("admin", DEMO_PASSWORD, "Quản trị / Admin (/admin/)"))
    return summary
