from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "namhoc.legal"
    label = "legal"
    verbose_name = "Văn bản pháp lý"
