"""Unread counts: the messages of a channel after the person's read marker, not their own, not deleted.

One query whatever the number of channels (a correlated subquery reads each channel's marker).
"""

from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from workspaces import access
from workspaces.models import Channel, ChannelMember, Member, Message, ReadMarker


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


def _unread_per_channel(user) -> list[tuple[int, int | None, str, int]]:
    """(channel id, workspace id, kind, unread count) of every channel the person reads that has unread messages.

    The same rule as `access.all_readable_channels` and `_unread_messages`, written as SQL: the ORM spent ~3.5 ms
    building that query on every page (the header's badge) for 0.25 ms of SQLite. Per channel, the messages after
    the person's marker are found through the (channel, seq) unique index."""
    if not access._is_person(user):
        return []
    sql = f"""
        SELECT c.id, c.workspace_id, c.kind, COUNT(m.id)
        FROM {Channel._meta.db_table} c
        LEFT JOIN {ReadMarker._meta.db_table} r ON r.channel_id = c.id AND r.user_id = %(user)s
        JOIN {Message._meta.db_table} m ON m.channel_id = c.id AND m.seq > COALESCE(r.last_read_seq, 0)
        WHERE (
            (c.kind = %(channel)s
             AND EXISTS (SELECT 1 FROM {Member._meta.db_table} w WHERE w.workspace_id = c.workspace_id
                         AND w.user_id = %(user)s)
             AND (NOT c.restricted OR EXISTS (SELECT 1 FROM {ChannelMember._meta.db_table} cm
                                              WHERE cm.channel_id = c.id AND cm.user_id = %(user)s)))
            OR (c.kind = %(direct)s
                AND EXISTS (SELECT 1 FROM {ChannelMember._meta.db_table} cm
                            WHERE cm.channel_id = c.id AND cm.user_id = %(user)s))
        )
        AND m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id <> %(user)s)
        GROUP BY c.id, c.workspace_id, c.kind
    """  # noqa: S608 - table names from the models, values as parameters
    params = {"user": user.pk, "channel": Channel.Kind.CHANNEL.value, "direct": Channel.Kind.DIRECT.value}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def unread_by_workspace(user) -> dict[int, int]:
    """{workspace id: unread count over the channels the person reads there} (one query)."""
    counts: dict[int, int] = {}
    for _channel, workspace_id, kind, count in _unread_per_channel(user):
        if kind == Channel.Kind.CHANNEL:
            counts[workspace_id] = counts.get(workspace_id, 0) + count
    return counts


def unread_direct(user) -> int:
    """Unread messages over the person's direct conversations."""
    return sum(count for _channel, _workspace, kind, count in _unread_per_channel(user) if kind == Channel.Kind.DIRECT)


def total_unread(user) -> int:
    """Everything unread: every readable channel of every workspace, and direct conversations (one query)."""
    return sum(count for *_rest, count in _unread_per_channel(user))
