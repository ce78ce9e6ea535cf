"""Deadline transitions: when questions or bids close, followers and the notice's buyers are told once.

A periodic job (every minute) finds, in one query, the live notices whose status moved past what was
last announced (`notified_status`), claims each with a conditional UPDATE so that two workers never
both notify, then notifies. It also publishes scheduled notices, so `go_live_at` works with the worker alone,
and (daily) keeps the practice consultation's deadline ahead. The practice consultation is never announced.
"""

import logging

from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from intranet import scheduler
from intranet.models import Membership, User
from intranet.notifications import event_key_for, notify
from procurement.models import NoticePage, Status, status_q
from procurement.practice import keep_practice_notice_open

logger = logging.getLogger(__name__)

QUESTIONS_CLOSED_VERB = "procurement.questions_closed"
BIDS_CLOSED_VERB = "procurement.bids_closed"
BIDS_TO_OPEN_VERB = "procurement.bids_to_open"


def notices_to_announce(now=None):
    """Live notices whose questions or bids closed since the last announcement (one query)."""
    now = now or timezone.now()
    questions_closed = status_q(Status.QUESTIONS_CLOSED, now) & ~Q(
        notified_status__in=[Status.QUESTIONS_CLOSED, Status.BIDS_CLOSED]
    )
    bids_closed = status_q(Status.BIDS_CLOSED, now) & ~Q(notified_status=Status.BIDS_CLOSED)
    # The practice consultation never closes for anyone: nothing to announce of it.
    return (
        NoticePage.objects.live()
        .filter(questions_closed | bids_closed)
        .exclude(practice=True)
        .select_related("buyer")
        .order_by("pk")
    )


def notice_buyers(notice: NoticePage):
    """The people who may open the bids: buyers and organization admins of the notice's body."""
    return User.objects.filter(
        memberships__organization_id=notice.buyer_id,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role__in=[Membership.Role.BUYER, Membership.Role.ORG_ADMIN],
        is_active=True,
    ).distinct()


def transition_event_key(notice: NoticePage, verb: str) -> str:
    """A closing is an event of the notice at its deadline: a later deadline (an extension that reopened
    questions or bids) closes again, and is announced again."""
    deadline = notice.questions_deadline if verb == QUESTIONS_CLOSED_VERB else notice.bids_deadline
    return event_key_for(verb, notice.pk, deadline.isoformat())


def announce_transition(notice: NoticePage, now=None) -> str | None:
    """Claim and announce the notice's new status; None if another run got there first."""
    status = notice.status_at(now)
    if status not in (Status.QUESTIONS_CLOSED, Status.BIDS_CLOSED):
        return None
    claimed = NoticePage.objects.filter(pk=notice.pk, notified_status=notice.notified_status).update(
        notified_status=status
    )
    if not claimed:
        return None
    followers = User.objects.filter(notice_follows__notice=notice)
    values = {"reference": notice.reference, "title": notice.title}
    url = notice.url or ""
    if status == Status.QUESTIONS_CLOSED:
        notify(
            followers,
            verb=QUESTIONS_CLOSED_VERB,
            message=_("Questions are closed for the call for tender %(reference)s – %(title)s.") % values,
            url=url,
            target=notice,
            event_key=transition_event_key(notice, QUESTIONS_CLOSED_VERB),
        )
    else:
        notify(
            followers,
            verb=BIDS_CLOSED_VERB,
            message=_("The deadline for bids has passed for the call for tender %(reference)s – %(title)s.") % values,
            url=url,
            target=notice,
            event_key=transition_event_key(notice, BIDS_CLOSED_VERB),
        )
        notify(
            notice_buyers(notice),
            verb=BIDS_TO_OPEN_VERB,
            message=_("Bids are closed for %(reference)s – %(title)s: you may open them.") % values,
            url=url,
            target=notice,
            event_key=transition_event_key(notice, BIDS_TO_OPEN_VERB),
        )
    return status


@task()
def announce_deadline_transitions() -> int:
    """Announce the notices whose questions or bids closed; returns how many transitions were announced."""
    now = timezone.now()
    announced = 0
    # Messages are stored as written: in the site's language, whoever runs the task.
    with translation.override(settings.LANGUAGE_CODE):
        for notice in notices_to_announce(now):
            if announce_transition(notice, now):
                announced += 1
    if announced:
        logger.info("Announced %s notice deadline transitions", announced)
    return announced


@task()
def publish_scheduled_notices() -> None:
    """Wagtail's `publish_scheduled`: pages (notices included) whose go-live time has come."""
    call_command("publish_scheduled")


scheduler.register("procurement.deadline_transitions", announce_deadline_transitions, period="minutely")
scheduler.register("procurement.publish_scheduled", publish_scheduled_notices, period="minutely")
# The practice consultation's deadline, pushed a year ahead whenever it comes within a month (procurement.practice).
scheduler.register("procurement.practice_deadline", keep_practice_notice_open, period="daily", hour=3)


@task()
def announce_group_deadlines() -> int:
    """Group purchases: the reminder before the deadline for declarations, and its passing."""
    from procurement.actions import groups

    with translation.override(settings.LANGUAGE_CODE):
        return groups.remind_deadlines() + groups.announce_closed_declarations()


scheduler.register("procurement.group_deadlines", announce_group_deadlines, period="hourly")
