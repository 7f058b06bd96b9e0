from django.contrib import admin
from django.urls import include, path

from namhoc.api.api import api
from namhoc.ops.views import metrics_view

admin.site.site_header = "namhoc — quản trị"
admin.site.site_title = "namhoc"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("metrics", metrics_view, name="metrics"),  # Prometheus, restricted (ADR 0010)
    path("", include("namhoc.web.urls")),
]

# Vietnamese pages for every error (JSON under /api/); never Django's English or debug pages.
handler400 = "namhoc.web.errors.bad_request"
handler403 = "namhoc.web.errors.permission_denied"
handler404 = "namhoc.web.errors.page_not_found"
handler500 = "namhoc.web.errors.server_error"
