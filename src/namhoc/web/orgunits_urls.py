from django.urls import path

from namhoc.web import orgunits_views as views
from namhoc.web.pickers import unit_picker

urlpatterns = [
    path("", views.unit_index, name="orgunits-index"),
    path("chon/", unit_picker, name="unit-picker"),
    path("<str:key>/", views.unit_detail, name="orgunits-detail"),
]
