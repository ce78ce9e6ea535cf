"""Writes about who belongs to a workspace: joining, requests, invitations, roles, removal, leaving, archiving.

Every function checks its actor's rights (PermissionDenied) and the rules (ValidationError with a French
message for the person), writes in one transaction, records the workspace's `Activity` and, where an
existing audit action fits, an `AuditEvent`. Losing access sends `send_access_changed` after commit, so the
person's open chat connections re-check and close at once.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import audit
from intranet.access import can_act, is_buyer
from intranet.models import AuditEvent, User
from intranet.models.accounts import hash_token
from intranet.notifications import event_key_for, notify
from workspaces import access
from workspaces.actions.activity import record_activity
from workspaces.models import Activity, ChannelMember, Invitation, JoinRequest, Member, Presence, Workspace
from workspaces.realtime import send_access_changed

Role = Member.Role
INVITATION_VALID_DAYS = 14
# Roles an invitation may carry: ownership is handed over to someone who has joined (`do_change_role`).
INVITABLE_ROLES = (Role.ADMIN, Role.MEMBER, Role.GUEST)


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send_email(template: str, to: str, context: dict) -> None:
    """Render now (in the actor's language), send after commit."""
    context = {"site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"workspaces/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"workspaces/email/{template}.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))


def _forget(*users) -> None:
    for user in users:
        if user is not None:
            access.forget_workspace_memberships(user)


def _audit(action, actor, workspace, *, subject_user=None, **details):
    audit.record(
        action,
        actor=actor,
        subject_user=subject_user,
        organization=workspace.organization if workspace.visibility == Workspace.Visibility.ORGANIZATION else None,
        workspace=workspace.slug,
        workspace_id=workspace.pk,
        **details,
    )


def _admins(workspace: Workspace):
    return [m.user for m in workspace.members.filter(role__in=Member.ADMIN_ROLES).select_related("user")]


def _require_admin(workspace: Workspace, actor) -> Member:
    """The actor's membership if they may manage this workspace's members; PermissionDenied otherwise."""
    member = access.membership(actor, workspace)
    if member is None or not member.is_admin or not can_act(actor):
        raise PermissionDenied
    return member


def _require_active(workspace: Workspace) -> None:
    if workspace.is_archived:
        raise ValidationError(_("This workspace is archived: it can no longer be changed."), code="archived")


def _add_member(workspace: Workspace, user, role: str) -> tuple[Member, bool]:
    member, created = Member.objects.get_or_create(workspace=workspace, user=user, defaults={"role": role})
    if created:
        record_activity(workspace, user, Activity.Verb.JOINED, label=user.display_name)
    _forget(user)
    return member, created


def _close_access(workspace: Workspace, user) -> None:
    """What a person loses with their membership: restricted channels' rows, presence; live connections."""
    ChannelMember.objects.filter(channel__workspace=workspace, user=user).delete()
    Presence.objects.filter(workspace=workspace, user=user).delete()
    send_access_changed(user.pk)
    _forget(user)


def _other_owner_exists(workspace: Workspace, member: Member) -> bool:
    return workspace.members.filter(role=Role.OWNER).exclude(pk=member.pk).exists()


# Joining ------------------------------------------------------------------------------------------


def do_join(workspace: Workspace, user) -> Member:
    """Join a workspace whose visibility lets the person in and whose joining is free."""
    existing = access.membership(user, workspace)
    if existing is not None:
        return existing
    if not access.can_join_freely(user, workspace):
        if access.can_request_to_join(user, workspace):
            raise ValidationError(_("This workspace admits members on request: ask to join."), code="on_request")
        raise PermissionDenied
    with transaction.atomic():
        member, created = _add_member(workspace, user, Role.MEMBER)
        if created:
            _audit(AuditEvent.Action.MEMBERSHIP_ADDED, user, workspace, subject_user=user, role=member.role)
    return member


def do_add_members(workspace: Workspace, users, *, role: str = Role.MEMBER, added_by=None) -> list[Member]:
    """Add people whom another app's own rules admit (a group purchase's member bodies: the procurement app has
    checked them), without an invitation; people already members keep their role. Each addition is audited."""
    _require_active(workspace)
    added = []
    with transaction.atomic():
        for user in users:
            if not can_act(user) or not is_buyer(user):
                continue
            member, created = _add_member(workspace, user, role)
            if created:
                added.append(member)
                _audit(AuditEvent.Action.MEMBERSHIP_ADDED, added_by, workspace, subject_user=user, role=member.role)
    return added


def do_request_to_join(workspace: Workspace, user, message: str = "") -> JoinRequest:
    """Ask to join a workspace admitting members on request; its owners and admins are told."""
    if access.is_workspace_member(user, workspace):
        raise ValidationError(_("You are already a member of this workspace."), code="member")
    if not access.can_request_to_join(user, workspace):
        if access.can_join_freely(user, workspace):
            raise ValidationError(_("This workspace is open to you: join it directly."), code="free")
        raise PermissionDenied
    message = (message or "").strip()
    if len(message) > JoinRequest._meta.get_field("message").max_length:
        raise ValidationError({"message": _("The message is too long (1,000 characters at most).")})
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(workspace=workspace, user=user, message=message)
            _audit(AuditEvent.Action.MEMBERSHIP_REQUESTED, user, workspace, subject_user=user)
            notify(
                _admins(workspace),
                verb="workspaces.join_request",
                actor=user,
                target=join_request,
                message=_("%(name)s asks to join the workspace %(workspace)s.")
                % {"name": user.display_name, "workspace": workspace.name},
                url=reverse("workspaces:requests", args=[workspace.slug]),
                event_key=event_key_for("workspaces.join_request", join_request.pk),
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already asked to join this workspace: an admin will answer."), code="pending"
        ) from None
    return join_request


def do_withdraw_request(join_request: JoinRequest, user) -> None:
    """The requester withdraws their pending request."""
    if join_request.user_id != user.pk:
        raise PermissionDenied
    JoinRequest.objects.filter(pk=join_request.pk, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )


def do_decide_request(join_request: JoinRequest, actor, approve: bool) -> Member | None:
    """An admin approves (the person becomes a member) or refuses a pending request; the requester is told."""
    workspace = join_request.workspace
    _require_admin(workspace, actor)
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().select_related("user").get(pk=join_request.pk)
        if locked.status != JoinRequest.Status.PENDING:
            raise ValidationError(_("This request has already been answered."), code="decided")
        if approve:
            _require_active(workspace)
        requester = locked.user
        locked.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        join_request.status, join_request.decided_by, join_request.decided_at = (
            locked.status,
            actor,
            locked.decided_at,
        )
        member = None
        if approve:
            member, _created = _add_member(workspace, requester, Role.MEMBER)
            _audit(AuditEvent.Action.MEMBERSHIP_APPROVED, actor, workspace, subject_user=requester)
            message = _("Your request to join the workspace %(workspace)s was approved.")
            url = reverse("workspaces:detail", args=[workspace.slug])
        else:
            _audit(AuditEvent.Action.MEMBERSHIP_REJECTED, actor, workspace, subject_user=requester)
            message = _("Your request to join the workspace %(workspace)s was declined.")
            url = reverse("workspaces:index")
        notify(
            [requester],
            verb="workspaces.join_decision",
            actor=actor,
            target=locked,
            message=message % {"workspace": workspace.name},
            url=url,
            event_key=event_key_for("workspaces.join_decision", locked.pk),
        )
    return member


# Invitations --------------------------------------------------------------------------------------


def do_invite(workspace: Workspace, inviter, *, email: str = "", user=None, role: str = Role.MEMBER):
    """Invite a person (chosen, or by e-mail address, with or without an account) to the workspace.

    Returns `(invitation, token)`: the token is in the e-mailed link and only its hash is stored. A new
    invitation replaces any earlier one still pending for the same address."""
    _require_admin(workspace, inviter)
    _require_active(workspace)
    if role not in INVITABLE_ROLES:
        raise ValidationError({"role": _("Choose the role of the invited person: admin, member or guest.")})
    if user is not None:
        email = user.email
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError({"email": _("Give the e-mail address of the person to invite.")})
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if user is None:
        user = User.objects.filter(email__iexact=email).first()
    if user is not None and (not user.is_active or user.closed_at is not None):
        raise ValidationError({"email": _("This account is closed: it cannot be invited.")})
    if user is not None and Member.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError({"email": _("This person is already a member of the workspace.")})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(workspace=workspace, email__iexact=email, status=Invitation.Status.PENDING).update(
            status=Invitation.Status.REVOKED, responded_at=timezone.now()
        )
        invitation = Invitation.objects.create(
            workspace=workspace,
            email=email,
            user=user,
            role=role,
            token_hash=hash_token(token),
            invited_by=inviter,
            expires_at=timezone.now() + timedelta(days=INVITATION_VALID_DAYS),
        )
        _audit(AuditEvent.Action.INVITATION_SENT, inviter, workspace, subject_user=user, email=email, role=role)
        url = _absolute(reverse("workspaces:invitation", args=[token]))
        _send_email(
            "invitation",
            email,
            {
                "invitation": invitation,
                "workspace": workspace,
                "inviter": inviter,
                "role": str(Member.Role(role).label).lower(),
                "has_account": user is not None,
                "url": url,
            },
        )
        if user is not None:
            # In-app too (the index lists pending invitations, with accept and decline).
            notify(
                [user],
                verb="workspaces.invitation",
                actor=inviter,
                target=invitation,
                message=_("%(name)s invites you to the workspace %(workspace)s.")
                % {"name": inviter.display_name, "workspace": workspace.name},
                url=reverse("workspaces:index"),
                event_key=event_key_for("workspaces.invitation", invitation.pk),
            )
    return invitation, token


def get_invitation(token: str) -> Invitation | None:
    """The invitation of a link, whatever its state (None for an unknown token)."""
    if not token or len(token) > 200:
        return None
    return Invitation.objects.select_related("workspace", "invited_by").filter(token_hash=hash_token(token)).first()


def invitation_is_for(invitation: Invitation, user) -> bool:
    """Whether `user` is the invited person: the account invited, or the account of the invited address."""
    if not getattr(user, "is_authenticated", False):
        return False
    if invitation.user_id is not None:
        return invitation.user_id == user.pk
    return user.email.lower() == invitation.email.lower()


def check_invitation_open(invitation: Invitation) -> None:
    """A ValidationError saying why an invitation can no longer be answered."""
    status = Invitation.Status
    if invitation.status == status.ACCEPTED:
        raise ValidationError(_("This invitation has already been accepted."), code="accepted")
    if invitation.status == status.DECLINED:
        raise ValidationError(
            _("This invitation was declined: ask the workspace's admins for a new one."), code="declined"
        )
    if invitation.status == status.REVOKED:
        raise ValidationError(
            _("This invitation was withdrawn: ask the workspace's admins for a new one."), code="revoked"
        )
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation expired on %(date)s: ask the workspace's admins for a new one.")
            % {"date": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y")},
            code="expired",
        )


def _check_invitee(invitation: Invitation, user) -> None:
    if not invitation_is_for(invitation, user):
        raise ValidationError(
            _("This invitation was sent to another person. Log out and log in with the invited address to accept it."),
            code="other_account",
        )


def do_accept_invitation(invitation: Invitation, user) -> Member:
    """The invited person joins with the invitation's role; the inviter is told."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
        check_invitation_open(invitation)
        _check_invitee(invitation, user)
        if not user.is_active or user.closed_at is not None:
            raise PermissionDenied
        workspace = invitation.workspace
        _require_active(workspace)
        if user.email_confirmed_at is None and user.email.lower() == invitation.email.lower():
            user.email_confirmed_at = timezone.now()  # the link proves the address
            user.save(update_fields=["email_confirmed_at"])
        member, _created = _add_member(workspace, user, invitation.role)
        invitation.status = Invitation.Status.ACCEPTED
        invitation.responded_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["status", "responded_at", "user"])
        _audit(AuditEvent.Action.INVITATION_ACCEPTED, user, workspace, subject_user=user, role=member.role)
        if invitation.invited_by_id:
            notify(
                [invitation.invited_by],
                verb="workspaces.invitation_accepted",
                actor=user,
                target=member,
                message=_("%(name)s joined the workspace %(workspace)s.")
                % {"name": user.display_name, "workspace": workspace.name},
                url=reverse("workspaces:members", args=[workspace.slug]),
                event_key=event_key_for("workspaces.invitation_accepted", invitation.pk),
            )
    return member


def do_accept_invitation_with_new_account(
    invitation: Invitation, *, first_name: str, last_name: str, password: str, job_title: str = ""
) -> tuple[User, Member]:
    """The link of an invitation to an address with no account: create that account (its e-mail confirmed by
    the link itself) and join as invited."""
    errors = {}
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name:
        errors["first_name"] = _("Give your first name.")
    if not last_name:
        errors["last_name"] = _("Give your last name.")
    candidate = User(email=invitation.email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password or "", candidate)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check_invitation_open(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("An account already exists for this address: log in to accept the invitation."), code="exists"
            )
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            job_title=(job_title or "").strip()[:200],
            email_confirmed_at=timezone.now(),
        )
        audit.record(AuditEvent.Action.REGISTERED, actor=user, subject_user=user, workspace=invitation.workspace.slug)
        member = do_accept_invitation(invitation, user)
    return user, member


def do_decline_invitation(invitation: Invitation, user) -> None:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_invitation_open(invitation)
        _check_invitee(invitation, user)
        invitation.status = Invitation.Status.DECLINED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at"])


def do_revoke_invitation(invitation: Invitation, actor) -> None:
    """An admin withdraws a pending invitation: its link no longer works."""
    _require_admin(invitation.workspace, actor)
    updated = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED, responded_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This invitation has already been answered or withdrawn."), code="closed")


def pending_invitations_for(user):
    """Invitations still open for this person (their account, or their address before they had one)."""
    if not getattr(user, "is_authenticated", False):
        return Invitation.objects.none()
    from django.db.models import Q

    return (
        Invitation.objects.filter(status=Invitation.Status.PENDING, expires_at__gt=timezone.now())
        .filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))
        .select_related("workspace", "invited_by")
    )


# Roles, removal, leaving --------------------------------------------------------------------------


def do_change_role(workspace: Workspace, actor, member: Member, role: str) -> Member:
    """Owners manage owners and admins; admins manage members and guests (and may make someone an admin).
    The last owner keeps the role until another owner exists."""
    actor_member = _require_admin(workspace, actor)
    _require_active(workspace)
    if member.workspace_id != workspace.pk:
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if role == member.role:
        return member
    touches_owner = Role.OWNER in (role, member.role)
    if touches_owner and actor_member.role != Role.OWNER:
        raise PermissionDenied
    if member.role == Role.ADMIN and actor_member.role != Role.OWNER and member.user_id != actor.pk:
        raise PermissionDenied
    if member.role == Role.OWNER and not _other_owner_exists(workspace, member):
        raise ValidationError(
            _("%(name)s is the last owner of this workspace: make another member an owner first.")
            % {"name": member.user.display_name},
            code="last_owner",
        )
    if role == Role.OWNER and not is_buyer(member.user):
        raise ValidationError(
            {"role": _("Only a buyer of a member body can own a workspace.")},
        )
    with transaction.atomic():
        previous = member.role
        member.role = role
        member.save(update_fields=["role"])
        _audit(AuditEvent.Action.ROLE_CHANGED, actor, workspace, subject_user=member.user, role=role, previous=previous)
    _forget(member.user, actor)
    return member


def do_remove_member(workspace: Workspace, actor, member: Member) -> None:
    """An admin removes a member: their access ends at once (open chat connections closed)."""
    actor_member = _require_admin(workspace, actor)
    if member.workspace_id != workspace.pk:
        raise PermissionDenied
    if member.pk == actor_member.pk:
        do_leave(workspace, actor)
        return
    if member.role == Role.OWNER and actor_member.role != Role.OWNER:
        raise PermissionDenied
    if member.role == Role.ADMIN and actor_member.role != Role.OWNER:
        raise PermissionDenied
    if member.role == Role.OWNER and not _other_owner_exists(workspace, member):
        raise ValidationError(_("The last owner cannot be removed."), code="last_owner")
    removed = member.user
    with transaction.atomic():
        member.delete()
        _close_access(workspace, removed)
        record_activity(workspace, actor, Activity.Verb.REMOVED, label=removed.display_name)
        _audit(AuditEvent.Action.MEMBERSHIP_REMOVED, actor, workspace, subject_user=removed)
        notify(
            [removed],
            verb="workspaces.removed",
            actor=actor,
            message=_("You were removed from the workspace %(workspace)s.") % {"workspace": workspace.name},
            url=reverse("workspaces:index"),
        )


def do_leave(workspace: Workspace, user) -> None:
    """A member leaves; the last owner must hand over first."""
    member = Member.objects.filter(workspace=workspace, user=user).first()
    if member is None:
        raise ValidationError(_("You are not a member of this workspace."), code="not_member")
    if member.role == Role.OWNER and not _other_owner_exists(workspace, member):
        raise ValidationError(
            _(
                "You are the last owner of this workspace: make another member an owner before you leave "
                "(Members page)."
            ),
            code="last_owner",
        )
    with transaction.atomic():
        member.delete()
        _close_access(workspace, user)
        record_activity(workspace, user, Activity.Verb.LEFT, label=user.display_name)
        _audit(AuditEvent.Action.MEMBERSHIP_REMOVED, user, workspace, subject_user=user, left=True)


# Archiving ---------------------------------------------------------------------------------------


def do_archive(workspace: Workspace, actor, archived: bool) -> Workspace:
    """Owners and admins archive a workspace (read-only, still readable and searchable by its members) or
    reopen it."""
    _require_admin(workspace, actor)
    if archived == workspace.is_archived:
        return workspace
    with transaction.atomic():
        workspace.archived_at = timezone.now() if archived else None
        workspace.save(update_fields=["archived_at"])
        verb = Activity.Verb.ARCHIVED if archived else Activity.Verb.UNARCHIVED
        record_activity(workspace, actor, verb, label=workspace.name)
        if archived:
            Invitation.objects.filter(workspace=workspace, status=Invitation.Status.PENDING).update(
                status=Invitation.Status.REVOKED, responded_at=timezone.now()
            )
    return workspace
