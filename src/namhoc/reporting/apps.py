from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "namhoc.reporting"
    label = "reporting"
    verbose_name = "Báo cáo"
