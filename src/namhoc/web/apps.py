from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "namhoc.web"
    label = "web"
    verbose_name = "Giao diện"
