"""Directives: upload -> read -> correct -> publish -> revise; the seeds go the whole way."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase

from namhoc.core.errors import DomainError
from namhoc.core.models import AuditEvent
from namhoc.directives import services
from namhoc.directives.models import Citation, Directive, DirectiveTask, SourceDocument, Target
from namhoc.directives.selectors import revision_diff, source_segments
from namhoc.directives.services import StaleEdit
from namhoc.directives.tests.helpers import (
    MINISTRY_DOC,
    PROVINCE_DOC,
    data,
    publish,
    published,
    seed_paths,
    upload,
)

pytestmark = pytest.mark.django_db


def test_upload_reads_the_ministry_directive_into_a_draft(org, people):
    # given a ministry officer uploads the ministry's plan
    directive = upload(people.superuser, org.ministry, MINISTRY_DOC)

    # then the original is kept under its sha256 and the header is read
    source = directive.source
    digest = hashlib.sha256(data(MINISTRY_DOC)).hexdigest()
    assert source.sha256 == digest
    assert source.file.name == f"directives/{digest[:2]}/{digest}.txt"
    assert default_storage.open(source.file.name).read() == data(MINISTRY_DOC)
    assert source.status == SourceDocument.Status.READY
    assert source.status_message == "Đã đọc: 10 nhiệm vụ, 2 văn bản được dẫn, 2 chỉ tiêu."
    assert (directive.number, directive.doc_type, directive.issued_on) == (
        "2901/QĐ-BGDĐT",
        "Quyết định",
        dt.date(2025, 8, 22),
    )
    assert directive.school_year == "2025-2026"
    assert directive.theme == "Kỷ cương - Sáng tạo - Đột phá - Phát triển"
    assert directive.status == Directive.Status.DRAFT
    titles = list(directive.tasks.values_list("label", "title"))
    assert len(titles) == 10
    assert titles[5] == ("6", "Đẩy mạnh chuyển đổi số và ứng dụng trí tuệ nhân tạo trong giáo dục")
    assert sorted(directive.citations.values_list("number", flat=True)) == [
        "29-NQ/TW",
        "37/2025/NĐ-CP",
    ]
    targets = {(int(t.value), t.unit_label, t.task.label) for t in directive.targets.all()}
    assert targets == {(70, "%", "2"), (100, "%", "4")}
    hint = directive.assignment_hints.get()
    assert hint.lead == ["Vụ Giáo dục phổ thông"]
    assert hint.support == ["Cục Nhà giáo và cán bộ quản lý giáo dục"]
    # every task's span points at its own text in the normalized source
    for task in directive.tasks.all():
        assert task.title in source.text[task.start : task.end]
    assert AuditEvent.objects.filter(action="source.upload", object_id=str(source.pk)).count() == 1


def test_the_same_file_twice_finds_the_existing_record(org, people):
    first = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        again, created = services.source_upload(
            actor=people.province_officer,
            unit=org.province_a,
            data=data(PROVINCE_DOC),
            filename="ban-khac.txt",
        )
    assert created is False
    assert again.pk == first.source_id
    assert callbacks == []  # nothing queued again
    assert SourceDocument.objects.count() == 1
    assert Directive.objects.count() == 1


def test_reading_twice_changes_nothing(org, people):
    directive = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    services.source_read(source_id=directive.source_id)
    assert Directive.objects.count() == 1
    assert DirectiveTask.objects.count() == 8


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "bad_type"),
        (b"PK\x03\x04not really a zip", "bad_type"),
        (b"\x00\x01\x02binary", "bad_type"),
    ],
)
def test_upload_refuses_what_is_not_a_document(org, people, payload, code):
    with pytest.raises(DomainError) as excinfo:
        services.source_upload(
            actor=people.province_officer, unit=org.province_a, data=payload, filename="x.pdf"
        )
    assert excinfo.value.code == code
    assert SourceDocument.objects.count() == 0


def test_upload_refuses_a_file_over_the_cap(org, people, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(DomainError) as excinfo:
        services.source_upload(
            actor=people.province_officer, unit=org.province_a, data=b"a" * 1001, filename="a.txt"
        )
    assert excinfo.value.code == "too_large"
    assert SourceDocument.objects.count() == 0


def test_unreadable_pdf_fails_with_a_message(org, people):
    with TestCase.captureOnCommitCallbacks(execute=True):
        source, _ = services.source_upload(
            actor=people.province_officer,
            unit=org.province_a,
            data=b"%PDF-1.4\n%broken\n",
            filename="hong.pdf",
        )
    source.refresh_from_db()
    assert source.status == SourceDocument.Status.FAILED
    assert source.status_message
    assert not source.directives.exists()


def test_pasted_text_becomes_a_txt_original(org, people):
    text = data(PROVINCE_DOC).decode("utf-8")
    with TestCase.captureOnCommitCallbacks(execute=True):
        source, created = services.source_paste(
            actor=people.province_officer, unit=org.province_a, text=text
        )
    source.refresh_from_db()
    assert created is True
    assert source.format == "txt"
    assert source.directives.get().number == "1520/KH-SGDĐT"


def test_seeds_go_through_upload_review_publish(org, people):
    # The five scraped news pages: each is read, corrected where the reader could not know,
    # and published.
    for index, path in enumerate(seed_paths()):
        directive = upload(people.province_officer, org.province_a, path.name, path.read_bytes())
        assert directive.source.status == SourceDocument.Status.READY
        segments = source_segments(directive.source, list(directive.tasks.all()))
        assert "".join(s.text for s in segments) == directive.source.text
        if not directive.tasks.exists():
            services.task_add(
                actor=people.province_officer,
                directive_id=directive.pk,
                label="1",
                title="Tổ chức thực hiện nhiệm vụ năm học",
                text="",
            )
        directive.refresh_from_db()
        values: dict[str, object] = {}
        if not directive.school_year:
            values["school_year"] = "2022-2023"
        if not directive.title:
            values["title"] = f"Văn bản từ trang tin {index}"
        if not (directive.number and directive.issued_on):
            values["unnumbered"] = True  # a news page: published deliberately without them
        if values:
            directive = services.directive_update(
                actor=people.province_officer,
                directive_id=directive.pk,
                version=directive.version,
                values=values,
            )
        directive = publish(people.province_officer, directive)
        assert directive.status == Directive.Status.PUBLISHED
    assert Directive.objects.filter(status=Directive.Status.PUBLISHED).count() == len(seed_paths())


def test_task_update_with_a_stale_version_is_refused_and_loses_nothing(org, people):
    directive = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    task = directive.tasks.get(position=1)
    loaded_version = task.version
    # the first person saves
    services.task_update(
        actor=people.province_officer,
        task_id=task.pk,
        version=loaded_version,
        label="1",
        title="Sắp xếp trường, lớp theo xã, phường mới",
        text=task.text,
    )
    # the second, who loaded the same version, is told of the conflict
    with pytest.raises(StaleEdit) as excinfo:
        services.task_update(
            actor=people.superuser,
            task_id=task.pk,
            version=loaded_version,
            label="1",
            title="Tên khác",
            text="Nội dung khác",
        )
    assert excinfo.value.status == 409
    assert excinfo.value.current["title"] == "Sắp xếp trường, lớp theo xã, phường mới"
    assert excinfo.value.message.startswith("Nhiệm vụ này đã được Trần Văn Tỉnh sửa lúc ")
    task.refresh_from_db()
    assert task.title == "Sắp xếp trường, lớp theo xã, phường mới"
    assert task.version == loaded_version + 1


def test_merge_and_split_tasks(org, people):
    directive = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    first = directive.tasks.get(position=1)
    second_title = directive.tasks.get(position=2).title
    merged = services.task_merge_next(actor=people.province_officer, task_id=first.pk, version=1)
    assert directive.tasks.count() == 7
    assert second_title in merged.text
    assert list(directive.tasks.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6, 7]

    at = merged.text.index(second_title)
    head, tail = services.task_split(
        actor=people.province_officer, task_id=merged.pk, version=merged.version, at=at
    )
    assert tail.title == second_title
    assert tail.position == 2
    assert directive.tasks.count() == 8
    assert [t.position for t in directive.tasks.order_by("position")] == list(range(1, 9))
    assert head.text.endswith("66,37%.")
    with pytest.raises(DomainError):
        services.task_split(
            actor=people.province_officer, task_id=head.pk, version=head.version, at=0
        )


def test_published_directive_is_frozen_and_a_revision_shows_the_difference(org, people):
    directive = published(people.province_officer, org.province_a, PROVINCE_DOC)
    task = directive.tasks.get(position=3)
    with pytest.raises(DomainError) as excinfo:
        services.task_update(
            actor=people.province_officer,
            task_id=task.pk,
            version=task.version,
            label="3",
            title="x",
            text="y",
        )
    assert excinfo.value.code == "frozen"

    revision = services.directive_revise(actor=people.province_officer, directive_id=directive.pk)
    assert (revision.revision, revision.previous_id, revision.status) == (2, directive.pk, "draft")
    new_task = revision.tasks.get(position=3)
    services.task_update(
        actor=people.province_officer,
        task_id=new_task.pk,
        version=new_task.version,
        label="3",
        title="Phổ cập giáo dục mầm non cho trẻ em 3-5 tuổi",
        text=new_task.text,
    )
    revision.refresh_from_db()
    services.directive_update(
        actor=people.province_officer,
        directive_id=revision.pk,
        version=revision.version,
        values={"title": "Thực hiện nhiệm vụ năm học 2025-2026 (sửa đổi)"},
    )
    publish(people.province_officer, revision)
    directive.refresh_from_db()
    assert directive.status == Directive.Status.SUPERSEDED

    difference = revision_diff(Directive.objects.get(pk=revision.pk))
    assert [(f.name, f.new) for f in difference.fields] == [
        ("title", "Thực hiện nhiệm vụ năm học 2025-2026 (sửa đổi)")
    ]
    assert [(c.kind, c.label) for c in difference.tasks] == [("changed", "3")]
    assert "-3 Phổ cập giáo dục mầm non cho trẻ em 5 tuổi" in difference.tasks[0].diff
    assert "+3 Phổ cập giáo dục mầm non cho trẻ em 3-5 tuổi" in difference.tasks[0].diff


def test_publish_requires_a_number_and_a_date_or_the_deliberate_tick(org, people):
    directive = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    directive = services.directive_update(
        actor=people.province_officer,
        directive_id=directive.pk,
        version=directive.version,
        values={"number": "", "issued_on": ""},
    )
    with pytest.raises(DomainError) as excinfo:
        publish(people.province_officer, directive)
    assert excinfo.value.message == (
        "Chưa ban hành được: chưa có số, ký hiệu (nếu văn bản chưa được cấp số, hãy đánh dấu "
        "“Chưa có số, ngày” trong thông tin văn bản); chưa có ngày ban hành."
    )
    directive = services.directive_update(
        actor=people.province_officer,
        directive_id=directive.pk,
        version=directive.version,
        values={"unnumbered": "on"},
    )
    assert publish(people.province_officer, directive).status == Directive.Status.PUBLISHED


def test_publish_requires_tasks_and_school_year(org, people):
    directive = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    directive = services.directive_update(
        actor=people.province_officer,
        directive_id=directive.pk,
        version=directive.version,
        values={"school_year": ""},
    )
    with pytest.raises(DomainError) as excinfo:
        publish(people.province_officer, directive)
    assert excinfo.value.message == "Chưa ban hành được: chưa ghi năm học."
    directive.refresh_from_db()
    assert directive.status == Directive.Status.DRAFT


def test_bad_school_year_is_refused(org, people):
    directive = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    with pytest.raises(DomainError) as excinfo:
        services.directive_update(
            actor=people.province_officer,
            directive_id=directive.pk,
            version=directive.version,
            values={"school_year": "2025-2027"},
        )
    assert excinfo.value.field == "school_year"
    directive.refresh_from_db()
    assert directive.school_year == "2025-2026"


def test_citations_and_targets_can_be_corrected(org, people):
    directive = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    citation = directive.citations.get(number="12/CT-UBND")
    services.citation_update(
        actor=people.province_officer,
        citation_id=citation.pk,
        number="12/CT-UBND",
        doc_type="Chỉ thị của Chủ tịch UBND tỉnh",
        issued_on=dt.date(2025, 8, 28),
    )
    services.citation_add(
        actor=people.province_officer,
        directive_id=directive.pk,
        number="4555/BGDĐT-GDPT",
        doc_type="Công văn",
        issued_on=dt.date(2025, 8, 5),
    )
    target = directive.targets.get(unit_label="%", value=100)
    services.target_update(
        actor=people.province_officer,
        target_id=target.pk,
        value=target.value,
        unit_label="% trẻ 5 tuổi",
        task_id=directive.tasks.get(position=3).pk,
    )
    other = directive.targets.exclude(pk=target.pk).get()
    services.target_delete(actor=people.province_officer, target_id=other.pk)
    assert Citation.objects.filter(directive=directive).count() == 3
    assert list(
        Target.objects.filter(directive=directive).values_list("unit_label", flat=True)
    ) == ["% trẻ 5 tuổi"]
    actions = ["citation.update", "citation.create", "target.update", "target.delete"]
    assert AuditEvent.objects.filter(action__in=actions).count() == 4


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("97,5", "97.5"),
        ("97.5", "97.5"),
        (" 100 ", "100"),
        (80, "80"),
        ("1.250", "1250"),  # the one Vietnamese reading: a thousands point (issue 10)
        ("1.250,5", "1250.5"),
        (97.5, "97.5"),
    ],
)
def test_target_value_reads_numbers_the_one_vietnamese_way(raw, value):
    import decimal

    assert services.target_value(raw) == decimal.Decimal(value)


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("", "required", "Hãy nhập giá trị chỉ tiêu."),
        (None, "required", "Hãy nhập giá trị chỉ tiêu."),
        ("nhiều", "invalid_number", "Giá trị chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
        ("NaN", "invalid_number", "Giá trị chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
        ("²", "invalid_number", "Giá trị chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
        ("1e20", "invalid_number", "Giá trị chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
        (
            "12345678901",
            "too_large",
            "Giá trị chỉ tiêu không được lớn hơn 9.999.999.999,9999.",
        ),
        ("-2,25", "negative", "Giá trị chỉ tiêu không được là số âm."),
        ("0,12345", "too_many_places", "Giá trị chỉ tiêu có tối đa 4 chữ số sau dấu phẩy."),
    ],
)
def test_target_value_refusals_say_why_in_vietnamese(raw, code, message):
    with pytest.raises(DomainError) as refused:
        services.target_value(raw)
    assert (refused.value.code, refused.value.field, refused.value.message) == (
        code,
        "value",
        message,
    )


def test_target_add_on_a_draft_is_audited_and_frozen_after_publishing(org, people):
    import decimal

    draft = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    task = draft.tasks.get(position=2)
    target = services.target_add(
        actor=people.province_officer,
        directive_id=draft.pk,
        value="97,5",
        unit_label=" % ",
        task_id=str(task.pk),
        sentence="Tỷ lệ huy động trẻ 5 tuổi đạt 97,5%.",
    )
    assert (target.value, target.unit_label, target.task, target.start) == (
        decimal.Decimal("97.5"),
        "%",
        task,
        None,
    )
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_id) == ("target.create", str(target.pk))
    other = upload(people.province_officer, org.province_a, MINISTRY_DOC)
    for foreign_task in (other.tasks.first().pk, "²", "abc", "99999999999999999999"):
        with pytest.raises(DomainError) as foreign:
            services.target_add(
                actor=people.province_officer, directive_id=draft.pk, value=1, task_id=foreign_task
            )
        assert (foreign.value.field, foreign.value.message) == (
            "task_id",
            "Nhiệm vụ không thuộc văn bản này.",
        )
    with pytest.raises(DomainError) as long_label:
        services.target_add(
            actor=people.province_officer, directive_id=draft.pk, value=1, unit_label="x" * 41
        )
    assert long_label.value.message == "Đơn vị tính dài tối đa 40 ký tự (đang có 41)."
    publish(people.province_officer, draft)
    with pytest.raises(DomainError) as frozen:
        services.target_add(actor=people.province_officer, directive_id=draft.pk, value=1)
    assert frozen.value.code == "frozen"
