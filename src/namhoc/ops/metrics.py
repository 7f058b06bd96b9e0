"""``/metrics`` in the Prometheus text format (ADR 0010).

Two kinds of figures:

- **Per request** (observed by ``ops.middleware``): a latency histogram and a counter per route
  *name* (``indicators-entry``, ``api:get_assignment``; never the raw path, so the number of
  series is bounded by the URLconf) and method, the counter also per status class. gunicorn runs
  several worker processes: ``namhoc serve`` gives them prometheus-client's multiprocess mode
  (``PROMETHEUS_MULTIPROC_DIR``, emptied at start; a dead worker's files are marked), and a
  scrape adds up every process's files.
- **State, read from the database at scrape time** (so they are one answer whichever process is
  asked): the background queue (ready tasks, age of the oldest), reads of uploaded documents by
  state, notification deliveries by channel and state, events not yet dispatched, roll-up
  freshness, the last backup, the scheduler's last run per job.

Access: with ``NAMHOC_METRICS_TOKEN`` set, only ``Authorization: Bearer <token>``; without it,
only a direct request from the loopback address (no proxy header): the usual Prometheus on the
same server. Either way nginx should not pass ``/metrics`` on (``deploy/nginx-namhoc.conf``).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Seconds: pages answer in tens of milliseconds; the goal under load is p95 <= 0.3 s.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 30.0)

REQUEST_SECONDS = Histogram(
    "namhoc_http_request_duration_seconds",
    "Time to answer a request, by route name and method.",
    ["route", "method"],
    buckets=BUCKETS,
)
REQUESTS = Counter(
    "namhoc_http_requests",
    "Requests answered, by route name, method and status class.",
    ["route", "method", "status"],
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe(*, route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "OTHER"
    REQUEST_SECONDS.labels(route, method).observe(seconds)
    REQUESTS.labels(route, method, f"{status // 100}xx").inc()


def _timestamp(moment: Any) -> float:
    return float(moment.timestamp()) if moment is not None else 0.0


class StateCollector(Collector):
    """Gauges computed from the database when scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.utils import timezone

        now = timezone.now()
        yield from self._tasks(now)
        yield from self._reads()
        yield from self._notifications()
        yield from self._rollups(now)
        yield from self._backups()
        yield from self._scheduler()

    def _tasks(self, now: Any) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.ready()
        summary = ready.aggregate(n=Count("id"), oldest=Min("enqueued_at"))
        depth = GaugeMetricFamily(
            "namhoc_tasks_ready", "Background tasks waiting for the worker (queue depth)."
        )
        depth.add_metric([], summary["n"] or 0)
        yield depth
        age = GaugeMetricFamily(
            "namhoc_tasks_oldest_ready_seconds", "Age of the oldest task waiting (0: none)."
        )
        oldest = summary["oldest"]
        age.add_metric([], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield age
        states = GaugeMetricFamily(
            "namhoc_tasks", "Background tasks kept in the database, by status.", labels=["status"]
        )
        for row in DBTaskResult.objects.values("status").annotate(n=Count("id")).order_by():
            states.add_metric([str(row["status"]).lower()], row["n"])
        yield states

    def _reads(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count

        from namhoc.directives.models import SourceDocument

        family = GaugeMetricFamily(
            "namhoc_reads",
            "Uploaded documents by reading state (queued, reading, ready, failed).",
            labels=["state"],
        )
        counts = dict.fromkeys(SourceDocument.Status.values, 0)
        for row in SourceDocument.objects.values("status").annotate(n=Count("id")).order_by():
            counts[row["status"]] = row["n"]
        for state, n in sorted(counts.items()):
            family.add_metric([state], n)
        yield family

    def _notifications(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count

        from namhoc.core.models_events import Event
        from namhoc.notifications.models import Delivery

        family = GaugeMetricFamily(
            "namhoc_notification_deliveries",
            "E-mail, digest and webhook deliveries by channel and state (failed: gave up).",
            labels=["channel", "state"],
        )
        counts = {
            (channel, state): 0
            for channel in Delivery.Channel.values
            for state in Delivery.Status.values
        }
        rows = Delivery.objects.values("channel", "status").annotate(n=Count("id")).order_by()
        for row in rows:
            counts[(row["channel"], row["status"])] = row["n"]
        for (channel, state), n in sorted(counts.items()):
            family.add_metric([channel, state], n)
        yield family
        pending = GaugeMetricFamily(
            "namhoc_events_pending", "Events not yet turned into notices (the outbox)."
        )
        pending.add_metric([], Event.objects.filter(processed_at__isnull=True).count())
        yield pending

    def _rollups(self, now: Any) -> Iterator[GaugeMetricFamily]:
        from namhoc.indicators.selectors import rollups_freshness

        state = rollups_freshness()
        stale = GaugeMetricFamily(
            "namhoc_rollups_stale",
            "1 when the org tree changed since the roll-ups were last rebuilt.",
        )
        stale.add_metric([], 1 if state.stale else 0)
        yield stale
        lag = GaugeMetricFamily(
            "namhoc_rollups_lag_seconds",
            "How long the roll-ups have waited for their rebuild (0: fresh).",
        )
        waited = (
            (now - state.requested_at).total_seconds() if state.stale and state.requested_at else 0
        )
        lag.add_metric([], max(0.0, waited))
        yield lag

    def _backups(self) -> Iterator[GaugeMetricFamily]:
        from namhoc.ops.models import BackupRecord

        for ok, name, text in (
            (True, "namhoc_backup_last_success_timestamp_seconds", "the last backup that worked"),
            (False, "namhoc_backup_last_failure_timestamp_seconds", "the last backup that failed"),
        ):
            last = BackupRecord.objects.filter(ok=ok).order_by("-finished_at").first()
            family = GaugeMetricFamily(name, f"When {text} finished (0: never).")
            family.add_metric([], _timestamp(last.finished_at if last else None))
            yield family

    def _scheduler(self) -> Iterator[GaugeMetricFamily]:
        from namhoc.notifications.models import ScheduledRun

        finished = GaugeMetricFamily(
            "namhoc_scheduler_last_finished_timestamp_seconds",
            "When each periodic job last finished.",
            labels=["job"],
        )
        ok = GaugeMetricFamily(
            "namhoc_scheduler_last_ok", "1 when the job's last run worked.", labels=["job"]
        )
        for run in ScheduledRun.objects.order_by("job"):
            finished.add_metric([run.job], _timestamp(run.finished_at))
            ok.add_metric([run.job], 1 if run.ok else 0)
        yield finished
        yield ok


def render() -> tuple[bytes, str]:
    """The whole exposition: every process's request figures, then the database's state."""
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        registry.register(StateCollector())
        return generate_latest(registry), CONTENT_TYPE_LATEST
    state = CollectorRegistry()
    state.register(StateCollector())
    return generate_latest(REGISTRY) + generate_latest(state), CONTENT_TYPE_LATEST


def allowed(*, authorization: str, remote_addr: str, forwarded: bool, token: str) -> bool | None:
    """True: serve the metrics. False: a token is set and this one is wrong or missing (401).
    None: no token is set and the request is not a direct loopback one (403)."""
    if token:
        scheme, _, given = authorization.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)
    try:
        loopback = ipaddress.ip_address(remote_addr).is_loopback
    except ValueError:
        loopback = False
    return True if loopback and not forwarded else None
