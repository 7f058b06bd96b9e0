"""URLs of user management (``users:``) and the audit log (``audit:``)."""

from __future__ import annotations

from django.urls import path

from namhoc.web import accounts_views, audit_views

users_patterns = (
    [
        path("", accounts_views.user_list, name="list"),
        path("them/", accounts_views.user_create, name="create"),
        path("<int:user_id>/", accounts_views.user_detail, name="detail"),
        path("<int:user_id>/vai-tro/", accounts_views.membership_grant, name="grant"),
        path("<int:user_id>/khoa/", accounts_views.user_disable, name="disable"),
        path("<int:user_id>/mo-khoa/", accounts_views.user_enable, name="enable"),
        path(
            "vai-tro/<int:membership_id>/thu-hoi/",
            accounts_views.membership_revoke,
            name="revoke",
        ),
    ],
    "users",
)

audit_patterns = (
    [
        path("", audit_views.audit_list, name="list"),
        path("<str:content_type>/<str:object_id>/", audit_views.audit_object, name="object"),
    ],
    "audit",
)
