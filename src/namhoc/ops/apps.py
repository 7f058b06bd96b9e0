from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running namhoc for a province: backups, the deployment check, metrics, request logs and
    personal data (export, erasure, retention) — ADR 0010."""

    name = "namhoc.ops"
    label = "ops"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        # The request log names the person's home unit, found once at sign-in (ops.middleware).
        from django.contrib.auth.signals import user_logged_in

        from namhoc.ops.signin import remember_unit

        user_logged_in.connect(remember_unit, dispatch_uid="namhoc.ops.remember_unit")
