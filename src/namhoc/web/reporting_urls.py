"""URLs of the reports pages (included once from ``namhoc.web.urls`` under ``bao-cao/``)."""

from __future__ import annotations

from django.urls import path

from namhoc.web import reporting_views as r

app_name = "reporting"

urlpatterns = [
    path("", r.index, name="index"),
    path("ban-nhap/<int:draft_id>/", r.draft_detail, name="draft"),
    path("ban-nhap/<int:draft_id>/trang-thai/", r.draft_status, name="draft_status"),
    path("ban-nhap/<int:draft_id>/tai-ve/", r.draft_download, name="draft_download"),
    path("ban-nhap/<int:draft_id>/phu-luc/", r.draft_annex, name="draft_annex"),
    path("mau/", r.templates, name="templates"),
    path("mau/mau-goc/<str:kind>/", r.starter_download, name="starter"),
    path("mau/<int:template_id>/tai-ve/", r.template_download, name="template_download"),
    path("mau/<int:template_id>/bo/", r.template_retire, name="template_retire"),
]
