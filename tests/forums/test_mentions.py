"""Mentions: exactly the right people are told once; the autocomplete names only people who can read the topic."""

import pytest
from django.urls import reverse

from forums import access
from forums.actions import posting
from forums.markup import mention_token, render_post
from forums.models import Category
from intranet.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Notifications go out once the transaction commits: `with committed():` runs those callbacks."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def yann(make_user, body):
    return make_user("yann@rennes.fr", body, first_name="Yann", last_name="Le Goff")


@pytest.fixture
def carole(make_user, company):
    return make_user("carole@bretagne-nettoyage.fr", company, first_name="Carole", last_name="Le Bihan")


def test_a_mentioned_reader_gets_exactly_one_notification(buyer, yann, public_category, make_topic, committed):
    topic = make_topic(public_category, buyer, title="Clauses sociales")
    with committed():
        post = posting.do_reply(buyer, topic, f"Qu'en penses-tu {mention_token(yann)} ? Et toi {mention_token(yann)} ?")
    notification = Notification.objects.get()
    assert notification.recipient == yann
    assert notification.verb == "forums.mentioned"
    assert notification.url == post.get_absolute_url()
    assert notification.message == "Camille Martin mentioned you in “Clauses sociales”."
    assert list(post.mentioned_users.all()) == [yann]
    assert "<strong>@Yann Le Goff</strong>" in post.html


def test_someone_who_cannot_read_the_topic_is_not_notified(buyer, yann, carole, buyers_category, make_topic, committed):
    topic = make_topic(buyers_category, buyer)
    with committed():
        posting.do_reply(buyer, topic, f"{mention_token(carole)} et {mention_token(yann)}")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [yann.pk]


def test_mentioning_yourself_sends_nothing(buyer, public_category, make_topic, committed):
    topic = make_topic(public_category, buyer)
    with committed():
        posting.do_reply(buyer, topic, f"Note pour {mention_token(buyer)}")
    assert not Notification.objects.exists()


def test_closed_and_unknown_accounts_are_not_mentions(buyer, make_user, body, public_category, make_topic, committed):
    from django.utils import timezone

    gone = make_user("parti@rennes.fr", body, first_name="Parti", closed_at=timezone.now())
    topic = make_topic(public_category, buyer)
    with committed():
        post = posting.do_reply(buyer, topic, f"{mention_token(gone)} et @[Personne](#mention-999999)")
    assert not post.mentioned_users.exists()
    assert not Notification.objects.exists()
    assert "#mention" not in post.html and "@Personne" in post.html


def test_the_name_shown_is_the_account_s_not_the_one_typed(buyer, yann, public_category, make_topic):
    rendered = render_post(f"@[Le Directeur](#mention-{yann.pk})")
    assert "@Yann Le Goff" in rendered.html and "Directeur" not in rendered.html
    assert rendered.mentioned_ids == [yann.pk]


def test_an_edit_notifies_only_the_newly_mentioned(
    buyer, yann, make_user, body, public_category, make_topic, committed
):
    anne = make_user("anne@rennes.fr", body, first_name="Anne", last_name="Kerouac")
    topic = make_topic(public_category, buyer)
    with committed():
        post = posting.do_reply(buyer, topic, f"Bonjour {mention_token(yann)}")
    with committed():
        posting.do_edit_post(buyer, post, f"Bonjour {mention_token(yann)} et {mention_token(anne)}")
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted([yann.pk, anne.pk])
    assert set(post.mentioned_users.all()) == {yann, anne}


def test_quoting_a_post_does_not_mention_its_people_again(
    client, login, buyer, yann, make_user, body, public_category, make_topic, committed
):
    anne = make_user("anne@rennes.fr", body, first_name="Anne", last_name="Kerouac")
    topic = make_topic(public_category, buyer)
    quoted = posting.do_reply(anne, topic, f"Voir avec {mention_token(yann)}")
    Notification.objects.all().delete()
    login(buyer)
    response = client.get(reverse("forums:reply", args=[topic.pk]) + f"?quote={quoted.pk}")
    source = response.context["form"].initial["source"]
    assert "#mention-" not in source and "@Yann Le Goff" in source.replace("\\", "")
    with committed():
        posting.do_reply(buyer, topic, source + "D'accord.")
    assert not Notification.objects.filter(verb="forums.mentioned").exists()


# --- autocomplete --------------------------------------------------------------------------


def search(client, topic, q):
    return client.get(reverse("forums:mentions"), {"q": q, "topic": topic.pk})


def test_the_autocomplete_finds_readers_by_name_or_email(client, login, buyer, yann, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    login(buyer)
    response = search(client, topic, "le g")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results == [{"id": yann.pk, "name": "Yann Le Goff", "token": f"@[Yann Le Goff](#mention-{yann.pk})"}]
    assert [r["id"] for r in search(client, topic, "yann@").json()["results"]] == [yann.pk]
    assert [r["id"] for r in search(client, topic, "Yann Le").json()["results"]] == [yann.pk]
    assert search(client, topic, "y").json()["results"] == []


def test_the_autocomplete_leaves_out_people_who_cannot_read_the_topic(
    client, login, buyer, yann, carole, other_buyer, buyers_category, org_category, make_topic
):
    login(buyer)
    buyers_topic = make_topic(buyers_category, buyer)
    assert [r["id"] for r in search(client, buyers_topic, "le").json()["results"]] == [yann.pk]  # not Carole
    org_topic = make_topic(org_category, buyer)
    other_buyer.first_name = "Yannick"
    other_buyer.save()
    assert [r["id"] for r in search(client, org_topic, "yan").json()["results"]] == [yann.pk]


def test_the_autocomplete_needs_login_and_access_to_the_topic(
    client, login, buyer, carole, buyers_category, make_topic
):
    topic = make_topic(buyers_category, buyer)
    response = search(client, topic, "ca")
    assert response.status_code == 302
    login(carole)
    assert search(client, topic, "ca").status_code == 404


def test_the_autocomplete_returns_at_most_eight_people(
    client, login, buyer, make_user, body, public_category, make_topic
):
    for number in range(10):
        make_user(f"morgane{number}@rennes.fr", body, first_name="Morgane", last_name=f"Tanguy {number}")
    topic = make_topic(public_category, buyer)
    login(buyer)
    assert len(search(client, topic, "mor").json()["results"]) == 8


def test_readers_of_agrees_with_the_per_person_check(
    buyer, yann, carole, other_buyer, group_member, company_member, platform_admin, make_user, body, make_category,
    public_category, members_category, buyers_category, org_category, group_category, make_topic,
):  # fmt: skip
    moderator = make_user("moderatrice@chu.fr", None)
    private_parent = make_category("Parent réservé", Category.Visibility.BUYERS)
    public_child = make_category("Enfant public", parent=private_parent, moderators=[moderator])
    categories = [public_category, members_category, buyers_category, org_category, group_category, public_child]
    people = [buyer, yann, carole, other_buyer, group_member, company_member, platform_admin, moderator]
    for category in categories:
        for hidden in (False, True):
            topic = make_topic(category, buyer, is_hidden=hidden)
            expected = set()
            for person in people:
                access.forget(person)
                if access.can_notify(person, topic):
                    expected.add(person.pk)
            assert set(access.readers_of(topic).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)) == (
                expected
            ), (category.name, hidden)
