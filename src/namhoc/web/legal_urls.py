"""URLs of the legal registry pages (included once from ``namhoc.web.urls``)."""

from __future__ import annotations

from django.urls import path

from namhoc.web import legal_views as v

app_name = "legal"

urlpatterns = [
    path("", v.registry, name="registry"),
    path("tra-cuu/", v.lookup, name="lookup"),
    path("them/", v.create, name="create"),
    path("van-ban-con-dan-van-ban-bi-thay-the/", v.stale, name="stale"),
    path("<int:document_id>/", v.document, name="document"),
    path("<int:document_id>/sua/", v.update, name="update"),
]
