"""What the notice page shows; each feature adds its part (`dce`, `qa`, `amendments`...)."""

from django.utils import timezone

from procurement import access, bid_uploads
from procurement.actions import awards
from procurement.models import CPVCode


def notice_page_context(request, notice) -> dict:
    from procurement import amendments_display, dce, qa

    user = request.user
    codes = notice.cpv_codes()
    lots = list(notice.lots.all())
    labels = CPVCode.labels([*codes, *(lot.cpv for lot in lots)])  # in the reader's language
    context = {
        "notice": notice,
        "lots": lots,
        "cpv_labels": labels,
        "main_cpv_label": labels.get(notice.main_cpv, ""),
        "additional_cpv": [(code, labels.get(code, "")) for code in codes[1:]],
        "is_notice_buyer": access.is_notice_buyer(user, notice),
    }
    context.update(dce.page_context(request, notice))
    context.update(qa.page_context(request, notice))
    context.update(amendments_display.page_context(request, notice))
    context.update(
        {
            "now": timezone.now(),
            "bid_limits": bid_uploads.limits(),
            "is_company_user": bool(access.bidding_companies(user)),
            "lot_awards": awards.published_lot_awards(notice, lots),
        }
    )
    return context
