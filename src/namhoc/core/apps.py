from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "namhoc.core"
    label = "core"
    verbose_name = "Lõi"
