"""Today, in Asia/Ho_Chi_Minh: the one clock every deadline, status and default year reads.

Tests move it by patching ``django.utils.timezone.now`` (a process boundary)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

__all__ = ["today"]


def today() -> dt.date:
    return timezone.localdate()
