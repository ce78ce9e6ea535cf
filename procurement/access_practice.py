"""Who reads what of the practice consultation's bids (`NoticePage.practice`): its own company only, once the
rehearsal's delay is over.

A bid of the practice notice that is submitted (not replaced, not withdrawn: those are never opened, here as on a
real call for tender) is "opened" for its company `PROCUREMENT_PRACTICE_OPENING_DELAY` after its confirmation. Then
the company's members (`access.bidding_companies`) download its decrypted files; nobody else ever does: not another
company, not the notice's buyer, not a platform admin (404). `procurement.sealing.practice_private_key` refuses
every notice but the practice one, whatever is asked here.
"""

import datetime

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from procurement.access import bidding_companies
from procurement.models_bids import Bid, BidFile, BidStatus


def practice_opening_at(bid: Bid) -> datetime.datetime | None:
    """When a submitted bid of the practice notice is opened for its company (None for any other bid)."""
    if not bid.notice.practice or bid.status != BidStatus.SUBMITTED or bid.confirmed_at is None:
        return None
    return bid.confirmed_at + settings.PROCUREMENT_PRACTICE_OPENING_DELAY


def practice_bid_opened(bid: Bid, now: datetime.datetime | None = None) -> bool:
    """A submitted bid of the practice notice whose delay after its confirmation is over (server clock)."""
    opening_at = practice_opening_at(bid)
    return opening_at is not None and opening_at <= (now or timezone.now())


def access_practice_bid_file(user, file_id) -> BidFile:
    """A file of an opened practice bid of one of `user`'s companies, or 404 (before the delay too)."""
    company_ids = [company.pk for company in bidding_companies(user)]
    bid_file = (
        BidFile.objects.select_related("bid", "bid__notice", "bid__company")
        .filter(
            pk=file_id if str(file_id).isdigit() else None,
            bid__company_id__in=company_ids,
            bid__notice__practice=True,
            bid__status=BidStatus.SUBMITTED,
        )
        .first()
    )
    if bid_file is None or not practice_bid_opened(bid_file.bid):
        raise Http404
    return bid_file
