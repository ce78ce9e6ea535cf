"""People and the organizations they belong to: member bodies (buyers) and companies."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.validators import DEPARTMENT_CHOICES, normalize_siret, validate_department, validate_siren_or_siret


class UserManager(DjangoUserManager):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a buyer of a member body, a company user, an editor or a platform admin."""

    class EmailFrequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("One daily digest")
        NEVER = "never", _("Never")

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    email_frequency = models.CharField(
        _("e-mail notifications"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )
    is_staff = models.BooleanField(_("admin access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("account closed on"), null=True, blank=True)
    date_joined = models.DateTimeField(_("joined on"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def display_name(self) -> str:
        if self.closed_at:
            return str(_("Former member"))
        full = self.get_full_name()
        return full or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Organization(models.Model):
    """A member body (commune, hospital, chamber...) that buys, or a company that bids."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Municipality")
        INTERCOMMUNALITY = "intercommunality", _("Intercommunality")
        DEPARTMENT = "department", _("Département (county council)")
        REGION = "region", _("Region")
        HOSPITAL = "hospital", _("Hospital or health institution")
        EDUCATION = "education", _("School or university")
        CHAMBER = "chamber", _("Chamber of commerce or trade")
        STATE_SERVICE = "state_service", _("State service")
        ASSOCIATION = "association", _("Association")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    siret = models.CharField(
        _("SIREN or SIRET"),
        max_length=14,
        unique=True,
        validators=[validate_siren_or_siret],
        help_text=_("9 digits (SIREN) or 14 digits (SIRET)."),
    )
    department = models.CharField(
        _("département"), max_length=3, blank=True, choices=DEPARTMENT_CHOICES, validators=[validate_department]
    )
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # Accept "362 521 879 00034" as people type it: normalize before the length check.
        self.siret = normalize_siret(self.siret)
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.siret = normalize_siret(self.siret)
        super().save(*args, **kwargs)

    @property
    def is_company(self) -> bool:
        return self.kind == self.Kind.COMPANY

    @property
    def is_member_body(self) -> bool:
        return not self.is_company


class Membership(models.Model):
    """A person's role in an organization; a person may belong to several."""

    class Role(models.TextChoices):
        # member bodies
        BUYER = "buyer", _("Buyer")
        EDITOR = "editor", _("Editor")
        ORG_ADMIN = "org_admin", _("Organization admin")
        # companies
        MEMBER = "member", _("Member")
        COMPANY_ADMIN = "company_admin", _("Company admin")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PENDING = "pending", _("Awaiting approval")

    BODY_ROLES = (Role.BUYER, Role.EDITOR, Role.ORG_ADMIN)
    COMPANY_ROLES = (Role.MEMBER, Role.COMPANY_ADMIN)
    ADMIN_ROLES = (Role.ORG_ADMIN, Role.COMPANY_ADMIN)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return f"{self.user} — {self.organization} ({self.get_role_display()})"

    @classmethod
    def roles_for(cls, organization: Organization):
        roles = cls.COMPANY_ROLES if organization.is_company else cls.BODY_ROLES
        return [(r.value, r.label) for r in roles]

    @property
    def is_admin(self) -> bool:
        return self.role in self.ADMIN_ROLES


class BodyGroup(models.Model):
    """The Wagtail group of one role in one member body. Apps grant it page permissions on the body's
    own subtree (its notices, for example), so that every Wagtail view, report, chooser and bulk action
    enforces who may do what by itself; the membership actions keep people in the right groups."""

    class Kind(models.TextChoices):
        PUBLISHERS = "publishers", _("Buyers")  # buyers and organization admins: create, edit, publish
        EDITORS = "editors", _("Editors")  # the editor role: help edit, never publish

    # Which roles of a body each group holds.
    ROLES = {
        Kind.PUBLISHERS: (Membership.Role.BUYER, Membership.Role.ORG_ADMIN),
        Kind.EDITORS: (Membership.Role.EDITOR,),
    }

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="wagtail_groups")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="body_group")

    class Meta:
        verbose_name = _("body group")
        verbose_name_plural = _("body groups")
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="one_group_per_body_role")]

    def __str__(self):
        return self.group.name


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation sent by an organization admin; its one-time link expires."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class CompanyRegistration(models.Model):
    """A company user's sign-up, waiting for the e-mail address to be confirmed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration")
    siret = models.CharField(max_length=14)
    company_name = models.CharField(max_length=255)
    department = models.CharField(max_length=3, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user.email} ({self.siret})"
