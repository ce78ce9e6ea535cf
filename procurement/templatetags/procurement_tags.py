"""Template helpers of the procurement app: dates in Paris time with the zone shown, status badges."""

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from procurement.models import Status

register = template.Library()

PARIS = timezone.get_default_timezone()


@register.filter
def paris_datetime(value):
    """“15 mars 2027 à 12:00 (heure de Paris, UTC+01:00)”: a deadline always says which clock it means."""
    if not value:
        return ""
    local = timezone.localtime(value, PARIS)
    offset = local.strftime("%z")
    return _("%(date)s at %(time)s (Paris time, UTC%(offset)s)") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "H:i"),
        "offset": f"{offset[:3]}:{offset[3:]}",
    }


@register.filter
def iso_datetime(value):
    """For <time datetime=...>: ISO 8601 with the offset."""
    if not value:
        return ""
    return timezone.localtime(value, PARIS).isoformat(timespec="minutes")


@register.simple_tag
def status_badge(notice, now=None):
    status = notice.status_at(now)
    return format_html('<span class="notice-status notice-status-{}">{}</span>', status, Status(status).label)
