"""A read never stays "Đang đọc" when its worker dies (issue 9, item 4).

These put a source in the state a killed worker leaves (claimed, attempt counted, never
finished) and check what people and the recovery do with it; ``namhoc/tests/test_worker_recovery``
kills a real worker process with SIGKILL in the middle of a read, twice, under the supervisor
``namhoc serve`` uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from namhoc import ingest
from namhoc.core.models import AuditEvent
from namhoc.directives import services
from namhoc.directives.files import store_blob
from namhoc.directives.models import Directive, SourceDocument
from namhoc.directives.tests.helpers import PROVINCE_DOC, data
from namhoc.ingest import IngestError

REPO = Path(__file__).resolve().parents[4]
HANGING_WORKER = REPO / "tests" / "data" / "hanging_read_worker.py"
ClientOf = Callable[[Any], Client]


def stuck_source(
    org: Any, people: Any, *, attempts: int = 1, silent_minutes: float = 10
) -> SourceDocument:
    """A source as a worker killed mid-read leaves it: claimed by worker "w-dead", never done."""
    blob = store_blob(data(PROVINCE_DOC), folder="directives", kind="txt")
    return SourceDocument.objects.create(
        unit=org.province_a,
        sha256=blob.sha256,
        filename="ke-hoach.txt",
        format="txt",
        size=blob.size,
        file=blob.name,
        uploaded_by=people.province_officer,
        status=SourceDocument.Status.READING,
        status_message="Đang đọc…",
        read_attempts=attempts,
        read_worker="w-dead",
        read_heartbeat_at=timezone.now() - dt.timedelta(minutes=silent_minutes),
    )


def upload_again(client: Client, org: Any) -> Any:
    return client.post(
        "/van-ban/tai-len/",
        {
            "unit": org.province_a.key,
            "file": SimpleUploadedFile("ke-hoach.txt", data(PROVINCE_DOC), "text/plain"),
        },
    )


def test_uploading_the_same_bytes_recovers_a_read_whose_worker_died(
    org: Any, people: Any, client_of: ClientOf, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a read left "Đang đọc" by a worker killed 10 minutes ago
    source = stuck_source(org, people)
    client = client_of(people.province_officer)
    # When the same file is uploaded again (the queued read runs when the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_again(client, org)
    # Then the person is sent to the same record, which is read now (not stuck)
    assert response.status_code == 302
    assert response["Location"] == f"/van-ban/tep/{source.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Đã đọc xong" in page
    source.refresh_from_db()
    assert (source.status, source.read_attempts) == ("ready", 2)
    assert Directive.objects.filter(source=source).count() == 1
    assert AuditEvent.objects.filter(action="source.retry", note="worker_died").count() == 1


def test_a_read_that_killed_its_worker_twice_is_marked_unreadable_and_can_be_read_again(
    org: Any, people: Any, client_of: ClientOf, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a read on its second attempt, whose worker died ("namhoc reads recover --worker")
    source = stuck_source(org, people, attempts=2, silent_minutes=0)
    call_command("reads", "recover", "--worker", "w-dead")
    # Then the file is marked unreadable, with a message saying why and what to do
    source.refresh_from_db()
    assert source.status == "failed"
    assert source.status_message.startswith(
        "Không đọc được: tệp này đã làm dừng tiến trình đọc 2 lần"
    )
    client = client_of(people.province_officer)
    page = client.get(f"/van-ban/tep/{source.pk}/").content.decode()
    assert "đã làm dừng tiến trình đọc 2 lần" in page
    assert "Đọc lại" in page
    # And "Đọc lại" reads it again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/van-ban/tep/{source.pk}/doc-lai/")
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.status, source.read_attempts) == ("ready", 1)
    assert Directive.objects.filter(source=source).count() == 1


def test_the_sweep_leaves_a_live_read_alone_and_requeues_a_silent_one(
    org: Any, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a read that reported progress a moment ago, by a worker nobody says is dead
    live = stuck_source(org, people, silent_minutes=0.5)
    # When the periodic sweep runs
    report = services.sources_recover()
    # Then it is left alone
    live.refresh_from_db()
    assert (live.status, report.requeued, report.failed) == ("reading", [], [])
    # But once it has been silent past the time limit and its grace, it is read again
    silent = dt.timedelta(seconds=settings.READ_MAX_SECONDS + 61)  # the limit and its grace
    SourceDocument.objects.filter(pk=live.pk).update(read_heartbeat_at=timezone.now() - silent)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.sources_recover()
    assert report.requeued == [live.pk]
    assert report.stale_workers == ["w-dead"]
    live.refresh_from_db()
    assert live.status == "ready"


def test_a_read_gets_the_limits_from_the_settings_and_its_progress_shows_on_the_page(
    org: Any, people: Any, client_of: ClientOf, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given limits set by the operator, and a queued source
    settings.READ_MAX_PAGES = 7
    settings.READ_MAX_CHARS = 12_345
    settings.READ_MAX_SECONDS = 30
    settings.OCR_MAX_PAGES = 0
    source = stuck_source(org, people)
    SourceDocument.objects.filter(pk=source.pk).update(status="queued", read_attempts=0)
    client = client_of(people.province_officer)
    seen: dict[str, Any] = {}

    def reader(data: bytes, *, filename: str, limits: Any, progress: Any) -> Any:
        """The reader (a library boundary): recognises 12 pages, then runs out of time."""
        seen["limits"] = limits
        progress("ocr", 3, 12)
        seen["page"] = client.get(f"/van-ban/tep/{source.pk}/trang-thai/").content.decode()
        progress("ocr", 4, 12)  # within the same second: not written again
        seen["message"] = SourceDocument.objects.get(pk=source.pk).status_message
        raise IngestError("too_slow", "Đọc tệp quá 30 giây nên đã dừng.", "Reading took too long.")

    monkeypatch.setattr(ingest, "read_document", reader)
    # When the worker reads it
    services.source_read(source_id=source.pk, worker_id="w-1")
    # Then the reader was bounded by the settings (OCR off: 0 pages)
    limits = seen["limits"]
    assert (limits.max_pages, limits.max_chars, limits.max_seconds, limits.ocr) == (
        7,
        12_345,
        30,
        False,
    )
    # And the page polled meanwhile showed the progress, written at most once a second
    # (three pages read: the fourth is being read)
    assert "Đang nhận dạng chữ trang 4/12" in seen["page"]
    assert seen["message"] == "Đang nhận dạng chữ trang 4/12"
    # And the refusal is the source's message
    source.refresh_from_db()
    assert (source.status, source.status_message) == ("failed", "Đọc tệp quá 30 giây nên đã dừng.")
    page = client.get(f"/van-ban/tep/{source.pk}/").content.decode()
    assert "Đọc tệp quá 30 giây nên đã dừng." in page
