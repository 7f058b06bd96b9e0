from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    from namhoc.core.collation import register_sqlite_collation

    register_sqlite_collation(connection)


class CoreConfig(AppConfig):
    name = "namhoc.core"
    label = "core"
    verbose_name = "Lõi"

    def ready(self) -> None:
        # Database plumbing, not domain logic: every new SQLite connection learns the Vietnamese
        # collation that ``core.collation.collate_vi`` orders by (PostgreSQL has it from ICU).
        connection_created.connect(_on_connection, dispatch_uid="namhoc.core.vi_collation")
