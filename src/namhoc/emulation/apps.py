from django.apps import AppConfig


class EmulationConfig(AppConfig):
    name = "namhoc.emulation"
    label = "emulation"
    verbose_name = "Thi đua, khen thưởng"
