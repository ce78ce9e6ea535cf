"""Awards lot by lot (the notice's buyers, after the opening): one page listing each lot with the bids that
answered it and a form per lot; a POST decides one lot. Thin: `procurement.access` reads,
`procurement.actions.awards` decides."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from intranet.forms import apply_action
from procurement import access
from procurement.actions import awards
from procurement.actions import bids as bid_actions
from procurement.actions.lifecycle import REASON_MAX_LENGTH
from procurement.models_bids import BidStatus, LotAward
from procurement.templatetags.procurement_tags import paris_datetime

UNSUCCESSFUL = "unsuccessful"


class LotDecisionForm(forms.Form):
    """One lot's decision: a bid (by id) or "unsuccessful", the amount for a bid, the reason otherwise."""

    lot = forms.IntegerField(widget=forms.HiddenInput)
    bid = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount awarded (€ excl. VAT)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text=gettext_lazy("Required when you choose a bid."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason, if the lot is unsuccessful"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lot_number: int, bids, **kwargs):
        kwargs.setdefault("initial", {"lot": lot_number})
        super().__init__(*args, prefix=f"lot-{lot_number}", **kwargs)
        self.fields["bid"].choices = [(str(bid.pk), bid_label(bid)) for bid in bids] + [
            (UNSUCCESSFUL, _("Declare the lot unsuccessful (no bid chosen)"))
        ]
        self.fields["reason"].help_text = _(
            "Required when the lot is unsuccessful. Published on the notice page. At most %(limit)s characters."
        ) % {"limit": REASON_MAX_LENGTH}


def bid_label(bid) -> str:
    return _("%(company)s — receipt %(receipt)s, received on %(time)s") % {
        "company": bid.company.name,
        "receipt": bid.receipt_id,
        "time": paris_datetime(bid.confirmed_at),
    }


class LotAwardsView(LoginRequiredMixin, View):
    """GET: each lot, its bids and its decision or form. POST (`lot-N-...` fields): decide lot N."""

    template_name = "procurement/awards/lots.html"

    def dispatch(self, request, *args, notice_id, **kwargs):
        if request.user.is_authenticated:
            # The notice's buyers only (403 to other readers, 404 to those who may not read it).
            self.notice = access.access_notice_for_buyer(request.user, notice_id)
        return super().dispatch(request, *args, notice_id=notice_id, **kwargs)

    def _lots(self, bound=None):
        notice = self.notice
        titles = {lot.number: lot.title for lot in notice.lots.all()}
        numbers = bid_actions.lot_numbers(notice)
        bids = self._submitted_bids()
        decisions = {
            award.lot_number: award
            for award in LotAward.objects.filter(notice_id=notice.pk).select_related("bid__company")
        }
        lots = []
        for number in numbers:
            answering = awards.answering_bids(bids, number)
            decision = decisions.get(number)
            form = None
            if decision is None:
                if bound is not None and bound.prefix == f"lot-{number}":
                    form = bound
                else:
                    form = LotDecisionForm(lot_number=number, bids=answering)
            lots.append(
                {
                    "number": number,
                    "name": awards.lot_name(number),
                    "title": titles.get(number, ""),
                    "bids": answering,
                    "decision": decision,
                    "form": form,
                }
            )
        return lots

    def _submitted_bids(self) -> list:
        """The submitted bids (through access: none before the opening), without their files."""
        return list(
            access.opened_bids(self.request.user, self.notice).filter(status=BidStatus.SUBMITTED).prefetch_related(None)
        )

    def refusal(self) -> str:
        try:
            awards.check_decide(self.notice)
        except ValidationError as error:
            return " ".join(error.messages)
        return ""

    def _render(self, bound=None):
        context = {
            "notice": self.notice,
            "lots": self._lots(bound),
            "refusal": self.refusal(),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, notice_id):
        return self._render()

    def post(self, request, notice_id):
        numbers = bid_actions.lot_numbers(self.notice)
        raw = next((key[len("lot-") : -len("-lot")] for key in request.POST if key.endswith("-lot")), "")
        if not raw.isdigit() or int(raw) not in numbers:
            messages.error(request, _("Choose a lot of this call for tender."))
            return HttpResponseRedirect(request.path)
        number = int(raw)
        bids = awards.answering_bids(self._submitted_bids(), number)
        form = LotDecisionForm(request.POST, lot_number=number, bids=bids)
        decision = None
        if form.is_valid():
            data = form.cleaned_data
            chosen = None if data["bid"] == UNSUCCESSFUL else data["bid"]
            decision = apply_action(
                form,
                lambda: awards.decide_lot(
                    request.user,
                    self.notice,
                    number,
                    bid=chosen,
                    amount=data["amount"] if chosen else None,
                    unsuccessful_reason="" if chosen else data["reason"],
                    request=request,
                ),
            )
        if decision is None:
            if LotAward.objects.filter(notice_id=self.notice.pk, lot_number=number).exists():
                # Decided meanwhile (a double click, another buyer): the page shows that decision.
                messages.error(request, " ".join(form.non_field_errors()))
                return HttpResponseRedirect(self._url(number))
            return self._render(form)  # the errors, and what was typed
        messages.success(request, self._success(decision))
        return HttpResponseRedirect(self._url(number))

    def _url(self, number: int) -> str:
        return reverse("procurement:lot_awards", args=[self.notice.pk]) + f"#lot-{number}"

    @staticmethod
    def _success(decision: LotAward) -> str:
        values = {"number": decision.lot_number}
        if decision.outcome == LotAward.Outcome.AWARDED:
            values["company"] = decision.bid.company.name
            if decision.lot_number:
                return _("Lot %(number)s was awarded to %(company)s; the decision is published.") % values
            return _("The call for tender was awarded to %(company)s; the decision is published.") % values
        if decision.lot_number:
            return _("Lot %(number)s was declared unsuccessful; the decision is published.") % values
        return _("The call for tender was declared unsuccessful; the decision is published.")
