from django.contrib.auth import views as auth_views
from django.urls import include, path

from namhoc.web import views
from namhoc.web.accounts_urls import audit_patterns, users_patterns
from namhoc.web.forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("namhoc.web.privacy_urls")),  # personal data (ADR 0010)
    path("nguoi-dung/", include(users_patterns)),
    path("nhat-ky/", include(audit_patterns)),
    path("thong-bao/", include("namhoc.web.notifications_urls")),
    path("don-vi/", include("namhoc.web.orgunits_urls")),
    path("so-lieu/", include("namhoc.web.indicators_urls")),
    path("bao-cao/", include("namhoc.web.reporting_urls")),
    path("kiem-tra/", include("namhoc.web.inspections_urls")),  # inspections (ADR 0011)
    path("thi-dua/", include("namhoc.web.emulation_urls")),  # emulation (ADR 0011)
    path("van-ban-phap-ly/", include("namhoc.web.legal_urls")),  # the legal registry (ADR 0012)
    path("cong-khai/", include("namhoc.web.disclosure_urls")),  # public pages (ADR 0012)
    path("", include("namhoc.web.directives_urls")),
]
