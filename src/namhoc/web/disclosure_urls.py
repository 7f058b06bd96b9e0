"""URLs of the public disclosure pages (included once from ``namhoc.web.urls``)."""

from __future__ import annotations

from django.urls import path

from namhoc.web import disclosure_views as v

app_name = "disclosure"

urlpatterns = [
    path("", v.index, name="index"),
    path("<str:key>/", v.unit_page, name="unit"),
    path("<str:key>/du-lieu.csv", v.open_csv, name="csv"),
    path("<str:key>/du-lieu.json", v.open_json, name="json"),
]
