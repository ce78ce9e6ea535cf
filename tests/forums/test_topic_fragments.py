"""A topic page's posts kept for readers alike (forums/views_reading.py, intranet/fragments.py).

The kept HTML is shared by readers with the same facts (rights, read mark, own posts and reactions on the page, the
categories whose quotes they may follow) in one content generation. Each test logs everyone in first (a login
writes the person's last login: content, hence a new generation), then has two readers read the page in turn, in
both orders, in one generation: the second must never get what was made for the first.
"""

import re

import pytest
from django.urls import reverse

from forums.actions.moderation.hide import do_hide_post
from forums.actions.posting import do_create_topic, do_edit_post, do_reply
from forums.actions.reactions import do_toggle_reaction
from forums.models import POSTS_PER_PAGE, Post, Reaction, TopicReadState
from intranet import page_cache
from tests.page_cache_helpers import logged_in, one_generation

pytestmark = pytest.mark.django_db


def read(client, topic) -> str:
    response = client.get(reverse("forums:topic", args=[topic.pk]))
    assert response.status_code == 200
    return response.content.decode()


def in_turn(readers: dict, order) -> dict:
    """Each reader's page, in this order, all in one content generation."""
    with one_generation():
        pages = {name: read(*readers[name]) for name in order}
    return pages


@pytest.fixture
def people(make_user, body, other_body):
    """Rennes's people, who read the same categories, and one of Brest's."""
    return {
        "author": make_user("auteur@rennes.fr", body, first_name="Alice", last_name="Auteur"),
        "writer": make_user("redacteur@rennes.fr", body, first_name="Rémi", last_name="Rédacteur"),
        "moderator": make_user("moderatrice@rennes.fr", body, first_name="Morgane", last_name="Modo"),
        "colleague": make_user("collegue@rennes.fr", body, first_name="Claire", last_name="Collègue"),
        "colleague2": make_user("collegue2@rennes.fr", body, first_name="Cyril", last_name="Collègue"),
        "outsider": make_user("lecteur@chu-brest.fr", other_body, first_name="Loïc", last_name="Lecteur"),
    }


@pytest.fixture
def topic(public_category, make_topic, reply, people):
    public_category.moderators.add(people["moderator"])
    topic = make_topic(public_category, people["author"], title="Allotissement d'un marché de voirie")
    reply(topic, people["author"], "Une précision sur le lot 2.")
    reply(topic, people["writer"], "Merci pour la précision.")
    return topic


# Each pair below differs by one fact only, so that a key forgetting that fact would hand one the other's page.
ORDERS = [("first", "second"), ("second", "first")]


@pytest.mark.parametrize("order", ORDERS)
def test_a_hidden_post_is_shown_to_moderators_only(topic, people, order):
    do_hide_post(people["moderator"], Post.objects.get(topic=topic, number=2))
    moderator, colleague = logged_in(people["moderator"], people["colleague"])

    pages = in_turn({"first": (moderator, topic), "second": (colleague, topic)}, order)

    assert "Une précision sur le lot 2." in pages["first"]
    assert "Show post #2 again" in pages["first"]
    assert "Une précision sur le lot 2." not in pages["second"]
    assert "Message hidden by a moderator." in pages["second"]


@pytest.mark.parametrize("order", ORDERS)
def test_edit_and_delete_links_are_on_ones_own_posts_only(topic, people, order):
    writer, colleague = logged_in(people["writer"], people["colleague"])
    edit_url = reverse("forums:edit_post", args=[Post.objects.get(topic=topic, number=3).pk])

    pages = in_turn({"first": (writer, topic), "second": (colleague, topic)}, order)

    assert f'href="{edit_url}"' in pages["first"]
    assert f'href="{edit_url}"' not in pages["second"]


@pytest.mark.parametrize("order", ORDERS)
def test_the_topics_author_may_mark_the_solution_on_a_page_without_their_posts(topic, people, reply, order):
    for number in range(POSTS_PER_PAGE):
        reply(topic, people["writer"], f"Réponse {number}")  # page 2: none of the author's posts
    author, colleague = logged_in(people["author"], people["colleague"])
    second_page = reverse("forums:topic", args=[topic.pk]) + "?page=2"
    with one_generation():
        pages = {}
        for name in order:
            client = author if name == "first" else colleague
            pages[name] = client.get(second_page).content.decode()

    assert "Mark as the solution" in pages["first"]
    assert "Mark as the solution" not in pages["second"]


@pytest.mark.parametrize("order", ORDERS)
def test_ones_reactions_are_pressed_for_oneself_only(topic, people, order):
    do_toggle_reaction(people["colleague"], topic.first_post, Reaction.Kind.LIKE)
    colleague, colleague2 = logged_in(people["colleague"], people["colleague2"])

    pages = in_turn({"first": (colleague, topic), "second": (colleague2, topic)}, order)

    assert pages["first"].count('aria-pressed="true"') == 1
    assert 'aria-pressed="true"' not in pages["second"]
    assert "Like, 1 person" in pages["second"]  # the count is everyone's


@pytest.mark.parametrize("order", ORDERS)
def test_the_new_messages_mark_follows_each_readers_own_reading(topic, people, order):
    colleague, colleague2 = logged_in(people["colleague"], people["colleague2"])
    TopicReadState.objects.create(user=people["colleague"], topic=topic, last_read_number=1)
    TopicReadState.objects.create(user=people["colleague2"], topic=topic, last_read_number=3)

    pages = in_turn({"first": (colleague, topic), "second": (colleague2, topic)}, order)

    assert 'id="first-unread"' in pages["first"]
    assert 'id="first-unread"' not in pages["second"]


@pytest.mark.parametrize("order", ORDERS)
def test_a_quote_from_a_category_the_reader_may_not_read_is_not_linked(topic, people, org_category, make_topic, order):
    internal = make_topic(org_category, people["author"], title="Note interne")
    Post.objects.get(topic=topic, number=3).quoted_posts.add(internal.first_post)
    insider, outsider = logged_in(people["colleague"], people["outsider"])  # Rennes's, and Brest's

    pages = in_turn({"first": (insider, topic), "second": (outsider, topic)}, order)

    link = f'href="{internal.first_post.get_absolute_url()}"'
    assert link in pages["first"]
    assert link not in pages["second"]


def test_the_kept_posts_forms_carry_the_readers_own_csrf_token(topic, people):
    first, second = logged_in(people["colleague"], people["colleague2"], csrf_checks=True)
    read(first, topic)  # renders and keeps the posts
    page = read(second, topic)  # from the kept HTML

    reply_form = page.index(f'action="{reverse("forums:reply", args=[topic.pk])}"')
    posts = page[page.index('<div class="post-list">') : reply_form]
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', posts))
    assert len(tokens) == 1 and page_cache.PLACEHOLDER not in page  # one token, the second reader's
    toggle = reverse("forums:reaction_toggle", args=[topic.first_post.pk, Reaction.Kind.THANKS])
    assert f'action="{toggle}"' in page
    response = second.post(toggle, {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302  # a token of the first reader's would be refused (403)
    assert Reaction.objects.filter(user=people["colleague2"], post=topic.first_post, kind="thanks").exists()


@pytest.mark.parametrize("write", ["reply", "edit", "reaction", "hide"])
def test_a_write_shows_on_the_next_request_of_every_reader(topic, people, write):
    (reader,) = logged_in(people["outsider"])
    before = read(reader, topic)
    post = Post.objects.get(topic=topic, number=3)

    if write == "reply":
        do_reply(people["author"], topic, "Une quatrième réponse.")
        expected, gone = "Une quatrième réponse.", None
    elif write == "edit":
        do_edit_post(people["moderator"], post, "Merci, corrigé.")
        expected, gone = "Merci, corrigé.", "Merci pour la précision."
    elif write == "reaction":
        do_toggle_reaction(people["author"], post, Reaction.Kind.USEFUL)
        expected, gone = "Useful, 1 person", None
    else:
        do_hide_post(people["moderator"], post)
        expected, gone = "Message hidden by a moderator.", "Merci pour la précision."

    after = read(reader, topic)
    assert expected in after and expected not in before
    if gone:
        assert gone in before and gone not in after


# --- a category's rows of topics, kept per the rows' reader facts ---------------------------------------------


def category_page(client, category) -> str:
    response = client.get(reverse("forums:category", args=[category.slug]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("order", ORDERS)
def test_the_new_badges_of_a_category_are_each_readers_own(topic, people, order):
    colleague, colleague2 = logged_in(people["colleague"], people["colleague2"])
    TopicReadState.objects.create(user=people["colleague2"], topic=topic, last_read_number=3)  # read it all
    with one_generation():
        pages = {}
        for name in order:
            pages[name] = category_page(colleague if name == "first" else colleague2, topic.category)

    assert 'class="topic-row is-unread' in pages["first"]
    assert 'class="topic-row is-unread' not in pages["second"]


@pytest.mark.parametrize("order", ORDERS)
def test_a_hidden_topic_is_listed_for_moderators_only(topic, people, make_topic, order):
    hidden = make_topic(topic.category, people["author"], title="Sujet masqué par la modération", is_hidden=True)
    moderator, colleague = logged_in(people["moderator"], people["colleague"])
    for person in ("moderator", "colleague"):  # the same unread state for both: every topic read
        for listed in (topic, hidden):
            TopicReadState.objects.create(user=people[person], topic=listed, last_read_number=3)

    pages = {}
    for name in order:
        pages[name] = category_page(moderator if name == "first" else colleague, topic.category)

    assert hidden.title in pages["first"]
    assert hidden.title not in pages["second"]


def test_a_new_topic_is_listed_on_the_next_request(topic, people):
    (reader,) = logged_in(people["outsider"])
    category_page(reader, topic.category)
    do_create_topic(people["author"], topic.category, "Un sujet tout neuf", "Premier message.")
    assert "Un sujet tout neuf" in category_page(reader, topic.category)
