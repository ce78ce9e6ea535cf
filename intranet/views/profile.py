"""A person's own account: profile and preferences, their organizations, personal data, closing the account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View
from wagtail import hooks

from intranet.actions import personal_data, profile
from intranet.forms import CloseAccountForm, ProfileForm
from intranet.models import Membership

EXPORT_FILENAME = "mes-donnees.json"


class ProfileView(LoginRequiredMixin, View):
    template_name = "intranet/accounts/profile.html"

    def get(self, request):
        return self._render(ProfileForm(initial=ProfileForm.initial_for(request.user)))

    def post(self, request):
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile.do_update_profile(request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("profile")
        return self._render(form)

    def _render(self, form):
        memberships = (
            Membership.objects.filter(user=self.request.user)
            .select_related("organization")
            .order_by("organization__name")
        )
        # Apps add sections (training progress...) through the `register_profile_section` hook:
        # a function `(request) -> dict | None` with title, template, context and order.
        sections = [section for hook in hooks.get_hooks("register_profile_section") if (section := hook(self.request))]
        sections.sort(key=lambda section: section.get("order", 100))
        return render(
            self.request, self.template_name, {"form": form, "memberships": memberships, "sections": sections}
        )


class PersonalDataExportView(LoginRequiredMixin, View):
    """Everything the platform holds about the person, as a JSON download (RGPD right of access)."""

    def get(self, request):
        data = personal_data.do_export_personal_data(request.user, request=request)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
        response["Cache-Control"] = "no-store"
        return response


class CloseAccountView(LoginRequiredMixin, View):
    template_name = "intranet/accounts/close_account.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CloseAccountForm(user=request.user)})

    def post(self, request):
        form = CloseAccountForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        personal_data.do_close_account(request.user, request=request)
        logout(request)
        messages.success(request, _("Your account has been closed. Thank you for using the platform."))
        return redirect("/")
