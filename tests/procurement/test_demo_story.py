"""The demo's stories: the Ville de Rennes in every status, the CHU de Brest and the Région Bretagne a good
set, and a history whose notifications are dated when their events happened, each told once."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from intranet.models import Notification
from intranet.settings.base import PROCUREMENT_DEMO_NOTICES
from procurement.demo import BODY_BY_KEY, STORIES, plan_notice, seed_notices
from procurement.demo_content.families import FAMILIES
from procurement.models import Amendment, Download, NoticePage, Question, Status
from procurement.transitions import (
    BIDS_CLOSED_VERB,
    QUESTIONS_CLOSED_VERB,
    announce_deadline_transitions,
    announce_transition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(demo_people):
    """seed_demo's organizations and people, then the story notices (the first ones of the demo)."""
    seed_notices(count=len(STORIES))


def notices_of(name: str) -> list[NoticePage]:
    return list(NoticePage.objects.filter(buyer__name=name).order_by("path"))


def received(notice: NoticePage, verb: str):
    return Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(NoticePage), target_id=str(notice.pk), verb=verb
    )


def test_the_ville_de_rennes_has_a_notice_in_every_status_with_questions_and_downloads(stories):
    notices = notices_of("Ville de Rennes")
    assert {n.status for n in notices} == set(Status.values)
    open_ = [n for n in notices if n.status == Status.PUBLISHED]
    assert Question.objects.filter(notice__in=open_, answered_at__isnull=True).count() == 2  # waiting
    assert Question.objects.filter(notice__in=open_, answered_at__isnull=False).count() == 3
    amended = [n for n in open_ if Amendment.objects.filter(notice=n).count() == 2]
    assert len(amended) == 1 and amended[0].bids_deadline > timezone.now()
    cleaning = open_[0]
    assert Download.objects.filter(notice=cleaning, user__isnull=False).count() == 3  # Breizh (2), Armor
    assert Download.objects.filter(notice=cleaning, user__isnull=True, organization__isnull=True).count() == 7
    awarded = next(n for n in notices if n.status == Status.AWARDED)
    assert awarded.award_supplier_name == "Breizh Propreté SARL"


def test_the_chu_de_brest_and_the_region_have_their_own_set(stories):
    assert {n.status for n in notices_of("CHU de Brest")} == {
        Status.PUBLISHED,
        Status.QUESTIONS_CLOSED,
        Status.BIDS_CLOSED,
        Status.AWARDED,
        Status.CANCELLED,
        Status.DRAFT,
    }
    region = notices_of("Région Bretagne")
    assert {n.status for n in region} == {Status.PUBLISHED, Status.OPENED, Status.AWARDED, Status.UNSUCCESSFUL}
    assert Amendment.objects.filter(notice__in=region).exists()
    assert Question.objects.filter(notice__in=region, answered_at__isnull=True).exists()


def test_the_history_is_dated_when_it_happened_and_each_event_told_once(stories):
    now = timezone.now()
    notices = list(NoticePage.objects.all())
    awarded = [n for n in notices if n.status == Status.AWARDED]
    for notice in awarded:
        assert set(received(notice, "procurement.awarded").values_list("created_at", flat=True)) == {notice.outcome_at}
    for question in Question.objects.filter(answered_at__isnull=False):
        answers = received(question.notice, "procurement.answer").filter(event_key__endswith=f":{question.pk}")
        assert answers.exists() and set(answers.values_list("created_at", flat=True)) == {question.answered_at}
    for amendment in Amendment.objects.all():
        told = Notification.objects.filter(event_key=f"procurement.amendment:{amendment.pk}")
        assert told.exists() and set(told.values_list("created_at", flat=True)) == {amendment.created_at}
    # Past deadlines were announced when they passed, so the worker has nothing left to say.
    for notice in notices:
        if notice.status in (Status.QUESTIONS_CLOSED, Status.BIDS_CLOSED):
            assert notice.notified_status == notice.status
        closed = received(notice, QUESTIONS_CLOSED_VERB).values_list("created_at", flat=True)
        assert set(closed) <= {notice.questions_deadline}
    assert announce_deadline_transitions.call() == 0
    assert not Notification.objects.filter(created_at__gt=now).exists()

    # Announcing a closing again (a worker retried, a status reset) tells nobody twice.
    bids_closed = next(n for n in notices if n.status == Status.BIDS_CLOSED)
    assert received(bids_closed, BIDS_CLOSED_VERB).exists()
    before = Notification.objects.count()
    NoticePage.objects.filter(pk=bids_closed.pk).update(notified_status="")
    bids_closed.notified_status = ""
    assert announce_transition(bids_closed) == Status.BIDS_CLOSED
    assert Notification.objects.count() == before

    # A second run adds no notice and no notification.
    assert seed_notices(count=len(STORIES)) == {"notices": 0, "saved_searches": 0}
    assert Notification.objects.count() == before


def test_titles_fit_the_body_that_publishes_them():
    for family in FAMILIES:
        assert set(dict(family.title_kinds)) <= set(family.titles), family.key
    now = timezone.now()
    for plan in (plan_notice(number, now) for number in range(1, PROCUREMENT_DEMO_NOTICES + 1)):
        kind = BODY_BY_KEY[plan.body_key].kind
        if plan.story is None:
            fitting = [title.split("{")[0] for title in plan.family.titles_for(kind)]
            assert any(plan.title.startswith(start) for start in fitting), (kind, plan.title)
        if kind == "hospital":
            assert not any(word in plan.title for word in ("hôtel de ville", "scolaire", "municipal", "cimetières"))
