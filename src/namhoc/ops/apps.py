from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running namhoc for a province: backups, the deployment check, metrics, request logs and
    personal data (export, erasure, retention) — ADR 0010."""

    name = "namhoc.ops"
    label = "ops"
    verbose_name = "Vận hành"
