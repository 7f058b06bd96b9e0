from django.urls import path

from namhoc.web import orgunits_views as views

urlpatterns = [
    path("", views.unit_index, name="orgunits-index"),
    path("<str:key>/", views.unit_detail, name="orgunits-detail"),
]
