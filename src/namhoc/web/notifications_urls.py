"""Notice centre and notification settings under ``/thong-bao/``."""

from django.urls import path

from namhoc.web import notifications_views as v

app_name = "notifications"

urlpatterns = [
    path("", v.notice_list, name="list"),
    path("doc-het/", v.read_all, name="read_all"),
    path("<int:notice_id>/da-doc/", v.read, name="read"),
    path("<int:notice_id>/mo/", v.open_notice, name="open"),
    path("cai-dat/", v.preferences, name="preferences"),
    path("webhook/", v.webhooks, name="webhooks"),
    path("webhook/<int:webhook_id>/", v.webhook_edit, name="webhook"),
    path("webhook/<int:webhook_id>/doi-khoa/", v.webhook_rotate, name="webhook_rotate"),
    path("webhook/<int:webhook_id>/xoa/", v.webhook_delete, name="webhook_delete"),
    path("gui-loi/", v.failures, name="failures"),
    path("gui-loi/<int:delivery_id>/gui-lai/", v.retry, name="retry"),
]
