from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "namhoc.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        # The outbox's wake-up call (ADR 0009): after a commit that emitted events, queue their
        # dispatch at once; the scheduler's minute poll finds them anyway if this is lost.
        from namhoc.core.events import set_relay
        from namhoc.notifications.tasks import wake_dispatch

        set_relay(wake_dispatch)
