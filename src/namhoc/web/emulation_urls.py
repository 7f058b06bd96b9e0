"""URLs of the emulation pages (included once from ``namhoc.web.urls`` under ``thi-dua/``)."""

from __future__ import annotations

from django.urls import path

from namhoc.web import emulation_views as v

app_name = "emulation"

urlpatterns = [
    path("", v.index, name="index"),
    path("dot/<int:round_id>/", v.round_detail, name="round"),
    path("dot/<int:round_id>/giai-doan/", v.round_advance, name="advance"),
    path("dot/<int:round_id>/hoi-dong/", v.council_add, name="council_add"),
    path(
        "dot/<int:round_id>/hoi-dong/<int:member_id>/xoa/", v.council_remove, name="council_remove"
    ),
    path("dot/<int:round_id>/dang-ky/", v.register, name="register"),
    path("dot/<int:round_id>/quyet-dinh/", v.decide, name="decide"),
    path("dot/<int:round_id>/ket-qua.docx", v.results_download, name="results"),
    path("dot/<int:round_id>/quyet-dinh.docx", v.decision_download, name="decision"),
    path("ho-so/<int:registration_id>/", v.registration_detail, name="registration"),
    path("ho-so/<int:registration_id>/tu-danh-gia/", v.assess, name="assess"),
    path("ho-so/<int:registration_id>/rut/", v.withdraw, name="withdraw"),
    path("ho-so/<int:registration_id>/bo-phieu/", v.vote, name="vote"),
    path("minh-chung/<int:evidence_id>/tai-ve/", v.evidence_download, name="evidence"),
    path("don-vi/<str:unit_key>/", v.unit_history, name="unit_history"),
    path("ca-nhan/<int:user_id>/", v.person_history, name="person_history"),
]
