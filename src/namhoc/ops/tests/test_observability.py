"""Request logs and /metrics (issue 15): one line per request with the audit's request id, user,
unit, route, status and duration; Prometheus figures per route NAME, and the database's state;
/metrics only for loopback or the bearer token."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from namhoc.core.models import AuditEvent
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.notifications.models import Delivery
from namhoc.ops import middleware
from namhoc.ops.logs import JsonFormatter, TextFormatter
from namhoc.ops.models import BackupRecord
from namhoc.ops.signin import SESSION_UNIT
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[4]


def _request_lines(caplog: Any) -> list[dict[str, Any]]:
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "namhoc.request"
    ]


def test_a_change_is_logged_and_audited_under_one_request_id(org, people, client_of, caplog):
    caplog.set_level(logging.INFO, logger="namhoc.request")
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    work = assign(actor=people.province_officer, task=plan.tasks.first(), unit=org.commune_a1)
    client = client_of(people.commune_officer)
    url = reverse("tracking:update_post", args=[work.pk])
    response = client.post(url, {"text": "Đã họp triển khai", "percent": "40"})
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = _request_lines(caplog)
    assert line["request_id"] == request_id
    assert {k: line[k] for k in ("level", "logger", "method", "path", "route", "status")} == {
        "level": "INFO",
        "logger": "namhoc.request",
        "method": "POST",
        "path": url,
        "route": "tracking:update_post",
        "status": 302,
    }
    assert line["user"] == people.commune_officer.pk
    assert line["unit"] == "c-a1"
    assert line["ip"] == "127.0.0.1"
    assert isinstance(line["duration_ms"], float)
    assert 0 < line["cpu_ms"] <= line["duration_ms"] + 1  # the thread's own CPU of the request
    assert line["message"].startswith(f"POST {url} 302 ")
    event = AuditEvent.objects.get(action="progress.post")
    assert event.request_id == request_id


def test_the_log_keeps_the_path_not_the_query_string(people, client_of, caplog):
    caplog.set_level(logging.INFO, logger="namhoc.request")
    client_of(people.viewer).get("/don-vi/?q=nguyen+van+a")
    [line] = _request_lines(caplog)
    assert line["path"] == "/don-vi/"
    assert "nguyen" not in json.dumps(line)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("abc-123-DEF", True), ("x" * 65, False), ("../../etc", False), ("", False)],
)
def test_a_sane_request_id_from_the_proxy_is_kept(db, caplog, sent, kept):
    caplog.set_level(logging.INFO, logger="namhoc.request")
    response = Client().get("/dang-nhap/", HTTP_X_REQUEST_ID=sent)
    assert (response["X-Request-ID"] == sent) is kept
    [line] = _request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["user"], line["unit"], line["route"]) == (None, "", "login")


def test_a_server_error_is_logged_at_error_level(caplog):
    from django.http import HttpResponseServerError
    from django.test import RequestFactory

    caplog.set_level(logging.INFO, logger="namhoc.request")
    observe = middleware.RequestObservationMiddleware(lambda _r: HttpResponseServerError("x"))
    response = observe(RequestFactory().get("/khong-co-trang-nay/"))
    assert response.status_code == 500
    [line] = _request_lines(caplog)
    assert (line["level"], line["status"], line["route"]) == ("ERROR", 500, "<unmatched>")


def test_text_lines_for_development_carry_the_same_fields() -> None:
    record = logging.LogRecord(
        "namhoc.request", logging.INFO, __file__, 1, "GET / 200 5 ms", (), None
    )
    record.namhoc = {"request_id": "r1", "user": 7, "unit": "", "status": 200}  # type: ignore[attr-defined]
    line = TextFormatter().format(record)
    assert line.endswith("INFO namhoc.request: GET / 200 5 ms request_id=r1 user=7 status=200")


# --- /metrics ------------------------------------------------------------------------------


def _metrics(client: Client, **headers: Any) -> Any:
    return client.get("/metrics", **headers)


def _value(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} {labels} not in the metrics")


def _count(text: str, route: str) -> float:
    try:
        return _value(text, "namhoc_http_request_duration_seconds_count", route=route, method="GET")
    except AssertionError:
        return 0.0


def test_metrics_count_requests_per_route_name_not_per_path(people, client_of):
    client = client_of(people.viewer)
    start = _count(_metrics(Client()).content.decode(), "indicators-dashboard")
    for key in ("p-a", "c-a1", "s-a1"):
        client.get(f"/so-lieu/{key}/tong-quan/")
    response = _metrics(Client())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    assert (
        _value(
            text,
            "namhoc_http_request_duration_seconds_count",
            route="indicators-dashboard",
            method="GET",
        )
        == start + 3
    )
    assert "p-a" not in text
    assert "c-a1" not in text
    assert (
        _value(
            text,
            "namhoc_http_request_duration_seconds_bucket",
            route="indicators-dashboard",
            method="GET",
            le="+Inf",
        )
        == start + 3
    )


def test_metrics_report_queue_deliveries_backups_and_rollups(people):
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="namhoc.ops.tasks.probe",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now() - timezone.timedelta(minutes=5),
    )
    DBTaskResult.objects.filter().update(enqueued_at=timezone.now() - timezone.timedelta(minutes=5))
    Delivery.objects.create(key="e1", channel="email", status="failed", user=people.viewer)
    Delivery.objects.create(key="e2", channel="email", status="sent", user=people.viewer)
    finished = timezone.now().replace(microsecond=0)
    BackupRecord.objects.create(
        started_at=finished, finished_at=finished, ok=True, path="/srv/b.tar", vendor="sqlite"
    )
    text = _metrics(Client()).content.decode()
    assert _value(text, "namhoc_tasks_ready") == 1.0
    assert 290 <= _value(text, "namhoc_tasks_oldest_ready_seconds") <= 400
    assert _value(text, "namhoc_notification_deliveries", channel="email", state="failed") == 1.0
    assert _value(text, "namhoc_notification_deliveries", channel="email", state="sent") == 1.0
    assert _value(text, "namhoc_notification_deliveries", channel="webhook", state="failed") == 0.0
    assert _value(text, "namhoc_backup_last_success_timestamp_seconds") == finished.timestamp()
    assert _value(text, "namhoc_backup_last_failure_timestamp_seconds") == 0.0
    assert _value(text, "namhoc_reads", state="failed") == 0.0
    assert _value(text, "namhoc_rollups_lag_seconds") == 0.0
    assert _value(text, "namhoc_events_pending") >= 0.0


@pytest.mark.parametrize(
    ("remote", "headers", "status"),
    [
        ("127.0.0.1", {}, 200),
        ("::1", {}, 200),
        ("203.0.113.9", {}, 403),
        ("10.0.0.5", {}, 403),
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, 403),
        ("127.0.0.1", {"HTTP_X_REAL_IP": "203.0.113.9"}, 403),
    ],
)
def test_without_a_token_only_a_direct_loopback_request_reads_the_metrics(
    db, remote, headers, status
):
    response = Client(REMOTE_ADDR=remote).get("/metrics", **headers)
    assert response.status_code == status
    if status == 403:
        assert response.content.decode().startswith("Chỉ đọc được từ máy chủ này (127.0.0.1)")
        assert b"namhoc_" not in response.content


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Bearer wrong-token-wrong-token", 401),
        ("Basic cHJvbWV0aGV1czpzZWNyZXQ=", 401),
        ("Bearer s3cret-token-for-prometheus", 200),
        ("bearer s3cret-token-for-prometheus", 200),
    ],
)
def test_with_a_token_only_the_bearer_reads_the_metrics(db, settings, authorization, status):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = Client(REMOTE_ADDR="203.0.113.9").get("/metrics", **headers)
    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="namhoc metrics"'
        assert b"namhoc_" not in response.content


def test_metrics_answer_get_only(db):
    assert Client().post("/metrics").status_code == 405


# --- several gunicorn workers ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.mark.slow
@pytest.mark.parametrize("threads", ["1", "2"])
def test_serve_adds_up_the_figures_of_every_worker_process(tmp_path: Path, threads: str) -> None:
    """``namhoc serve --workers 3``: requests land on different processes, /metrics counts them
    all (prometheus-client's multiprocess mode), and logs one JSON line per request; with
    gunicorn's sync worker (one thread, the default) and with its threaded one."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAMHOC_")}
    env.update(NAMHOC_ENV="development", NAMHOC_DATA_DIR=str(tmp_path), NAMHOC_LOG_FORMAT="json")
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [
                sys.executable, "-m", "namhoc.cli", "serve", "--port", str(port),
                "--workers", "3", "--threads", threads, "--no-worker", "--no-scheduler",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    _get(f"http://127.0.0.1:{port}/healthz")
                    break
                except OSError:
                    if time.monotonic() > deadline or serve.poll() is not None:
                        raise AssertionError(log.read_text()) from None
                    time.sleep(0.3)
            for _ in range(30):
                assert _get(f"http://127.0.0.1:{port}/healthz")[0] == 200
            status, text = _get(f"http://127.0.0.1:{port}/metrics")
        finally:
            os.killpg(serve.pid, signal.SIGTERM)
            serve.wait(timeout=30)
    assert status == 200
    assert (
        _value(text, "namhoc_http_request_duration_seconds_count", route="healthz", method="GET")
        == 31.0
    )
    assert (
        _value(text, "namhoc_http_requests_total", route="healthz", method="GET", status="2xx")
        == 31.0
    )
    lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith('{"ts"')]
    served = [x for x in lines if x.get("logger") == "namhoc.request" and x["route"] == "healthz"]
    assert len(served) == 31
    assert len({x["request_id"] for x in served}) == 31


def test_the_log_line_costs_no_query(people, django_assert_num_queries, caplog):
    """The unit comes from the session (found once at sign-in): the line adds no query to a
    page's budget."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    caplog.set_level(logging.INFO, logger="namhoc.request")
    request = RequestFactory().get("/")
    request.user = people.commune_officer
    request.session = {SESSION_UNIT: "c-a1"}  # type: ignore[assignment]
    observe = middleware.RequestObservationMiddleware(lambda _r: HttpResponse("ok"))
    with django_assert_num_queries(0):
        observe(request)
    [line] = _request_lines(caplog)
    assert (line["user"], line["unit"]) == (people.commune_officer.pk, "c-a1")


def test_signing_in_keeps_the_home_unit_for_the_log(people, password):
    client = Client()
    client.post("/dang-nhap/", {"username": "school_principal", "password": password})
    assert client.session[SESSION_UNIT] == "s-a1"
