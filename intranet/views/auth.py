"""Logging in and out, changing a forgotten or known password: Django's views with our templates and audit."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from intranet import audit
from intranet.forms import EmailAuthenticationForm
from intranet.models import AuditEvent


class LoginView(auth_views.LoginView):
    """E-mail and password; django-axes counts the failures (it needs the request, which this view passes)."""

    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or a prefetch cannot log anyone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditEvent.Action.PASSWORD_CHANGED, actor=self.request.user, request=self.request)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the reset link by e-mail; the link is built on the site's configured address, not the Host header."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        return {"base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"), "site_name": settings.SITE_NAME}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        audit.record(AuditEvent.Action.PASSWORD_RESET, actor=user, request=self.request)
        # Proving access to the mailbox lifts the lock-out on this address (not the one on the IP address).
        axes_reset(username=user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
