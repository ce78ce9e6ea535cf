"""Who is online in a workspace: a heartbeat table (`Presence`), outside the channel layer, so that it survives
a process restart and is shared by every server process.

- An open chat page sends a heartbeat when it connects and every 25 s (`ping` frames); each writes
  `last_seen`, at most once per 20 s per person and workspace (a conditional UPDATE: the database decides,
  whatever the number of processes; each process also skips the query when it wrote recently).
- Someone is online while their `last_seen` is within `PRESENCE_TIMEOUT_SECONDS`.
- Open connections are counted per person and workspace in the cache (shared through Redis when several
  processes run): when the last one closes, the person is marked offline at once rather than after the
  timeout. A crashed process leaves a count behind; the timeout still applies.
- A direct conversation belongs to no workspace: its heartbeats go to the workspaces the two people share,
  and its presence list shows which of the two is online in any workspace.
"""

import time
from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from workspaces.models import PRESENCE_TIMEOUT_SECONDS, Channel, ChannelMember, Member, Presence

WRITE_INTERVAL_SECONDS = 20
_CONNECTIONS_TTL = 6 * 3600
_last_write: dict[tuple[int, int], float] = {}


def channel_workspace_ids(channel: Channel, user_id: int) -> list[int]:
    """The workspaces whose presence a connection to `channel` shows."""
    if not channel.is_direct:
        return [channel.workspace_id]
    others = ChannelMember.objects.filter(channel=channel).exclude(user_id=user_id).values("user_id")
    return list(
        Member.objects.filter(user_id=user_id, workspace__members__user_id__in=others)
        .values_list("workspace_id", flat=True)
        .distinct()
    )


def heartbeat(user_id: int, workspace_ids) -> None:
    """Record that the person is online in these workspaces (skipped if written in the last 20 s)."""
    now = timezone.now()
    clock = time.monotonic()
    for workspace_id in workspace_ids:
        key = (user_id, workspace_id)
        if clock - _last_write.get(key, float("-inf")) < WRITE_INTERVAL_SECONDS:
            continue
        _last_write[key] = clock
        stale = now - timedelta(seconds=WRITE_INTERVAL_SECONDS)
        rows = Presence.objects.filter(workspace_id=workspace_id, user_id=user_id)
        if rows.filter(last_seen__lt=stale).update(last_seen=now) or rows.exists():
            continue
        if not Member.objects.filter(workspace_id=workspace_id, user_id=user_id).exists():
            continue
        try:
            with transaction.atomic():
                Presence.objects.create(workspace_id=workspace_id, user_id=user_id, last_seen=now)
        except IntegrityError:
            pass  # another connection of the same person wrote it first


def _connections_key(user_id: int, workspace_id: int) -> str:
    return f"wsp-presence-conn:{workspace_id}:{user_id}"


def connected(user_id: int, workspace_ids) -> None:
    """Count one more open connection of the person in these workspaces."""
    for workspace_id in workspace_ids:
        key = _connections_key(user_id, workspace_id)
        cache.add(key, 0, _CONNECTIONS_TTL)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, _CONNECTIONS_TTL)


def disconnected(user_id: int, workspace_ids) -> bool:
    """Count one connection less; when it was the last, mark the person offline. Returns whether they went
    offline in any of the workspaces."""
    gone = False
    for workspace_id in workspace_ids:
        key = _connections_key(user_id, workspace_id)
        try:
            left = cache.decr(key)
        except ValueError:
            left = 0
        if left > 0:
            continue
        cache.delete(key)
        _last_write.pop((user_id, workspace_id), None)
        offline_since = timezone.now() - timedelta(seconds=PRESENCE_TIMEOUT_SECONDS + 1)
        Presence.objects.filter(workspace_id=workspace_id, user_id=user_id).update(last_seen=offline_since)
        gone = True
    return gone


def _recent():
    return timezone.now() - timedelta(seconds=PRESENCE_TIMEOUT_SECONDS)


def online_in(workspace) -> list:
    """The members of the workspace seen within the timeout, by name."""
    workspace_id = getattr(workspace, "pk", workspace)
    rows = (
        Presence.objects.filter(workspace_id=workspace_id, last_seen__gte=_recent())
        .filter(Exists(Member.objects.filter(workspace_id=workspace_id, user_id=OuterRef("user_id"))))
        .select_related("user")
    )
    users = [row.user for row in rows if row.user.is_active and row.user.closed_at is None]
    return sorted(users, key=lambda user: user.display_name.lower())


def online_for_channel(channel: Channel) -> list:
    """Who is online, as shown beside a channel: its workspace's members, or for a direct conversation
    whichever of its two people is online anywhere."""
    if not channel.is_direct:
        return online_in(channel.workspace_id)
    people = ChannelMember.objects.filter(channel=channel).values("user_id")
    rows = Presence.objects.filter(user_id__in=people, last_seen__gte=_recent()).select_related("user")
    users = {row.user_id: row.user for row in rows if row.user.is_active and row.user.closed_at is None}
    return sorted(users.values(), key=lambda user: user.display_name.lower())


def presence_frame(channel: Channel) -> dict:
    return {
        "type": "presence",
        "online": [{"id": user.pk, "name": user.display_name} for user in online_for_channel(channel)],
    }
