"""Background work of notifications (django-tasks; ADR 0009). Each task takes nothing: it
reads what is pending when it runs, so running it twice, or late, is harmless."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from namhoc.core.audit import audit_context

logger = logging.getLogger(__name__)

# Telling people is more urgent than a digest or a rebuild: ahead in the worker's queue.
PRIORITY = 10


@task(priority=PRIORITY)
def dispatch_events() -> str:
    """Pending events → notices and deliveries; then send what is due."""
    from namhoc.notifications.delivery import deliveries_send
    from namhoc.notifications.dispatch import dispatch_pending

    with audit_context(source="task"):
        dispatched = dispatch_pending()
        sent = deliveries_send()
    if sent.retrying:
        schedule_retry()
    return f"{dispatched}; {sent}"


@task(priority=PRIORITY)
def send_deliveries() -> str:
    """Send the deliveries that are due (a retry's wake-up)."""
    from namhoc.notifications.delivery import deliveries_send

    with audit_context(source="task"):
        sent = deliveries_send()
    if sent.retrying:
        schedule_retry()
    return str(sent)


def wake_dispatch() -> None:
    """The outbox relay (``core.events.set_relay``): queue a dispatch now. Called after the
    commit that emitted events; never fails the request that emitted them."""
    try:
        dispatch_events.enqueue()
    except Exception:  # the scheduler's minute poll picks the events up anyway
        logger.warning("Could not queue the dispatch of new events", exc_info=True)


def schedule_retry() -> None:
    """After a failed attempt, wake the sender when the next retry is due (``run_after``, where
    the backend defers). Only a wake-up: the retry itself is the row's ``next_attempt_at``, which
    the scheduler's minute poll honours too, so a lost task delays nothing."""
    from namhoc.notifications.delivery import next_due

    if not default_task_backend.supports_defer:
        return
    due = next_due()
    if due is None:
        return
    run_after = max(due, timezone.now() + dt.timedelta(seconds=1))
    transaction.on_commit(lambda: send_deliveries.using(run_after=run_after).enqueue())
