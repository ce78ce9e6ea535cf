"""Unread counts: the messages of a channel after the person's read marker, not their own, not deleted.

One query whatever the number of channels (a correlated subquery reads each channel's marker).
"""

from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from workspaces import access
from workspaces.models import Channel, Message, ReadMarker


def _unread_messages(user, channels):
    """The unread messages of `user` among `channels` (a queryset of channels, or of their ids)."""
    marker = ReadMarker.objects.filter(channel_id=OuterRef("channel_id"), user_id=user.pk).values("last_read_seq")[:1]
    return (
        Message.objects.filter(channel__in=channels, deleted_at__isnull=True)
        .exclude(author_id=user.pk)
        .annotate(read_up_to=Coalesce(Subquery(marker), Value(0)))
        .filter(seq__gt=F("read_up_to"))
    )


def _channel_ids(channels):
    if hasattr(channels, "values"):  # a queryset: stays a subquery
        return channels.values("pk")
    return [getattr(channel, "pk", channel) for channel in channels]


def unread_by_channel(user, channels) -> dict[int, int]:
    """{channel id: unread count} for the given channels (those with none are left out). The caller passes
    channels the person reads (access.readable_channels, direct_channels)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    ids = _channel_ids(channels)
    if isinstance(ids, list) and not ids:
        return {}
    rows = _unread_messages(user, ids).order_by().values("channel_id").annotate(count=Count("id"))
    return {row["channel_id"]: row["count"] for row in rows}


def unread_by_workspace(user) -> dict[int, int]:
    """{workspace id: unread count over the channels the person reads there} (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    channels = access.all_readable_channels(user).filter(kind=Channel.Kind.CHANNEL).values("pk")
    rows = _unread_messages(user, channels).order_by().values("channel__workspace_id").annotate(count=Count("id"))
    return {row["channel__workspace_id"]: row["count"] for row in rows}


def unread_direct(user) -> int:
    """Unread messages over the person's direct conversations."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return _unread_messages(user, access.direct_channels(user).values("pk")).count()


def total_unread(user) -> int:
    """Everything unread: every readable channel of every workspace, and direct conversations (one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return _unread_messages(user, access.all_readable_channels(user).values("pk")).count()
