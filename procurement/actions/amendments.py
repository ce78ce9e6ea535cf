"""Amendments (rectificatifs): a published notice's change, recorded with its reason and notified."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from intranet import audit
from intranet.models import AuditEvent
from intranet.notifications import event_key_for, notify
from procurement.audience import notice_audience
from procurement.models import Amendment, NoticePage

AMENDMENT_VERB = "procurement.amendment"


def do_record_amendment(notice: NoticePage, *, reason: str, changes: list[dict], actor=None, request=None) -> Amendment:
    """Record amendment number N+1 of `notice` and notify its identified downloaders and followers.

    `changes`: [{"field": ..., "label": ..., "before": ..., "after": ...}], values as displayed
    (text), e.g. {"field": "documents", "label": "Documents", "before": "", "after": "CCTP.pdf (version 2)"}."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("an amendment needs a reason")
    with transaction.atomic():
        # Lock the notice row so two amendments never get the same number.
        NoticePage.objects.select_for_update().filter(pk=notice.pk).values_list("pk", flat=True).first()
        number = (Amendment.objects.filter(notice=notice).aggregate(n=Max("number"))["n"] or 0) + 1
        amendment = Amendment.objects.create(
            notice=notice, number=number, reason=reason, changes=changes, created_by=actor
        )
        audit.record(
            AuditEvent.Action.NOTICE_EVENT,
            actor=actor,
            request=request,
            organization=notice.buyer,
            verb="amended",
            notice=notice.pk,
            reference=notice.reference,
            amendment=number,
        )
        notify(
            notice_audience(notice),
            verb=AMENDMENT_VERB,
            message=_("Amendment %(number)s to the call for tender %(reference)s: %(reason)s")
            % {"number": number, "reference": notice.reference, "reason": reason[:200]},
            url=notice.url or "",
            target=notice,
            actor=actor,
            event_key=event_key_for(AMENDMENT_VERB, amendment.pk),
        )
    return amendment
