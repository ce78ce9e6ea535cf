"""Background tasks of the core: notification e-mails and the daily digest."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from intranet.models import Notification, User


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification to recipients who want them immediately; returns how many were sent."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        pending = (
            Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
            .select_related("recipient")
            .order_by("pk")
        )
        for notification in pending:
            user = notification.recipient
            if user.email_frequency == User.EmailFrequency.DAILY:
                continue  # the digest takes it
            # Claim it first so that two workers never send the same e-mail.
            claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            )
            if not claimed or user.email_frequency == User.EmailFrequency.NEVER:
                continue
            context = {
                "user": user,
                "notification": notification,
                "url": _absolute(notification.url),
                "site_name": settings.SITE_NAME,
                "preferences_url": _absolute("/compte/profil/"),
            }
            send_mail(
                subject=f"[{settings.SITE_NAME}] {notification.message}"[:200],
                message=render_to_string("intranet/email/notification.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
            sent += 1
    return sent


@task()
def send_daily_digests() -> int:
    """One e-mail per person who chose the daily digest, grouping what they have not been sent."""
    sent = 0
    user_ids = (
        Notification.objects.filter(
            emailed_at__isnull=True, recipient__email_frequency=User.EmailFrequency.DAILY, recipient__is_active=True
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    with translation.override(settings.LANGUAGE_CODE):
        for user in User.objects.filter(pk__in=list(user_ids)):
            with transaction.atomic():
                items = list(
                    Notification.objects.select_for_update()
                    .filter(recipient=user, emailed_at__isnull=True)
                    .order_by("created_at", "pk")
                )
                if not items:
                    continue
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
                context = {
                    "user": user,
                    "items": [(n, _absolute(n.url)) for n in items],
                    "site_name": settings.SITE_NAME,
                    "preferences_url": _absolute("/compte/profil/"),
                }
                send_mail(
                    subject=render_to_string("intranet/email/digest_subject.txt", context).strip(),
                    message=render_to_string("intranet/email/digest.txt", context),
                    from_email=None,
                    recipient_list=[user.email],
                )
                sent += 1
    return sent


@task()
def prune_content_changes() -> int:
    """The page cache's record of changes keeps its last rows only (intranet/page_cache.py)."""
    from intranet import page_cache

    return page_cache.prune()
