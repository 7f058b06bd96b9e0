from django.apps import AppConfig


class OrgUnitsConfig(AppConfig):
    name = "namhoc.orgunits"
    label = "orgunits"
    verbose_name = "Đơn vị"
