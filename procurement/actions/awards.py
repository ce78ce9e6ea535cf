"""Awards lot by lot, by the notice's buyers after the opening of bids.

Each lot (0: a notice without lots) is awarded to a submitted bid that answered it, with the amount, or declared
unsuccessful with the reason. A lot is decided once: the decision is published at once (notice page, OCDS), so a
second decision is refused. When every lot is decided, the notice's own outcome follows (awarded if any lot was,
else unsuccessful), written by `lifecycle`'s helpers so that the notice's audience hears of it once, as for the
whole-notice award. Once committed, every company whose submitted bid answered a lot is told its outcome.

The whole-notice actions of `lifecycle` stay for notices awarded outside the platform.
"""

from decimal import Decimal, InvalidOperation
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.models import Membership
from intranet.notifications import event_key_for, notify
from procurement.actions import bids as bid_actions
from procurement.actions import lifecycle
from procurement.models import NoticePage, Outcome
from procurement.models_bids import WHOLE_NOTICE, Bid, BidStatus, LotAward
from procurement.templatetags.procurement_tags import paris_datetime

AMOUNT_MAX = lifecycle.AWARD_VALUE_MAX
NOTIFICATION_VERB = "procurement.lot_outcome"


def _refuse(message: str, code: str, field: str | None = None):
    error = ValidationError(message, code=code)
    raise ValidationError({field: error}) if field else error


def lot_name(lot_number: int) -> str:
    """“Lot 2”, or “Whole call for tender” for a notice without lots (lot 0)."""
    if lot_number == WHOLE_NOTICE:
        return _("Whole call for tender")
    return _("Lot %(number)s") % {"number": lot_number}


def check_decide(notice: NoticePage, now=None) -> None:
    """What a lot decision needs of the notice: published, opened, neither cancelled nor decided as a whole; never
    the practice consultation (its bids are rehearsals)."""
    if notice.practice:
        _refuse(_("The practice consultation is never awarded."), "practice")
    lifecycle.check_outcome_possible(notice, now)


def clean_amount(amount) -> Decimal:
    if amount is None or amount == "":
        _refuse(_("Please give the amount awarded."), "required", "amount")
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        _refuse(_("Please give the amount as a number."), "invalid", "amount")
    if not value.is_finite() or value <= 0 or value > AMOUNT_MAX:
        _refuse(_("Please give an amount greater than 0 and at most %(max)s.") % {"max": AMOUNT_MAX}, "range", "amount")
    return value


def answering_bids(bids, lot_number: int) -> list[Bid]:
    """The submitted bids of `bids` that answered `lot_number` (replaced and withdrawn bids are never chosen)."""
    return [bid for bid in bids if bid.status == BidStatus.SUBMITTED and lot_number in (bid.lots or [])]


def _chosen_bid(notice: NoticePage, bid, lot_number: int) -> Bid:
    bid_id = bid.pk if isinstance(bid, Bid) else bid
    chosen = None
    if str(bid_id).isdigit():
        chosen = Bid.objects.select_related("company").filter(pk=int(bid_id), notice_id=notice.pk).first()
    if chosen is None or chosen.status == BidStatus.DRAFT:
        _refuse(_("This bid was not submitted on this call for tender."), "unknown_bid", "bid")
    if chosen.status != BidStatus.SUBMITTED:
        _refuse(
            _("This bid was replaced or withdrawn before the deadline: it cannot be chosen."), "not_submitted", "bid"
        )
    if lot_number not in (chosen.lots or []):
        _refuse(_("This bid did not answer lot %(number)s.") % {"number": lot_number}, "other_lot", "bid")
    return chosen


def _already_decided(award: LotAward) -> ValidationError:
    return ValidationError(
        _("%(lot)s was already decided on %(date)s: a published decision cannot be changed.")
        % {"lot": lot_name(award.lot_number), "date": paris_datetime(award.decided_at)},
        code="decided",
    )


def decide_lot(
    user, notice: NoticePage, lot_number: int, *, bid=None, amount=None, unsuccessful_reason="", request=None
) -> LotAward:
    """Award `lot_number` to `bid` (a submitted bid of the notice that answered it, or its id) for `amount`, or,
    without a bid, declare it unsuccessful for `unsuccessful_reason`. Only the notice's buyers, after the
    opening, while the notice is undecided; once per lot. Returns the decision."""
    lifecycle._check_buyer(user, notice)
    awarding = bid is not None and bid != ""
    if awarding:
        amount, reason = clean_amount(amount), ""
    else:
        amount, reason = None, lifecycle.clean_reason(unsuccessful_reason)
    notice_fields = {}
    with transaction.atomic():
        locked = lifecycle._lock(notice)
        now = timezone.now()
        check_decide(locked, now)
        numbers = bid_actions.lot_numbers(locked)
        if lot_number not in numbers:
            _refuse(_("This call for tender has no lot %(number)s.") % {"number": lot_number}, "no_lot")
        decided = {
            award.lot_number: award
            for award in LotAward.objects.filter(notice_id=locked.pk).select_related("bid__company")
        }
        if lot_number in decided:
            raise _already_decided(decided[lot_number])
        chosen = _chosen_bid(locked, bid, lot_number) if awarding else None
        try:
            with transaction.atomic():
                award = LotAward.objects.create(
                    notice_id=locked.pk,
                    lot_number=lot_number,
                    outcome=LotAward.Outcome.AWARDED if chosen else LotAward.Outcome.UNSUCCESSFUL,
                    bid=chosen,
                    amount=amount,
                    reason=reason,
                    decided_at=now,
                    decided_by=user,
                )
        except IntegrityError:  # another buyer's decision on this lot, committed in between
            raise _already_decided(LotAward.objects.get(notice_id=locked.pk, lot_number=lot_number)) from None
        if chosen:
            lifecycle._record(
                user,
                notice,
                request,
                "lot_awarded",
                lot=lot_number,
                receipt=chosen.receipt_id,
                supplier_name=chosen.company.name,
                supplier_siret=chosen.company.siret,
                value=str(amount),
            )
        else:
            lifecycle._record(user, notice, request, "lot_unsuccessful", lot=lot_number, reason=reason)
        decided[lot_number] = award
        if all(number in decided for number in numbers):
            notice_fields, verb, message, details = _notice_outcome(notice, [decided[n] for n in numbers], now)
            lifecycle._write(user, notice, request, notice_fields, verb, message, **details)
        transaction.on_commit(partial(notify_bidders, award.pk, actor=user))
    lifecycle._refresh(notice, notice_fields)
    return award


def _notice_outcome(notice: NoticePage, awards: list[LotAward], now) -> tuple[dict, str, str, dict]:
    """The notice's lifecycle fields, verb, audience message and audit details once every lot is decided."""
    won = [award for award in awards if award.outcome == LotAward.Outcome.AWARDED]
    if won:
        companies = list({award.bid.company_id: award.bid.company for award in won}.values())
        name = ", ".join(company.name for company in companies)
        if len(name) > lifecycle.SUPPLIER_NAME_MAX_LENGTH:
            name = name[: lifecycle.SUPPLIER_NAME_MAX_LENGTH - 1] + "…"
        total = sum((award.amount for award in won), Decimal("0"))
        fields = {
            "outcome": Outcome.AWARDED,
            "outcome_at": now,
            "outcome_reason": "",
            "award_supplier_name": name,
            # One awardee (one lot, or every lot to the same company): its SIRET; several: none.
            "award_supplier_siret": companies[0].siret if len(companies) == 1 else "",
            # The total awarded over the lots (None if it overflows the field).
            "award_value": total if total <= AMOUNT_MAX else None,
        }
        message = _("The call for tender %(reference)s was awarded to %(supplier)s.") % {
            "reference": notice.reference,
            "supplier": name,
        }
        details = {
            "supplier_name": name,
            "supplier_siret": fields["award_supplier_siret"],
            "value": str(total),
            "by_lot": True,
        }
        return fields, "awarded", message, details
    if len(awards) == 1:
        reason = awards[0].reason
    else:
        reason = "\n".join(
            _("%(lot)s: %(reason)s") % {"lot": lot_name(award.lot_number), "reason": award.reason} for award in awards
        )
    fields = {"outcome": Outcome.UNSUCCESSFUL, "outcome_at": now, "outcome_reason": reason}
    message = _("The call for tender %(reference)s was declared unsuccessful: %(reason)s") % {
        "reference": notice.reference,
        "reason": reason[:200],
    }
    return fields, "unsuccessful", message, {"reason": reason, "by_lot": True}


# --- the bidders hear of each lot they answered ---------------------------------------------------------------


def _company_users(company_ids) -> list:
    """The members of these companies who may act (active membership, open and confirmed account)."""
    User = get_user_model()
    return list(
        User.objects.filter(
            memberships__organization_id__in=list(company_ids),
            memberships__status=Membership.Status.ACTIVE,
            memberships__role__in=Membership.COMPANY_ROLES,
            is_active=True,
            closed_at__isnull=True,
            email_confirmed_at__isnull=False,
        )
        .distinct()
        .order_by("pk")
    )


def outcome_event_key(award: LotAward) -> str:
    """One event per lot decision: each bidder's user is told of it once, however often this runs."""
    return event_key_for(NOTIFICATION_VERB, award.notice_id, award.lot_number)


def notify_bidders(award_id: int, actor=None) -> int:
    """Tell the users of every company whose submitted bid answered the lot its outcome: the winner that its bid
    was chosen, the others that the lot went to another company or was declared unsuccessful. Safe to run again
    (one event key per decision). Returns the notifications made."""
    award = LotAward.objects.select_related("notice", "bid").filter(pk=award_id).first()
    if award is None:
        return 0
    notice = award.notice
    bids = answering_bids(Bid.objects.filter(notice_id=notice.pk, status=BidStatus.SUBMITTED), award.lot_number)
    winner_id = award.bid.company_id if award.bid_id else None
    winners = _company_users([winner_id]) if winner_id else []
    winner_ids = {user.pk for user in winners}
    others = [
        user
        for user in _company_users({bid.company_id for bid in bids if bid.company_id != winner_id})
        if user.pk not in winner_ids
    ]
    values = {"reference": notice.reference, "number": award.lot_number}
    whole = award.lot_number == WHOLE_NOTICE
    if award.outcome == LotAward.Outcome.AWARDED:
        chosen = (
            _("Your bid was chosen for the call for tender %(reference)s.")
            if whole
            else _("Your bid was chosen for lot %(number)s of the call for tender %(reference)s.")
        )
        other = (
            _("The call for tender %(reference)s was awarded to another company.")
            if whole
            else _("Lot %(number)s of the call for tender %(reference)s was awarded to another company.")
        )
    else:
        chosen = ""
        other = (
            _("The call for tender %(reference)s was declared unsuccessful.")
            if whole
            else _("Lot %(number)s of the call for tender %(reference)s was declared unsuccessful.")
        )
    common = {
        "verb": NOTIFICATION_VERB,
        "url": notice.url or "",
        "target": notice,
        "actor": actor,
        "event_key": outcome_event_key(award),
    }
    made = []
    if winners and chosen:
        made += notify(winners, message=chosen % values, **common)
    if others:
        made += notify(others, message=other % values, **common)
    return len(made)


# --- what the notice page shows ----------------------------------------------------------------------------------


def published_lot_awards(notice: NoticePage, lots=None) -> list[LotAward]:
    """The notice's lot decisions, by lot, with `bid.company` loaded and `lot_title` set (from `lots`, the
    notice's Lot objects, when given). No query before the opening (nothing can be decided then); one after."""
    if not notice.opened_at:
        return []
    awards = list(LotAward.objects.filter(notice_id=notice.pk).select_related("bid__company").order_by("lot_number"))
    if awards:
        titles = {lot.number: lot.title for lot in (notice.lots.all() if lots is None else lots)}
        for award in awards:
            award.lot_title = titles.get(award.lot_number, "")
    return awards
