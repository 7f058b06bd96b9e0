"""Setting a password through a link: "Quên mật khẩu" (Django's reset pages, e-mailing a link)
and the page a link opens (the admin's hand-over link is the same kind). The link's page calls
the use case ``accounts.services.password_set_with_link``, which checks, spends and audits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from namhoc.accounts import services
from namhoc.accounts.models import User
from namhoc.core.errors import DomainError
from namhoc.web.accounts_forms import ResetRequestForm, SetPasswordLinkForm


def link_days() -> int:
    """How many days a password link works (``PASSWORD_RESET_TIMEOUT``), for the sentences."""
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 86400)


class ResetRequestView(auth_views.PasswordResetView):
    """Type an e-mail address; if it is an active account's, a link is e-mailed (the page says
    the same either way, so it does not reveal who has an account)."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("users:password_sent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "link_days": link_days()}

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {
            "site_url": settings.SITE_URL.rstrip("/"),
            "link_days": link_days(),
        }
        return super().form_valid(form)


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page a link opens (the token moves into the session, out of the address bar)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordLinkForm
    success_url = reverse_lazy("users:password_done")
    post_reset_login = False

    def get_user(self, uidb64: str) -> User | None:
        return services.user_for_link(uidb64)

    def form_valid(self, form: Any) -> HttpResponse:
        token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        try:
            services.password_set_with_link(
                uidb64=self.kwargs["uidb64"],
                token=str(token),
                password=form.cleaned_data["new_password1"],
                confirmation=form.cleaned_data["new_password2"],
            )
        except DomainError as exc:
            if exc.field in form.fields:
                form.errors[exc.field] = form.error_class([exc.message])
                return self.form_invalid(form)
            self.validlink = False
            return self.render_to_response(self.get_context_data(form=None, error=exc))
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class SetPasswordDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
