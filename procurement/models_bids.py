"""Electronic bids (offres): sealed files, receipts, the public receipt register, the bid log and awards per lot.

Nothing here is registered in any admin, search index, feed or export: before the deadline only the submitting
company learns that its bid exists (`procurement.access` decides every read). The files' bytes are sealed
(`procurement.sealing`): a `BidFile` holds the sealed file's state (no clear key) and the SHA-256 of its
plaintext, computed from what was really stored.

Lots: a notice without lots is a single lot, numbered 0 here (files, receipts and awards alike).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.chain import RECEIPT_REGISTER_V1
from intranet.models import Organization

WHOLE_NOTICE = 0  # the lot number of a notice without lots
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


def new_receipt_id() -> str:
    """AR-XXXX-XXXX-XXXX-XXXX: 80 random bits, unguessable, easy to read out."""
    chars = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(16))
    return "AR-" + "-".join(chars[index : index + 4] for index in range(0, 16, 4))


class BidStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SUBMITTED = "submitted", _("Submitted")
    REPLACED = "replaced", _("Replaced by a later bid")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Bid(models.Model):
    """One company's bid on one notice: a draft while its files arrive, then submitted (with its receipt),
    maybe replaced by a later bid of the same company or withdrawn, both before the deadline."""

    notice = models.ForeignKey(
        "procurement.NoticePage", on_delete=models.PROTECT, related_name="bids", verbose_name=_("notice")
    )
    company = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="bids", verbose_name=_("company"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="bids", verbose_name=_("submitter")
    )
    status = models.CharField(_("status"), max_length=12, choices=BidStatus.choices, default=BidStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    # The server's clock at the confirmation: the time of the bid, on its receipt.
    confirmed_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    receipt_id = models.CharField(_("receipt"), max_length=32, null=True, blank=True, unique=True)
    # The receipt as issued (notice, lots, company, submitter, time, files with sizes and hashes) and the
    # SHA-256 of its canonical JSON, which the public register chains.
    receipt = models.JSONField(default=dict, blank=True)
    receipt_digest = models.CharField(max_length=64, blank=True)
    lots = models.JSONField(default=list, blank=True)  # the lot numbers answered, once submitted
    replaced_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["confirmed_at", "pk"]
        constraints = [
            # One draft and one live (submitted) bid per company and notice at a time.
            models.UniqueConstraint(
                fields=["notice", "company"], condition=models.Q(status="draft"), name="one_draft_bid_per_company"
            ),
            models.UniqueConstraint(
                fields=["notice", "company"],
                condition=models.Q(status="submitted"),
                name="one_submitted_bid_per_company",
            ),
        ]
        indexes = [models.Index(fields=["notice", "status"], name="procurement_bid_notice_status")]

    def __str__(self):
        return self.receipt_id or f"bid {self.pk}"

    @property
    def total_size(self) -> int:
        return sum(bid_file.size for bid_file in self.files.all())


class BidFile(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application (candidature)")
        OFFER = "offer", _("Offer")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="files")
    lot_number = models.PositiveSmallIntegerField(_("lot"), default=WHOLE_NOTICE)
    kind = models.CharField(_("part"), max_length=12, choices=Kind.choices, default=Kind.OFFER)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # procurement.sealing's state of the sealed file (storage name, sealed data key, segments): no clear key.
    sealed = models.JSONField(default=dict)
    # The tus upload that brought it: a retried last piece finds the file already made.
    upload_id = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)  # its last byte received: complete
    upload_started_at = models.DateTimeField(default=timezone.now)  # its first request
    # Checked at the opening: the decrypted file's SHA-256 against the receipt's (None: not checked yet).
    intact = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("bid file")
        verbose_name_plural = _("bid files")
        ordering = ["lot_number", "kind", "created_at", "pk"]

    def __str__(self):
        return self.name


class RegisterKind(models.TextChoices):
    """The kinds of a notice's public receipt register entries (a core hash chain, `register_key`)."""

    RECEIPT = "receipt", _("Bid received")
    WITHDRAWAL = "withdrawal", _("Bid withdrawn")


def register_key(notice_id: int) -> str:
    """The public receipt register of a notice: the core's hash chain (`intranet.chain`) of this key, scheme
    `REGISTER_SCHEME`. Append-only, each entry chaining the previous one's hash; public only after the deadline,
    and then without names, sizes or file hashes: a receipt identifier (the entry's reference), its time, the
    receipt's digest and the chain."""
    return f"bids:{notice_id}"


# Its hashes are those of procurement's first register (notice id as scope, 64 zeros before the first entry):
# receipts already given out carry them.
REGISTER_SCHEME = RECEIPT_REGISTER_V1


class BidLog(models.Model):
    """What happened to a company's bids on a notice, refusals included: shown to the company at once, to the
    notice's buyers after the opening, and to nobody else (no audit view lists it before the deadline)."""

    class Kind(models.TextChoices):
        FILE_ADDED = "file_added", _("File received")
        FILE_REMOVED = "file_removed", _("File removed")
        SUBMITTED = "submitted", _("Bid submitted")
        REPLACED = "replaced", _("Bid replaced")
        WITHDRAWN = "withdrawn", _("Bid withdrawn")
        LATE_SUBMISSION_REFUSED = "late_submission", _("Submission after the deadline refused")
        LATE_UPLOAD_REFUSED = "late_upload", _("Upload finishing after the deadline refused")
        OPENED = "opened", _("Bid opened")

    notice = models.ForeignKey("procurement.NoticePage", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    bid = models.ForeignKey(Bid, on_delete=models.SET_NULL, null=True, blank=True, related_name="log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["notice", "company"], name="procurement_bidlog_company")]

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M:%S}"


class LotAward(models.Model):
    """The outcome of one lot (0: the whole notice without lots), decided by the notice's buyers after the
    opening: awarded to a submitted bid with its amount, or unsuccessful."""

    class Outcome(models.TextChoices):
        AWARDED = "awarded", _("Awarded")
        UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")

    notice = models.ForeignKey("procurement.NoticePage", on_delete=models.CASCADE, related_name="lot_awards")
    lot_number = models.PositiveSmallIntegerField(default=WHOLE_NOTICE)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, null=True, blank=True, related_name="awards")
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["notice", "lot_number"]
        constraints = [models.UniqueConstraint(fields=["notice", "lot_number"], name="one_award_per_lot")]

    def __str__(self):
        return f"{self.notice_id} lot {self.lot_number}: {self.outcome}"
