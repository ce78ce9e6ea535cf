"""Guide owners are reminded once per review date, KNOWLEDGE_REVIEW_REMINDER_DAYS before it."""

import datetime
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from intranet import scheduler
from intranet.models import Notification
from knowledge.models import ReviewReminder
from knowledge.reminders import REVIEW_DUE_VERB, send_review_reminders

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
REVIEW_BY = datetime.date(2027, 3, 31)


def at(day: datetime.date, hour=8):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS), tick=False)


def reminders_for(user):
    return Notification.objects.filter(recipient=user, verb=REVIEW_DUE_VERB)


@pytest.fixture
def owner(make_user, body):
    return make_user("proprietaire@rennes.fr", body)


@pytest.fixture
def owned_guide(make_guide, owner):
    return make_guide("Seuils des MAPA", owner=owner, review_by=REVIEW_BY)


def window_opens() -> datetime.date:
    return REVIEW_BY - datetime.timedelta(days=settings.KNOWLEDGE_REVIEW_REMINDER_DAYS)


def test_the_reminder_window_is_fourteen_days_by_default():
    assert settings.KNOWLEDGE_REVIEW_REMINDER_DAYS == 14


def test_nobody_is_reminded_before_the_window_opens(owned_guide, owner):
    with at(window_opens() - datetime.timedelta(days=1)):
        assert send_review_reminders.call() == 0
    assert not reminders_for(owner).exists()
    assert not ReviewReminder.objects.exists()


def test_the_owner_is_reminded_when_the_window_opens_in_app_and_by_email(
    owned_guide, owner, django_capture_on_commit_callbacks
):
    with at(window_opens()), django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders.call() == 1

    notification = reminders_for(owner).get()
    assert "Seuils des MAPA" in notification.message
    assert "2027" in notification.message and "31" in notification.message
    assert notification.url == f"/admin/pages/{owned_guide.pk}/edit/"
    assert notification.target_id == str(owned_guide.pk)
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert "Seuils des MAPA" in mail.outbox[0].subject
    assert ReviewReminder.objects.filter(guide=owned_guide, review_by=REVIEW_BY).count() == 1


def test_the_owner_is_reminded_once_however_often_the_task_runs(owned_guide, owner):
    with at(window_opens()):
        send_review_reminders.call()
        assert send_review_reminders.call() == 0
    for days_later in (1, 5, 14, 30):
        with at(window_opens() + datetime.timedelta(days=days_later)):
            assert send_review_reminders.call() == 0
    assert reminders_for(owner).count() == 1


def test_an_overdue_guide_never_reminded_is_reminded_once(owned_guide, owner):
    with at(REVIEW_BY + datetime.timedelta(days=40)):
        assert send_review_reminders.call() == 1
        assert send_review_reminders.call() == 0
    assert reminders_for(owner).count() == 1


def test_a_new_review_date_brings_one_new_reminder(owned_guide, owner):
    with at(window_opens()):
        send_review_reminders.call()
    next_review = datetime.date(2027, 9, 30)
    owned_guide.review_by = next_review
    owned_guide.save(update_fields=["review_by"])

    with at(next_review - datetime.timedelta(days=20)):
        assert send_review_reminders.call() == 0
    with at(next_review - datetime.timedelta(days=3)):
        assert send_review_reminders.call() == 1
        assert send_review_reminders.call() == 0

    assert reminders_for(owner).count() == 2
    assert set(ReviewReminder.objects.values_list("review_by", flat=True)) == {REVIEW_BY, next_review}


def test_a_reminder_already_recorded_by_another_run_sends_nothing(owned_guide, owner):
    from knowledge.reminders import remind_owner

    ReviewReminder.objects.create(guide=owned_guide, review_by=REVIEW_BY)
    with at(window_opens()):
        # As if a concurrent run had read the guide before this row existed.
        assert remind_owner(owned_guide) is False
        assert send_review_reminders.call() == 0
    assert not reminders_for(owner).exists()


def test_unpublished_guides_and_guides_without_owner_or_date_are_not_reminded(make_guide, owner):
    make_guide("Brouillon", owner=owner, review_by=REVIEW_BY, live=False)
    make_guide("Sans propriétaire", owner=None, review_by=REVIEW_BY)
    make_guide("Sans date", owner=owner, review_by=None)

    with at(REVIEW_BY):
        assert send_review_reminders.call() == 0
    assert not Notification.objects.exists()
    assert not ReviewReminder.objects.exists()


def test_the_reminder_window_follows_the_setting(owned_guide, owner, settings):
    settings.KNOWLEDGE_REVIEW_REMINDER_DAYS = 3
    with at(REVIEW_BY - datetime.timedelta(days=4)):
        assert send_review_reminders.call() == 0
    with at(REVIEW_BY - datetime.timedelta(days=3)):
        assert send_review_reminders.call() == 1


def test_each_owner_gets_their_own_guides_reminders(make_guide, owner, make_user, body):
    other_owner = make_user("autre@rennes.fr", body)
    make_guide("Premier guide", owner=owner, review_by=REVIEW_BY)
    make_guide("Second guide", owner=other_owner, review_by=REVIEW_BY)

    with at(window_opens()):
        assert send_review_reminders.call() == 2

    assert "Premier guide" in reminders_for(owner).get().message
    assert "Second guide" in reminders_for(other_owner).get().message


def test_the_reminders_are_a_daily_periodic_job(owned_guide, owner):
    job = next(job for job in scheduler.jobs() if job.name == "knowledge.review_reminders")
    assert job.period == "daily"
    with at(window_opens(), hour=9):
        assert "knowledge.review_reminders" in scheduler.run_due_jobs()
        assert "knowledge.review_reminders" not in scheduler.run_due_jobs()
    # The immediate task backend ran it when the scheduler enqueued it.
    assert reminders_for(owner).count() == 1


def test_a_fresh_process_such_as_the_worker_registers_the_job_at_start_up():
    """The worker serves no request: the job must be registered by django.setup() alone."""
    code = (
        "import django; django.setup(); from intranet import scheduler; "
        "print('knowledge.review_reminders' in [job.name for job in scheduler.jobs()])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "intranet.settings.test", "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "True", result.stderr[-2000:]
