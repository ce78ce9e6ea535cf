"""Unread tracking: new topics, new replies, the first unread post and "mark all read"."""

from django.urls import reverse
from django.utils import timezone

from forums import reading
from forums.actions.reading import do_mark_all_read, do_mark_topic_read
from forums.models import CategoryReadMark, Topic, TopicReadState


def _row(user, topic):
    annotated = reading.with_unread_state(user, Topic.objects.filter(pk=topic.pk))
    return reading.describe_unread(user, annotated)[0]


def test_a_topic_never_opened_is_new_and_reading_it_makes_it_read(
    client, login, public_category, make_user, body, buyer, make_topic
):
    author = make_user("auteur@rennes.fr", body)
    topic = make_topic(public_category, author, title="Nouveau")
    assert _row(buyer, topic).is_new
    login(buyer)
    assert "badge-new" in client.get(reverse("forums:category", args=[public_category.slug])).content.decode()
    client.get(reverse("forums:topic", args=[topic.pk]))
    row = _row(buyer, topic)
    assert not row.is_new and not row.has_unread
    assert TopicReadState.objects.get(user=buyer, topic=topic).last_read_number == 1


def test_new_replies_are_counted_and_first_unread_points_to_the_first_of_them(
    client, login, public_category, make_user, body, buyer, make_topic, reply
):
    author = make_user("auteur@rennes.fr", body)
    topic = make_topic(public_category, author)
    reply(topic, author, "deux")
    login(buyer)
    client.get(reverse("forums:topic", args=[topic.pk]))
    reply(topic, author, "trois")
    reply(topic, author, "quatre")
    row = _row(buyer, topic)
    assert row.new_replies == 2 and not row.is_new
    content = client.get(reverse("forums:category", args=[public_category.slug])).content.decode()
    assert "2 new replies" in content
    assert reverse("forums:first_unread", args=[topic.pk]) in content
    response = client.get(reverse("forums:first_unread", args=[topic.pk]))
    assert response.status_code == 302
    assert response.url == reverse("forums:topic", args=[topic.pk]) + "#post-3"


def test_first_unread_goes_to_the_right_page_of_a_long_topic(
    client, login, public_category, make_user, body, buyer, make_topic, reply
):
    author = make_user("auteur@rennes.fr", body)
    topic = make_topic(public_category, author)
    for number in range(2, 23):
        reply(topic, author, f"réponse {number}")
    login(buyer)
    client.get(reverse("forums:topic", args=[topic.pk]))  # page 1: posts 1 to 20
    response = client.get(reverse("forums:first_unread", args=[topic.pk]))
    assert response.url == reverse("forums:topic", args=[topic.pk]) + "?page=2#post-21"
    client.get(reverse("forums:topic", args=[topic.pk]), {"page": 2})
    response = client.get(reverse("forums:first_unread", args=[topic.pk]))
    assert response.url.endswith("#post-22")  # everything read: the last post


def test_reading_an_earlier_page_does_not_move_the_read_state_backwards(public_category, buyer, make_topic):
    topic = make_topic(public_category, buyer)
    do_mark_topic_read(buyer, topic, 30)
    do_mark_topic_read(buyer, topic, 5, known=30)
    do_mark_topic_read(buyer, topic, 10)  # a stale caller that thinks there is no state yet
    assert TopicReadState.objects.get(user=buyer, topic=topic).last_read_number == 30


def test_the_index_counts_topics_with_new_messages_per_category(
    client, login, public_category, make_category, make_user, body, buyer, make_topic, reply
):
    other = make_category("Autre")
    author = make_user("auteur@rennes.fr", body)
    read = make_topic(public_category, author, title="Lu")
    make_topic(public_category, author, title="Pas lu")
    make_topic(other, author, title="Ailleurs")
    login(buyer)
    client.get(reverse("forums:topic", args=[read.pk]))
    assert reading.unread_counts_by_category(buyer) == {public_category.pk: 1, other.pk: 1}
    reply(read, author, "nouvelle réponse")
    assert reading.unread_counts_by_category(buyer) == {public_category.pk: 2, other.pk: 1}
    content = client.get(reverse("forums:index")).content.decode()
    assert "2 topics with new messages" in content and "1 topic with new messages" in content
    assert reading.unread_counts_by_category(AnonymousUserLike()) == {}


class AnonymousUserLike:
    is_authenticated = False


def test_mark_all_read_in_a_category_then_everywhere(
    client, login, public_category, make_category, make_user, body, buyer, make_topic, reply
):
    other = make_category("Autre")
    author = make_user("auteur@rennes.fr", body)
    earlier = timezone.now() - timezone.timedelta(minutes=5)
    here = make_topic(public_category, author, title="Ici", when=earlier)
    there = make_topic(other, author, title="Là-bas", when=earlier)
    login(buyer)
    response = client.post(reverse("forums:mark_all_read") + f"?categorie={public_category.slug}")
    assert response.status_code == 302 and response.url == public_category.get_absolute_url()
    assert not _row(buyer, here).has_unread
    assert _row(buyer, there).is_new
    client.post(reverse("forums:mark_all_read"))
    assert not _row(buyer, there).has_unread
    assert reading.unread_counts_by_category(buyer) == {}
    # A reply after the mark makes the topic unread again, from that reply on.
    new = reply(here, author, "après le marquage")
    assert _row(buyer, here).has_unread
    redirect = client.get(reverse("forums:first_unread", args=[here.pk]))
    assert redirect.url.endswith(f"#post-{new.number}")


def test_mark_all_read_needs_a_login_a_post_and_a_readable_category(
    client, login, org_category, other_buyer, make_user, body
):
    assert client.post(reverse("forums:mark_all_read")).status_code == 302
    assert not CategoryReadMark.objects.exists()
    login(other_buyer)
    assert client.get(reverse("forums:mark_all_read")).status_code == 405
    assert client.post(reverse("forums:mark_all_read") + f"?categorie={org_category.slug}").status_code == 404
    assert not CategoryReadMark.objects.exists()


def test_marking_a_parent_category_read_covers_its_sub_categories(
    make_category, public_category, make_user, body, buyer, make_topic
):
    child = make_category("Enfant", parent=public_category)
    author = make_user("auteur@rennes.fr", body)
    topic = make_topic(child, author, when=timezone.now() - timezone.timedelta(minutes=1))
    do_mark_all_read(buyer, public_category)
    assert not _row(buyer, topic).has_unread
