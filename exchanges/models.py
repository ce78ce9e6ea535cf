"""Exchanges between administrations: acts sent for legality control to a prefecture, with their timeline.

A transmission is shaped after the State's @ctes service (natures, the two-level subject classification, the
identifier « département-SIREN-date-number-nature »), so that a connector could be added later; here the
recipient authority is an organization of the platform with its own people and inbox. Every step is also
appended to the core's hash chain (`intranet.chain`, one chain per sending body)."""

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intranet.models import Organization

ACT_NUMBER_PATTERN = r"^[A-Z0-9_]{1,15}$"


class Authority(models.Model):
    """A recipient of exchanges: a prefecture (legality control) or a Treasury service (public accountant). Its
    people (the organization's active members) read its inbox and answer. Administered by platform admins."""

    class Role(models.TextChoices):
        LEGALITY = "legality", _("Legality control (prefecture)")
        ACCOUNTING = "accounting", _("Public accountant (Treasury)")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="authorities",
        limit_choices_to={"kind": Organization.Kind.STATE_SERVICE},
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    departments = models.CharField(
        _("départements served"),
        max_length=200,
        blank=True,
        help_text=_("Codes separated by spaces (35 56); senders of these départements see it first."),
    )

    class Meta:
        verbose_name = _("recipient authority")
        verbose_name_plural = _("recipient authorities")
        ordering = ["organization__name"]
        constraints = [models.UniqueConstraint(fields=["organization", "role"], name="one_authority_per_role")]

    def __str__(self):
        return f"{self.organization.name} ({self.get_role_display()})"

    def serves(self, department: str) -> bool:
        return bool(department) and department in self.departments.split()


class Subject(models.Model):
    """The subject classification of acts (matières), two levels as in @ctes: « 1 Commande publique », then
    « 1.1 Marchés publics ». Acts are classified at the second level. Editable by platform admins."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    label = models.CharField(_("label"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("heading"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
    )
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["sort_key"]

    def __str__(self):
        return f"{self.code} {self.label}"

    def save(self, *args, **kwargs):
        # « 1.10 » after « 1.9 »: each part padded.
        self.sort_key = ".".join(part.zfill(4) for part in self.code.split("."))
        super().save(*args, **kwargs)


class Transmitter(models.Model):
    """The per-body permission to transmit acts (and accounting files), granted to one of its people by the
    body's organization admin. Without it a member of the body reads the register but sends nothing."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="transmitters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transmitter_rights")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("transmitter")
        verbose_name_plural = _("transmitters")
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="one_transmitter_right")]

    def __str__(self):
        return f"{self.user} — {self.organization}"


class Act(models.Model):
    """An act of a member body transmitted for legality control. A draft until it is sent; from then on its fields
    and files never change, and what happens to it is its events (`ActEvent`)."""

    class Nature(models.TextChoices):
        # The @ctes natures, by their code in the identifier.
        DELIBERATION = "DE", _("Deliberation")
        REGULATORY = "AR", _("Regulatory act")
        INDIVIDUAL = "AI", _("Individual act")
        CONTRACT = "CC", _("Contract, agreement or amendment")
        BUDGET = "BF", _("Budget or financial document")
        OTHER = "AU", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Transmitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DOCUMENTS_REQUESTED = "documents_requested", _("Additional documents requested")
        OBSERVATIONS = "observations", _("Observations received")
        REFERRED = "referred", _("Referred to the court")
        CANCELLATION_SENT = "cancellation_sent", _("Cancellation transmitted")
        CANCELLED = "cancelled", _("Cancelled")

    sender = models.ForeignKey(
        Organization, verbose_name=_("sending body"), on_delete=models.PROTECT, related_name="acts"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("recipient authority"), on_delete=models.PROTECT, related_name="acts"
    )
    nature = models.CharField(_("nature"), max_length=2, choices=Nature.choices)
    subject = models.ForeignKey(Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="acts")
    number = models.CharField(
        _("act number"),
        max_length=15,
        validators=[RegexValidator(ACT_NUMBER_PATTERN)],
        help_text=_("Up to 15 capital letters, digits or underscores, unique in the body for the year: DEL2027_014."),
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    decision_date = models.DateField(_("date of decision"))
    object = models.CharField(_("object"), max_length=500)
    signatory = models.CharField(
        _("signatory"), max_length=200, help_text=_("Name and capacity: Marie Le Goff, mayor.")
    )
    is_public = models.BooleanField(
        _("publish on the body's public page"),
        default=False,
        help_text=_("Once acknowledged, the act and its acknowledgement date are published as open data."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    identifier = models.CharField(_("identifier"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("transmitted on"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged on"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("act")
        verbose_name_plural = _("acts")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "year", "number"], name="one_act_number_per_body_and_year"),
            models.UniqueConstraint(
                fields=["identifier"], condition=~models.Q(identifier=""), name="one_act_per_identifier"
            ),
        ]
        indexes = [
            # The register and the inbox, latest first (drafts first in the register), read page by page.
            models.Index(fields=["sender", "-sent_at", "-id"], name="act_register_order"),
            models.Index(fields=["authority", "-sent_at", "-id"], name="act_inbox_order"),
            models.Index(fields=["authority", "year"], name="act_inbox_years"),
            models.Index(fields=["sender", "status", "sent_at"]),
            models.Index(fields=["authority", "status", "sent_at"]),
            models.Index(fields=["sender", "is_public", "acknowledged_at"]),
        ]

    def __str__(self):
        return self.identifier or f"{self.number} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.decision_date:
            self.year = self.decision_date.year
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


def make_identifier(department: str, siren: str, decided_on: datetime.date, number: str, nature: str) -> str:
    """The @ctes identifier: « 035-213502388-20270114-DEL2027_014-DE »: the département on 3 characters, the
    body's SIREN, the date of decision, the act number and the nature's code."""
    return f"{department.zfill(3)}-{siren}-{decided_on:%Y%m%d}-{number}-{nature}"


def act_file_path(instance, filename):
    return f"exchanges/acts/{instance.act_id}/{instance.role}-{timezone.now():%Y%m%d%H%M%S%f}.{instance.extension}"


class ActFile(models.Model):
    """A file of an act: its main document, an annex, a document sent in answer to a request, or a file the
    authority attached to its letter. Its SHA-256 is taken on arrival and chained when the step is sent."""

    class Role(models.TextChoices):
        MAIN = "main", _("Main document")
        ANNEX = "annex", _("Annex")
        ANSWER = "answer", _("Additional document")
        AUTHORITY = "authority", _("Document from the authority")

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="files")
    event = models.ForeignKey(
        "exchanges.ActEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(upload_to=act_file_path, max_length=255)
    filename = models.CharField(max_length=255)
    extension = models.CharField(max_length=10, default="pdf")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("act file")
        verbose_name_plural = _("act files")
        ordering = ["act", "pk"]

    def __str__(self):
        return self.filename


class ActEvent(models.Model):
    """One step of an act's timeline, as sent and received: never changed once written."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Act transmitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledgement of receipt")
        DOCUMENTS_REQUESTED = "documents_requested", _("Request for additional documents")
        DOCUMENTS_SENT = "documents_sent", _("Additional documents sent")
        OBSERVATIONS = "observations", _("Letter of observations")
        REFERRED = "referred", _("Referral to the administrative court")
        CANCELLATION_SENT = "cancellation_sent", _("Cancellation transmitted")
        CANCELLATION_ACKNOWLEDGED = "cancellation_acknowledged", _("Cancellation acknowledged")

    # Who writes each kind: the sending body or the authority.
    FROM_SENDER = {Kind.SENT, Kind.DOCUMENTS_SENT, Kind.CANCELLATION_SENT}

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    # Who acted, as shown: survives the account's closing.
    by_label = models.CharField(max_length=255)
    message = models.TextField(blank=True)
    # The entry in the sender's hash chain vouching for this step.
    chain_position = models.PositiveIntegerField(null=True, blank=True)
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("act event")
        verbose_name_plural = _("act events")
        ordering = ["act", "at", "pk"]
        indexes = [models.Index(fields=["act", "kind"])]

    def __str__(self):
        return f"{self.act} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def from_sender(self) -> bool:
        return self.kind in self.FROM_SENDER


# --- accounting files for the Treasury (PES) ------------------------------------------------------------


class AccountingBatch(models.Model):
    """A batch of PES files (mandates, receipts, budget documents) sent by a member body to its public accountant.
    Sent at once and whole: every file was checked before anything was written."""

    sender = models.ForeignKey(
        Organization, verbose_name=_("sending body"), on_delete=models.PROTECT, related_name="accounting_batches"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("public accountant"), on_delete=models.PROTECT, related_name="accounting_batches"
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_by_label = models.CharField(max_length=255)
    sent_at = models.DateTimeField(_("sent on"))

    class Meta:
        verbose_name = _("accounting batch")
        verbose_name_plural = _("accounting batches")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["sender", "sent_at"]), models.Index(fields=["authority", "sent_at"])]

    def __str__(self):
        return self.reference


def accounting_file_path(instance, filename):
    return f"exchanges/pes/{instance.batch_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename}"


class AccountingFile(models.Model):
    """One PES file of a batch, well-formed XML, with its fingerprint; the accountant accepts or rejects it."""

    class Kind(models.TextChoices):
        EXPENSES = "expenses", _("Mandates (expenses)")
        RECEIPTS = "receipts", _("Receipts (revenue orders)")
        ATTACHMENTS = "attachments", _("Supporting documents")
        BUDGET = "budget", _("Budget document")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("accounting file", "Received")
        ACCEPTED = "accepted", pgettext_lazy("accounting file", "Accepted")
        REJECTED = "rejected", pgettext_lazy("accounting file", "Rejected")

    batch = models.ForeignKey(AccountingBatch, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to=accounting_file_path, max_length=255)
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(_("reason"), blank=True)
    acknowledgement = models.FileField(upload_to=accounting_file_path, max_length=255, blank=True)
    acknowledgement_filename = models.CharField(max_length=255, blank=True)
    acknowledgement_sha256 = models.CharField(max_length=64, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_label = models.CharField(max_length=255, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    sent_position = models.PositiveIntegerField(null=True, blank=True)
    decided_position = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("accounting file")
        verbose_name_plural = _("accounting files")
        ordering = ["batch", "pk"]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self):
        return self.filename


class ActFollower(models.Model):
    """A member of a body who asked to be told of every step of its acts (its transmitters always are)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="act_followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_act_bodies")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follower of acts")
        verbose_name_plural = _("followers of acts")
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="one_act_follow_per_body")]

    def __str__(self):
        return f"{self.user} — {self.organization}"
