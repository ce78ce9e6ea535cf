"""A notice published through the admin with a go-live date is announced only when it goes live.

Wagtail sends `page_published` when a publication only schedules a go-live: nothing may be recorded,
audited or sent then (the notice does not exist for the public yet); the scheduled job's publication
at go-live records, audits and alerts exactly once."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from intranet import scheduler
from intranet.models import AuditEvent, Notification
from procurement.actions.alerts import do_save_search
from procurement.models import NoticePage
from procurement.setup import ensure_buyer_section
from tests.procurement.conftest import paris
from tests.procurement.test_admin_notices import errors_of, notice_form

pytestmark = pytest.mark.django_db

TITLE = "Entretien des espaces verts"


def published_events():
    return AuditEvent.objects.filter(action=AuditEvent.Action.NOTICE_EVENT, details__verb="published")


def page_published_events(notice):
    return AuditEvent.objects.filter(action=AuditEvent.Action.PAGE_PUBLISHED, details__page_id=notice.pk)


def alert_emails(person):
    return [message for message in mail.outbox if person.email in message.to and TITLE in message.body]


def test_a_notice_scheduled_in_the_admin_is_announced_once_at_go_live(
    login, buyer, body, notice_index, company_member, cpv_codes, django_capture_on_commit_callbacks
):
    do_save_search(company_member, name="Espaces verts", query="nature=services")
    section = ensure_buyer_section(body, notice_index)
    data = notice_form(
        body,
        questions_deadline="2027-03-01 12:00",
        bids_deadline="2027-03-15 12:00",
        go_live_at="2027-01-11 08:00",  # tomorrow, Paris time
    )
    data["action-publish"] = "Publish"

    with time_machine.travel(paris(2027, 1, 10, 9), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(buyer).post(
                reverse("wagtailadmin_pages:add", args=["procurement", "noticepage", section.pk]), data
            )
        assert response.status_code == 302, errors_of(response)
        notice = NoticePage.objects.get(reference="2027-AOO-014")

        # Scheduled, not live: nothing announced, recorded, audited or sent.
        assert not notice.live and notice.get_latest_revision().approved_go_live_at is not None
        assert notice.announced == {}
        assert not published_events().exists() and not page_published_events(notice).exists()
        assert not Notification.objects.filter(verb="procurement.alert").exists()
        assert alert_emails(company_member) == []
        assert login(company_member).get(notice.get_latest_revision_as_object().url).status_code == 404

        # The job running before go-live changes nothing.
        with django_capture_on_commit_callbacks(execute=True):
            scheduler.run_due_jobs()
        notice.refresh_from_db()
        assert not notice.live and not Notification.objects.filter(verb="procurement.alert").exists()

    # After go-live the job publishes it: then exactly one of each, and never again.
    with time_machine.travel(paris(2027, 1, 11, 8, 1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert "procurement.publish_scheduled" in scheduler.run_due_jobs()
    with time_machine.travel(paris(2027, 1, 11, 8, 5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            scheduler.run_due_jobs()

    notice.refresh_from_db()
    assert notice.live
    assert notice.announced["bids_deadline"] == "2027-03-15T11:00:00+00:00"
    assert published_events().count() == 1
    assert page_published_events(notice).count() == 1
    alerts = Notification.objects.filter(verb="procurement.alert", recipient=company_member)
    assert [n.target_id for n in alerts] == [str(notice.pk)]
    assert len(alert_emails(company_member)) == 1
    assert notice.url in alert_emails(company_member)[0].body
    assert login(company_member).get(notice.url).status_code == 200


def test_scheduling_an_amendment_of_a_live_notice_records_it_only_at_go_live(make_notice, buyer, company_member):
    """A live notice's revision scheduled for later is no amendment yet: the public still sees the old one."""
    with time_machine.travel(paris(2027, 1, 10, 9), tick=False):
        notice = make_notice(questions_deadline=paris(2027, 2, 20), bids_deadline=paris(2027, 3, 1))
        notice.bids_deadline = paris(2027, 3, 8)
        notice.amendment_reason = "Délai supplémentaire"
        notice.go_live_at = paris(2027, 1, 12, 8)
        notice.save_revision(user=buyer).publish(user=buyer)
        notice.refresh_from_db()
        assert notice.amendments.count() == 0
        assert notice.bids_deadline == paris(2027, 3, 1)

    with time_machine.travel(paris(2027, 1, 12, 8, 1), tick=False):
        scheduler.run_due_jobs()
    notice.refresh_from_db()
    assert notice.bids_deadline == paris(2027, 3, 8)
    assert [a.changes[0]["field"] for a in notice.amendments.all()] == ["bids_deadline"]
