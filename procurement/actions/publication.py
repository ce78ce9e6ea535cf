"""Publication of notices: the announced state, kept at the first publication and compared at each later one.

Called from the `page_published` signal (admin, scheduled publication, code), so every way of
publishing behaves the same. The announced state is written with a queryset UPDATE: no revision is made.
"""

import re
from datetime import UTC
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import formats, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from intranet import audit
from intranet.models import AuditEvent
from procurement.actions.alerts import do_notify_alerts
from procurement.actions.amendments import do_record_amendment
from procurement.models import NoticePage, Status
from procurement.templatetags.procurement_tags import paris_datetime

DATETIME_FIELDS = ("questions_deadline", "bids_deadline", "opening_date")
LOT_FIELDS = ("number", "title", "cpv", "estimated_value", "description")
# Notified statuses in the order a notice goes through them (see procurement.transitions).
STATUS_RANK = {"": 0, Status.QUESTIONS_CLOSED: 1, Status.BIDS_CLOSED: 2}


# --- the announced state ------------------------------------------------------------------------


# Text shown with `linebreaksbr`: its line breaks count, not how a browser sends them ("\r\n") nor the
# spaces HTML collapses anyway.
MULTILINE_FIELDS = ("award_criteria",)
CPV_SEPARATORS = re.compile(r"[\s,;]+")


def normalize_text(text, *, multiline: bool = False) -> str:
    """Text as the public sees it: runs of spaces collapsed, no spaces at either end of a line, LF line
    endings (line breaks kept only for multi-line fields), no blank lines at either end."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [" ".join(line.split()) for line in lines]
    return "\n".join(lines).strip("\n") if multiline else " ".join(line for line in lines if line)


def normalize_cpv_list(text) -> str:
    """Additional CPV codes as the form stores them: "45233140-2, 45000000-7", each code once."""
    return ", ".join(dict.fromkeys(code for code in CPV_SEPARATORS.split(str(text or "")) if code))


def _json_datetime(value) -> str | None:
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return None
    # Deadlines are typed and shown to the minute: seconds are nobody's announcement.
    return value.replace(second=0, microsecond=0).astimezone(UTC).isoformat()


def _json_decimal(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        return f"{Decimal(str(value)):.2f}"  # Decimal("80000"), "80000.00" and 80000 are one amount
    except InvalidOperation:
        return str(value)


def _json_value(name: str, value):
    if name in DATETIME_FIELDS:
        return _json_datetime(value)
    if name == "estimated_value":
        return _json_decimal(value)
    if name == "additional_cpv":
        return normalize_cpv_list(value)
    if value is None:
        return None
    return normalize_text(value, multiline=name in MULTILINE_FIELDS)


def _lot_snapshot(lot: dict) -> dict:
    return {
        "number": int(lot["number"]),
        "title": normalize_text(lot.get("title")),
        "cpv": normalize_text(lot.get("cpv")),
        "estimated_value": _json_decimal(lot.get("estimated_value")),
        "description": normalize_text(lot.get("description"), multiline=True),
    }


def snapshot(values: dict, lots: list[dict]) -> dict:
    """The comparable state: AMENDABLE_FIELDS from `values` plus the lots (by number), as JSON-ready values
    normalized to what the public sees, so that two states differ only if the published notice does.

    Also takes a stored snapshot's own values: `snapshot(announced, announced["lots"])` brings a state
    stored by an earlier version of these rules to the current ones."""
    data = {name: _json_value(name, values.get(name)) for name in NoticePage.AMENDABLE_FIELDS}
    data["lots"] = sorted(
        (_lot_snapshot(lot) for lot in lots if lot.get("number") not in (None, "")),
        key=lambda lot: lot["number"],
    )
    return data


def normalize_snapshot(data: dict) -> dict:
    """A stored snapshot (the announced state) under the current normalization rules."""
    if not data:
        return {}
    return snapshot(data, data.get("lots") or [])


def notice_snapshot(notice: NoticePage) -> dict:
    """The snapshot of a page object (a live page or a revision's object, lots included)."""
    values = {name: getattr(notice, name) for name in NoticePage.AMENDABLE_FIELDS}
    lots = [{name: getattr(lot, name) for name in LOT_FIELDS} for lot in notice.lots.all()]
    return snapshot(values, lots)


def _display(field: str, value) -> str:
    if value in (None, ""):
        return ""
    if field in DATETIME_FIELDS:
        return paris_datetime(parse_datetime(value))
    if field == "estimated_value":
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return str(value)
        return _("%(amount)s € excl. VAT") % {"amount": formats.number_format(amount, 2, force_grouping=True)}
    return str(value)


def _lot_display(lot: dict | None, hide_values: bool = False) -> str:
    if not lot:
        return ""
    parts = [lot["title"]]
    if lot["cpv"]:
        parts.append(_("CPV %(code)s") % {"code": lot["cpv"]})
    if lot["estimated_value"] and not hide_values:
        parts.append(_display("estimated_value", lot["estimated_value"]))
    if lot["description"]:
        parts.append(lot["description"])
    return " — ".join(parts)


def describe_changes(before: dict, after: dict, *, hide_values: bool = False) -> list[dict]:
    """What differs between two snapshots, values as displayed (Paris time for dates). With
    `hide_values` (the buyer does not publish the estimated value) a changed value is said to have
    changed, without either figure: amendments are public."""
    # Snapshots stored before a normalization rule existed compare under today's rules.
    before, after = normalize_snapshot(before), normalize_snapshot(after)
    changes = []
    for name in NoticePage.AMENDABLE_FIELDS:
        if before.get(name) != after.get(name):
            label = str(NoticePage._meta.get_field(name).verbose_name)
            hidden = hide_values and name == "estimated_value"
            changes.append(
                {
                    "field": name,
                    "label": label[:1].upper() + label[1:],
                    "before": _("not published") if hidden else _display(name, before.get(name)),
                    "after": _("not published") if hidden else _display(name, after.get(name)),
                }
            )
    lots_before = {lot["number"]: lot for lot in before.get("lots", [])}
    lots_after = {lot["number"]: lot for lot in after.get("lots", [])}
    for number in sorted(set(lots_before) | set(lots_after)):
        if lots_before.get(number) != lots_after.get(number):
            changes.append(
                {
                    "field": f"lot:{number}",
                    "label": _("Lot %(number)s") % {"number": number},
                    "before": _lot_display(lots_before.get(number), hide_values),
                    "after": _lot_display(lots_after.get(number), hide_values),
                }
            )
    return changes


# --- publication --------------------------------------------------------------------------------


def do_handle_publication(notice: NoticePage, *, actor=None) -> None:
    """After any publication of `notice`: the first one stores the announced state, audits and sends
    alerts; a later one that changed announced details records and notifies an amendment."""
    with transaction.atomic():
        # Locked: two publications of the same notice never both see the old announced state.
        row = NoticePage.objects.select_for_update().filter(pk=notice.pk).values("announced", "notified_status").get()
        announced = row["announced"] or {}
        current = notice_snapshot(notice)
        if not announced:
            NoticePage.objects.filter(pk=notice.pk).update(announced=current)
            notice.announced = current
            audit.record(
                AuditEvent.Action.NOTICE_EVENT,
                actor=actor,
                organization=notice.buyer,
                verb="published",
                notice=notice.pk,
                reference=notice.reference,
            )
            do_notify_alerts(notice)
            from procurement.actions import groups

            groups.announce_notice_event(notice, "published")  # a group purchase's members hear of it
            return
        # Stored as displayed: in the site's language, whoever publishes.
        with translation.override(settings.LANGUAGE_CODE):
            changes = describe_changes(announced, current, hide_values=notice.hide_estimated_value)
        if not changes:
            return
        # The admin form requires a reason; publications from code without one get a plain one.
        reason = (notice.amendment_reason or "").strip() or _("Details of the call for tender were changed.")
        do_record_amendment(notice, reason=reason, changes=changes, actor=actor)
        updates = {"announced": current}
        # A later deadline may reopen questions or bids: the worker then announces the closing again.
        status = notice.status_at()
        rank = STATUS_RANK.get(status, STATUS_RANK[Status.BIDS_CLOSED]) if status != Status.PUBLISHED else 0
        if rank < STATUS_RANK.get(row["notified_status"], 0):
            updates["notified_status"] = status if rank else ""
        NoticePage.objects.filter(pk=notice.pk).update(**updates)
        notice.announced = current
