"""The practice consultation's pages: its stable address (/avis/entrainement/, linked from the notice list, the home
page and the training room), and the download of a rehearsal bid's decrypted files by their own company once the
delay is over; plus what the receipt page shows of it (`practice_context`). Thin: `procurement.access_practice`
decides, `procurement.sealing` decrypts."""

import hashlib

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from procurement import sealing
from procurement.access import bidding_companies
from procurement.access_practice import access_practice_bid_file, practice_bid_opened, practice_opening_at
from procurement.models_bids import BidFile, BidStatus
from procurement.practice import practice_notice


def practice_redirect(request):
    """The practice consultation's stable address: its page, wherever the page tree puts it."""
    notice = practice_notice()
    if notice is None or not notice.url:
        raise Http404(_("The test consultation is not available at the moment."))
    return HttpResponseRedirect(notice.url)


class PracticeBidFileView(LoginRequiredMixin, View):
    """One file of the company's own opened practice bid, decrypted as it streams (404 to anyone else, and
    before the delay)."""

    def get(self, request, file_id):
        bid_file = access_practice_bid_file(request.user, file_id)
        reader = sealing.SealedReader(bid_file.bid.notice, bid_file.sealed, practice=True)
        response = StreamingHttpResponse(reader.chunks(), content_type=bid_file.content_type)
        response["Content-Length"] = str(bid_file.size)
        response["Content-Disposition"] = content_disposition_header(True, bid_file.name)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _receipt_entry(entries: list[dict], bid_file: BidFile) -> dict | None:
    """The receipt's line for `bid_file` (taken out of `entries`, so that two files of one name each get theirs)."""
    for position, entry in enumerate(entries):
        if (entry.get("lot"), entry.get("part"), entry.get("name"), entry.get("size")) == (
            bid_file.lot_number,
            bid_file.kind,
            bid_file.name,
            bid_file.size,
        ):
            return entries.pop(position)
    return None


def _decrypts_intact(notice, bid_file: BidFile) -> bool | None:
    """Whether the stored file decrypts whole to the SHA-256 recorded when it arrived: computed once, then kept
    in `BidFile.intact` (as the opening of a real notice does). None if it could not be read now."""
    if bid_file.intact is not None:
        return bid_file.intact
    digest = hashlib.sha256()
    try:
        for chunk in sealing.SealedReader(notice, bid_file.sealed, practice=True).chunks():
            digest.update(chunk)
        intact = digest.hexdigest() == bid_file.sha256
    except sealing.SealedUntilOpening:
        return None
    except (sealing.SealingError, OSError):
        intact = False
    with transaction.atomic():
        BidFile.objects.filter(pk=bid_file.pk).update(intact=intact)
    bid_file.intact = intact
    return intact


def practice_context(user, bid) -> dict:
    """What the receipt page says of a practice bid (nothing for a real one): when it opens, or its files with
    their download links and whether each matches the receipt's hash; only for a bid of `user`'s companies."""
    if not bid.notice.practice or bid.company_id not in {company.pk for company in bidding_companies(user)}:
        return {}
    now = timezone.now()
    practice = {
        "opening_at": practice_opening_at(bid),
        "opened": practice_bid_opened(bid, now),
        "never_opened": bid.status in (BidStatus.REPLACED, BidStatus.WITHDRAWN),
        "files": [],
    }
    if practice["opened"]:
        entries = list((bid.receipt or {}).get("files") or [])
        for bid_file in bid.files.all():
            entry = _receipt_entry(entries, bid_file)
            matches = None
            if entry is None or entry.get("sha256") != bid_file.sha256:
                matches = False
            else:
                matches = _decrypts_intact(bid.notice, bid_file)
            practice["files"].append(
                {
                    "file": bid_file,
                    "url": reverse("procurement:practice_bid_file", kwargs={"file_id": bid_file.pk}),
                    "matches": matches,
                }
            )
    return {"practice": practice}
