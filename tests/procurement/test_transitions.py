"""When questions then bids close, followers and the notice's buyers are told once, however often the job runs."""

import pytest
import time_machine

from intranet import scheduler
from intranet.models import Notification
from procurement.actions.alerts import do_save_search
from procurement.models import Follow, NoticePage
from procurement.transitions import announce_deadline_transitions
from tests.procurement.conftest import paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(make_notice, make_user):
    with time_machine.travel(paris(2027, 1, 10, 9), tick=False):
        notice = make_notice(questions_deadline=paris(2027, 2, 20), bids_deadline=paris(2027, 3, 1))
    followers = [make_user("suivi1@example.fr"), make_user("suivi2@example.fr")]
    for user in followers:
        Follow.objects.create(notice=notice, user=user)
    return notice, followers


def recipients(verb):
    return sorted(n.recipient.email for n in Notification.objects.filter(verb=verb))


def test_each_follower_is_told_once_per_closing_and_the_buyers_may_open(followed, buyer, org_admin, make_notice):
    notice, followers = followed
    emails = sorted(user.email for user in followers)

    with time_machine.travel(paris(2027, 2, 15), tick=False):
        assert announce_deadline_transitions.call() == 0
    assert not Notification.objects.exists()

    with time_machine.travel(paris(2027, 2, 20, 12, 1), tick=False):
        assert announce_deadline_transitions.call() == 1
        assert announce_deadline_transitions.call() == 0
    assert recipients("procurement.questions_closed") == emails
    assert NoticePage.objects.get(pk=notice.pk).notified_status == "questions_closed"

    with time_machine.travel(paris(2027, 3, 1, 12, 1), tick=False):
        assert announce_deadline_transitions.call() == 1
        assert announce_deadline_transitions.call() == 0
    assert recipients("procurement.questions_closed") == emails
    assert recipients("procurement.bids_closed") == emails
    assert recipients("procurement.bids_to_open") == sorted([buyer.email, org_admin.email])


def test_drafts_are_never_announced(make_notice, make_user):
    with time_machine.travel(paris(2027, 1, 10, 9), tick=False):
        draft = make_notice(live=False, questions_deadline=paris(2027, 2, 20), bids_deadline=paris(2027, 3, 1))
    Follow.objects.create(notice=draft, user=make_user())

    with time_machine.travel(paris(2027, 3, 2), tick=False):
        assert announce_deadline_transitions.call() == 0
    assert not Notification.objects.exists()


def test_the_transitions_run_every_minute_from_the_scheduler(followed):
    job = next(job for job in scheduler.jobs() if job.name == "procurement.deadline_transitions")
    assert job.period == "minutely"
    with time_machine.travel(paris(2027, 2, 20, 12, 5), tick=False):
        assert "procurement.deadline_transitions" in scheduler.run_due_jobs()
    assert len(recipients("procurement.questions_closed")) == 2


def test_a_scheduled_notice_is_published_by_the_job_and_alerts_are_sent(make_notice, company_member):
    do_save_search(company_member, name="Nettoyage", query="nature=services")
    with time_machine.travel(paris(2027, 1, 10, 9), tick=False):
        notice = make_notice(live=False, questions_deadline=paris(2027, 2, 20), bids_deadline=paris(2027, 3, 1))
        notice.go_live_at = paris(2027, 1, 12, 8)
        notice.save_revision(approved_go_live_at=notice.go_live_at)

    with time_machine.travel(paris(2027, 1, 12, 8, 1), tick=False):
        assert "procurement.publish_scheduled" in scheduler.run_due_jobs()

    notice.refresh_from_db()
    assert notice.live
    assert notice.announced["bids_deadline"] == "2027-03-01T11:00:00+00:00"
    alerts = Notification.objects.filter(verb="procurement.alert", recipient=company_member)
    assert [n.target_id for n in alerts] == [str(notice.pk)]  # told once, when the worker published it
