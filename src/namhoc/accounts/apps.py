from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "namhoc.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
