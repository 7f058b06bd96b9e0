"""namhoc's session engine: Django's database sessions, read by a query written out.

Every signed-in request reads its session once. Composing the ORM's query for it cost more CPU
than running it (issue 15: a deadline rush is thousands of small requests), so the one read is
written as SQL; writing, rotating, flushing and expiry stay Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections, router
from django.utils import timezone

__all__ = ["SessionStore"]

_READ_SQL = "SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"


class SessionStore(DatabaseStore):
    def _get_session_from_db(self) -> Any:
        """The live session row of this key (only its data is read), or None — forgetting the
        key then, as Django's store does."""
        key = self.session_key
        model = self.model
        connection = connections[router.db_for_read(model)]
        sql = _READ_SQL.format(table=connection.ops.quote_name(model._meta.db_table))
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=str(key), session_data=row[0])
