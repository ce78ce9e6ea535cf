"""Who may see or do what in workspaces. Every read of the app goes through here.

- A workspace's content (channels, files, notes, activity, members) is for its members only, guests included.
  Others get 404: a private workspace's existence does not leak.
- Whoever may join (organization or open visibility) sees a preview: name, description, member count.
- A restricted channel is read by its chosen members only; a direct conversation by its two people.
- An archived workspace is read-only. Nobody writes without `intranet.access.can_act` (confirmed, open account).
- The WebSocket consumer asks `can_read_channel_now` on every delivery decision that matters (fresh from the
  database, never cached for the connection's life).
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from intranet.access import buyer_organization_ids, can_act, is_buyer, organization_ids_of
from workspaces.models import Channel, ChannelMember, File, Member, Message, Note, Workspace

Role = Member.Role


def _is_person(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.closed_at is None)


def _memberships(user) -> dict[int, Member]:
    """The person's workspace memberships by workspace id, cached on the user object for the request."""
    if not _is_person(user):
        return {}
    cached = getattr(user, "_workspace_members_cache", None)
    if cached is None:
        cached = {m.workspace_id: m for m in Member.objects.filter(user=user)}
        user._workspace_members_cache = cached
    return cached


def forget_workspace_memberships(user) -> None:
    """Drop the cache after a membership change within the same request."""
    if hasattr(user, "_workspace_members_cache"):
        del user._workspace_members_cache


def membership(user, workspace: Workspace | int) -> Member | None:
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    return _memberships(user).get(workspace_id)


def is_workspace_member(user, workspace) -> bool:
    return membership(user, workspace) is not None


def is_workspace_admin(user, workspace) -> bool:
    member = membership(user, workspace)
    return member is not None and member.is_admin


def is_workspace_owner(user, workspace) -> bool:
    member = membership(user, workspace)
    return member is not None and member.role == Role.OWNER


def can_create_workspace(user) -> bool:
    """Buyers of member bodies create workspaces; guests and companies are invited into them."""
    return can_act(user) and is_buyer(user)


def may_join(user, workspace: Workspace) -> bool:
    """Whether the person is among those the workspace's visibility lets in (joining freely or by request)."""
    if not _is_person(user) or workspace.is_archived or is_workspace_member(user, workspace):
        return False
    if workspace.visibility == Workspace.Visibility.OPEN:
        return is_buyer(user)
    if workspace.visibility == Workspace.Visibility.ORGANIZATION:
        return workspace.organization_id in organization_ids_of(user)
    return False


def can_join_freely(user, workspace: Workspace) -> bool:
    return can_act(user) and may_join(user, workspace) and workspace.join_policy == Workspace.JoinPolicy.FREE


def can_request_to_join(user, workspace: Workspace) -> bool:
    return can_act(user) and may_join(user, workspace) and workspace.join_policy == Workspace.JoinPolicy.REQUEST


def my_workspaces(user):
    """The workspaces the person belongs to."""
    if not _is_person(user):
        return Workspace.objects.none()
    # A subquery, not a join on members: an annotation such as Count("members") then counts everyone.
    return Workspace.objects.filter(pk__in=Member.objects.filter(user=user).values("workspace_id"))


def discoverable_workspaces(user):
    """Workspaces the person does not belong to but may join (or ask to join): the directory."""
    if not _is_person(user):
        return Workspace.objects.none()
    condition = Q(visibility=Workspace.Visibility.ORGANIZATION, organization_id__in=organization_ids_of(user))
    if buyer_organization_ids(user):
        condition |= Q(visibility=Workspace.Visibility.OPEN)
    return (
        Workspace.objects.filter(condition, archived_at__isnull=True)
        .exclude(members__user=user)
        .annotate(member_count=Count("members", distinct=True))
    )


def visible_workspaces(user):
    """What the person may see at all (content if a member, a preview otherwise): for search and lookups."""
    if not _is_person(user):
        return Workspace.objects.none()
    condition = Q(members__user=user) | Q(
        visibility=Workspace.Visibility.ORGANIZATION,
        organization_id__in=organization_ids_of(user),
        archived_at__isnull=True,
    )
    if buyer_organization_ids(user):
        condition |= Q(visibility=Workspace.Visibility.OPEN, archived_at__isnull=True)
    return Workspace.objects.filter(condition).distinct()


def access_workspace(user, slug: str) -> tuple[Workspace, Member]:
    """The workspace and the person's membership; 404 unless a member (previews use `access_workspace_preview`)."""
    workspace = Workspace.objects.filter(slug=slug).first()
    member = membership(user, workspace) if workspace is not None else None
    if member is None:
        raise Http404
    return workspace, member


def joined_workspace(user, slug: str) -> Workspace | None:
    """The workspace named `slug` if the person is already one of its members, else None."""
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None or not is_workspace_member(user, workspace):
        return None
    return workspace


def access_workspace_preview(user, slug: str) -> Workspace:
    """A workspace the person may join or ask to join; 404 otherwise (private ones never show)."""
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None or not may_join(user, workspace):
        raise Http404
    return workspace


def access_workspace_admin(user, slug: str) -> tuple[Workspace, Member]:
    """For settings, members, invitations, requests and channel creation: owners and admins; 404 for
    non-members, 403 for members who are not admins."""
    from django.core.exceptions import PermissionDenied

    workspace, member = access_workspace(user, slug)
    if not member.is_admin:
        raise PermissionDenied
    return workspace, member


def can_write(user, workspace: Workspace) -> bool:
    """Post, upload, edit notes: a member of an active workspace with an open, confirmed account."""
    return can_act(user) and not workspace.is_archived and is_workspace_member(user, workspace)


# Channels ---------------------------------------------------------------------------------------


def _channel_member_exists(user):
    return Exists(ChannelMember.objects.filter(channel=OuterRef("pk"), user=user))


def readable_channels(user, workspace: Workspace):
    """The workspace's channels the person reads (open ones, and restricted ones they were added to)."""
    if not is_workspace_member(user, workspace):
        return Channel.objects.none()
    return Channel.objects.filter(workspace=workspace, kind=Channel.Kind.CHANNEL).filter(
        Q(restricted=False) | _channel_member_exists(user)
    )


def direct_channels(user):
    """The person's direct conversations."""
    if not _is_person(user):
        return Channel.objects.none()
    return Channel.objects.filter(kind=Channel.Kind.DIRECT).filter(_channel_member_exists(user))


def all_readable_channels(user):
    """Every channel the person reads, in all their workspaces and direct conversations (unread counts)."""
    if not _is_person(user):
        return Channel.objects.none()
    in_workspaces = Q(kind=Channel.Kind.CHANNEL, workspace__members__user=user) & (
        Q(restricted=False) | _channel_member_exists(user)
    )
    direct = Q(kind=Channel.Kind.DIRECT) & _channel_member_exists(user)
    return Channel.objects.filter(in_workspaces | direct).distinct()


def can_read_channel(user, channel: Channel) -> bool:
    if not _is_person(user):
        return False
    if channel.is_direct:
        return ChannelMember.objects.filter(channel=channel, user=user).exists()
    if not is_workspace_member(user, channel.workspace_id):
        return False
    return not channel.restricted or ChannelMember.objects.filter(channel=channel, user=user).exists()


def can_read_channel_now(user_id: int, channel_id: int) -> bool:
    """The same rule from the database as it is now (no per-request cache): for live connections."""
    channel = Channel.objects.filter(pk=channel_id).only("kind", "workspace_id", "restricted").first()
    if channel is None:
        return False
    from intranet.models import User

    user = User.objects.filter(pk=user_id, is_active=True, closed_at__isnull=True).first()
    if user is None:
        return False
    if channel.is_direct or channel.restricted:
        if not ChannelMember.objects.filter(channel_id=channel_id, user_id=user_id).exists():
            return False
        if channel.is_direct:
            return True
    return Member.objects.filter(workspace_id=channel.workspace_id, user_id=user_id).exists()


def shares_workspace(user, other) -> bool:
    """Two people who share a workspace may write to each other directly."""
    return Member.objects.filter(user=other, workspace__members__user=user).exists()


def can_post(user, channel: Channel) -> bool:
    if not can_act(user) or not can_read_channel(user, channel):
        return False
    if channel.is_direct:
        others = ChannelMember.objects.filter(channel=channel).exclude(user=user).select_related("user")
        return all(shares_workspace(user, m.user) and m.user.is_active for m in others)
    return not channel.workspace.is_archived


def access_channel(user, workspace_slug: str, channel_slug: str) -> tuple[Workspace, Member, Channel]:
    workspace, member = access_workspace(user, workspace_slug)
    channel = (
        Channel.objects.filter(workspace=workspace, kind=Channel.Kind.CHANNEL, slug=channel_slug)
        .select_related("workspace")
        .first()
    )
    if channel is None or not can_read_channel(user, channel):
        raise Http404
    return workspace, member, channel


def access_channel_by_id(user, channel_id) -> Channel:
    """Any channel (workspace channel or direct conversation) by id, for the history endpoint and the
    WebSocket; 404 unless the person reads it."""
    try:
        channel = Channel.objects.select_related("workspace").get(pk=int(channel_id))
    except (Channel.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_read_channel(user, channel):
        raise Http404
    return channel


def can_edit_message(user, message: Message) -> bool:
    return (
        message.deleted_at is None
        and message.author_id == getattr(user, "pk", None)
        and can_post(user, message.channel)
    )


def can_delete_message(user, message: Message) -> bool:
    if message.deleted_at is not None or not can_act(user):
        return False
    if message.author_id == user.pk and can_read_channel(user, message.channel):
        return True
    channel = message.channel
    return not channel.is_direct and is_workspace_admin(user, channel.workspace_id)


def can_pin(user, channel: Channel) -> bool:
    """Members pin in their workspaces' channels (guests do not); either person in a direct conversation."""
    if not can_post(user, channel):
        return False
    if channel.is_direct:
        return True
    return membership(user, channel.workspace_id).role != Role.GUEST


def visible_messages(user, channel: Channel):
    """A readable channel's messages (deleted ones stay as a tombstone with no text)."""
    if not can_read_channel(user, channel):
        return Message.objects.none()
    return Message.objects.filter(channel=channel)


# Files and notes --------------------------------------------------------------------------------


def access_file(user, file_id) -> File:
    """A workspace file for its members only; 404 for anyone else (whether it exists or not)."""
    try:
        file = File.objects.select_related("workspace", "current_version").get(pk=int(file_id), deleted_at__isnull=True)
    except (File.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not is_workspace_member(user, file.workspace_id):
        raise Http404
    return file


def access_note(user, note_id) -> Note:
    try:
        note = Note.objects.select_related("workspace").get(pk=int(note_id), deleted_at__isnull=True)
    except (Note.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not is_workspace_member(user, note.workspace_id):
        raise Http404
    return note


def visible_activity(user, workspace: Workspace):
    """The workspace's activity the person may see (a restricted channel's events only to its readers)."""
    from workspaces.models import Activity

    if not is_workspace_member(user, workspace):
        return Activity.objects.none()
    readable = readable_channels(user, workspace).values("pk")
    return Activity.objects.filter(workspace=workspace).filter(Q(channel__isnull=True) | Q(channel__in=readable))
