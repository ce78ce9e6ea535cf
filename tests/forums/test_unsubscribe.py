"""One-click unsubscribe from forum e-mails: no login needed, cannot be forged, acts only for its own person."""

import pytest
from django.core import signing
from django.urls import reverse

from forums.actions.subscriptions import do_set_category_subscription, do_set_topic_subscription
from forums.models import Subscription
from forums.notifications import post_created
from forums.unsubscribe import SALT, make_token, unsubscribe_url_for
from intranet.models import Notification

Level = Subscription.Level
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def topic(public_category, make_topic, buyer):
    return make_topic(public_category, buyer, title="Groupement de commandes d'énergie")


def url_of(token):
    return reverse("forums:unsubscribe", args=[token])


def level(user, **target):
    return Subscription.objects.filter(user=user, **target).values_list("level", flat=True).first()


def test_the_link_is_absolute(topic, other_buyer, settings):
    url = unsubscribe_url_for(other_buyer, topic=topic)
    assert url.startswith(settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/forums/desabonnement/")


def test_without_login_the_page_asks_then_mutes_the_topic(client, topic, other_buyer):
    do_set_topic_subscription(other_buyer, topic, Level.WATCHING)
    url = url_of(make_token(other_buyer, topic=topic))

    page = client.get(url)
    assert page.status_code == 200
    assert "Groupement de commandes" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    assert level(other_buyer, topic=topic) == Level.WATCHING  # a GET (link preview, scanner) changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert level(other_buyer, topic=topic) == Level.MUTED


def test_a_category_link_mutes_the_category(client, public_category, other_buyer):
    do_set_category_subscription(other_buyer, public_category, Level.WATCHING)
    client.post(url_of(make_token(other_buyer, category=public_category)))
    assert level(other_buyer, category=public_category) == Level.MUTED


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.split(":")[0],
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_token_is_refused(client, topic, other_buyer, tamper):
    do_set_topic_subscription(other_buyer, topic, Level.WATCHING)
    url = url_of(tamper(make_token(other_buyer, topic=topic)))
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert level(other_buyer, topic=topic) == Level.WATCHING


def test_a_token_cannot_be_rewritten_for_someone_else(client, topic, buyer, other_buyer):
    do_set_topic_subscription(buyer, topic, Level.WATCHING)
    token = make_token(other_buyer, topic=topic)
    # Same signature, another person's id in the payload.
    forged_payload = signing.dumps({"u": buyer.pk, "t": topic.pk}, salt=SALT).split(":")[0]
    forged = forged_payload + token[len(token.split(":")[0]) :]
    assert client.post(url_of(forged)).status_code == 400
    # Signed with another salt (another feature's token): refused too.
    assert client.post(url_of(signing.dumps({"u": buyer.pk, "t": topic.pk}))).status_code == 400
    assert level(buyer, topic=topic) == Level.WATCHING


def test_a_token_acts_only_for_its_own_person_whoever_is_logged_in(login, topic, buyer, other_buyer):
    do_set_topic_subscription(buyer, topic, Level.WATCHING)
    do_set_topic_subscription(other_buyer, topic, Level.WATCHING)
    login(buyer).post(url_of(make_token(other_buyer, topic=topic)))
    assert level(other_buyer, topic=topic) == Level.MUTED
    assert level(buyer, topic=topic) == Level.WATCHING


def test_the_page_does_not_name_a_topic_its_person_can_no_longer_read(
    client, buyers_category, make_topic, buyer, company_member
):
    secret = make_topic(buyers_category, buyer, title="Sujet confidentiel")
    html = client.get(url_of(make_token(company_member, topic=secret))).content.decode()
    assert "Sujet confidentiel" not in html


def test_following_the_emailed_link_stops_the_next_notifications(
    client, topic, reply, other_buyer, make_user, body, django_capture_on_commit_callbacks
):
    do_set_topic_subscription(other_buyer, topic, Level.WATCHING)
    with django_capture_on_commit_callbacks(execute=True):
        post_created(reply(topic, make_user("a@rennes.fr", body), "Première"))
    link = Notification.objects.get(recipient=other_buyer).unsubscribe_url
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/" + path)
    with django_capture_on_commit_callbacks(execute=True):
        post_created(reply(topic, make_user("b@rennes.fr", body), "Deuxième"))
    assert Notification.objects.filter(recipient=other_buyer).count() == 1
