"""Notifications: one row per recipient, e-mailed immediately, in a daily digest, or never."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from intranet import page_cache
from intranet.actions.notifications import do_mark_read
from intranet.models import Notification, User
from intranet.notifications import notify, unread_count
from intranet.tasks import send_daily_digests, send_notification_emails

Frequency = User.EmailFrequency
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def english(settings):
    # The tasks render e-mails in LANGUAGE_CODE; English keeps these assertions independent of the catalog.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def send_on_commit(django_capture_on_commit_callbacks):
    """notify() inside a committed transaction: its on-commit e-mails and events run."""

    def send(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return notify(*args, **kwargs)

    return send


@pytest.mark.django_db
def test_notify_creates_one_row_per_distinct_active_recipient(make_user, send_on_commit):
    actor = make_user("auteur@example.fr")
    alice = make_user("alice@example.fr")
    bob = make_user("bob@example.fr")
    gone = make_user("parti@example.fr", is_active=False)
    closed = make_user("ferme@example.fr", closed_at=dt.datetime(2026, 1, 1, tzinfo=PARIS))
    created = send_on_commit(
        [alice, bob, alice, actor, gone, closed, bob], verb="test.hello", message="Hello", url="/x/", actor=actor
    )
    assert len(created) == 2
    rows = Notification.objects.order_by("recipient__email")
    assert [n.recipient for n in rows] == [alice, bob]
    assert {(n.verb, n.message, n.url, n.actor_id) for n in rows} == {("test.hello", "Hello", "/x/", actor.pk)}


@pytest.mark.django_db
def test_notify_skips_the_actor_and_returns_nothing_when_nobody_is_left(make_user, send_on_commit):
    actor = make_user()
    assert send_on_commit([actor], verb="test.self", message="Moi", actor=actor) == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_notify_records_its_target(make_user, send_on_commit, body):
    user = make_user()
    send_on_commit([user], verb="test.target", message="Cible", target=body)
    notification = Notification.objects.get()
    assert notification.target == body


@pytest.mark.django_db
def test_notify_query_count_does_not_grow_with_recipients(make_user, django_assert_max_num_queries):
    few = [make_user() for _ in range(2)]
    many = [make_user() for _ in range(20)]
    # Each call as in its own request (a generation read between): each records its personal change.
    page_cache.generations()
    with django_assert_max_num_queries(6) as few_queries:
        notify(few, verb="test.count", message="Un")
    page_cache.generations()
    with django_assert_max_num_queries(6) as many_queries:
        notify(many, verb="test.count", message="Deux")
    assert len(many_queries.captured_queries) == len(few_queries.captured_queries)


@pytest.mark.django_db
def test_message_is_cut_to_its_column_size(make_user, send_on_commit):
    user = make_user()
    send_on_commit([user], verb="test.long", message="x" * 800)
    assert len(Notification.objects.get().message) == 500


@pytest.mark.django_db
def test_nothing_is_sent_before_commit(make_user):
    user = make_user(email_frequency=Frequency.IMMEDIATE)
    notify([user], verb="test.pending", message="Pas encore")
    # Inside the test's transaction no commit happened: no e-mail yet.
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


# --- immediate, never --------------------------------------------------------------------------


@pytest.mark.django_db
def test_immediate_preference_sends_one_email_per_notification(make_user, send_on_commit):
    user = make_user("immediat@example.fr", first_name="Anne", last_name="Le Goff")
    send_on_commit([user], verb="test.one", message="L'avis « Voirie » a une réponse & plus", url="/avis/3/")
    send_on_commit([user], verb="test.two", message="Second message")
    assert len(mail.outbox) == 2
    first = mail.outbox[0]
    assert first.to == ["immediat@example.fr"]
    assert first.subject == "[Marchés & Partage] L'avis « Voirie » a une réponse & plus"
    # Plain text: nothing HTML-escaped.
    assert "Hello Anne Le Goff," in first.body
    assert "L'avis « Voirie » a une réponse & plus" in first.body
    assert "http://127.0.0.1:8000/avis/3/" in first.body
    assert "http://127.0.0.1:8000/compte/profil/" in first.body
    assert "&amp;" not in first.body and "&#x27;" not in first.body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_immediate_email_is_sent_once_even_if_the_task_runs_again(make_user, send_on_commit):
    user = make_user(email_frequency=Frequency.IMMEDIATE)
    send_on_commit([user], verb="test.once", message="Une fois")
    assert send_notification_emails.call([Notification.objects.get().pk]) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_never_preference_sends_nothing(make_user, send_on_commit):
    user = make_user(email_frequency=Frequency.NEVER)
    send_on_commit([user], verb="test.never", message="Rien")
    assert mail.outbox == []
    # Handled by the e-mail channel, so no later digest picks it up.
    assert Notification.objects.get().emailed_at is not None
    assert send_daily_digests.call() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_recipients_with_different_preferences(make_user, send_on_commit):
    immediate = make_user("a@example.fr", email_frequency=Frequency.IMMEDIATE)
    daily = make_user("b@example.fr", email_frequency=Frequency.DAILY)
    never = make_user("c@example.fr", email_frequency=Frequency.NEVER)
    send_on_commit([immediate, daily, never], verb="test.mixed", message="Pour tous")
    assert [m.to for m in mail.outbox] == [["a@example.fr"]]


# --- daily digest ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_daily_preference_waits_for_the_digest_which_groups_everything_once(make_user, send_on_commit):
    user = make_user("quotidien@example.fr", first_name="Yann", last_name="Kervella",
                     email_frequency=Frequency.DAILY)  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 15, tzinfo=PARIS), tick=False):
        send_on_commit([user], verb="test.morning", message="Nouvelle question sur l'avis 12", url="/avis/12/")
    with time_machine.travel(dt.datetime(2026, 3, 2, 16, 40, tzinfo=PARIS), tick=False):
        send_on_commit([user], verb="test.afternoon", message="Nouveau message & pièce jointe", url="/forum/7/")
        send_on_commit([user], verb="test.afternoon", message="Sans lien")
    assert mail.outbox == []  # nothing immediately

    with time_machine.travel(dt.datetime(2026, 3, 3, 7, 0, tzinfo=PARIS), tick=False):
        assert send_daily_digests.call() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["quotidien@example.fr"]
    assert digest.subject == "[Marchés & Partage] Your daily summary — 3 notifications"
    body = digest.body
    assert "Hello Yann Kervella," in body
    morning = body.index("Nouvelle question sur l'avis 12")
    afternoon = body.index("Nouveau message & pièce jointe")
    assert morning < afternoon < body.index("Sans lien")  # oldest first
    assert "http://127.0.0.1:8000/avis/12/" in body and "http://127.0.0.1:8000/forum/7/" in body
    assert "9:15" in body and "4:40" in body  # local (Paris) time of each notification, not UTC
    assert "http://127.0.0.1:8000/compte/profil/" in body
    assert "&amp;" not in body and "&#x27;" not in body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0

    # A second run has nothing left to send.
    assert send_daily_digests.call() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_digest_of_one_notification_uses_the_singular(make_user, send_on_commit):
    user = make_user(email_frequency=Frequency.DAILY)
    send_on_commit([user], verb="test.single", message="Seule")
    assert send_daily_digests.call() == 1
    assert mail.outbox[0].subject == "[Marchés & Partage] Your daily summary — 1 notification"


@pytest.mark.django_db
def test_digest_holds_only_the_recipients_own_notifications(make_user, send_on_commit):
    anne = make_user("anne@example.fr", email_frequency=Frequency.DAILY)
    paul = make_user("paul@example.fr", email_frequency=Frequency.DAILY)
    send_on_commit([anne], verb="test.private", message="Pour Anne seulement")
    send_on_commit([paul], verb="test.private", message="Pour Paul seulement")
    send_on_commit([anne, paul], verb="test.shared", message="Pour les deux")
    assert send_daily_digests.call() == 2
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert "Pour Anne seulement" in by_recipient["anne@example.fr"]
    assert "Pour Paul seulement" not in by_recipient["anne@example.fr"]
    assert "Pour Paul seulement" in by_recipient["paul@example.fr"]
    assert "Pour Anne seulement" not in by_recipient["paul@example.fr"]
    assert all("Pour les deux" in body for body in by_recipient.values())


@pytest.mark.django_db
def test_digest_leaves_out_accounts_closed_since(make_user, send_on_commit):
    user = make_user(email_frequency=Frequency.DAILY)
    send_on_commit([user], verb="test.closed", message="Trop tard")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert send_daily_digests.call() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_digest_task_can_be_enqueued(make_user, send_on_commit):
    user = make_user(email_frequency=Frequency.DAILY)
    send_on_commit([user], verb="test.enqueue", message="Par la file")
    result = send_daily_digests.enqueue()
    assert result.return_value == 1
    assert len(mail.outbox) == 1


# --- unread counter ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_unread_count(make_user, send_on_commit):
    user, other = make_user(), make_user()
    assert unread_count(AnonymousUser()) == 0
    assert unread_count(user) == 0
    send_on_commit([user], verb="test.a", message="Un")
    send_on_commit([user, other], verb="test.b", message="Deux")
    assert unread_count(user) == 2
    assert unread_count(other) == 1
    first = Notification.objects.filter(recipient=user).order_by("pk").first()
    assert do_mark_read(user, [first.pk]) == 1
    assert unread_count(user) == 1
    # One cannot mark someone else's notifications read.
    assert do_mark_read(other, [n.pk for n in Notification.objects.filter(recipient=user)]) == 0
    assert unread_count(user) == 1
    assert do_mark_read(user) == 1
    assert unread_count(user) == 0
    assert unread_count(other) == 1
