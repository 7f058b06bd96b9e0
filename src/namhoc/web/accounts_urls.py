"""URLs of user management (``users:``) and the audit log (``audit:``)."""

from __future__ import annotations

from django.urls import path

from namhoc.web import accounts_views, audit_views
from namhoc.web import passwords_views as passwords

users_patterns = (
    [
        path("", accounts_views.user_list, name="list"),
        path("them/", accounts_views.user_create, name="create"),
        path("nhap/", accounts_views.people_import, name="import"),
        path("nhap/mau/", accounts_views.people_template, name="import_template"),
        path("<int:user_id>/", accounts_views.user_detail, name="detail"),
        path("<int:user_id>/vai-tro/", accounts_views.membership_grant, name="grant"),
        path("<int:user_id>/khoa/", accounts_views.user_disable, name="disable"),
        path("<int:user_id>/mo-khoa/", accounts_views.user_enable, name="enable"),
        path(
            "vai-tro/<int:membership_id>/thu-hoi/",
            accounts_views.membership_revoke,
            name="revoke",
        ),
        path(
            "<int:user_id>/lien-ket-mat-khau/",
            accounts_views.password_link,
            name="password_link",
        ),
        # setting a password through a link: open to anyone holding the link
        path("quen-mat-khau/", passwords.ResetRequestView.as_view(), name="password_reset"),
        path("quen-mat-khau/da-gui/", passwords.ResetSentView.as_view(), name="password_sent"),
        path(
            "dat-mat-khau/<uidb64>/<token>/",
            passwords.SetPasswordView.as_view(),
            name="password_set",
        ),
        path("dat-mat-khau/xong/", passwords.SetPasswordDoneView.as_view(), name="password_done"),
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
