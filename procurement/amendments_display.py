"""The notice page's amendment history (rectificatifs): number, date, reason and each change."""

from procurement.models import Amendment


def page_context(request, notice) -> dict:
    amendments = list(Amendment.objects.filter(notice=notice).order_by("number"))
    return {"amendments": amendments}
