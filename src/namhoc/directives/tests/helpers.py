"""Test helpers for directives and tracking: the documents under tests/data and the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import TestCase

from namhoc.core.types import Actor
from namhoc.directives import services
from namhoc.directives.models import Directive, SourceDocument
from namhoc.orgunits.models import OrgUnit

REPO = Path(__file__).resolve().parents[4]
DATA = REPO / "tests" / "data" / "directives"
SEEDS = REPO.parent / "shared" / "seeds"
SCHOOL_YEAR = "2025-2026"

MINISTRY_DOC = "bo-kh-2025-2026.txt"
PROVINCE_DOC = "tinh-phu-an-kh-2025-2026.txt"
COMMUNE_A1_DOC = "xa-an-lac-kh-2025-2026.txt"
COMMUNE_A2_DOC = "phuong-hoa-binh-kh-2025-2026.txt"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def seed_paths() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS} (../shared/seeds beside the repo)")
    paths = sorted(SEEDS.glob("*.txt"))
    if not paths:
        pytest.skip(f"no seed documents in {SEEDS}")
    return paths


def upload(
    actor: Actor | None, unit: OrgUnit, name: str, payload: bytes | None = None
) -> Directive:
    """Upload a document (read immediately in tests) and return its draft directive."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        source, _ = services.source_upload(
            actor=actor,
            unit=unit.key,
            data=payload if payload is not None else data(name),
            filename=name,
        )
    source.refresh_from_db()
    assert source.status == SourceDocument.Status.READY, source.status_message
    return source.directives.get()


def publish(actor: Actor | None, directive: Directive) -> Directive:
    from namhoc.tracking.services import directive_publish

    directive.refresh_from_db()
    return directive_publish(actor=actor, directive_id=directive.pk, version=directive.version)


def published(
    actor: Actor | None, unit: OrgUnit, name: str, upper: Directive | None = None
) -> Directive:
    directive = upload(actor, unit, name)
    if upper is not None:
        services.directive_set_upper(actor=actor, directive_id=directive.pk, upper_id=upper.pk)
    return publish(actor, directive)
