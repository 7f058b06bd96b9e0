"""URLs of the directive and tracking pages (included once from ``namhoc.web.urls``)."""

from __future__ import annotations

from django.urls import include, path

from namhoc.web import directives_cascade_views as c
from namhoc.web import directives_review_views as r
from namhoc.web import directives_views as d
from namhoc.web import tracking_views as t

directive_patterns = [
    path("", d.directive_list, name="list"),
    path("tai-len/", d.upload, name="upload"),
    path("tep/<int:source_id>/", d.source_detail, name="source"),
    path("tep/<int:source_id>/trang-thai/", d.source_status, name="source_status"),
    path("tep/<int:source_id>/doc-lai/", d.source_retry, name="source_retry"),
    path("tep/<int:source_id>/tai-ve/", d.source_download, name="source_download"),
    path("<int:directive_id>/", r.detail, name="detail"),
    path("<int:directive_id>/thong-tin/", r.header_update, name="header"),
    path("<int:directive_id>/nhiem-vu/them/", r.task_add, name="task_add"),
    path("<int:directive_id>/nhiem-vu/<int:task_id>/", r.task_update, name="task"),
    path("<int:directive_id>/nhiem-vu/<int:task_id>/gop/", r.task_merge, name="task_merge"),
    path("<int:directive_id>/nhiem-vu/<int:task_id>/tach/", r.task_split, name="task_split"),
    path("<int:directive_id>/nhiem-vu/<int:task_id>/xoa/", r.task_delete, name="task_delete"),
    path("<int:directive_id>/van-ban-dan/them/", r.citation_add, name="citation_add"),
    path("<int:directive_id>/van-ban-dan/<int:citation_id>/", r.citation_save, name="citation"),
    path("<int:directive_id>/chi-tieu/them/", r.target_add, name="target_add"),
    path("<int:directive_id>/chi-tieu/<int:target_id>/", r.target_save, name="target"),
    path("<int:directive_id>/ban-hanh/", r.publish, name="publish"),
    path("<int:directive_id>/sua-doi/", r.revise, name="revise"),
    path("<int:directive_id>/cap-tren/", c.set_upper, name="upper"),
    path("<int:directive_id>/lien-ket/", c.links, name="links"),
    path("<int:directive_id>/lien-ket/goi-y/", c.links_suggest, name="links_suggest"),
    path("<int:directive_id>/lien-ket/quyet-dinh/", c.link_decide, name="link_decide"),
    path("<int:directive_id>/lien-ket/xac-nhan-theo-muc/", c.links_accept, name="links_accept"),
    path("<int:directive_id>/bao-phu/", c.coverage, name="coverage"),
]

tracking_patterns = [
    path("nhiem-vu/<int:task_id>/phan-cong/", t.assign, name="assign"),
    path("phan-cong/<int:assignment_id>/", t.assignment_detail, name="assignment"),
    path("phan-cong/<int:assignment_id>/cap-nhat/", t.update_post, name="update_post"),
    path("bao-cao/<int:update_id>/xem-xet/", t.update_review, name="update_review"),
    path("phan-cong/<int:assignment_id>/dieu-chinh/", t.terms_update, name="terms"),
    path("phan-cong/<int:assignment_id>/xoa/", t.assignment_delete, name="assignment_delete"),
    path("minh-chung/<int:evidence_id>/tai-ve/", t.evidence_download, name="evidence"),
    path("don-vi/<str:unit_key>/", t.unit_work, name="unit_work"),
    path("bang-dieu-khien/", t.dashboard, name="dashboard"),
]

urlpatterns = [
    path("van-ban/", include((directive_patterns, "directives"))),
    path("theo-doi/", include((tracking_patterns, "tracking"))),
]
