"""Background work of bids: the receipt by e-mail, the integrity check of the opened bids."""

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from procurement.models import NoticePage
from procurement.models_bids import Bid, BidFile, BidStatus


def _absolute(url: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


@task()
def email_bid_receipt(bid_id: int) -> bool:
    """E-mail the receipt of a submitted bid to its submitter, with the PDF attached."""
    from django.urls import reverse

    from procurement import receipts_pdf

    bid = Bid.objects.select_related("submitted_by", "notice").filter(pk=bid_id).exclude(receipt_id=None).first()
    if bid is None or bid.submitted_by is None or not bid.submitted_by.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "bid": bid,
            "receipt": bid.receipt,
            "url": _absolute(reverse("procurement:bid_receipt", kwargs={"receipt_id": bid.receipt_id})),
            "site_name": settings.SITE_NAME,
        }
        message = EmailMessage(
            subject=render_to_string("procurement/bids/email/receipt_subject.txt", context).strip()[:200],
            body=render_to_string("procurement/bids/email/receipt.txt", context),
            to=[bid.submitted_by.email],
        )
        message.attach(
            f"accuse-de-reception-{bid.receipt_id}.pdf",
            receipts_pdf.receipt_pdf(bid.receipt, bid.receipt_digest),
            "application/pdf",
        )
        message.send()
    return True


@task()
def verify_opened_bids(notice_id: int) -> int:
    """After the opening: decrypt each file of the submitted bids once and compare its SHA-256 with the
    receipt's (`BidFile.intact`). Returns how many files were checked."""
    from procurement import sealing

    notice = NoticePage.objects.get(pk=notice_id)
    checked = 0
    for bid_file in BidFile.objects.filter(bid__notice=notice, bid__status=BidStatus.SUBMITTED, intact=None):
        digest = hashlib.sha256()
        try:
            for chunk in sealing.SealedReader(notice, bid_file.sealed).chunks():
                digest.update(chunk)
            intact = digest.hexdigest() == bid_file.sha256
        except sealing.SealedUntilOpening:
            raise
        except (sealing.SealingError, OSError):
            intact = False
        with transaction.atomic():
            BidFile.objects.filter(pk=bid_file.pk).update(intact=intact)
        checked += 1
    return checked
