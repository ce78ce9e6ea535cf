"""The notice's buyers' lifecycle pages: open the bids, award, declare unsuccessful, cancel.

Each is a confirmation page with a POST form (thin: access, procurement.actions.lifecycle, redirect).
When the transition is impossible the page says why and shows no button.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.generic import View

from intranet.forms import apply_action
from procurement import access
from procurement.actions import lifecycle
from procurement.forms_questions import AwardForm, ConfirmForm, ReasonForm
from procurement.views_questions import notice_url


class LifecycleView(LoginRequiredMixin, View):
    template_name = ""
    form_class = ConfirmForm
    check = None  # lifecycle.check_<verb>(notice)
    success_message = ""
    heading = ""

    def dispatch(self, request, *args, notice_id, **kwargs):
        if request.user.is_authenticated:
            self.notice = access.access_notice_for_buyer(request.user, notice_id)
        return super().dispatch(request, *args, notice_id=notice_id, **kwargs)

    def refusal(self) -> str:
        try:
            type(self).check(self.notice)
        except ValidationError as error:
            return " ".join(error.messages)
        return ""

    def get(self, request, notice_id):
        return self._render(self.form_class(), self.refusal())

    def post(self, request, notice_id):
        form = self.form_class(request.POST)
        result = None
        if form.is_valid():
            result = apply_action(form, lambda: self.write(form.cleaned_data))
        if result is not None:
            messages.success(request, str(self.success_message))
            return HttpResponseRedirect(notice_url(request, self.notice))
        # A refusal of the transition itself: the page says why and offers no button.
        refusal = " ".join(form.non_field_errors()) if form.non_field_errors() else self.refusal()
        return self._render(form, refusal)

    def write(self, data):
        raise NotImplementedError

    def _render(self, form, refusal=""):
        context = {"notice": self.notice, "form": form, "refusal": refusal, "heading": self.heading}
        return render(self.request, self.template_name, context)


class OpenBidsView(LifecycleView):
    heading = gettext_lazy("Open the bids")
    template_name = "procurement/lifecycle/open_bids.html"
    check = lifecycle.check_open_bids
    success_message = gettext_lazy("The bids have been opened.")

    def write(self, data):
        return lifecycle.do_open_bids(self.request.user, self.notice, request=self.request)


class AwardView(LifecycleView):
    heading = gettext_lazy("Award the contract")
    template_name = "procurement/lifecycle/award.html"
    form_class = AwardForm
    check = lifecycle.check_award
    success_message = gettext_lazy("The award has been published.")

    def write(self, data):
        day: datetime.date | None = data.get("awarded_on")
        return lifecycle.do_award(
            self.request.user,
            self.notice,
            supplier_name=data["supplier_name"],
            supplier_siret=data["supplier_siret"],
            value=data["value"],
            awarded_at=lifecycle.award_date(day),
            request=self.request,
        )


class DeclareUnsuccessfulView(LifecycleView):
    heading = gettext_lazy("Declare the call for tender unsuccessful")
    template_name = "procurement/lifecycle/unsuccessful.html"
    form_class = ReasonForm
    check = lifecycle.check_declare_unsuccessful
    success_message = gettext_lazy("The call for tender has been declared unsuccessful.")

    def write(self, data):
        return lifecycle.do_declare_unsuccessful(
            self.request.user, self.notice, reason=data["reason"], request=self.request
        )


class CancelNoticeView(LifecycleView):
    heading = gettext_lazy("Cancel the call for tender")
    template_name = "procurement/lifecycle/cancel.html"
    form_class = ReasonForm
    check = lifecycle.check_cancel
    success_message = gettext_lazy("The call for tender has been cancelled.")

    def write(self, data):
        return lifecycle.do_cancel(self.request.user, self.notice, reason=data["reason"], request=self.request)
