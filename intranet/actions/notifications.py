"""Writes on notifications: marking them read."""

from django.utils import timezone

from intranet.models import Notification
from intranet.realtime import send_event_on_commit, user_group


def do_mark_read(user, notification_ids=None) -> int:
    """Mark the given notifications (or all) of `user` read; others' notifications are untouched."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    count = rows.update(read_at=timezone.now())
    if count:
        send_event_on_commit(user_group(user.pk), {"type": "notification.read", "op": "read"})
    return count
