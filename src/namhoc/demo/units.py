"""Demo data for org units: the real administrative units and the synthetic school network.

``namhoc demo`` calls :func:`load_demo_units`. The national load plus ~50,000 schools takes
about 10-15 s on SQLite (2 cores); both steps are idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from namhoc.core.audit import audit_context
from namhoc.core.formats import format_number
from namhoc.orgunits.national import LoadSummary
from namhoc.orgunits.services import schools_generate, units_load_admin
from namhoc.orgunits.synthetic import SchoolSummary

DEMO_SEED = 2025


@dataclass
class DemoUnits:
    admin: LoadSummary
    schools: SchoolSummary

    def notes(self) -> list[str]:
        return [
            f"Đơn vị hành chính: +{format_number(sum(self.admin.created.values()))} mới "
            f"(34 tỉnh/3.321 xã từ 1/7/2025; 63 tỉnh/696 huyện/10.035 xã trước đó).",
            f"Trường học mô phỏng (dữ liệu mô phỏng): +{format_number(self.schools.total)}.",
        ]


def load_demo_units(
    *, schools_scale: float = 1.0, verbose: bool = False, seed: int = DEMO_SEED
) -> DemoUnits:
    """Load the administrative units and generate the schools (scale 1.0 ≈ 50,000 schools)."""
    progress = print if verbose else None
    with audit_context(source="cli"):
        admin = units_load_admin(progress=progress)
        schools = schools_generate(seed=seed, scale=schools_scale, progress=progress)
    return DemoUnits(admin=admin, schools=schools)
