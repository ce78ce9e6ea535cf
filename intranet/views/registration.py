"""Joining the platform: a company user's sign-up and e-mail confirmation, and accepting an invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from intranet.actions import accounts
from intranet.forms import CompanyRegistrationForm, InvitationSignupForm
from intranet.models import Membership, User

# Accounts created or confirmed here are password accounts: name the backend instead of guessing it.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


class CompanyRegistrationView(FormView):
    template_name = "intranet/accounts/register.html"
    form_class = CompanyRegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            messages.info(request, _("You already have an account."))
            return redirect("profile")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            accounts.do_register_company_user(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                siret=data["siret"],
                company_name=data["company_name"],
                department=data["department"],
                request=self.request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.request.session["registered_email"] = data["email"]
        return redirect("register_done")


class RegistrationDoneView(TemplateView):
    template_name = "intranet/accounts/register_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email"] = self.request.session.get("registered_email", "")
        context["days"] = accounts.EMAIL_CONFIRMATION_MAX_AGE // 86400
        return context


class ConfirmEmailView(View):
    """GET only shows a button: mail scanners prefetch links, so the confirmation itself is a POST."""

    template_name = "intranet/accounts/confirm_email.html"

    def get(self, request, token):
        try:
            user = accounts.check_email_confirmation(token)
        except ValidationError as error:
            return self._invalid(request, error)
        return render(request, self.template_name, {"email": user.email})

    def post(self, request, token):
        try:
            user, membership = accounts.do_confirm_email(token, request=request)
        except ValidationError as error:
            return self._invalid(request, error)
        login(request, user, backend=MODEL_BACKEND)
        return render(
            request,
            "intranet/accounts/confirm_email_done.html",
            {"membership": membership, "pending": membership.status == Membership.Status.PENDING},
        )

    def _invalid(self, request, error: ValidationError):
        return render(
            request,
            "intranet/accounts/confirm_email_invalid.html",
            {"errors": _error_messages(error), "code": error.code},
            status=400,
        )


class AcceptInvitationView(View):
    """Shows the invitation, then joins: as the logged-in invited person, or by creating their account."""

    template_name = "intranet/accounts/invitation.html"

    def dispatch(self, request, *args, token, **kwargs):
        try:
            self.invitation = accounts.get_invitation(token)
        except ValidationError as error:
            return render(
                request,
                "intranet/accounts/invitation_invalid.html",
                {"errors": _error_messages(error), "code": error.code},
                status=400,
            )
        self.token = token
        return super().dispatch(request, *args, token=token, **kwargs)

    def _situation(self) -> str:
        user = self.request.user
        if user.is_authenticated:
            return "accept" if user.email.lower() == self.invitation.email.lower() else "other_account"
        if User.objects.filter(email__iexact=self.invitation.email).exists():
            return "log_in"
        return "sign_up"

    def _render(self, situation: str, form=None, status=200):
        login_url = reverse("login") + "?" + urlencode({"next": self.request.get_full_path()})
        context = {
            "invitation": self.invitation,
            "organization": self.invitation.organization,
            "role": self.invitation.get_role_display(),
            "situation": situation,
            "form": form,
            "login_url": login_url,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, token):
        situation = self._situation()
        form = InvitationSignupForm(email=self.invitation.email) if situation == "sign_up" else None
        return self._render(situation, form)

    def post(self, request, token):
        situation = self._situation()
        if situation == "accept":
            return self._accept(user=request.user)
        if situation == "sign_up":
            form = InvitationSignupForm(request.POST, email=self.invitation.email)
            if not form.is_valid():
                return self._render(situation, form)
            data = form.cleaned_data
            return self._accept(
                form=form,
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                job_title=data["job_title"],
            )
        return self._render(situation)

    def _accept(self, form=None, **kwargs) -> HttpResponseRedirect:
        try:
            membership = accounts.do_accept_invitation(self.token, request=self.request, **kwargs)
        except ValidationError as error:
            if form is not None:
                form.add_error(None, error)
                return self._render("sign_up", form)
            for message in error.messages:
                messages.error(self.request, message)
            return redirect(self.request.get_full_path())
        if not self.request.user.is_authenticated:
            login(self.request, membership.user, backend=MODEL_BACKEND)
        messages.success(
            self.request,
            _("Welcome to %(org)s: you joined as %(role)s.")
            % {"org": membership.organization.name, "role": membership.get_role_display()},
        )
        return redirect("profile")
