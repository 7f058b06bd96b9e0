from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "namhoc.disclosure"
    label = "disclosure"
    verbose_name = "Công khai"
