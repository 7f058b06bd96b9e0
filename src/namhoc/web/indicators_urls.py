"""Figures pages under ``/so-lieu/``."""

from django.urls import path

from namhoc.web import indicators_views as views

ENTRY = "<str:key>/ky/<str:period_code>/bieu/<str:data_set_code>/"

urlpatterns = [
    path("", views.index, name="indicators-index"),
    path("tong-quan/", views.dashboard, name="indicators-my-dashboard"),
    path(ENTRY, views.entry, name="indicators-entry"),
    path(ENTRY + "luu/", views.save, name="indicators-save"),
    path(ENTRY + "phe-duyet/", views.approve, name="indicators-approve"),
    path(ENTRY + "mau.xlsx", views.template_download, name="indicators-template"),
    path(ENTRY + "nhap-excel/", views.template_upload, name="indicators-import"),
    path("<str:key>/tong-quan/", views.dashboard, name="indicators-dashboard"),
    path("<str:key>/xep-hang/", views.scorecard, name="indicators-scorecard"),
    path("<str:key>/chi-tieu/", views.targets, name="indicators-targets"),
]
