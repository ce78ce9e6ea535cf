"""Notice status, derived from dates and lifecycle fields, in Python and in SQL alike."""

import datetime

import pytest
from django.utils import timezone

from procurement.models import NoticePage, Status, status_q


@pytest.mark.django_db
def test_status_follows_the_deadlines_in_python_and_sql(make_notice):
    notice = make_notice()
    moments = {
        Status.PUBLISHED: notice.questions_deadline - datetime.timedelta(seconds=1),
        Status.QUESTIONS_CLOSED: notice.questions_deadline,
        Status.BIDS_CLOSED: notice.bids_deadline,
    }
    for expected, now in moments.items():
        assert notice.status_at(now) == expected
        matching = [
            s
            for s in Status
            if s != Status.DRAFT and NoticePage.objects.filter(status_q(s, now), pk=notice.pk).exists()
        ]
        assert matching == [expected]


@pytest.mark.django_db
def test_drafts_are_drafts_and_lifecycle_survives_a_new_revision(make_notice):
    draft = make_notice(live=False)
    assert draft.status == Status.DRAFT
    notice = make_notice()
    NoticePage.objects.filter(pk=notice.pk).update(cancelled_at=timezone.now(), cancellation_reason="Besoin disparu")
    notice.refresh_from_db()
    # A revision made before the cancellation is published afterwards: the cancellation stays.
    revision = notice.revisions.order_by("created_at").first()
    revision.publish()
    notice.refresh_from_db()
    assert notice.status == Status.CANCELLED
    assert notice.cancellation_reason == "Besoin disparu"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"opened_at": "now"}, Status.OPENED),
        ({"opened_at": "now", "outcome": "awarded"}, Status.AWARDED),
        ({"outcome": "unsuccessful"}, Status.UNSUCCESSFUL),
        ({"opened_at": "now", "outcome": "awarded", "cancelled_at": "now"}, Status.CANCELLED),
    ],
)
def test_lifecycle_statuses_agree_in_python_and_sql(make_notice, fields, expected):
    notice = make_notice()
    now = timezone.now()
    NoticePage.objects.filter(pk=notice.pk).update(**{k: now if v == "now" else v for k, v in fields.items()})
    notice.refresh_from_db()
    assert notice.status_at(now) == expected
    matching = [s for s in Status if NoticePage.objects.filter(status_q(s, now), pk=notice.pk).exists()]
    assert matching == [expected]


@pytest.mark.django_db
def test_an_award_committed_while_a_revision_is_being_published_is_kept(make_notice):
    notice = make_notice()
    being_published = notice.revisions.order_by("-created_at").first().as_object()  # loaded before the award
    now = timezone.now()
    NoticePage.objects.filter(pk=notice.pk).update(opened_at=now, outcome="awarded", award_supplier_name="Breizh")

    being_published.save()

    notice.refresh_from_db()
    assert (notice.outcome, notice.award_supplier_name) == ("awarded", "Breizh")
