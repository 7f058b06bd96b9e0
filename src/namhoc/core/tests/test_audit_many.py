"""``audit_record_many`` writes, in one INSERT, exactly the rows ``audit_record`` writes one by
one: every column, the JSON of the changes, the context, and ids in the order given."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from namhoc.accounts.models import User
from namhoc.core.audit import AuditEntry, audit_context, audit_record, audit_record_many
from namhoc.core.models_audit import AuditEvent

pytestmark = pytest.mark.django_db

COLUMNS = [
    "actor_id", "actor_label", "action", "content_type_id", "object_id", "object_repr",
    "unit_id", "changes", "source", "ip", "request_id", "note",
]  # fmt: skip

CHANGES: list[dict[str, Any] | None] = [
    {"value": ["12", "13.5"], "version": [1, 2]},
    {"value": [None, "0"]},
    None,
    {"tên": ["Trường Tiểu học Đồng Hòa", "Trường Tiểu học Đồng Hoà"], "ngày": [None, "x"]},
    {"nested": {"a": [1, 2, {"b": None}]}, "when": [None, "2026-12-04"]},
    # What a JSON text must escape (PostgreSQL writes the batch as one JSON parameter).
    {"ghi chú": ['trích "Chỉ thị" \\ số 1\ndòng hai', "tab\there / ' ; --"], "số": [1.5, -0]},
]


def _rows(ids: list[int]) -> list[dict[str, Any]]:
    by_id = {row["id"]: row for row in AuditEvent.objects.filter(pk__in=ids).values("id", *COLUMNS)}
    return [{k: v for k, v in by_id[pk].items() if k != "id"} for pk in ids]


@pytest.mark.parametrize("ip", [None, "10.0.0.7", "2001:db8::5"])
@pytest.mark.parametrize("signed_in", [True, False])
def test_many_writes_the_rows_one_at_a_time_writes(ip: str | None, signed_in: bool) -> None:
    actor = User.objects.create(username="kiemtra", full_name="Người kiểm tra")
    if not signed_in:
        actor = None
    targets = [User.objects.create(username=f'doi-tuong-{n} "\\') for n in range(len(CHANGES))]
    entries = [
        AuditEntry(
            "accounts.user_update", target, changes, unit_id=n or None, note=f'ghi chú {n} "\n'
        )
        for n, (target, changes) in enumerate(zip(targets, CHANGES, strict=True))
    ]
    with audit_context(source="web", ip=ip, request_id="r-1"), transaction.atomic():
        one_by_one = [
            audit_record(
                actor=actor, action=e.action, target=e.target, changes=e.changes,
                unit_id=e.unit_id, note=e.note,
            ).pk
            for e in entries
        ]  # fmt: skip
        written = audit_record_many(actor=actor, entries=entries)
    assert all(event.pk for event in written)
    assert _rows([event.pk for event in written]) == _rows(one_by_one)
    assert [AuditEvent.objects.get(pk=e.pk).object_id for e in written] == [
        str(t.pk) for t in targets
    ]
    stored = AuditEvent.objects.get(pk=written[0].pk)
    assert stored.changes == {"value": ["12", "13.5"], "version": [1, 2]}
    assert stored.content_type == ContentType.objects.get_for_model(User)
    assert stored.occurred_at is not None
    assert (stored.source, stored.ip, stored.request_id) == ("web", ip, "r-1")


def test_values_that_json_cannot_hold_are_written_as_text() -> None:
    target = User.objects.create(username="doi-tuong")
    changes = {"value": [decimal.Decimal("1.50"), dt.date(2026, 12, 4)]}
    with transaction.atomic():
        (event,) = audit_record_many(actor=None, entries=[AuditEntry("x.y", target, changes)])
    assert AuditEvent.objects.get(pk=event.pk).changes == {"value": ["1.50", "2026-12-04"]}
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "system"


def test_nothing_to_write_writes_nothing() -> None:
    before = AuditEvent.objects.count()
    with transaction.atomic():
        assert audit_record_many(actor=None, entries=[]) == []
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses() -> None:
    target = User.objects.create(username="doi-tuong")
    with pytest.raises(RuntimeError):
        audit_record_many(actor=None, entries=[AuditEntry("x.y", target)])


def test_the_postgresql_statement_writes_every_column_of_the_model() -> None:
    """PostgreSQL writes a batch through a statement of its own (``_INSERT_SQL``): a column
    added to ``AuditEvent`` must be added there too, or its rows would lose it."""
    from namhoc.core.audit import _INSERT_SQL

    head = _INSERT_SQL.split("SELECT", 1)[0]
    named = {name.strip() for name in head.split("(", 1)[1].split(")", 1)[0].split(",")}
    columns = {f.column for f in AuditEvent._meta.concrete_fields if not f.primary_key}
    assert named == columns
