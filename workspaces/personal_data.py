"""RGPD: what the workspaces hold about a person (export) and what ends with their account (closure).

At closure, memberships, channel memberships, presence, read markers, join requests and invitations end, and
the person's open chat connections are closed. What they wrote (messages and their revisions, files, notes)
stays, shown as written by a former member, as the forums and questions do. A workspace whose last owner
closes their account is handed over to its longest-standing admin (else member), or archived if nobody is left.
"""

from django.db.models import Q
from django.utils import timezone
from wagtail import hooks

from workspaces.actions.activity import record_activity
from workspaces.models import (
    Activity,
    ChannelMember,
    FileVersion,
    Invitation,
    JoinRequest,
    Member,
    Message,
    MessageRevision,
    Note,
    NoteRevision,
    Presence,
    Reaction,
    ReadMarker,
    Workspace,
)
from workspaces.realtime import send_access_changed


def _iso(value):
    return value.isoformat() if value else None


def _channel_label(channel) -> str:
    if channel.is_direct:
        return "direct"
    return f"{channel.workspace.name} #{channel.name}"


@hooks.register("register_personal_data")
def workspaces_personal_data(user):
    invitations_received = Invitation.objects.filter(Q(user=user) | Q(email__iexact=user.email)).select_related(
        "workspace"
    )
    revisions_by_message: dict[int, list] = {}
    for revision in MessageRevision.objects.filter(message__author=user).order_by("message_id", "created_at", "pk"):
        revisions_by_message.setdefault(revision.message_id, []).append(
            {"body": revision.body, "replaced_at": _iso(revision.created_at)}
        )
    return "workspaces", {
        "memberships": [
            {"workspace": m.workspace.name, "role": m.role, "joined_at": _iso(m.joined_at)}
            for m in Member.objects.filter(user=user).select_related("workspace").order_by("pk")
        ],
        "invitations_received": [
            {
                "workspace": i.workspace.name,
                "email": i.email,
                "role": i.role,
                "status": i.status,
                "created_at": _iso(i.created_at),
                "expires_at": _iso(i.expires_at),
                "responded_at": _iso(i.responded_at),
            }
            for i in invitations_received.order_by("pk")
        ],
        "invitations_sent": [
            {"workspace": i.workspace.name, "role": i.role, "status": i.status, "created_at": _iso(i.created_at)}
            for i in Invitation.objects.filter(invited_by=user).select_related("workspace").order_by("pk")
        ],
        "join_requests": [
            {
                "workspace": r.workspace.name,
                "message": r.message,
                "status": r.status,
                "created_at": _iso(r.created_at),
                "decided_at": _iso(r.decided_at),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("workspace").order_by("pk")
        ],
        "messages": [
            {
                "channel": _channel_label(m.channel),
                "id": m.seq,
                "created_at": _iso(m.created_at),
                "body": m.body,
                "edited_at": _iso(m.edited_at),
                "deleted_at": _iso(m.deleted_at),
                "earlier_versions": revisions_by_message.get(m.pk, []),
            }
            for m in Message.objects.filter(author=user).select_related("channel__workspace").order_by("pk").iterator()
        ],
        "reactions": [
            {"channel": _channel_label(r.message.channel), "message": r.message.seq, "emoji": r.emoji}
            for r in Reaction.objects.filter(user=user).select_related("message__channel__workspace").order_by("pk")
        ],
        "files_uploaded": [
            {
                "workspace": v.file.workspace.name,
                "name": v.file.name,
                "version": v.number,
                "original_name": v.original_name,
                "size": v.size,
                "uploaded_at": _iso(v.uploaded_at),
            }
            for v in FileVersion.objects.filter(uploaded_by=user).select_related("file__workspace").order_by("pk")
        ],
        "notes_created": [
            {"workspace": n.workspace.name, "title": n.title, "created_at": _iso(n.created_at)}
            for n in Note.objects.filter(created_by=user).select_related("workspace").order_by("pk")
        ],
        "note_revisions": [
            {
                "workspace": r.note.workspace.name,
                "note": r.note.title,
                "version": r.version,
                "title": r.title,
                "body": r.body,
                "created_at": _iso(r.created_at),
            }
            for r in NoteRevision.objects.filter(author=user).select_related("note__workspace").order_by("pk")
        ],
        "read_markers": [
            {"channel": _channel_label(r.channel), "last_read": r.last_read_seq, "updated_at": _iso(r.updated_at)}
            for r in ReadMarker.objects.filter(user=user).select_related("channel__workspace").order_by("pk")
        ],
        "presence": [
            {"workspace": p.workspace.name, "last_seen": _iso(p.last_seen)}
            for p in Presence.objects.filter(user=user).select_related("workspace").order_by("pk")
        ],
    }


def _hand_over(workspace: Workspace, leaving_member: Member) -> None:
    """The last owner is leaving with their account: the longest-standing admin becomes owner, else member;
    with nobody left, the workspace is archived."""
    others = workspace.members.exclude(pk=leaving_member.pk).order_by("joined_at", "pk")
    heir = others.filter(role=Member.Role.ADMIN).first() or others.exclude(role=Member.Role.GUEST).first()
    if heir is not None:
        heir.role = Member.Role.OWNER
        heir.save(update_fields=["role"])
    elif not workspace.is_archived:
        workspace.archived_at = timezone.now()
        workspace.save(update_fields=["archived_at"])
        record_activity(workspace, None, Activity.Verb.ARCHIVED, label=workspace.name)


@hooks.register("register_account_closure")
def close_workspace_access(user):
    now = timezone.now()
    for member in Member.objects.filter(user=user, role=Member.Role.OWNER).select_related("workspace"):
        if not member.workspace.members.filter(role=Member.Role.OWNER).exclude(pk=member.pk).exists():
            _hand_over(member.workspace, member)
    for member in Member.objects.filter(user=user).select_related("workspace"):
        record_activity(member.workspace, user, Activity.Verb.LEFT, label="")
    Member.objects.filter(user=user).delete()
    # Restricted channels of workspaces; direct conversations keep both people (shown as a former member).
    ChannelMember.objects.filter(user=user, channel__workspace__isnull=False).delete()
    Presence.objects.filter(user=user).delete()
    ReadMarker.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    received = Invitation.objects.filter(Q(user=user) | Q(email__iexact=user.email))
    received.filter(status=Invitation.Status.PENDING).update(status=Invitation.Status.REVOKED, responded_at=now)
    received.update(email=f"former-member-{user.pk}@closed.invalid")
    send_access_changed(user.pk)
