"""Reactions: one of each kind per person per post, toggled by plain forms, counted, and told to authors in batches."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from forums.actions.reactions import do_toggle_reaction, enabled_kinds
from forums.actions.subscriptions import do_set_topic_subscription
from forums.models import Reaction, Subscription
from forums.notifications import REACTIONS_VERB, send_reaction_notifications
from intranet import scheduler
from intranet.models import Membership, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def toggle_url(post, kind):
    return reverse("forums:reaction_toggle", args=[post.pk, kind])


@pytest.fixture
def answer(public_category, make_topic, reply, buyer, other_buyer):
    """A reply by `other_buyer` in a topic of `buyer`, in a public category."""
    topic = make_topic(public_category, buyer, title="Marchés de restauration collective")
    return reply(topic, other_buyer, "Nous avons alloti par secteur géographique.")


def test_posting_a_kind_adds_it_and_posting_it_again_removes_it(login, answer, buyer):
    client = login(buyer)
    response = client.post(toggle_url(answer, "useful"))
    assert response.status_code == 302
    assert response["Location"] == answer.get_absolute_url()
    assert list(Reaction.objects.values_list("user", "kind")) == [(buyer.pk, "useful")]

    client.post(toggle_url(answer, "thanks"))
    assert sorted(Reaction.objects.values_list("kind", flat=True)) == ["thanks", "useful"]

    client.post(toggle_url(answer, "useful"))
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["thanks"]


def test_one_reaction_of_each_kind_per_person_even_when_added_twice_at_once(answer, buyer):
    assert do_toggle_reaction(buyer, answer, "like") is True
    # A second insert of the same row (a concurrent click) would break the unique constraint: still one row.
    Reaction.objects.filter(post=answer).delete()
    Reaction.objects.create(post=answer, user=buyer, kind="like")
    assert do_toggle_reaction(buyer, answer, "like") is False
    assert not Reaction.objects.exists()


def test_reacting_to_ones_own_post_is_refused(login, answer, other_buyer):
    assert login(other_buyer).post(toggle_url(answer, "like")).status_code == 403
    assert not Reaction.objects.exists()


def test_only_people_who_may_post_react(client, login, make_user, answer, buyers_category, make_topic, reply, buyer):
    assert client.post(toggle_url(answer, "like")).status_code == 302  # visitor: to the login page
    unconfirmed = make_user("nouveau@rennes.fr", answer.topic.author.memberships.get().organization)
    unconfirmed.email_confirmed_at = None
    unconfirmed.save()
    assert login(unconfirmed).post(toggle_url(answer, "like")).status_code == 403
    private = reply(make_topic(buyers_category, buyer), buyer, "Entre acheteurs")
    company_user = make_user("vendeur@entreprise.fr")
    assert login(company_user).post(toggle_url(private, "like")).status_code == 404
    assert not Reaction.objects.exists()


def test_reactions_in_locked_topics_are_refused(login, answer, buyer):
    type(answer.topic).objects.filter(pk=answer.topic_id).update(is_locked=True)
    assert login(buyer).post(toggle_url(answer, "like")).status_code == 403


def test_unknown_or_disabled_kinds_are_not_found(login, answer, buyer, settings):
    client = login(buyer)
    assert client.post(toggle_url(answer, "love")).status_code == 404
    settings.FORUM_REACTIONS = ["useful", "thanks"]
    assert enabled_kinds() == ["useful", "thanks"]
    assert client.post(toggle_url(answer, "like")).status_code == 404
    assert client.post(toggle_url(answer, "useful")).status_code == 302
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["useful"]


def test_an_unknown_kind_in_the_setting_is_a_configuration_error(settings):
    settings.FORUM_REACTIONS = ["like", "love"]
    with pytest.raises(ImproperlyConfigured):
        enabled_kinds()


def test_the_topic_page_shows_counts_with_accessible_labels_and_pressed_state(
    login, client, answer, buyer, make_user, body
):
    for email in ("a@rennes.fr", "b@rennes.fr"):
        do_toggle_reaction(make_user(email, body), answer, "useful")
    do_toggle_reaction(buyer, answer, "useful")
    do_toggle_reaction(buyer, answer, "thanks")

    html = login(buyer).get(answer.topic.get_absolute_url()).content.decode()
    assert 'aria-pressed="true" aria-label="Useful, 3 people"' in html
    assert 'aria-pressed="true" aria-label="Thanks, 1 person"' in html
    assert 'aria-pressed="false" aria-label="Like, 0 people"' in html
    assert reverse("forums:reaction_list", args=[answer.pk]) in html
    # The bar's forms post to the toggle view of this post (URLs made once per process, then filled in).
    for kind in ("like", "useful", "thanks"):
        assert f'<form method="post" action="{toggle_url(answer, kind)}">' in html

    client.logout()
    visitor_html = client.get(answer.topic.get_absolute_url()).content.decode()
    assert "Useful, 3 people" in visitor_html
    assert "aria-pressed" not in visitor_html  # readers see counts, not buttons
    assert toggle_url(answer, "useful") not in visitor_html


def test_who_reacted_is_shown_only_to_readers(login, client, buyers_category, make_topic, reply, buyer, other_buyer):
    post = reply(make_topic(buyers_category, other_buyer), other_buyer, "Notre retour")
    do_toggle_reaction(buyer, post, "agree")
    url = reverse("forums:reaction_list", args=[post.pk])
    assert client.get(url).status_code == 404
    response = login(buyer).get(url)
    assert response.status_code == 200
    assert buyer.display_name in response.content.decode()


def test_two_reactions_make_one_notification_once_the_hourly_job_runs(answer, buyer, make_user, body, other_buyer):
    do_toggle_reaction(buyer, answer, "useful")
    do_toggle_reaction(make_user("c@rennes.fr", body), answer, "thanks")
    assert not Notification.objects.filter(verb=REACTIONS_VERB).exists()

    assert send_reaction_notifications.call() == 1

    notification = Notification.objects.get(verb=REACTIONS_VERB)
    assert notification.recipient == other_buyer
    assert "2" in notification.message and "Marchés de restauration collective" in notification.message
    assert notification.url == answer.get_absolute_url()
    assert notification.unsubscribe_url
    assert not Reaction.objects.filter(notified_at__isnull=True).exists()
    # Nothing new: nothing sent again.
    assert send_reaction_notifications.call() == 0
    assert Notification.objects.filter(verb=REACTIONS_VERB).count() == 1


def test_reactions_on_several_topics_still_make_one_notification_per_author(
    public_category, make_topic, reply, buyer, other_buyer, make_user, body
):
    first = reply(make_topic(public_category, buyer, title="Sujet A"), other_buyer, "A")
    second = reply(make_topic(public_category, buyer, title="Sujet B"), other_buyer, "B")
    third = make_topic(public_category, other_buyer, title="Sujet C").first_post
    do_toggle_reaction(buyer, first, "like")
    do_toggle_reaction(buyer, second, "like")
    do_toggle_reaction(buyer, third, "agree")
    do_toggle_reaction(other_buyer, make_topic(public_category, buyer, title="Sujet D").first_post, "like")

    send_reaction_notifications.call()

    assert sorted(Notification.objects.values_list("recipient__email", flat=True)) == [
        "acheteur@rennes.fr",
        "acheteuse@chu-brest.fr",
    ]
    assert "3" in Notification.objects.get(recipient=other_buyer).message


def test_reactions_from_people_who_can_no_longer_read_are_skipped(
    buyers_category, make_topic, reply, buyer, other_buyer
):
    post = reply(make_topic(buyers_category, other_buyer), other_buyer, "Réponse")
    do_toggle_reaction(buyer, post, "useful")
    Membership.objects.filter(user=buyer).delete()  # no longer a buyer

    assert send_reaction_notifications.call() == 0
    assert not Notification.objects.exists()
    assert not Reaction.objects.filter(notified_at__isnull=True).exists()


def test_an_author_who_muted_the_topic_hears_nothing_of_its_reactions(answer, buyer, other_buyer):
    do_set_topic_subscription(other_buyer, answer.topic, Subscription.Level.MUTED)
    do_toggle_reaction(buyer, answer, "useful")
    assert send_reaction_notifications.call() == 0


def test_the_reaction_job_is_registered_hourly():
    job = next(job for job in scheduler.jobs() if job.name == "forums.reaction_digest")
    assert job.period == "hourly"
    assert job.task is send_reaction_notifications


def test_the_reaction_bar_speaks_french(login, answer, buyer, make_user, body, settings):
    do_toggle_reaction(make_user("c@rennes.fr", body), answer, "useful")
    web = login(buyer)
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = web.get(answer.topic.get_absolute_url()).content.decode()
    assert 'aria-label="Utile, 1 personne"' in html
    assert 'aria-label="Merci, 0 personne"' in html  # French counts zero as singular
