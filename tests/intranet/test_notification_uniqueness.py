"""One notification per person and event: notifying the same event again tells only who was not told."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from intranet import page_cache
from intranet.models import Notification
from intranet.notifications import event_key_for, notify

pytestmark = pytest.mark.django_db


def test_notifying_the_same_event_twice_to_the_same_person_creates_one_notification(make_user):
    user = make_user()
    key = event_key_for("test.answer", 42)
    first = notify([user], verb="test.answer", message="Une réponse", event_key=key)
    again = notify([user], verb="test.answer", message="Une réponse", event_key=key)
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(recipient=user).count() == 1
    assert Notification.objects.get().event_key == "test.answer:42"


def test_a_repeated_event_reaches_only_the_people_not_told_yet(make_user):
    told, newcomer = make_user(), make_user()
    key = event_key_for("test.amendment", 7)
    notify([told], verb="test.amendment", message="Rectificatif 1", event_key=key)
    created = notify([told, newcomer], verb="test.amendment", message="Rectificatif 1", event_key=key)
    assert [n.recipient_id for n in created] == [newcomer.pk]
    assert Notification.objects.filter(event_key=key).count() == 2


def test_the_duplicate_is_skipped_inside_the_callers_transaction(make_user):
    user = make_user()
    key = event_key_for("test.closed", 3, "2026-03-01T11:00:00+00:00")
    with transaction.atomic():
        notify([user], verb="test.closed", message="Clos", event_key=key)
        notify([user], verb="test.closed", message="Clos", event_key=key)
        # The transaction is still usable: the failed insert was rolled back to its savepoint only.
        notify([user], verb="test.other", message="Autre")
    assert Notification.objects.filter(recipient=user).count() == 2


def test_different_events_and_notifications_without_a_key_are_all_kept(make_user):
    user = make_user()
    notify([user], verb="test.answer", message="Réponse", event_key=event_key_for("test.answer", 1))
    notify([user], verb="test.answer", message="Réponse", event_key=event_key_for("test.answer", 2))
    notify([user], verb="test.free", message="Sans clé")
    notify([user], verb="test.free", message="Sans clé")
    assert Notification.objects.filter(recipient=user).count() == 4


def test_the_database_refuses_a_second_row_for_the_same_person_and_event(make_user):
    user = make_user()
    Notification.objects.create(recipient=user, verb="test.x", message="Un", event_key="test.x:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=user, verb="test.x", message="Deux", event_key="test.x:1")


def test_notifying_an_event_costs_no_more_queries_than_without_a_key(make_user):
    users = [make_user() for _ in range(3)]
    # Each call as in its own request (a generation read between): each records its personal change.
    page_cache.generations()
    with CaptureQueriesContext(connection) as plain:
        notify(users, verb="test.plain", message="Sans clé")
    page_cache.generations()
    with CaptureQueriesContext(connection) as keyed:
        notify(users, verb="test.keyed", message="Avec clé", event_key=event_key_for("test.keyed", 1))
    assert len(keyed.captured_queries) == len(plain.captured_queries)
