"""The retention sweep as a periodic job (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest
from cronsim import CronSim
from django.utils import timezone

from namhoc.accounts.models import SignInFailure
from namhoc.ops.jobs import JOBS, privacy_sweep_job

pytestmark = pytest.mark.django_db


def test_the_job_sweeps_and_says_what_it_did():
    SignInFailure.objects.create(
        username="a", ip="203.0.113.1", occurred_at=timezone.now() - dt.timedelta(days=40)
    )
    assert privacy_sweep_job().startswith("sign_in_failures: 1, sessions: 0")
    assert SignInFailure.objects.count() == 0


def test_the_job_is_offered_in_the_schedulers_shape():
    [(name, cron, run, label)] = JOBS
    assert (name, cron, run, label) == (
        "privacy",
        "30 2 * * *",
        privacy_sweep_job,
        "Xóa dữ liệu cá nhân quá hạn lưu giữ",
    )
    start = dt.datetime(2026, 12, 3, 12, 0)
    assert next(CronSim(cron, start)) == dt.datetime(2026, 12, 4, 2, 30)
