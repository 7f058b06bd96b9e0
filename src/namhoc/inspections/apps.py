from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "namhoc.inspections"
    label = "inspections"
    verbose_name = "Kiểm tra, thanh tra"
