from django.contrib import admin
from django.urls import include, path

from namhoc.api.api import api

admin.site.site_header = "namhoc — quản trị"
admin.site.site_title = "namhoc"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("namhoc.web.urls")),
]
