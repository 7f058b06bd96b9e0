"""URLs of the personal-data pages (``privacy:``)."""

from __future__ import annotations

from django.urls import path

from namhoc.web import privacy_views as views

app_name = "privacy"
urlpatterns = [
    path("tai-khoan/du-lieu-ca-nhan/", views.mine, name="mine"),
    path("nguoi-dung/<int:user_id>/du-lieu-ca-nhan/", views.person, name="person"),
    path("nguoi-dung/<int:user_id>/du-lieu-ca-nhan/tai-ve/", views.export, name="export"),
    path("nguoi-dung/<int:user_id>/du-lieu-ca-nhan/xoa/", views.erase, name="erase"),
]
