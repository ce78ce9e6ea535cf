"""Template helpers of the procurement app: dates in Paris time (the zone said once a page), status badges."""

import dataclasses

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from procurement.models import Status

register = template.Library()

PARIS = timezone.get_default_timezone()


def _paris_parts(value) -> dict:
    local = timezone.localtime(value, PARIS)
    offset = local.strftime("%z")
    return {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "H:i"),
        "offset": f"{offset[:3]}:{offset[3:]}",
    }


@register.filter
def paris_datetime(value):
    """“15 mars 2027 à 12:00 (heure de Paris, UTC+01:00)”: for a date standing alone (messages, amendment
    texts stored by procurement.actions.publication, pages with a single date)."""
    if not value:
        return ""
    return _("%(date)s at %(time)s (Paris time, UTC%(offset)s)") % _paris_parts(value)


@register.filter
def paris_datetime_offset(value):
    """“15 mars 2027 à 12:00 (UTC+01:00)”: a deadline on a page that says once that its times are Paris
    time (procurement/includes/paris_time_note.html); the offset stays, as summer and winter time differ."""
    if not value:
        return ""
    return _("%(date)s at %(time)s (UTC%(offset)s)") % _paris_parts(value)


@register.filter
def paris_datetime_short(value):
    """“15 mars 2027 à 12:00”: any other date on a page that says once that its times are Paris time."""
    if not value:
        return ""
    return _("%(date)s at %(time)s") % _paris_parts(value)


@register.filter
def iso_datetime(value):
    """For <time datetime=...>: ISO 8601 with the offset."""
    if not value:
        return ""
    return timezone.localtime(value, PARIS).isoformat(timespec="minutes")


# Up to this length a reference fits a 320 px screen on one line; longer ones (50 characters at most) wrap.
REFERENCE_UNBROKEN_MAX = 24


@register.filter
def reference_code(reference) -> str:
    """A notice reference kept on one line (« 2026-SEC-181 », not « 2026- / SEC-181 ») where it fits."""
    if len(reference) > REFERENCE_UNBROKEN_MAX:
        return format_html('<span class="reference-code reference-code-long">{}</span>', reference)
    return format_html('<span class="reference-code">{}</span>', reference)


@register.simple_tag
def status_badge(notice, now=None):
    status = notice.status_at(now)
    return format_html('<span class="notice-status notice-status-{}">{}</span>', status, Status(status).label)


@register.filter
def active_filter_count(criteria) -> int:
    """How many filters of the list page differ from their defaults (the sort order is not a filter):
    shown on the collapsed « Filtrer » disclosure so that narrow screens still see that filters apply."""
    if criteria is None:
        return 0
    changed = [field.name for field in dataclasses.fields(criteria) if getattr(criteria, field.name) != field.default]
    return len([name for name in changed if name != "sort"])


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, or None (a dict looked up by a variable in a template)."""
    return (mapping or {}).get(key)


@register.filter
def quantity(value) -> str:
    """A decimal quantity as typed: no trailing zeros (12.5, not 12.500), in the reader's language (12,5 in French),
    thousands grouped."""
    from decimal import Decimal

    from django.utils.formats import number_format

    if value is None or value == "":
        return ""
    value = Decimal(value)
    places = max(0, -value.normalize().as_tuple().exponent)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def unit_price(value) -> str:
    """A unit price in euros: two decimals at least, four at most as stored (3,10 ; 0,0345), in the reader's
    language."""
    from decimal import Decimal

    from django.utils.formats import number_format

    if value is None or value == "":
        return ""
    value = Decimal(value)
    places = min(4, max(2, -value.normalize().as_tuple().exponent))
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
