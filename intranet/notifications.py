"""Send notifications: in-app at once, by e-mail immediately or in a daily digest.

Other apps call `notify()`; it never sends anything before the transaction commits.
"""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from intranet.models import Notification, User
from intranet.realtime import send_event_on_commit, user_group


def notify(
    recipients: Iterable[User],
    *,
    verb: str,
    message: str,
    url: str = "",
    target=None,
    actor=None,
    unsubscribe_url_for: Callable[[User], str] | None = None,
) -> list[Notification]:
    """Create one notification per distinct active recipient (never the actor itself).

    `unsubscribe_url_for(user)` gives each recipient's one-click unsubscribe link (signed, no
    login needed), printed in the e-mails; apps that let people follow things pass it."""
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
            )
        )
    if not rows:
        return []
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        for row in created:
            send_event_on_commit(user_group(row.recipient_id), {"type": "notification.new", "op": "add"})
        ids = [n.pk for n in created if n.pk is not None]
        if not ids:  # databases that do not return ids from bulk_create
            ids = list(
                Notification.objects.filter(recipient_id__in=seen, verb=verb)
                .order_by("-id")
                .values_list("id", flat=True)[: len(rows)]
            )
        transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return created


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
