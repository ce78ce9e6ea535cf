"""A notice's lifecycle, by its buyers: open the bids, award, declare unsuccessful, cancel.

Each function checks the permission again, locks the notice row (so two buyers clicking at once
give one outcome), checks the transition against the locked state, writes the lifecycle fields with
`update()` (no revision: `NoticePage.with_content_json` keeps them), audits and notifies the
notice's audience (never its buyers: they did it). Impossible transitions raise ValidationError
with a message for the buyer; people who are not the notice's buyers get PermissionDenied.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import access as core_access
from intranet import audit
from intranet.models import AuditEvent
from intranet.notifications import event_key_for, notify
from intranet.validators import normalize_siret, validate_siren_or_siret
from procurement import access
from procurement.actions import bids
from procurement.actions.questions import notice_buyers
from procurement.audience import notice_audience
from procurement.models import NoticePage, Outcome
from procurement.templatetags.procurement_tags import paris_datetime

REASON_MAX_LENGTH = 2000
SUPPLIER_NAME_MAX_LENGTH = 200
AWARD_VALUE_MAX = Decimal("999999999999.99")  # 14 digits, 2 decimals


def _check_buyer(user, notice: NoticePage) -> None:
    if not access.is_notice_buyer(user, notice) or not core_access.can_act(user):
        raise PermissionDenied


def _lock(notice: NoticePage) -> NoticePage:
    return NoticePage.objects.select_for_update().get(pk=notice.pk)


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _check_undecided(notice: NoticePage) -> None:
    if not notice.first_published_at:
        _refuse(_("This call for tender has not been published."), "draft")
    if notice.cancelled_at:
        _refuse(
            _("This call for tender was cancelled on %(date)s.") % {"date": paris_datetime(notice.cancelled_at)},
            "cancelled",
        )
    if notice.outcome == Outcome.AWARDED:
        _refuse(_("This call for tender has already been awarded."), "awarded")
    if notice.outcome == Outcome.UNSUCCESSFUL:
        _refuse(_("This call for tender has already been declared unsuccessful."), "unsuccessful")


def _check_bids_closed(notice: NoticePage, now) -> None:
    if now < notice.bids_deadline:
        _refuse(
            _("The deadline for bids (%(deadline)s) has not passed yet.")
            % {"deadline": paris_datetime(notice.bids_deadline)},
            "bids_open",
        )


# --- checks, also used by the pages to say at once what is possible ---------------------------


def check_open_bids(notice: NoticePage, now=None) -> None:
    now = now or timezone.now()
    if notice.practice:
        message = _("The practice consultation is never opened by a buyer: each test bid opens for its company.")
        _refuse(message, "practice")
    _check_undecided(notice)
    if notice.opened_at:
        _refuse(
            _("The bids were already opened on %(date)s.") % {"date": paris_datetime(notice.opened_at)},
            "opened",
        )
    _check_bids_closed(notice, now)


def _check_no_lot_decision(notice: NoticePage) -> None:
    """Once a lot is decided on the lot-by-lot page, the whole notice's outcome follows from the lots."""
    if not notice.opened_at:
        return  # lots are decided after the opening only: no query for the others
    if getattr(notice, "_has_lot_decisions", None) is None:
        notice._has_lot_decisions = notice.lot_awards.exists()  # once per object: the page asks for each action
    if notice._has_lot_decisions:
        _refuse(_("Lots of this call for tender are being decided one by one: finish on the lot-by-lot page."), "lots")


def check_outcome_possible(notice: NoticePage, now=None) -> None:
    """Undecided and opened: what awarding the notice, or one of its lots, needs."""
    _check_undecided(notice)
    if not notice.opened_at:
        _refuse(_("Open the bids before awarding the contract."), "not_opened")


def check_award(notice: NoticePage, now=None) -> None:
    check_outcome_possible(notice, now)
    _check_no_lot_decision(notice)


def check_declare_unsuccessful(notice: NoticePage, now=None) -> None:
    now = now or timezone.now()
    _check_undecided(notice)
    _check_no_lot_decision(notice)
    _check_bids_closed(notice, now)


def check_cancel(notice: NoticePage, now=None) -> None:
    _check_undecided(notice)
    _check_no_lot_decision(notice)


def _audience(notice: NoticePage) -> list:
    buyer_ids = set(notice_buyers(notice).values_list("pk", flat=True))
    return [user for user in notice_audience(notice) if user.pk not in buyer_ids]


def _record(user, notice, request, verb, **details):
    audit.record(
        AuditEvent.Action.NOTICE_EVENT,
        actor=user,
        request=request,
        organization=notice.buyer,
        verb=verb,
        notice=notice.pk,
        reference=notice.reference,
        **details,
    )


def outcome_event_key(notice: NoticePage, verb: str) -> str:
    """A notice is awarded, declared unsuccessful or cancelled once: the notice and the verb are the event."""
    return event_key_for(f"procurement.{verb}", notice.pk)


def _write(user, notice: NoticePage, request, fields: dict, verb: str, message: str = "", **details) -> None:
    """Inside the caller's transaction: the lifecycle fields (no revision), the audit row and, with a
    `message`, the audience's notification (`procurement.<verb>`)."""
    NoticePage.objects.filter(pk=notice.pk).update(**fields)
    _record(user, notice, request, verb, **details)
    if fields.get("outcome") == Outcome.AWARDED:
        from procurement.actions import groups

        groups.announce_notice_event(notice, "awarded")  # a group purchase's members hear of it
    if message:
        notify(
            _audience(notice),
            verb=f"procurement.{verb}",
            message=message,
            url=notice.url or "",
            target=notice,
            actor=user,
            event_key=outcome_event_key(notice, verb),
        )


def _refresh(notice: NoticePage, fields: dict) -> None:
    for name, value in fields.items():
        setattr(notice, name, value)


# --- actions ------------------------------------------------------------------------------------


def do_open_bids(user, notice: NoticePage, *, request=None) -> NoticePage:
    """Open the bids: possible once the deadline for bids has passed, once."""
    _check_buyer(user, notice)
    with transaction.atomic():
        locked = _lock(notice)
        now = timezone.now()
        check_open_bids(locked, now)
        fields = {"opened_at": now}
        _write(user, notice, request, fields, "bids_opened")
        bids.record_opening(locked, user, now)
    _refresh(notice, fields)
    return notice


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Please give the reason."), code="required")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("This reason is too long: at most %(limit)s characters, you typed %(typed)s.")
                    % {"limit": REASON_MAX_LENGTH, "typed": len(reason)},
                    code="max_length",
                )
            }
        )
    return reason


def clean_award(supplier_name: str, supplier_siret: str, value, awarded_at, now) -> dict:
    errors = {}
    supplier_name = " ".join((supplier_name or "").split())
    if not supplier_name:
        errors["supplier_name"] = ValidationError(_("Please give the awardee's name."), code="required")
    elif len(supplier_name) > SUPPLIER_NAME_MAX_LENGTH:
        errors["supplier_name"] = ValidationError(
            _("This name is too long: at most %(limit)s characters.") % {"limit": SUPPLIER_NAME_MAX_LENGTH},
            code="max_length",
        )
    siret = normalize_siret(supplier_siret)
    if not siret:
        errors["supplier_siret"] = ValidationError(_("Please give the awardee's SIRET."), code="required")
    elif len(siret) != 14:
        errors["supplier_siret"] = ValidationError(_("A SIRET has 14 digits."), code="siret_length")
    else:
        try:
            validate_siren_or_siret(siret)
        except ValidationError as error:
            errors["supplier_siret"] = error
    if value is None or value == "":
        errors["value"] = ValidationError(_("Please give the awarded value."), code="required")
    else:
        try:
            value = Decimal(str(value)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors["value"] = ValidationError(_("Please give the value as a number."), code="invalid")
        else:
            if value < 0 or value > AWARD_VALUE_MAX:
                errors["value"] = ValidationError(
                    _("Please give a value between 0 and %(max)s.") % {"max": AWARD_VALUE_MAX}, code="range"
                )
    awarded_at = awarded_at or now
    if awarded_at > now:
        errors["awarded_on"] = ValidationError(_("The award date cannot be in the future."), code="future")
    if errors:
        raise ValidationError(errors)
    return {
        "award_supplier_name": supplier_name,
        "award_supplier_siret": siret,
        "award_value": value,
        "outcome_at": awarded_at,
    }


def award_date(day: datetime.date | None, now=None) -> datetime.datetime | None:
    """The instant recorded for an award decided on `day` (Paris): now for today, else the day's start."""
    if day is None:
        return None
    now = now or timezone.now()
    if day == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def do_award(
    user, notice: NoticePage, *, supplier_name: str, supplier_siret: str, value, awarded_at=None, request=None
) -> NoticePage:
    """Award the contract (after the opening of bids); the audience is told."""
    _check_buyer(user, notice)
    now = timezone.now()
    fields = clean_award(supplier_name, supplier_siret, value, awarded_at, now)
    fields.update(outcome=Outcome.AWARDED, outcome_reason="")
    with transaction.atomic():
        locked = _lock(notice)
        check_award(locked, now)
        _write(
            user,
            notice,
            request,
            fields,
            "awarded",
            _("The call for tender %(reference)s was awarded to %(supplier)s.")
            % {"reference": notice.reference, "supplier": fields["award_supplier_name"]},
            supplier_name=fields["award_supplier_name"],
            supplier_siret=fields["award_supplier_siret"],
            value=str(fields["award_value"]),
        )
    _refresh(notice, fields)
    return notice


def do_declare_unsuccessful(user, notice: NoticePage, *, reason: str, request=None) -> NoticePage:
    """Declare the call for tender unsuccessful (after the deadline for bids), with the reason."""
    _check_buyer(user, notice)
    reason = clean_reason(reason)
    with transaction.atomic():
        locked = _lock(notice)
        now = timezone.now()
        check_declare_unsuccessful(locked, now)
        fields = {"outcome": Outcome.UNSUCCESSFUL, "outcome_at": now, "outcome_reason": reason}
        message = _("The call for tender %(reference)s was declared unsuccessful: %(reason)s")
        _write(
            user,
            notice,
            request,
            fields,
            "unsuccessful",
            message % {"reference": notice.reference, "reason": reason[:200]},
            reason=reason,
        )
    _refresh(notice, fields)
    return notice


def do_cancel(user, notice: NoticePage, *, reason: str, request=None) -> NoticePage:
    """Cancel the call for tender (after its publication, before any outcome), with the reason."""
    _check_buyer(user, notice)
    reason = clean_reason(reason)
    with transaction.atomic():
        locked = _lock(notice)
        now = timezone.now()
        check_cancel(locked, now)
        fields = {"cancelled_at": now, "cancellation_reason": reason}
        message = _("The call for tender %(reference)s was cancelled: %(reason)s")
        _write(
            user,
            notice,
            request,
            fields,
            "cancelled",
            message % {"reference": notice.reference, "reason": reason[:200]},
            reason=reason,
        )
    _refresh(notice, fields)
    return notice


def possible_actions(notice: NoticePage, now=None) -> list[str]:
    """The lifecycle actions possible now, for the buyer tools: "open", "award", "unsuccessful", "cancel"."""
    now = now or timezone.now()
    checks = {
        "open": check_open_bids,
        "award": check_award,
        "unsuccessful": check_declare_unsuccessful,
        "cancel": check_cancel,
    }
    possible = []
    for name, check in checks.items():
        try:
            check(notice, now)
        except ValidationError:
            continue
        possible.append(name)
    return possible
