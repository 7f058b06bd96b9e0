"""Assignments, progress, evidence, status across deadlines, roll-ups."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from namhoc.core.errors import DomainError, StaleEdit
from namhoc.core.models import AuditEvent
from namhoc.directives import services as directive_services
from namhoc.directives.tests.helpers import PROVINCE_DOC, published, upload
from namhoc.orgunits.models import OrgUnit
from namhoc.tracking import selectors, services
from namhoc.tracking.models import Assignment, AssignmentStatus, Evidence, ProgressUpdate
from namhoc.tracking.selectors import OnTimeRate, on_time_rates
from namhoc.tracking.services import UploadedFile
from namhoc.tracking.tests.helpers import assign, report

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def at(year: int, month: int, day: int, hour: int = 10) -> mock._patch:
    """Freeze the clock (a process boundary) at a local time in Vietnam."""
    moment = dt.datetime(year, month, day, hour, tzinfo=VN)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def plan(org, people):
    return published(people.province_officer, org.province_a, PROVINCE_DOC)


def test_assign_post_updates_and_status_across_deadlines(org, people, plan):
    task = plan.tasks.get(position=3)
    deadline = dt.date(2025, 12, 31)
    lead = assign(actor=people.province_officer, task=task, unit=org.commune_a1, deadline=deadline)
    support = assign(
        actor=people.province_officer,
        task=task,
        unit=org.commune_a2,
        role=Assignment.Role.SUPPORT,
        deadline=deadline,
    )
    assert lead.school_year == "2025-2026"

    # before the deadline: in progress
    assert lead.status_on(dt.date(2025, 12, 31)) == AssignmentStatus.IN_PROGRESS
    # the lead reports 100 % on the deadline day, 23:30 in Vietnam (16:30 UTC): on time
    with mock.patch(
        "django.utils.timezone.now",
        return_value=dt.datetime(2025, 12, 31, 23, 30, tzinfo=VN),
    ):
        report(
            actor=people.commune_officer,
            assignment=lead,
            text="Đã huy động 100% trẻ 5 tuổi ra lớp.",
            percent=100,
            files=[UploadedFile("bao-cao.pdf", PDF), UploadedFile("anh.png", PNG)],
        )
    lead.refresh_from_db()
    assert lead.completed_on == dt.date(2025, 12, 31)
    assert lead.status_on(dt.date(2026, 3, 1)) == AssignmentStatus.DONE_ON_TIME
    assert list(Evidence.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    # the support unit has not finished: overdue once the deadline passed
    assert support.status_on(dt.date(2026, 1, 1)) == AssignmentStatus.OVERDUE
    with at(2026, 1, 10):
        report(
            actor=people.province_officer,
            assignment=support,
            text="Hoàn thành phối hợp.",
            percent=100,
        )
    support.refresh_from_db()
    assert support.status_on(dt.date(2026, 3, 1)) == AssignmentStatus.DONE_LATE

    with at(2026, 1, 11):
        rates = on_time_rates(
            unit_ids=[org.province_a.pk, org.commune_a1.pk], school_year="2025-2026"
        )
    assert rates[org.province_a.pk] == OnTimeRate(done_on_time=1, done_late=1)
    assert rates[org.province_a.pk].rate == 0.5
    assert rates[org.commune_a1.pk] == OnTimeRate(done_on_time=1)
    assert AuditEvent.objects.filter(action="progress.post").count() == 2


def test_reopening_below_100_percent(org, people, plan):
    assignment = assign(
        actor=people.province_officer,
        task=plan.tasks.get(position=1),
        unit=org.commune_a1,
        deadline=dt.date(2026, 5, 31),
    )
    report(actor=people.commune_officer, assignment=assignment, text="Xong", percent=100)
    report(
        actor=people.commune_officer, assignment=assignment, text="Còn một điểm trường", percent=80
    )
    assignment.refresh_from_db()
    assert (assignment.percent, assignment.completed_at, assignment.completed_on) == (
        80,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([UploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")], "bad_type"),
        ([UploadedFile("trang.html", b"<html><body>x</body></html>")], "bad_type"),
        ([UploadedFile("rong.pdf", b"")], "empty"),
    ],
)
def test_bad_evidence_refuses_the_whole_update(org, people, plan, files, code):
    assignment = assign(
        actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1
    )
    with pytest.raises(DomainError) as excinfo:
        report(
            actor=people.commune_officer,
            assignment=assignment,
            text="Báo cáo",
            percent=100,
            files=[UploadedFile("ok.docx", docx_bytes()), *files],
        )
    assert excinfo.value.code == code
    assert ProgressUpdate.objects.count() == 0
    assert Evidence.objects.count() == 0
    assignment.refresh_from_db()
    assert assignment.completed_at is None


def test_evidence_size_cap(org, people, plan, settings):
    settings.UPLOAD_MAX_BYTES = len(PDF) - 1
    assignment = assign(
        actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1
    )
    with pytest.raises(DomainError) as excinfo:
        report(
            actor=people.commune_officer,
            assignment=assignment,
            text="Báo cáo",
            percent=50,
            files=[UploadedFile("a.pdf", PDF)],
        )
    assert excinfo.value.code == "too_large"


def test_assign_to_every_commune_in_one_step(org, people, plan):
    task = plan.tasks.get(position=5)
    assign(actor=people.province_officer, task=task, unit=org.commune_a2)
    result = services.assignments_create(
        actor=people.province_officer,
        task_id=task.pk,
        level=OrgUnit.Kind.COMMUNE,
        deadline=dt.date(2026, 1, 15),
    )
    assert [a.unit.key for a in result.created] == ["c-a1"]
    assert [u.key for u in result.skipped] == ["c-a2"]
    schools = services.assignments_create(
        actor=people.province_officer, task_id=task.pk, level=OrgUnit.Kind.SCHOOL
    )
    assert [a.unit.key for a in schools.created] == ["s-a1", "s-a2"]


@pytest.mark.parametrize("unit_name", ["province_a", "province_b", "commune_b1", "district_a_old"])
def test_assign_only_below_the_issuer(org, people, plan, unit_name):
    with pytest.raises(DomainError) as excinfo:
        assign(
            actor=people.province_officer,
            task=plan.tasks.get(position=1),
            unit=getattr(org, unit_name),
        )
    assert excinfo.value.code in {"unit_not_below", "unit_dissolved"}
    assert Assignment.objects.count() == 0


def test_draft_tasks_cannot_be_assigned(org, people):
    draft = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    with pytest.raises(DomainError) as excinfo:
        assign(actor=people.province_officer, task=draft.tasks.get(position=1), unit=org.commune_a1)
    assert excinfo.value.code == "not_published"


def test_assignment_update_is_optimistic(org, people, plan):
    assignment = assign(
        actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1
    )
    services.assignment_update(
        actor=people.province_officer,
        assignment_id=assignment.pk,
        version=1,
        role="lead",
        deadline=dt.date(2026, 2, 1),
        target_value=None,
        target_unit="",
        note="",
    )
    with pytest.raises(DomainError) as excinfo:
        services.assignment_update(
            actor=people.superuser,
            assignment_id=assignment.pk,
            version=1,
            role="support",
            deadline=dt.date(2026, 3, 1),
            target_value=None,
            target_unit="",
            note="",
        )
    assert excinfo.value.status == 409
    assignment.refresh_from_db()
    assert (assignment.role, assignment.deadline) == ("lead", dt.date(2026, 2, 1))


def test_revision_carries_the_work_over(org, people, plan):
    task = plan.tasks.get(position=2)
    assignment = assign(actor=people.province_officer, task=task, unit=org.commune_a1)
    revision = directive_services.directive_revise(
        actor=people.province_officer, directive_id=plan.pk
    )
    from namhoc.directives.tests.helpers import publish

    publish(people.province_officer, revision)
    assignment.refresh_from_db()
    assert assignment.task.directive_id == revision.pk
    assert assignment.task.origin_id == task.pk


def test_on_time_rates_roll_up_by_subtree_in_sql(org, people, plan, django_assert_num_queries):
    tasks = list(plan.tasks.order_by("position"))
    today = dt.date(2026, 2, 1)
    cases = [
        # (unit, deadline, completed_on)
        (org.commune_a1, dt.date(2026, 1, 15), dt.date(2026, 1, 10)),  # on time
        (org.school_a1, dt.date(2026, 1, 15), dt.date(2026, 1, 20)),  # late
        (org.commune_a2, dt.date(2026, 1, 15), None),  # overdue
        (org.school_a2, dt.date(2026, 3, 1), None),  # in progress
        (org.school_a1, None, None),  # no deadline: in progress
    ]
    for index, (unit, deadline, done) in enumerate(cases):
        assignment = assign(
            actor=people.province_officer, task=tasks[index], unit=unit, deadline=deadline
        )
        if done:
            Assignment.objects.filter(pk=assignment.pk).update(
                completed_on=done,
                completed_at=dt.datetime.combine(done, dt.time(9), tzinfo=VN),
                percent=100,
            )
    ids = [
        org.province_a.pk,
        org.commune_a1.pk,
        org.commune_a2.pk,
        org.school_a1.pk,
        org.province_b.pk,
    ]
    # provinces and communes and schools: three depths, three aggregate queries plus the units
    with django_assert_num_queries(4):
        rates = on_time_rates(unit_ids=ids, school_year="2025-2026", on=today)
    assert rates[org.province_a.pk] == OnTimeRate(
        done_on_time=1, done_late=1, overdue=1, in_progress=2
    )
    assert rates[org.province_a.pk].rate == pytest.approx(1 / 3)
    assert rates[org.commune_a1.pk] == OnTimeRate(done_on_time=1, done_late=1, in_progress=1)
    assert rates[org.commune_a2.pk] == OnTimeRate(overdue=1, in_progress=1)
    assert rates[org.school_a1.pk] == OnTimeRate(done_late=1, in_progress=1)
    assert rates[org.province_b.pk] == OnTimeRate()
    assert rates[org.province_b.pk].rate is None
    assert on_time_rates(unit_ids=[org.province_a.pk], school_year="2024-2025", on=today) == {
        org.province_a.pk: OnTimeRate()
    }

    children = selectors.by_child_unit(org.province_a, school_year="2025-2026", on=today)
    assert [(u.key, f.done, f.overdue, f.in_progress) for u, f in children] == [
        ("c-a1", 2, 0, 1),
        ("c-a2", 0, 1, 1),
    ]
    per_task = selectors.by_task(org.province_a, school_year="2025-2026", on=today)
    assert [(t.label, t.figures.rate) for t in per_task] == [
        ("1", 1.0),
        ("2", 0.0),
        ("3", 0.0),
        ("4", None),
        ("5", None),
    ]
    open_work = list(selectors.open_work(org.school_a1))
    assert [a.deadline for a in open_work] == [None]


# --- withdraw, who changed the terms, defaults (issue 5 follow-up) ---------------------------


def test_delete_is_audited_and_refused_once_the_unit_reported(org, people, plan):
    task = plan.tasks.get(position=3)
    kept = assign(actor=people.province_officer, task=task, unit=org.commune_a1)
    gone = assign(actor=people.province_officer, task=task, unit=org.commune_a2)
    report(actor=people.commune_officer, assignment=kept, text="Đang làm", percent=5)
    audit_before = AuditEvent.objects.count()

    with pytest.raises(DomainError) as refused:
        services.assignment_delete(actor=people.province_officer, assignment_id=kept.pk)

    assert refused.value.status == 409
    assert refused.value.code == "has_updates"
    assert refused.value.message == (
        "Xã An Lạc đã báo cáo tiến độ 1 lần; không xóa được phân công này để giữ báo cáo và "
        "minh chứng. Hãy điều chỉnh hạn, vai trò hoặc ghi chú."
    )
    assert AuditEvent.objects.count() == audit_before
    services.assignment_delete(actor=people.province_officer, assignment_id=gone.pk)
    assert list(Assignment.objects.values_list("unit__key", flat=True)) == ["c-a1"]
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_id, event.unit_id) == (
        "assignment.delete",
        str(gone.pk),
        org.commune_a2.pk,
    )


def test_terms_remember_who_changed_them_and_progress_does_not(org, people, plan):
    with at(2025, 10, 1, 9):
        assignment = assign(
            actor=people.province_officer, task=plan.tasks.get(position=3), unit=org.commune_a1
        )
    assert (assignment.updated_by, assignment.version) == (people.province_officer, 1)
    with at(2025, 10, 2, 14):
        services.assignment_update(
            actor=people.superuser,
            assignment_id=assignment.pk,
            version=1,
            role="lead",
            deadline=dt.date(2025, 12, 1),
            target_value=None,
            target_unit="",
            note="",
        )
    with at(2025, 10, 3, 8):
        report(actor=people.commune_officer, assignment=assignment, text="Bắt đầu", percent=10)
    assignment.refresh_from_db()
    # The report changed the progress, not the terms: version and author stay.
    assert (assignment.version, assignment.percent) == (2, 10)
    assert assignment.updated_by == people.superuser
    assert assignment.updated_at == dt.datetime(2025, 10, 2, 14, tzinfo=VN)
    with pytest.raises(StaleEdit) as stale:
        services.assignment_update(
            actor=people.province_officer,
            assignment_id=assignment.pk,
            version=1,
            role="support",
            deadline=None,
            target_value=None,
            target_unit="",
            note="",
        )
    assert stale.value.message.startswith(
        "Phân công này đã được Quản trị hệ thống sửa lúc 14:00 02/10/2025 sau khi bạn mở trang."
    )
    assert stale.value.current["deadline"] == "2025-12-01"


def test_stale_terms_saved_before_the_author_was_kept_say_so_without_a_name(org, people, plan):
    assignment = assign(
        actor=people.province_officer, task=plan.tasks.get(position=3), unit=org.commune_a1
    )
    Assignment.objects.filter(pk=assignment.pk).update(updated_by=None, version=2)
    with pytest.raises(StaleEdit) as stale:
        services.assignment_update(
            actor=people.province_officer,
            assignment_id=assignment.pk,
            version=1,
            role="support",
            deadline=None,
            target_value=None,
            target_unit="",
            note="",
        )
    assert stale.value.message.startswith("Phân công này đã được sửa lúc ")


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2025, 7, 31), "2024-2025"),
        (dt.date(2025, 8, 1), "2025-2026"),
        (dt.date(2026, 1, 15), "2025-2026"),
        (dt.date(2026, 12, 31), "2026-2027"),
    ],
)
def test_current_school_year_starts_in_august(day, year):
    assert selectors.current_school_year(day) == year


def test_home_unit_is_the_first_membership_by_path(org, people):
    from namhoc.accounts.models import Membership, Role
    from namhoc.accounts.selectors import home_unit

    Membership.objects.create(user=people.commune_officer, unit=org.province_b, role=Role.VIEWER)
    assert home_unit(people.commune_officer) == org.commune_a1  # path 0001.0001.0001
    assert home_unit(people.province_officer) == org.province_a
    assert home_unit(people.superuser) == org.ministry
    from conftest import make_user

    assert home_unit(make_user("khong-don-vi", "Không Đơn Vị")) is None


def test_assign_every_school_of_one_level(org, people, plan):
    result = services.assignments_create(
        actor=people.province_officer, task_id=plan.tasks.get(position=3).pk, level="school:thcs"
    )
    assert [a.unit.key for a in result.created] == ["s-a2"]
    with pytest.raises(DomainError) as bad:
        services.assignments_create(
            actor=people.province_officer,
            task_id=plan.tasks.get(position=3).pk,
            level="commune:thcs",
        )
    assert (bad.value.code, bad.value.message) == ("bad_school_level", "Cấp học không hợp lệ.")


def _rates_by_the_orm(unit: OrgUnit, school_year: str, day: dt.date) -> OnTimeRate:
    """The rule as the ORM says it (``status_q`` over published work in the subtree)."""
    from django.db.models import Count

    from namhoc.directives.models import Directive
    from namhoc.orgunits.tree import subtree_q

    counts = (
        Assignment.objects.filter(
            school_year=school_year, task__directive__status=Directive.Status.PUBLISHED
        )
        .filter(subtree_q(unit.path, field="unit__path"))
        .aggregate(
            **{s.value: Count("pk", filter=selectors.status_q(s, day)) for s in AssignmentStatus}
        )
    )
    return OnTimeRate(
        done_on_time=counts[AssignmentStatus.DONE_ON_TIME],
        done_late=counts[AssignmentStatus.DONE_LATE],
        overdue=counts[AssignmentStatus.OVERDUE],
        in_progress=counts[AssignmentStatus.IN_PROGRESS],
    )


def test_the_written_out_counts_follow_the_orm_rule_at_every_edge(org, people, plan):
    """``on_time_rates``, ``by_child_unit`` and ``by_task`` read one written-out statement
    (issue 15); it counts exactly what ``status_q`` says, on the deadline day itself too, and
    leaves out drafts and other school years."""
    tasks = list(plan.tasks.order_by("position"))
    today = dt.date(2026, 2, 1)
    cases = [
        (org.commune_a1, today, today),  # finished on the deadline: on time
        (org.commune_a1, today - dt.timedelta(days=1), today),  # a day late
        (org.school_a1, today, None),  # due today: still in progress
        (org.school_a1, today - dt.timedelta(days=1), None),  # due yesterday: overdue
        (org.commune_a2, None, today),  # no deadline, finished: on time
        (org.school_a2, None, None),  # no deadline, open: in progress
    ]
    for index, (unit, deadline, done) in enumerate(cases):
        made = assign(
            actor=people.province_officer,
            task=tasks[index % len(tasks)],
            unit=unit,
            deadline=deadline,
        )
        if done:
            Assignment.objects.filter(pk=made.pk).update(
                completed_on=done,
                completed_at=dt.datetime.combine(done, dt.time(9), tzinfo=VN),
                percent=100,
            )
    # work of another province on the same task (written directly: assigning refuses it)
    Assignment.objects.create(
        task=tasks[0], unit=org.commune_b1, school_year="2025-2026", deadline=dt.date(2026, 1, 1)
    )
    units = [org.province_a, org.commune_a1, org.commune_a2, org.school_a1, org.province_b]
    rates = on_time_rates(unit_ids=[u.pk for u in units], school_year="2025-2026", on=today)
    for unit in units:
        assert rates[unit.pk] == _rates_by_the_orm(unit, "2025-2026", today), unit.key
    assert rates[org.province_b.pk] == OnTimeRate(overdue=1)
    assert rates[org.province_a.pk] == OnTimeRate(
        done_on_time=2, done_late=1, overdue=1, in_progress=2
    )
    children = selectors.by_child_unit(org.province_a, school_year="2025-2026", on=today)
    assert [(c.key, f) for c, f in children] == [
        (c.key, _rates_by_the_orm(c, "2025-2026", today)) for c, _ in children
    ]
    per_task = selectors.by_task(org.province_a, school_year="2025-2026", on=today)
    assert sum(t.figures.due + t.figures.in_progress for t in per_task) == 6
    assert [t.directive_number for t in per_task] == [plan.number] * len(per_task)
    assert on_time_rates(unit_ids=[org.province_a.pk], school_year="2024-2025", on=today) == {
        org.province_a.pk: OnTimeRate()
    }
    # a directive taken back to draft carries no work
    type(plan).objects.filter(pk=plan.pk).update(status="draft")
    assert on_time_rates(unit_ids=[org.province_a.pk], school_year="2025-2026", on=today) == {
        org.province_a.pk: OnTimeRate()
    }
    assert selectors.by_task(org.province_a, school_year="2025-2026", on=today) == []


def test_work_due_next_is_open_work_in_the_same_order(org, people, plan):
    """The home page's ``work_due_next`` (one written-out statement, issue 15) gives the first
    rows of ``open_work`` in its order: returned work first (by its last review only), then
    the earliest deadline, no deadline last, ties by age; finished work, other units' work and
    drafts' work left out."""
    tasks = list(plan.tasks.order_by("position"))
    today = dt.date(2026, 2, 1)
    deadlines = [
        dt.date(2026, 3, 1), None, dt.date(2026, 1, 15), dt.date(2026, 3, 1), None,
        dt.date(2026, 2, 1),
    ]  # fmt: skip
    made = [
        assign(actor=people.province_officer, task=tasks[n % len(tasks)], unit=org.commune_a1,
               deadline=deadline)
        for n, deadline in enumerate(deadlines)
    ]  # fmt: skip
    assign(actor=people.province_officer, task=tasks[0], unit=org.commune_a2)
    Assignment.objects.filter(pk=made[5].pk).update(
        completed_on=today, completed_at=dt.datetime(2026, 2, 1, 9, tzinfo=VN), percent=100
    )

    def returned(assignment, review):
        ProgressUpdate.objects.create(
            assignment=assignment, text="Báo cáo", percent=10, review=review,
            created_at=dt.datetime(2026, 1, 10, 9, tzinfo=VN),
        )  # fmt: skip

    returned(made[3], ProgressUpdate.Review.RETURNED)  # returned: first
    returned(made[1], ProgressUpdate.Review.RETURNED)
    ProgressUpdate.objects.create(  # returned, then accepted later: no longer first
        assignment=made[1], text="Báo cáo lại", percent=20, review=ProgressUpdate.Review.ACCEPTED,
        created_at=dt.datetime(2026, 1, 11, 9, tzinfo=VN),
    )  # fmt: skip
    orm = list(selectors.open_work(org.commune_a1))
    for limit in (1, 3, 8):
        due = selectors.work_due_next(org.commune_a1, limit=limit, on=today)
        assert [w.id for w in due] == [a.pk for a in orm[:limit]]
    due = selectors.work_due_next(org.commune_a1, limit=8, on=today)
    assert [w.id for w in due] == [made[3].pk, made[2].pk, made[0].pk, made[1].pk, made[4].pk]
    assert [(w.deadline, w.percent, w.status) for w in due] == [
        (a.deadline, a.percent, a.status_on(today)) for a in orm
    ]
    assert [(w.task_label, w.task_title, w.directive_number) for w in due] == [
        (a.task.label, a.task.title, a.task.directive.number) for a in orm
    ]
    assert due[1].status == AssignmentStatus.OVERDUE
    type(plan).objects.filter(pk=plan.pk).update(status="draft")
    assert selectors.work_due_next(org.commune_a1, limit=8, on=today) == []
