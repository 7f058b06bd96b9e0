"""URLs of the inspection pages (included once from ``namhoc.web.urls`` under ``kiem-tra/``)."""

from __future__ import annotations

from django.urls import path

from namhoc.web import inspections_views as v

app_name = "inspections"

urlpatterns = [
    path("", v.index, name="index"),
    path("ke-hoach/<int:plan_id>/", v.plan_detail, name="plan"),
    path("ke-hoach/<int:plan_id>/cuoc-kiem-tra/", v.inspection_add, name="inspection_add"),
    path("<int:inspection_id>/", v.detail, name="detail"),
    path("<int:inspection_id>/doan/", v.team, name="team"),
    path("<int:inspection_id>/danh-muc/", v.checklist_add, name="checklist_add"),
    path(
        "<int:inspection_id>/danh-muc/<int:item_id>/xoa/",
        v.checklist_remove,
        name="checklist_remove",
    ),
    path("<int:inspection_id>/ket-qua/", v.results, name="results"),
    path("<int:inspection_id>/nhan-xet/", v.findings, name="findings"),
    path("<int:inspection_id>/kien-nghi/", v.recommendation_add, name="recommendation_add"),
    path(
        "<int:inspection_id>/kien-nghi/<int:recommendation_id>/",
        v.recommendation_save,
        name="recommendation",
    ),
    path(
        "<int:inspection_id>/kien-nghi/<int:recommendation_id>/xoa/",
        v.recommendation_delete,
        name="recommendation_delete",
    ),
    path("<int:inspection_id>/ket-luan/", v.conclude, name="conclude"),
    path("<int:inspection_id>/bien-ban.docx", v.record_download, name="record"),
    path("<int:inspection_id>/ket-luan.docx", v.conclusion_download, name="conclusion"),
]
