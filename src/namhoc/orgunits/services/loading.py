"""Loading the hierarchy in bulk: the real administrative units (both eras, the 2025 reform) and
the synthetic school network. System work (the CLI, the demo): an actor, when given, must be a
superuser (``orgunits.access.restructure_refusal``). One transaction each, audited once.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from namhoc.core.audit import audit_record
from namhoc.core.errors import DomainError
from namhoc.core.types import Actor
from namhoc.orgunits.access import restructure_refusal
from namhoc.orgunits.bulk import MINISTRY_KEY, Progress, quiet
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.national import LoadSummary, load_admin
from namhoc.orgunits.sources import SourceError, read_admin_data
from namhoc.orgunits.synthetic import SchoolSummary, generate_schools

__all__ = ["schools_generate", "units_load_admin"]


def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def units_load_admin(
    *,
    actor: Actor | None = None,
    provinces: Collection[str] | None = None,
    progress: Progress | None = None,
) -> LoadSummary:
    """Load (or update) the Ministry, the 2025 provinces and communes, the pre-2025 provinces,
    districts and communes, and the 2025 reform events linking them, from ``vietnamadminunits``.

    ``provinces``: only these 2025 province codes (and the legacy ones merged into them).
    Upserts by key, never deletes; a second run changes nothing and writes no audit row.
    """
    _raise(restructure_refusal(actor))
    try:
        data = read_admin_data(provinces)
    except SourceError as exc:
        raise DomainError("source_unavailable", str(exc)) from exc
    if provinces:
        found = {u.code for u in data.units if u.kind == "province" and u.era == "2025"}
        unknown = sorted(set(provinces) - found)
        if unknown:
            raise DomainError(
                "unknown_province",
                f"Không có tỉnh, thành phố mã {', '.join(unknown)} trong danh mục 2025.",
                field="provinces",
            )
    with transaction.atomic():
        ministry, summary = load_admin(data, progress=progress or quiet)
        if summary.changed:
            audit_record(
                actor=actor,
                action="orgunits.load_admin",
                target=ministry,
                changes={
                    "created": summary.created,
                    "updated": summary.updated,
                    "events": summary.events_created,
                },
                unit_id=ministry.pk,
                note="vietnamadminunits" + (f" ({', '.join(provinces)})" if provinces else ""),
            )
    return summary


def schools_generate(
    *,
    seed: int,
    scale: float = 1.0,
    provinces: Collection[str] | None = None,
    actor: Actor | None = None,
    progress: Progress | None = None,
) -> SchoolSummary:
    """Generate the synthetic school network (marked ``is_synthetic``), deterministic by seed.

    ~50,000 schools at ``scale=1`` nationally, sized per province by its pre-2025 communes.
    Provinces that already have synthetic schools are skipped (idempotent).
    """
    _raise(restructure_refusal(actor))
    if not 0 < scale <= 5:
        raise DomainError(
            "invalid_scale", "Hệ số quy mô phải lớn hơn 0 và không quá 5.", field="scale"
        )
    ministry = OrgUnit.objects.filter(key=MINISTRY_KEY).first()
    if ministry is None:
        raise DomainError(
            "not_loaded", "Chưa nạp danh mục đơn vị hành chính: chạy 'namhoc units load' trước."
        )
    with transaction.atomic():
        summary = generate_schools(
            seed=seed, scale=scale, provinces=provinces, progress=progress or quiet
        )
        if summary.total:
            audit_record(
                actor=actor,
                action="orgunits.generate_schools",
                target=ministry,
                changes={"created": summary.created, "seed": seed, "scale": scale},
                unit_id=ministry.pk,
                note="dữ liệu mô phỏng",
            )
    return summary
