"""Every write on bids: prepare, add and remove files, confirm (the receipt and the register), replace, withdraw,
open. The time of a bid is the server's clock, read inside the transaction that records it.

Nothing here writes to the audit log, the notifications or the logs before the deadline: a bid's existence is
the submitting company's secret until then. Its trace is the bid log (`BidLog`) and the register, read through
`procurement.access`. The opening (by the notice's buyers) is audited with the notice's other lifecycle acts.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import chain
from procurement import access
from procurement.models import NoticePage
from procurement.models_bids import (
    REGISTER_SCHEME,
    WHOLE_NOTICE,
    Bid,
    BidFile,
    BidLog,
    BidStatus,
    RegisterKind,
    new_receipt_id,
    register_key,
)
from procurement.templatetags.procurement_tags import paris_datetime

logger = logging.getLogger(__name__)


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def lot_numbers(notice: NoticePage) -> list[int]:
    """The lots a bid may answer: the notice's lot numbers, or [0] for a notice without lots."""
    numbers = sorted(notice.lots.values_list("number", flat=True))
    return numbers or [WHOLE_NOTICE]


def _company_of(user, bid: Bid):
    if bid.company_id not in {company.pk for company in access.bidding_companies(user)}:
        raise PermissionDenied


def deadline_passed(notice: NoticePage, now) -> bool:
    return now >= notice.bids_deadline


def check_accepting(notice: NoticePage, now) -> None:
    """Refuse unless the notice takes bids at `now` (the server clock): published, not cancelled, not opened,
    strictly before the deadline."""
    if not notice.live or not notice.first_published_at:
        _refuse(_("This call for tender does not take bids."), "not_live")
    if notice.cancelled_at:
        _refuse(_("This call for tender was cancelled."), "cancelled")
    if notice.opened_at or deadline_passed(notice, now):
        _refuse(
            _("The deadline for bids (%(deadline)s) has passed.") % {"deadline": paris_datetime(notice.bids_deadline)},
            "deadline",
        )


def log(notice_id: int, company_id: int, kind: str, *, bid=None, user=None, at=None, **details) -> BidLog:
    return BidLog.objects.create(
        notice_id=notice_id,
        company_id=company_id,
        bid=bid,
        user=user if user is not None and user.is_authenticated else None,
        kind=kind,
        at=at or timezone.now(),
        details=details,
    )


def start_bid(user, notice: NoticePage, company=None) -> Bid:
    """The company's bid in preparation on `notice` (made if there is none): files are added to it."""
    companies = access.bidding_companies(user)
    if not companies or not access.can_prepare_bid(user, notice):
        raise PermissionDenied
    company = company or companies[0]
    if company.pk not in {c.pk for c in companies}:
        raise PermissionDenied
    check_accepting(notice, timezone.now())
    draft = Bid.objects.filter(notice=notice, company=company, status=BidStatus.DRAFT).first()
    if draft:
        return draft
    try:
        with transaction.atomic():
            return Bid.objects.create(notice=notice, company=company, submitted_by=user)
    except IntegrityError:  # a double click: the other request made it
        return Bid.objects.get(notice=notice, company=company, status=BidStatus.DRAFT)


def remove_file(user, bid_file: BidFile) -> None:
    """Take a file out of a bid in preparation (its sealed bytes are deleted)."""
    from procurement import bid_uploads

    bid = bid_file.bid
    _company_of(user, bid)
    if bid.status != BidStatus.DRAFT:
        _refuse(_("A submitted bid cannot be changed: submit a new bid to replace it."), "submitted")
    with transaction.atomic():
        deleted, _counts = BidFile.objects.filter(pk=bid_file.pk, bid__status=BidStatus.DRAFT).delete()
        if deleted:
            log(bid.notice_id, bid.company_id, BidLog.Kind.FILE_REMOVED, bid=bid, user=user, name=bid_file.name)
            transaction.on_commit(lambda: bid_uploads.delete_sealed(bid_file.sealed))


def abandon(user, bid: Bid) -> None:
    """Delete a bid in preparation and its files."""
    from procurement import bid_uploads

    _company_of(user, bid)
    if bid.status != BidStatus.DRAFT:
        _refuse(_("A submitted bid cannot be deleted: withdraw it instead."), "submitted")
    states = [bid_file.sealed for bid_file in bid.files.all()]
    with transaction.atomic():
        Bid.objects.filter(pk=bid.pk, status=BidStatus.DRAFT).delete()
        transaction.on_commit(lambda: [bid_uploads.delete_sealed(state) for state in states])


def receipt_digest(receipt: dict) -> str:
    """The SHA-256 of a receipt's canonical JSON: printed on it, and chained by the public register."""
    return chain.canonical_digest(receipt)


def build_receipt(bid: Bid, files: list[BidFile], receipt_id: str, now, user) -> dict:
    notice = bid.notice
    return {
        "receipt": receipt_id,
        "platform": settings.SITE_NAME,
        "notice": {"id": notice.pk, "reference": notice.reference, "title": notice.title},
        "buyer": notice.buyer.name,
        "deadline": notice.bids_deadline.astimezone(datetime.UTC).isoformat(),
        "company": {"name": bid.company.name, "siret": bid.company.siret},
        "submitter": {"name": user.get_full_name() or user.email, "email": user.email},
        "submitted_at": now.astimezone(datetime.UTC).isoformat(),
        "lots": sorted({bid_file.lot_number for bid_file in files}),
        "files": [
            {
                "lot": bid_file.lot_number,
                "part": bid_file.kind,
                "name": bid_file.name,
                "size": bid_file.size,
                "sha256": bid_file.sha256,
            }
            for bid_file in files
        ],
        "replaces": None,
    }


def _append_entry(notice: NoticePage, kind: str, receipt_id: str, digest: str, now) -> chain.ChainEntry:
    """Append to the notice's public register (the core's chain `register_key`), in the caller's transaction,
    which holds the notice's row lock (the deadline, the opening and the replaced bid depend on it)."""
    return chain.append(
        register_key(notice.pk), kind=kind, reference=receipt_id, digest=digest, at=now, scheme=REGISTER_SCHEME
    )


def _late_allowed(bid: Bid, notice: NoticePage, now) -> bool:
    """With PROCUREMENT_BID_ACCEPT_LATE_UPLOADS, a bid whose files all started before the deadline may be
    confirmed within the grace after it."""
    if not settings.PROCUREMENT_BID_ACCEPT_LATE_UPLOADS or notice.opened_at or notice.cancelled_at:
        return False
    if now >= notice.bids_deadline + settings.PROCUREMENT_BID_LATE_GRACE:
        return False
    return all(bid_file.upload_started_at < notice.bids_deadline for bid_file in bid.files.all())


def confirm(user, bid: Bid) -> Bid:
    """Submit a bid in preparation: its time from the server clock, its receipt, its register entry; the company's
    previous submitted bid becomes replaced. Idempotent: a second click finds the bid submitted and returns it."""
    _company_of(user, bid)
    refusal = None
    with transaction.atomic():
        notice = NoticePage.objects.select_for_update().select_related("buyer").get(pk=bid.notice_id)
        locked = Bid.objects.select_for_update().select_related("company").get(pk=bid.pk)
        if locked.status == BidStatus.SUBMITTED:
            return locked  # a double click: the first one submitted it
        if locked.status != BidStatus.DRAFT:
            _refuse(_("This bid can no longer be submitted."), "not_draft")
        now = timezone.now()
        try:
            check_accepting(notice, now)
        except ValidationError as error:
            if error.code != "deadline" or not _late_allowed(locked, notice, now):
                refusal = error
        if refusal is None:
            files = list(locked.files.all())
            if not files:
                _refuse(_("Add at least one file to your bid before submitting it."), "empty")
            valid_lots = set(lot_numbers(notice))
            if any(bid_file.lot_number not in valid_lots for bid_file in files):
                _refuse(_("A file of your bid is for a lot this call for tender no longer has: remove it."), "lots")
            locked.notice = notice
            receipt_id = new_receipt_id()
            receipt = build_receipt(locked, files, receipt_id, now, user)
            previous = (
                Bid.objects.select_for_update()
                .filter(notice=notice, company=locked.company, status=BidStatus.SUBMITTED)
                .first()
            )
            if previous:
                receipt["replaces"] = previous.receipt_id
                Bid.objects.filter(pk=previous.pk).update(status=BidStatus.REPLACED, replaced_at=now)
            digest = receipt_digest(receipt)
            locked.status = BidStatus.SUBMITTED
            locked.confirmed_at = now
            locked.receipt_id = receipt_id
            locked.receipt = receipt
            locked.receipt_digest = digest
            locked.lots = receipt["lots"]
            locked.submitted_by = user
            locked.save()
            if previous:
                Bid.objects.filter(pk=previous.pk).update(replaced_by=locked)
                log(
                    notice.pk,
                    locked.company_id,
                    BidLog.Kind.REPLACED,
                    bid=previous,
                    user=user,
                    at=now,
                    receipt=previous.receipt_id,
                    by=receipt_id,
                )
            _append_entry(notice, RegisterKind.RECEIPT, receipt_id, digest, now)
            log(notice.pk, locked.company_id, BidLog.Kind.SUBMITTED, bid=locked, user=user, at=now, receipt=receipt_id)
            transaction.on_commit(lambda: _email_receipt(locked.pk))
            return locked
    # Refused for lateness: logged (outside the rolled back transaction), then said.
    log(bid.notice_id, bid.company_id, BidLog.Kind.LATE_SUBMISSION_REFUSED, bid=bid, user=user)
    raise refusal


def _email_receipt(bid_id: int) -> None:
    from procurement.tasks import email_bid_receipt

    email_bid_receipt.enqueue(bid_id)


def withdraw(user, bid: Bid) -> Bid:
    """Withdraw a submitted bid before the deadline: it will not be opened; the register records it."""
    _company_of(user, bid)
    with transaction.atomic():
        notice = NoticePage.objects.select_for_update().get(pk=bid.notice_id)
        locked = Bid.objects.select_for_update().get(pk=bid.pk)
        if locked.status == BidStatus.WITHDRAWN:
            return locked
        if locked.status != BidStatus.SUBMITTED:
            _refuse(_("Only a submitted bid can be withdrawn."), "not_submitted")
        now = timezone.now()
        check_accepting(notice, now)
        locked.status = BidStatus.WITHDRAWN
        locked.withdrawn_at = now
        locked.save(update_fields=["status", "withdrawn_at"])
        _append_entry(notice, RegisterKind.WITHDRAWAL, locked.receipt_id, locked.receipt_digest, now)
        log(
            notice.pk,
            locked.company_id,
            BidLog.Kind.WITHDRAWN,
            bid=locked,
            user=user,
            at=now,
            receipt=locked.receipt_id,
        )
    return locked


def register_entries(notice: NoticePage):
    """The notice's public register, in order (`access.register_is_public` says who may read it)."""
    return chain.entries(register_key(notice.pk))


def find_in_register(notice: NoticePage, receipt_id: str):
    """The register's entries of one receipt (its receipt, maybe its withdrawal), in order."""
    return chain.find(register_key(notice.pk), receipt_id)


def verify_register(notice: NoticePage) -> chain.Verification:
    """The notice's register recomputed: each entry's hash and link, and its end against the chain's head."""
    return chain.verify(register_key(notice.pk))


def record_opening(notice: NoticePage, user, now) -> int:
    """Part of the opening (`lifecycle.do_open_bids`, in its transaction): each submitted bid's log says it was
    opened, and the files' integrity is checked against the receipts once committed. Returns the bids opened."""
    opened = list(Bid.objects.filter(notice=notice, status=BidStatus.SUBMITTED).values_list("pk", "company_id"))
    BidLog.objects.bulk_create(
        [
            BidLog(
                notice_id=notice.pk, company_id=company_id, bid_id=bid_id, user=user, kind=BidLog.Kind.OPENED, at=now
            )
            for bid_id, company_id in opened
        ]
    )
    if opened:
        transaction.on_commit(lambda: _verify_later(notice.pk))
    return len(opened)


def _verify_later(notice_id: int) -> None:
    from procurement.tasks import verify_opened_bids

    verify_opened_bids.enqueue(notice_id)
