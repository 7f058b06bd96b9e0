from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "namhoc.indicators"
    label = "indicators"
    verbose_name = "Chỉ tiêu, số liệu"
