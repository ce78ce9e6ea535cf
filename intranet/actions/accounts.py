"""Writes about people and organizations: registration, invitations, memberships, roles."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import access, audit
from intranet.models import AuditEvent, BodyGroup, CompanyRegistration, Invitation, Membership, Organization, User
from intranet.models.accounts import hash_token
from intranet.notifications import notify
from intranet.validators import normalize_siret

Role = Membership.Role
Status = Membership.Status
EMAIL_CONFIRMATION_SALT = "intranet.confirm-email"
EMAIL_CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3  # three days
# Wagtail's own "Editors" group (created by its migrations): the knowledge base's writers, platform-wide.
EDITORS_GROUP = "Editors"


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(template: str, to: str, context: dict) -> None:
    context = {"site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"intranet/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"intranet/email/{template}.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))


def _check_role_fits(organization: Organization, role: str) -> None:
    allowed = Membership.COMPANY_ROLES if organization.is_company else Membership.BODY_ROLES
    if role not in allowed:
        raise ValidationError(_("This role does not exist for this kind of organization."), code="bad_role")


# What a body's groups may do outside its pages: reach the admin and choose documents and images.
BODY_GROUP_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "choose_image"),
)
BODY_GROUP_LABELS = {BodyGroup.Kind.PUBLISHERS: "acheteurs", BodyGroup.Kind.EDITORS: "rédaction"}


def body_group_name(organization: Organization, kind: str) -> str:
    """Unique (the id) and readable in the admin's group list (the name, in the site's language)."""
    return f"{organization.name[:100]} · {BODY_GROUP_LABELS[kind]} (#{organization.pk})"


def ensure_body_groups(organization: Organization) -> dict[str, Group]:
    """The body's Wagtail groups by kind, created with admin access if missing; none for a company.
    Apps grant them page permissions on the body's own subtree."""
    if organization.is_company:
        return {}
    existing = {bg.kind: bg.group for bg in BodyGroup.objects.filter(organization=organization).select_related("group")}
    missing = [kind for kind in BodyGroup.Kind if kind not in existing]
    if missing:
        permissions = list(
            Permission.objects.filter(
                content_type__app_label__in={app for app, _codename in BODY_GROUP_PERMISSIONS},
                codename__in={codename for _app, codename in BODY_GROUP_PERMISSIONS},
            )
        )
        with transaction.atomic():
            for kind in missing:
                group, _created = Group.objects.get_or_create(name=body_group_name(organization, kind))
                group.permissions.add(*permissions)
                BodyGroup.objects.create(organization=organization, kind=kind, group=group)
                existing[kind] = group
    return existing


def sync_wagtail_groups(user: User) -> None:
    """Put `user` in the Wagtail groups of their roles, and out of the others: each body's publishers
    group (buyers, organization admins) or editors group, and Wagtail's Editors group (the knowledge
    base) for anyone with the editor role. Called by every membership change."""
    memberships = (
        Membership.objects.filter(user=user, status=Status.ACTIVE)
        .exclude(organization__kind=Organization.Kind.COMPANY)
        .select_related("organization")
    )
    wanted = set()
    is_editor = False
    for membership in memberships:
        is_editor |= membership.role == Role.EDITOR
        groups = ensure_body_groups(membership.organization)
        for kind, roles in BodyGroup.ROLES.items():
            if membership.role in roles:
                wanted.add(groups[kind].pk)
    current = set(user.groups.filter(body_group__isnull=False).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))
    editors = Group.objects.filter(name=EDITORS_GROUP).first()
    if editors is not None:
        if is_editor:
            user.groups.add(editors)
        else:
            user.groups.remove(editors)
    # Wagtail and Django cache a user's permissions on the user object for the request.
    for name in ("_page_permission_cache", "_explorable_root_page_cache", "_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(name, None)


# --- organizations -------------------------------------------------------------------------


def do_create_organization(*, name: str, kind: str, siret: str, actor=None, request=None, **fields) -> Organization:
    organization = Organization(name=name.strip(), kind=kind, siret=normalize_siret(siret), **fields)
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        ensure_body_groups(organization)
        audit.record(AuditEvent.Action.ORGANIZATION_CREATED, actor=actor, request=request, organization=organization)
    return organization


ORGANIZATION_FIELDS = ("name", "kind", "siret", "department", "address", "website")


def do_update_organization(organization: Organization, *, actor=None, request=None, **fields) -> Organization:
    """Change an organization's details (platform admins, in the Wagtail admin)."""
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organization fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(organization, field, value)
    organization.name = organization.name.strip()
    organization.siret = normalize_siret(organization.siret)
    organization.full_clean()
    with transaction.atomic():
        organization.save(update_fields=list(fields) or None)
        for body_group in BodyGroup.objects.filter(organization=organization).select_related("group"):
            name = body_group_name(organization, body_group.kind)
            if body_group.group.name != name:
                body_group.group.name = name
                body_group.group.save(update_fields=["name"])
    return organization


# --- company self-registration -------------------------------------------------------------


@dataclass
class RegistrationResult:
    user: User
    company_exists: bool


def do_register_company_user(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    siret: str,
    company_name: str,
    department: str = "",
    request=None,
) -> RegistrationResult:
    """Create an inactive account and send the confirmation link; nothing else exists until it is used."""
    email = User.objects.normalize_email(email).lower()
    siret = normalize_siret(siret)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account already exists with this e-mail address.")})
    existing = Organization.objects.filter(siret=siret).first()
    if existing is not None and not existing.is_company:
        raise ValidationError({"siret": _("This SIRET belongs to a member body, not a company.")})
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                is_active=False,
            )
            CompanyRegistration.objects.create(
                user=user, siret=siret, company_name=company_name.strip(), department=department
            )
            audit.record(AuditEvent.Action.REGISTERED, actor=user, request=request, siret=siret)
            token = signing.dumps({"u": user.pk, "e": email}, salt=EMAIL_CONFIRMATION_SALT)
            _send(
                "confirm_email",
                email,
                {
                    "user": user,
                    "url": _absolute(reverse("confirm_email", args=[token])),
                    "days": EMAIL_CONFIRMATION_MAX_AGE // 86400,
                },
            )
    except IntegrityError:
        raise ValidationError({"email": _("An account already exists with this e-mail address.")}) from None
    return RegistrationResult(user=user, company_exists=existing is not None)


def _read_confirmation_token(token: str) -> dict:
    try:
        return signing.loads(token, salt=EMAIL_CONFIRMATION_SALT, max_age=EMAIL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("This confirmation link has expired. Please register again."), code="expired") from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid."), code="invalid") from None


def _check_unconfirmed(user: User | None) -> CompanyRegistration:
    if user is None or user.closed_at is not None:
        raise ValidationError(_("This confirmation link is not valid."), code="invalid")
    registration = CompanyRegistration.objects.filter(user=user).first()
    if user.email_confirmed_at is not None or registration is None or registration.confirmed_at:
        # A used link must not log anyone in again: whoever holds it is not necessarily its owner.
        raise ValidationError(_("This confirmation link has already been used."), code="used")
    return registration


def check_email_confirmation(token: str) -> User:
    """The account a confirmation link would activate, or a ValidationError saying why it cannot; writes nothing."""
    data = _read_confirmation_token(token)
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    _check_unconfirmed(user)
    return user


def do_confirm_email(token: str, *, request=None) -> tuple[User, Membership]:
    """Activate the account; create the company with this person as admin, or ask its admins."""
    data = _read_confirmation_token(token)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("u"), email=data.get("e")).first()
        registration = _check_unconfirmed(user)
        user.is_active = True
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["is_active", "email_confirmed_at"])
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["confirmed_at"])
        audit.record(AuditEvent.Action.EMAIL_CONFIRMED, actor=user, request=request)
        company = Organization.objects.select_for_update().filter(siret=registration.siret).first()
        if company is not None and not company.is_company:
            # A member body took this SIRET between registration and confirmation.
            raise ValidationError(_("This SIRET belongs to a member body, not a company."), code="not_company")
        if company is None:
            company = Organization(
                name=registration.company_name,
                kind=Organization.Kind.COMPANY,
                siret=registration.siret,
                department=registration.department,
            )
            company.full_clean()
            company.save()
            audit.record(AuditEvent.Action.ORGANIZATION_CREATED, actor=user, request=request, organization=company)
            membership = Membership.objects.create(user=user, organization=company, role=Role.COMPANY_ADMIN)
            audit.record(
                AuditEvent.Action.MEMBERSHIP_ADDED,
                actor=user,
                request=request,
                subject_user=user,
                organization=company,
                role=membership.role,
            )
        else:
            membership = Membership.objects.create(
                user=user, organization=company, role=Role.MEMBER, status=Status.PENDING
            )
            audit.record(
                AuditEvent.Action.MEMBERSHIP_REQUESTED,
                actor=user,
                request=request,
                subject_user=user,
                organization=company,
            )
            admins = User.objects.filter(
                memberships__organization=company,
                memberships__role__in=Membership.ADMIN_ROLES,
                memberships__status=Status.ACTIVE,
            )
            notify(
                admins,
                verb="membership.requested",
                actor=user,
                target=membership,
                message=_("%(name)s asks to join %(org)s.") % {"name": user.display_name, "org": company.name},
                url=reverse("organization_members", args=[company.pk]),
            )
    return user, membership


# --- invitations ---------------------------------------------------------------------------


def do_invite(*, organization: Organization, email: str, role: str, actor: User, request=None) -> Invitation:
    if not access.can_manage_members(actor, organization):
        raise PermissionDenied
    _check_role_fits(organization, role)
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the organization.")})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A new invitation replaces any earlier one still open for the same address.
        Invitation.objects.filter(
            organization=organization, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        audit.record(
            AuditEvent.Action.INVITATION_SENT,
            actor=actor,
            request=request,
            organization=organization,
            email=email,
            role=role,
        )
        _send(
            "invitation",
            email,
            {
                "invitation": invitation,
                "organization": organization,
                "inviter": actor,
                "role": dict(Membership.Role.choices)[role],
                "url": _absolute(reverse("accept_invitation", args=[token])),
            },
        )
    invitation.token = token  # only for the caller (tests, seed); never stored in clear
    return invitation


def get_invitation(token: str) -> Invitation:
    """The invitation for a link, or a ValidationError saying why it cannot be used."""
    invitation = Invitation.objects.select_related("organization").filter(token_hash=hash_token(token)).first()
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation link is not valid."), code="invalid")
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation expired on %(date)s. Ask your organization's administrator for a new one.")
            % {"date": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M")},
            code="expired",
        )
    return invitation


def do_accept_invitation(
    token: str,
    *,
    user: User | None = None,
    password: str = "",
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    request=None,
) -> Membership:
    """Join the organization: as the logged-in `user`, or by creating the invited address's account."""
    with transaction.atomic():
        invitation = get_invitation(token)
        Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(_("An account already exists for this address: log in to accept."), code="exists")
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                job_title=job_title.strip(),
                email_confirmed_at=timezone.now(),
            )
        elif user.email.lower() != invitation.email.lower():
            raise ValidationError(_("This invitation was sent to another e-mail address."), code="other_email")
        elif user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()  # the link proves the address
            user.save(update_fields=["email_confirmed_at"])
        membership, created = Membership.objects.get_or_create(
            user=user,
            organization=invitation.organization,
            defaults={"role": invitation.role, "status": Status.ACTIVE},
        )
        if not created:
            membership.role, membership.status = invitation.role, Status.ACTIVE
            membership.save(update_fields=["role", "status"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        sync_wagtail_groups(user)
        audit.record(
            AuditEvent.Action.INVITATION_ACCEPTED,
            actor=user,
            request=request,
            subject_user=user,
            organization=invitation.organization,
            role=invitation.role,
        )
        if invitation.invited_by_id:
            notify(
                [invitation.invited_by],
                verb="invitation.accepted",
                actor=user,
                target=membership,
                message=_("%(name)s joined %(org)s.")
                % {"name": user.display_name, "org": invitation.organization.name},
                url=reverse("organization_members", args=[invitation.organization_id]),
            )
    access.forget_memberships(user)
    return membership


def do_revoke_invitation(invitation: Invitation, *, actor: User, request=None) -> None:
    if not access.can_manage_members(actor, invitation.organization):
        raise PermissionDenied
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(revoked_at=timezone.now())


# --- memberships ---------------------------------------------------------------------------


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organization=membership.organization, role__in=Membership.ADMIN_ROLES, status=Status.ACTIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def do_change_role(membership: Membership, role: str, *, actor: User, request=None) -> Membership:
    if not access.can_manage_members(actor, membership.organization):
        raise PermissionDenied
    _check_role_fits(membership.organization, role)
    if membership.role == role:
        return membership
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.is_admin and role not in Membership.ADMIN_ROLES and not _other_active_admins(membership):
            raise ValidationError(_("The organization must keep at least one administrator."), code="last_admin")
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        sync_wagtail_groups(membership.user)
        audit.record(
            AuditEvent.Action.ROLE_CHANGED,
            actor=actor,
            request=request,
            subject_user=membership.user,
            organization=membership.organization,
            old_role=old,
            new_role=role,
        )
        notify(
            [membership.user],
            verb="membership.role_changed",
            actor=actor,
            target=membership,
            message=_("Your role in %(org)s is now: %(role)s.")
            % {"org": membership.organization.name, "role": membership.get_role_display()},
            url=reverse("profile"),
        )
    return membership


def do_remove_member(membership: Membership, *, actor: User, request=None) -> None:
    if not access.can_manage_members(actor, membership.organization):
        raise PermissionDenied
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user", "organization").get(pk=membership.pk)
        if membership.is_admin and membership.status == Status.ACTIVE and not _other_active_admins(membership):
            raise ValidationError(_("The organization must keep at least one administrator."), code="last_admin")
        user, organization = membership.user, membership.organization
        membership.delete()
        sync_wagtail_groups(user)
        audit.record(
            AuditEvent.Action.MEMBERSHIP_REMOVED,
            actor=actor,
            request=request,
            subject_user=user,
            organization=organization,
        )
    access.forget_memberships(user)


def do_approve_membership(membership: Membership, *, actor: User, request=None) -> Membership:
    if not access.can_manage_members(actor, membership.organization):
        raise PermissionDenied
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, status=Status.PENDING).update(status=Status.ACTIVE)
        if not updated:
            raise ValidationError(_("This request has already been handled."), code="handled")
        membership.refresh_from_db()
        sync_wagtail_groups(membership.user)
        audit.record(
            AuditEvent.Action.MEMBERSHIP_APPROVED,
            actor=actor,
            request=request,
            subject_user=membership.user,
            organization=membership.organization,
        )
        notify(
            [membership.user],
            verb="membership.approved",
            actor=actor,
            target=membership,
            message=_("Your request to join %(org)s was approved.") % {"org": membership.organization.name},
            url=reverse("profile"),
        )
    return membership


def do_reject_membership(membership: Membership, *, actor: User, request=None) -> None:
    if not access.can_manage_members(actor, membership.organization):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = Membership.objects.filter(pk=membership.pk, status=Status.PENDING).delete()
        if not deleted:
            raise ValidationError(_("This request has already been handled."), code="handled")
        audit.record(
            AuditEvent.Action.MEMBERSHIP_REJECTED,
            actor=actor,
            request=request,
            subject_user=membership.user,
            organization=membership.organization,
        )
        notify(
            [membership.user],
            verb="membership.rejected",
            actor=actor,
            message=_("Your request to join %(org)s was declined.") % {"org": membership.organization.name},
            url=reverse("profile"),
        )


def do_add_member(*, organization: Organization, user: User, role: str, actor=None, request=None) -> Membership:
    """Direct addition (platform admins, seed data); front-end admins invite instead."""
    _check_role_fits(organization, role)
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            user=user, organization=organization, defaults={"role": role, "status": Status.ACTIVE}
        )
        sync_wagtail_groups(user)
        audit.record(
            AuditEvent.Action.MEMBERSHIP_ADDED,
            actor=actor,
            request=request,
            subject_user=user,
            organization=organization,
            role=role,
        )
    access.forget_memberships(user)
    return membership
