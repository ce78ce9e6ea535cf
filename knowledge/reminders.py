"""Review reminders: each live guide's owner is told once per review date, some days before it."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django_tasks import task

from intranet import scheduler
from knowledge import actions
from knowledge.actions import REVIEW_DUE_VERB  # noqa: F401 (the verb, importable from here too)
from knowledge.models import GuidePage, ReviewReminder

logger = logging.getLogger(__name__)

# Early in the morning, before people read their notifications and the 7 o'clock digest goes out.
REMINDER_HOUR = 6


def guides_due_for_reminder(today=None):
    """Live guides with an owner whose review date is within the reminder window and not yet reminded."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.KNOWLEDGE_REVIEW_REMINDER_DAYS)
    already_reminded = ReviewReminder.objects.filter(guide=OuterRef("pk"), review_by=OuterRef("review_by"))
    return (
        GuidePage.objects.live()
        .filter(review_by__isnull=False, review_by__lte=horizon, owner_user__isnull=False)
        .filter(~Exists(already_reminded))
        .select_related("owner_user")
        .order_by("review_by", "pk")
    )


def remind_owner(guide: GuidePage) -> bool:
    """Record the reminder and notify the owner together; False if another run got there first."""
    return actions.do_remind_review_owner(guide)


@task()
def send_review_reminders() -> int:
    """Notify owners of guides whose review date is near (or past); returns how many were reminded."""
    sent = 0
    # Messages are stored as written: write them in the site's language, whoever runs the task.
    with translation.override(settings.LANGUAGE_CODE):
        for guide in guides_due_for_reminder():
            if remind_owner(guide):
                sent += 1
    if sent:
        logger.info("Sent %s guide review reminders", sent)
    return sent


scheduler.register("knowledge.review_reminders", send_review_reminders, period="daily", hour=REMINDER_HOUR)
