"""Solved topics: the topic's author or a moderator marks one reply as the solution."""

import pytest
from django.urls import reverse

from forums.actions.solutions import do_mark_solution
from forums.actions.subscriptions import do_set_topic_subscription
from forums.models import Subscription, Topic
from forums.notifications import SOLUTION_VERB
from intranet.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def moderator(make_user, body):
    return make_user("moderatrice@rennes.fr", body)


@pytest.fixture
def topic(make_category, make_topic, buyer, moderator):
    category = make_category("Procédures", moderators=[moderator])
    return make_topic(category, buyer, title="Quel seuil pour un MAPA de travaux ?")


@pytest.fixture
def answer(topic, reply, other_buyer):
    return reply(topic, other_buyer, "100 000 € HT depuis 2025.")


def mark(client, post):
    return client.post(reverse("forums:solution_mark", args=[post.pk]))


def solution_of(topic):
    return Topic.objects.get(pk=topic.pk).solution


def test_the_topic_author_marks_a_reply_and_its_author_is_told_once(
    login, topic, answer, buyer, other_buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mark(login(buyer), answer)
    assert response.status_code == 302
    assert response["Location"] == answer.get_absolute_url()
    assert solution_of(topic) == answer
    notification = Notification.objects.get(verb=SOLUTION_VERB)
    assert notification.recipient == other_buyer
    assert notification.actor == buyer
    assert notification.url == answer.get_absolute_url()
    assert notification.unsubscribe_url


def test_a_moderator_marks_and_unmarks(login, topic, answer, moderator):
    client = login(moderator)
    assert mark(client, answer).status_code == 302
    assert solution_of(topic) == answer
    response = client.post(reverse("forums:solution_unmark", args=[topic.pk]))
    assert response.status_code == 302
    assert response["Location"] == answer.get_absolute_url()
    assert solution_of(topic) is None


def test_another_member_may_not_mark_or_unmark(login, topic, answer, make_user, body, buyer):
    someone = make_user("quelquun@rennes.fr", body)
    assert mark(login(someone), answer).status_code == 403
    do_mark_solution(buyer, answer)
    assert login(someone).post(reverse("forums:solution_unmark", args=[topic.pk])).status_code == 403
    assert solution_of(topic) == answer


def test_the_first_post_cannot_be_the_solution(login, topic, buyer):
    response = mark(login(buyer), topic.first_post)
    assert response.status_code == 302
    assert solution_of(topic) is None
    assert not Notification.objects.exists()


def test_marking_another_reply_replaces_the_solution(login, topic, answer, reply, buyer, make_user, body):
    better = reply(topic, make_user("expert@rennes.fr", body), "Précision : 100 000 € HT pour les travaux.")
    client = login(buyer)
    mark(client, answer)
    mark(client, better)
    assert solution_of(topic) == better


def test_a_solution_author_who_muted_the_topic_is_not_told(
    topic, answer, buyer, other_buyer, django_capture_on_commit_callbacks
):
    do_set_topic_subscription(other_buyer, topic, Subscription.Level.MUTED)
    with django_capture_on_commit_callbacks(execute=True):
        do_mark_solution(buyer, answer)
    assert not Notification.objects.exists()


def test_the_button_is_offered_to_the_author_on_replies_only(login, topic, answer, make_user, body, buyer):
    html = login(buyer).get(topic.get_absolute_url()).content.decode()
    assert reverse("forums:solution_mark", args=[answer.pk]) in html
    assert reverse("forums:solution_mark", args=[topic.first_post.pk]) not in html

    someone = make_user("lecteur@rennes.fr", body)
    html = login(someone).get(topic.get_absolute_url()).content.decode()
    assert reverse("forums:solution_mark", args=[answer.pk]) not in html


def test_the_solution_is_shown_under_the_first_post_with_an_unmark_button(login, topic, answer, buyer):
    do_mark_solution(buyer, answer)
    html = login(buyer).get(topic.get_absolute_url()).content.decode()
    assert 'class="topic-solution"' in html
    assert reverse("forums:solution_unmark", args=[topic.pk]) in html
    assert reverse("forums:solution_mark", args=[answer.pk]) not in html
