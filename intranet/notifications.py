"""Send notifications: in-app at once, by e-mail immediately or in a daily digest.

Other apps call `notify()`; it never sends anything before the transaction commits.
"""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from intranet.models import Notification, User
from intranet.realtime import send_event_on_commit, user_group

EVENT_KEY_MAX = Notification._meta.get_field("event_key").max_length


def event_key_for(verb: str, *parts) -> str:
    """The key of one event, for `notify(event_key=...)`: the verb and what identifies the event
    ("procurement.answer", question id), e.g. "procurement.answer:42"."""
    return ":".join([verb, *(str(part) for part in parts)])[:EVENT_KEY_MAX]


def notify(
    recipients: Iterable[User],
    *,
    verb: str,
    message: str,
    url: str = "",
    target=None,
    actor=None,
    unsubscribe_url_for: Callable[[User], str] | None = None,
    event_key: str = "",
) -> list[Notification]:
    """Create one notification per distinct active recipient (never the actor itself).

    `unsubscribe_url_for(user)` gives each recipient's one-click unsubscribe link (signed, no
    login needed), printed in the e-mails; apps that let people follow things pass it.
    With an `event_key` (see `event_key_for()`), whoever was already told of that event is not told again
    (a unique constraint on recipient and key); the returned list holds only the new notifications."""
    from intranet.tasks import send_notification_emails

    seen: set[int] = set()
    rows = []
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    for user in recipients:
        if user.pk in seen or not user.is_active or user.closed_at is not None:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                actor=actor,
                verb=verb,
                message=str(message)[:500],
                url=url,
                target_type=target_type,
                target_id=str(target.pk) if target is not None else "",
                unsubscribe_url=unsubscribe_url_for(user)[:500] if unsubscribe_url_for else "",
                event_key=event_key,
            )
        )
    if not rows:
        return []
    try:
        return _create(rows, verb, send_notification_emails)
    except IntegrityError:
        if not event_key:
            raise
    # Some recipients already have this event (a retried job, an action repeated): the others only.
    # The first attempt costs nothing more in the usual case; this one is the rare path.
    told = set(
        Notification.objects.filter(event_key=event_key, recipient_id__in=seen).values_list("recipient_id", flat=True)
    )
    rows = [row for row in rows if row.recipient_id not in told]
    if not rows:
        return []
    return _create(rows, verb, send_notification_emails)


def _create(rows: list[Notification], verb: str, send_notification_emails) -> list[Notification]:
    """Insert `rows` in a savepoint (a duplicate event rolls back only this) and send them after commit."""
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        for row in created:
            send_event_on_commit(user_group(row.recipient_id), {"type": "notification.new", "op": "add"})
        ids = [n.pk for n in created if n.pk is not None]
        if not ids:  # databases that do not return ids from bulk_create
            ids = list(
                Notification.objects.filter(recipient_id__in=[row.recipient_id for row in rows], verb=verb)
                .order_by("-id")
                .values_list("id", flat=True)[: len(rows)]
            )
        transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return created


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
