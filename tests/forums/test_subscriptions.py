"""Subscriptions and reply notifications: exactly the right people get exactly one notification each."""

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from forums.actions.subscriptions import do_set_category_subscription, do_set_topic_subscription
from forums.models import Category, Post, Subscription
from forums.notifications import NEW_TOPIC_VERB, REPLY_VERB, notifiable_mentions, post_created
from intranet.models import Membership, Notification, User
from intranet.tasks import send_daily_digests

Level = Subscription.Level
pytestmark = pytest.mark.django_db


@pytest.fixture
def announce(django_capture_on_commit_callbacks):
    """What the posting code does once a post is committed."""

    def do(post, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            post_created(post, **kwargs)

    return do


def told_about(post) -> dict[str, list[str]]:
    """{recipient e-mail: [verbs]} of the notifications about `post`."""
    rows = Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(Post), target_id=str(post.pk)
    ).select_related("recipient")
    result: dict[str, list[str]] = {}
    for row in rows:
        result.setdefault(row.recipient.email, []).append(row.verb)
    return result


@pytest.fixture
def people(make_user, body):
    names = ("auteur", "veilleur", "suiveur", "silencieux", "repondant", "passant")
    return {name: make_user(f"{name}@rennes.fr", body) for name in names}


def test_a_reply_notifies_watchers_and_the_quoted_tracker_once_each_and_nobody_else(
    public_category, make_topic, reply, announce, people
):
    topic = make_topic(public_category, people["auteur"], title="Seuils 2026")
    announce(topic.first_post)
    do_set_topic_subscription(people["veilleur"], topic, Level.WATCHING)
    tracked_post = reply(topic, people["suiveur"], "Ma réponse")
    announce(tracked_post)
    muted_post = reply(topic, people["silencieux"], "Autre réponse")
    announce(muted_post)
    do_set_topic_subscription(people["silencieux"], topic, Level.MUTED)
    # The watcher also watches the category: still one notification (category watching is for new topics).
    do_set_category_subscription(people["veilleur"], public_category, Level.WATCHING)
    Notification.objects.all().delete()

    new = reply(topic, people["repondant"], "Je cite deux messages")
    new.quoted_posts.set([tracked_post, muted_post])
    announce(new)

    assert told_about(new) == {"veilleur@rennes.fr": [REPLY_VERB], "suiveur@rennes.fr": [REPLY_VERB]}
    quoted = Notification.objects.get(recipient=people["suiveur"])
    assert "replied to your message" in quoted.message or "répondu" in quoted.message
    assert quoted.url == new.get_absolute_url()
    assert quoted.actor == people["repondant"]
    # The author tracks (not quoted, not watching): nothing; the replier is never told about their own post.
    assert Subscription.objects.get(user=people["repondant"], topic=topic).level == Level.TRACKING


def test_a_watcher_replying_is_not_told_about_their_own_reply(public_category, make_topic, reply, announce, people):
    topic = make_topic(public_category, people["auteur"])
    do_set_topic_subscription(people["veilleur"], topic, Level.WATCHING)
    do_set_topic_subscription(people["auteur"], topic, Level.WATCHING)
    own = reply(topic, people["veilleur"], "Moi-même")
    announce(own)
    assert told_about(own) == {"auteur@rennes.fr": [REPLY_VERB]}


def test_a_new_topic_notifies_category_watchers_who_may_still_read_it(
    make_category, make_topic, announce, buyer, other_buyer, company_member
):
    category = make_category("Retours d'expérience", Category.Visibility.MEMBERS)
    for person in (buyer, other_buyer, company_member):
        do_set_category_subscription(person, category, Level.WATCHING)
    # The category became buyers-only: the company user watching it must hear nothing more.
    Category.objects.filter(pk=category.pk).update(visibility=Category.Visibility.BUYERS)
    category.refresh_from_db()

    topic = make_topic(category, other_buyer, title="Allotissement des marchés de nettoyage")
    announce(topic.first_post)

    assert told_about(topic.first_post) == {"acheteur@rennes.fr": [NEW_TOPIC_VERB]}
    notification = Notification.objects.get(recipient=buyer)
    assert notification.url == topic.first_post.get_absolute_url()
    assert "Allotissement" in notification.message


def test_watching_a_parent_category_covers_its_sub_categories_unless_they_have_a_level_of_their_own(
    make_category, make_topic, announce, people
):
    parent = make_category("Procédures")
    child = make_category("MAPA", parent=parent)
    do_set_category_subscription(people["veilleur"], parent, Level.WATCHING)
    do_set_category_subscription(people["silencieux"], parent, Level.WATCHING)
    do_set_category_subscription(people["silencieux"], child, Level.MUTED)

    topic = make_topic(child, people["auteur"])
    announce(topic.first_post)

    assert told_about(topic.first_post) == {"veilleur@rennes.fr": [NEW_TOPIC_VERB]}


def test_a_muted_category_silences_its_topics_unless_the_topic_has_a_level(
    public_category, make_topic, reply, announce, people
):
    topic = make_topic(public_category, people["auteur"])
    first = reply(topic, people["silencieux"], "Ma contribution")
    second = reply(topic, people["suiveur"], "La mienne")
    do_set_category_subscription(people["silencieux"], public_category, Level.MUTED)
    do_set_category_subscription(people["suiveur"], public_category, Level.MUTED)
    do_set_topic_subscription(people["suiveur"], topic, Level.TRACKING)  # overrides the category

    new = reply(topic, people["repondant"], "Je vous cite")
    new.quoted_posts.set([first, second])
    announce(new)

    assert told_about(new) == {"suiveur@rennes.fr": [REPLY_VERB]}


def test_people_told_by_a_mention_get_nothing_more_for_the_same_post(
    public_category, make_topic, reply, announce, people
):
    topic = make_topic(public_category, people["auteur"])
    for name in ("veilleur", "suiveur"):
        do_set_topic_subscription(people[name], topic, Level.WATCHING)
    post = reply(topic, people["repondant"], "@veilleur @suiveur qu'en pensez-vous ?")
    # The posting code notified the mentioned people itself, and says so (one way or the other).
    Notification.objects.create(
        recipient=people["veilleur"],
        verb="forums.mentioned",
        message="mention",
        target_type=ContentType.objects.get_for_model(Post),
        target_id=str(post.pk),
    )
    announce(post, already_notified={people["suiveur"]})

    assert told_about(post) == {"veilleur@rennes.fr": ["forums.mentioned"]}


def test_announcing_a_post_twice_notifies_once(public_category, make_topic, reply, announce, people):
    topic = make_topic(public_category, people["auteur"])
    do_set_topic_subscription(people["veilleur"], topic, Level.WATCHING)
    post = reply(topic, people["repondant"])
    announce(post)
    announce(post)
    assert told_about(post) == {"veilleur@rennes.fr": [REPLY_VERB]}


def test_authors_and_repliers_track_the_topic_without_losing_a_level_they_chose(
    public_category, make_topic, reply, announce, people
):
    topic = make_topic(public_category, people["auteur"])
    announce(topic.first_post)
    do_set_topic_subscription(people["veilleur"], topic, Level.WATCHING)
    announce(reply(topic, people["veilleur"]))
    announce(reply(topic, people["repondant"]))
    levels = dict(Subscription.objects.filter(topic=topic).values_list("user__email", "level"))
    assert levels == {
        "auteur@rennes.fr": Level.TRACKING,
        "veilleur@rennes.fr": Level.WATCHING,
        "repondant@rennes.fr": Level.TRACKING,
    }


def test_hidden_posts_notify_nobody(public_category, make_topic, reply, announce, people):
    topic = make_topic(public_category, people["auteur"])
    do_set_topic_subscription(people["veilleur"], topic, Level.WATCHING)
    post = reply(topic, people["repondant"])
    Post.objects.filter(pk=post.pk).update(hidden_at=post.created_at)
    announce(post)
    assert told_about(post) == {}


def test_mentions_of_people_who_cannot_read_or_muted_the_topic_are_filtered(
    buyers_category, make_topic, reply, buyer, other_buyer, company_member, make_user, body
):
    topic = make_topic(buyers_category, buyer)
    quiet = make_user("quiet@rennes.fr", body)
    do_set_topic_subscription(quiet, topic, Level.MUTED)
    post = reply(topic, buyer, "@tous")
    assert notifiable_mentions(post, [other_buyer, company_member, quiet, buyer]) == [other_buyer]


def test_the_email_links_to_the_post_and_to_a_one_click_unsubscribe(
    public_category, make_topic, reply, announce, people, settings
):
    topic = make_topic(public_category, people["auteur"], title="Clauses sociales")
    do_set_topic_subscription(people["veilleur"], topic, Level.WATCHING)
    post = reply(topic, people["repondant"], "Voici notre retour")
    announce(post)

    assert [message.to for message in mail.outbox] == [["veilleur@rennes.fr"]]
    body = mail.outbox[0].body
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    assert base + post.get_absolute_url() in body
    assert base + "/forums/desabonnement/" in body
    assert Notification.objects.get().unsubscribe_url.startswith(base + "/forums/desabonnement/")


def test_the_daily_digest_groups_a_days_forum_activity_into_one_email(
    public_category, make_topic, reply, announce, make_user, body, people
):
    reader = make_user("resume@rennes.fr", body, email_frequency=User.EmailFrequency.DAILY)
    do_set_category_subscription(reader, public_category, Level.WATCHING)
    with time_machine.travel("2026-03-02 09:00 +01:00"):
        topic = make_topic(public_category, people["auteur"], title="Achats durables")
        announce(topic.first_post)
        do_set_topic_subscription(reader, topic, Level.WATCHING)
        announce(reply(topic, people["veilleur"], "Première réponse"))
        announce(reply(topic, people["suiveur"], "Deuxième réponse"))
        assert [m for m in mail.outbox if m.to == ["resume@rennes.fr"]] == []
        assert Notification.objects.filter(recipient=reader).count() == 3
    with time_machine.travel("2026-03-03 07:00 +01:00"):
        send_daily_digests.call()
    digests = [m for m in mail.outbox if m.to == ["resume@rennes.fr"]]
    assert len(digests) == 1
    body = digests[0].body
    assert body.count("Achats durables") == 3
    assert body.count("/forums/desabonnement/") == 3


def test_the_subscription_form_sets_the_level(login, public_category, make_topic, buyer, other_buyer):
    topic = make_topic(public_category, buyer)
    client = login(other_buyer)
    response = client.post(reverse("forums:topic_subscription", args=[topic.pk]), {"level": "watching"})
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url() + "#subscription"
    assert Subscription.objects.get(user=other_buyer, topic=topic).level == Level.WATCHING

    response = client.post(reverse("forums:category_subscription", args=[public_category.slug]), {"level": "muted"})
    assert response.status_code == 302
    assert Subscription.objects.get(user=other_buyer, category=public_category).level == Level.MUTED


@pytest.mark.parametrize(
    "language,expected",
    [("en", "You are now watching it."), ("fr", "Vous suivez désormais tout.")],
)
def test_the_subscription_confirmation_is_in_the_reader_s_language(
    client, public_category, make_topic, buyer, other_buyer, settings, language, expected
):
    from django.contrib.messages import get_messages

    topic = make_topic(public_category, buyer)
    client.force_login(other_buyer, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("forums:topic_subscription", args=[topic.pk]), {"level": "watching"})
    assert [str(message) for message in get_messages(response.wsgi_request)] == [expected]


def test_the_subscription_form_refuses_unknown_levels(login, public_category, make_topic, buyer, other_buyer):
    topic = make_topic(public_category, buyer)
    response = login(other_buyer).post(
        reverse("forums:topic_subscription", args=[topic.pk]), {"level": "everything"}, follow=True
    )
    assert response.status_code == 200
    assert not Subscription.objects.filter(user=other_buyer).exists()


def test_only_readers_subscribe(client, login, buyers_category, make_topic, buyer, company_member):
    topic = make_topic(buyers_category, buyer)
    url = reverse("forums:topic_subscription", args=[topic.pk])
    assert client.post(url, {"level": "watching"}).status_code == 302  # visitor: to the login page
    assert login(company_member).post(url, {"level": "watching"}).status_code == 404
    category_url = reverse("forums:category_subscription", args=[buyers_category.slug])
    assert login(company_member).post(category_url, {"level": "watching"}).status_code == 404
    assert not Subscription.objects.exists()


def test_the_topic_page_shows_the_current_level_in_a_labelled_select(
    login, public_category, make_topic, buyer, other_buyer
):
    topic = make_topic(public_category, buyer)
    do_set_topic_subscription(other_buyer, topic, Level.WATCHING)
    html = login(other_buyer).get(topic.get_absolute_url()).content.decode()
    assert '<label for="topic-subscription-level">' in html
    assert '<option value="watching" selected>' in html


def test_pending_members_are_not_notified(make_category, make_topic, announce, make_user, body, buyer):
    category = make_category("Acheteurs", Category.Visibility.BUYERS)
    pending = make_user("attente@rennes.fr")
    Membership.objects.create(user=pending, organization=body, role="buyer", status=Membership.Status.PENDING)
    do_set_category_subscription(pending, category, Level.WATCHING)
    topic = make_topic(category, buyer)
    announce(topic.first_post)
    assert told_about(topic.first_post) == {}


def test_through_the_posting_actions_a_mentioned_watcher_gets_one_notification(
    public_category, buyer, other_buyer, people, django_capture_on_commit_callbacks
):
    from forums.actions import posting
    from forums.markup import mention_token

    with django_capture_on_commit_callbacks(execute=True):
        topic = posting.do_create_topic(buyer, public_category, "Retour sur les DUME", "Qui utilise le DUME ?")
    do_set_topic_subscription(other_buyer, topic, Level.WATCHING)
    do_set_topic_subscription(people["veilleur"], topic, Level.WATCHING)
    with django_capture_on_commit_callbacks(execute=True):
        post = posting.do_reply(people["repondant"], topic, f"{mention_token(other_buyer)} tu l'utilises ?")

    assert told_about(post) == {
        "acheteuse@chu-brest.fr": ["forums.mentioned"],
        "veilleur@rennes.fr": [REPLY_VERB],
    }
    assert Subscription.objects.get(user=buyer, topic=topic).level == Level.TRACKING
    assert Subscription.objects.get(user=people["repondant"], topic=topic).level == Level.TRACKING
