from django.contrib.auth import views as auth_views
from django.urls import path

from namhoc.web import views
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
]
