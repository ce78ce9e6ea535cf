"""Group purchasing (groupements de commandes): a coordinator body runs one consultation on behalf of several
member bodies, each of which declares its own needs and receives its own share of the contract.

A group purchase holds a catalogue of items (optionally grouped in lots), the legal agreement (convention
constitutive) members sign up to, the member bodies (invited by the coordinator, or asking to join an open call)
and each member's declarations per item. Every write goes through `procurement.actions.groups`; who may see or do
what is `procurement.access_groups`.

Quantities and amounts are decimals, summed in Python (SQLite's SUM on a decimal column is a float).
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intranet.models import Organization
from procurement.models import ContractNature, NoticePage

QUANTITY_DIGITS, QUANTITY_PLACES = 14, 3
PRICE_DIGITS, PRICE_PLACES = 14, 4


def agreement_upload_path(instance, filename: str) -> str:
    # Random names: the original name is kept in the database only.
    return f"groupements/{secrets.token_hex(16)}"


class GroupPurchase(models.Model):
    """One pooled purchase, run by its coordinator's buyers."""

    class Admission(models.TextChoices):
        INVITATION = "invitation", _("By invitation of the coordinator")
        OPEN = "open", _("Open call: any member body may ask to join")

    coordinator = models.ForeignKey(
        Organization,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="coordinated_group_purchases",
    )
    title = models.CharField(_("title"), max_length=255)
    purpose = models.TextField(_("object of the purchase"), max_length=5000)
    nature = models.CharField(_("contract nature"), max_length=10, choices=ContractNature.choices)
    main_cpv = models.CharField(_("main CPV code"), max_length=10)
    additional_cpv = models.TextField(_("additional CPV codes"), blank=True)
    declaration_deadline = models.DateTimeField(_("deadline for members' declarations"))
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder (days before the deadline)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    admission = models.CharField(
        _("admission of members"), max_length=10, choices=Admission.choices, default=Admission.INVITATION
    )
    share_details = models.BooleanField(_("members see each other's declarations"), default=False)
    agreement = models.FileField(upload_to=agreement_upload_path, max_length=255, blank=True)
    agreement_filename = models.CharField(_("agreement"), max_length=255, blank=True)
    agreement_sha256 = models.CharField(max_length=64, blank=True)
    agreement_uploaded_at = models.DateTimeField(null=True, blank=True)
    notice = models.OneToOneField(
        NoticePage, on_delete=models.SET_NULL, null=True, blank=True, related_name="group_purchase"
    )
    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.SET_NULL, null=True, blank=True, related_name="group_purchase"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    # What the worker already announced (each at most once per deadline; a new deadline announces again).
    reminded_for = models.DateTimeField(null=True, blank=True, editable=False)
    closed_announced_for = models.DateTimeField(null=True, blank=True, editable=False)
    award_announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("group purchase")
        verbose_name_plural = _("group purchases")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["declaration_deadline"]), models.Index(fields=["admission"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("groups:detail", args=[self.pk])

    def declarations_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.declaration_deadline


class GroupLot(models.Model):
    """A lot of the future consultation: the items of a lot become that lot of the notice."""

    group = models.ForeignKey(GroupPurchase, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="one_group_lot_per_number")]

    def __str__(self):
        return _("Lot %(number)s — %(title)s") % {"number": self.number, "title": self.title}


class GroupItem(models.Model):
    """An item of the catalogue: what members declare quantities of."""

    group = models.ForeignKey(GroupPurchase, on_delete=models.CASCADE, related_name="items")
    lot = models.ForeignKey(
        GroupLot, verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    position = models.PositiveIntegerField(default=0)
    designation = models.CharField(_("designation"), max_length=255)
    unit = models.CharField(_("unit"), max_length=40)
    unit_price_estimate = models.DecimalField(
        _("estimated unit price (€ excl. VAT)"),
        max_digits=PRICE_DIGITS,
        decimal_places=PRICE_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    awarded_unit_price = models.DecimalField(
        _("awarded unit price (€ excl. VAT)"),
        max_digits=PRICE_DIGITS,
        decimal_places=PRICE_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["group", "position"])]

    def __str__(self):
        return self.designation


class GroupMember(models.Model):
    """A member body of a group purchase, from its invitation or request to its signature of the agreement."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        REQUESTED = "requested", _("Asked to join")
        JOINED = "joined", _("Member")
        DECLINED = "declined", pgettext_lazy("group member status", "Declined or refused")

    group = models.ForeignKey(GroupPurchase, on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="group_memberships")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The signature of the agreement: who, when, and which version of the document (its SHA-256).
    signed_at = models.DateTimeField(_("agreement signed on"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_by_label = models.CharField(_("signed by"), max_length=255, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    joined_at = models.DateTimeField(_("member since"), null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member body")
        verbose_name_plural = _("member bodies")
        ordering = ["organization__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "organization"], name="one_group_member_per_body"),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return f"{self.organization} — {self.group}"

    @property
    def is_joined(self) -> bool:
        return self.status == self.Status.JOINED


class Declaration(models.Model):
    """A member body's need for one item. `version` grows with every change, so that a form loaded before
    another buyer's change of the same line cannot overwrite it unseen."""

    member = models.ForeignKey(GroupMember, on_delete=models.CASCADE, related_name="declarations")
    item = models.ForeignKey(GroupItem, on_delete=models.CASCADE, related_name="declarations")
    quantity = models.DecimalField(
        _("quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, validators=[MinValueValidator(0)]
    )
    delivery_site = models.CharField(_("delivery site"), max_length=255, blank=True)
    wanted_from = models.DateField(_("wanted from"), null=True, blank=True)
    wanted_until = models.DateField(_("wanted until"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("declaration of needs")
        verbose_name_plural = _("declarations of needs")
        constraints = [models.UniqueConstraint(fields=["member", "item"], name="one_declaration_per_member_item")]
        indexes = [models.Index(fields=["item"])]

    def __str__(self):
        return f"{self.member.organization} — {self.item}: {self.quantity}"
