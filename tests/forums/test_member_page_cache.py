"""Logged-in people's pages kept for their own session (intranet/page_cache.py, MemberPageCacheMiddleware): served
again without rendering, never to anyone else, never stale after a write that changes what the person sees (a
reply, a permission change, a notification, a read mark, a closed account), never showing a message twice."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.actions.posting import do_reply
from forums.models import Topic
from intranet import page_cache
from intranet.actions.accounts import do_remove_member
from intranet.actions.personal_data import do_close_account
from intranet.models import PersonalChange
from intranet.notifications import notify
from tests.page_cache_helpers import logged_in

pytestmark = pytest.mark.django_db

# A kept page costs the two generations (one query): not even the session nor the person.
HIT_QUERIES = 1


@pytest.fixture
def topic(public_category, make_topic, buyer):
    return make_topic(public_category, buyer, title="Clauses sociales", text="Premier message du sujet")


def read_twice(client, url):
    """The first view may write (the topic marked read) and is then not kept; the second one is."""
    client.get(url)
    return client.get(url)


def kept_page(client, url):
    """The page as served from what was kept for this session (asserted)."""
    read_twice(client, url)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    return response


def test_a_members_page_is_served_again_from_the_cache_with_one_query(topic, other_buyer):
    (reader,) = logged_in(other_buyer)
    url = topic.get_absolute_url()
    kept = read_twice(reader, url)
    assert kept.status_code == 200 and kept["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        again = reader.get(url)
    assert len(queries) == HIT_QUERIES, [q["sql"] for q in queries]
    assert again["X-Page-Cache"] == "hit"
    assert again.wsgi_request.user == other_buyer  # for whatever reads it after (loaded then, not before)
    assert "Premier message du sujet" in again.text
    assert f"<summary>{other_buyer.display_name}</summary>" in again.text  # their own header


def test_a_kept_page_is_never_served_to_another_person(org_category, make_topic, buyer, other_buyer):
    """The buyer's body's private category: kept for the buyer, refused to a buyer of another body."""
    private = make_topic(org_category, buyer, title="Marché de voirie interne", text="Réservé au service")
    url = private.get_absolute_url()
    owner, stranger = logged_in(buyer, other_buyer)
    kept_page(owner, url)
    refused = stranger.get(url)
    assert refused.status_code in (403, 404)
    assert "Réservé au service" not in refused.content.decode()
    assert refused.get("X-Page-Cache") != "hit"


def test_neither_a_visitor_nor_an_ended_session_gets_a_members_page(topic, buyer):
    (reader,) = logged_in(buyer)
    url = topic.get_absolute_url()
    kept_page(reader, url)
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = visitor.get(url)
    assert f"<summary>{buyer.display_name}</summary>" not in response.content.decode()
    session_cookie = reader.cookies[settings.SESSION_COOKIE_NAME].value
    reader.logout()
    after_logout = reader.get(url)
    assert f"<summary>{buyer.display_name}</summary>" not in after_logout.content.decode()
    # The ended session's cookie, replayed (a stolen one, a browser that kept it): nothing kept for it is served.
    replay = Client()
    replay.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    replay.cookies[settings.SESSION_COOKIE_NAME] = session_cookie
    replayed = replay.get(url)
    assert replayed.get("X-Page-Cache") != "hit"
    assert f"<summary>{buyer.display_name}</summary>" not in replayed.content.decode()


def test_a_reply_by_someone_else_is_visible_at_once(topic, buyer, other_buyer):
    (reader,) = logged_in(buyer)
    url = topic.get_absolute_url()
    kept_page(reader, url)
    do_reply(other_buyer, Topic.objects.get(pk=topic.pk), "Réponse toute fraîche")
    response = reader.get(url)
    assert response.get("X-Page-Cache") != "hit"
    assert "Réponse toute fraîche" in response.text


def test_losing_a_permission_is_effective_at_once(group_category, make_topic, group_member, sustainable_group):
    topic = make_topic(group_category, group_member, title="Achats durables", text="Entre membres du réseau")
    (reader,) = logged_in(group_member)
    url = topic.get_absolute_url()
    kept_page(reader, url)
    group_member.groups.remove(sustainable_group)
    refused = reader.get(url)
    assert refused.status_code in (403, 404)
    assert "Entre membres du réseau" not in refused.content.decode()


def test_a_closed_account_gets_no_kept_page(topic, buyer):
    (reader,) = logged_in(buyer)
    url = "/"
    name = buyer.display_name
    kept_page(reader, url)
    do_close_account(buyer)
    response = reader.get(url)
    assert response.get("X-Page-Cache") != "hit"
    assert f"<summary>{name}</summary>" not in response.content.decode()


def test_a_buyer_removed_from_their_body_loses_its_private_category_at_once(org_category, make_topic, buyer, org_admin):
    private = make_topic(org_category, org_admin, title="Marché de voirie interne", text="Réservé au service")
    (reader,) = logged_in(buyer)
    url = private.get_absolute_url()
    assert "Réservé au service" in kept_page(reader, url).text
    do_remove_member(buyer.memberships.get(), actor=org_admin)
    refused = reader.get(url)
    assert refused.status_code in (403, 404)
    assert "Réservé au service" not in refused.content.decode()


def test_a_session_not_logged_in_is_not_kept(topic):
    session = SessionStore()
    session["seen_cookie_banner"] = True
    session.save()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    for _ in range(3):
        response = client.get(topic.get_absolute_url())
        assert response.status_code == 200 and "X-Page-Cache" not in response


def test_a_new_notification_shows_in_the_bell_at_once(topic, buyer, other_buyer):
    (reader,) = logged_in(buyer)
    url = topic.get_absolute_url()
    kept = kept_page(reader, url)
    assert "data-unread-count>0<" in kept.text
    personal_before = PersonalChange.objects.count()
    content_before = page_cache.generation()
    notify([buyer], verb="forum.reply", message="Nouvelle réponse", actor=other_buyer)
    # What only its person sees: a new personal generation, the content's (visitors', fragments') unchanged.
    assert PersonalChange.objects.count() == personal_before + 1
    assert page_cache.generation() == content_before
    response = reader.get(url)
    assert response.get("X-Page-Cache") != "hit"
    assert "data-unread-count>1<" in response.text


def test_a_page_whose_view_wrote_is_not_kept(public_category, make_topic, reply, buyer, other_buyer):
    """The first view of a topic with posts new to the reader marks them read: that page (showing them as new)
    is not kept; the next view writes nothing and is kept."""
    topic = make_topic(public_category, buyer, title="Nouveautés", text="Début")
    (reader,) = logged_in(other_buyer)
    url = topic.get_absolute_url()
    first = reader.get(url)
    assert first.status_code == 200 and "X-Page-Cache" not in first
    assert reader.get(url)["X-Page-Cache"] == "miss"
    assert reader.get(url)["X-Page-Cache"] == "hit"


def test_marking_a_category_read_changes_the_readers_list_at_once(public_category, make_topic, buyer, other_buyer):
    make_topic(public_category, buyer, title="Sujet jamais lu", text="Texte")
    reader = Client()
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    reader.force_login(other_buyer)
    url = public_category.get_absolute_url()
    kept = kept_page(reader, url)
    assert "is-unread" in kept.text
    response = reader.post(reverse("forums:mark_all_read"), {"categorie": public_category.slug}, follow=True)
    assert response.status_code == 200
    after = reader.get(url)
    assert after.get("X-Page-Cache") != "hit"
    assert "Sujet jamais lu" in after.text and "is-unread" not in after.text


def test_a_page_showing_a_message_is_not_kept_and_the_message_shows_once(topic, buyer):
    (reader,) = logged_in(buyer)
    url = topic.get_absolute_url()
    kept_page(reader, url)
    response = reader.post(topic_reply_url(topic), {"reply-source": "Merci pour ces précisions"}, follow=True)
    assert response.status_code == 200
    assert "Merci pour ces précisions" in response.text
    assert 'class="messages"' in response.text and "X-Page-Cache" not in response
    following = reader.get(url)
    assert 'class="messages"' not in following.text
    reader.get(url)  # (kept now, unless the view before marked the reply read)
    kept = reader.get(url)
    assert kept["X-Page-Cache"] == "hit" and 'class="messages"' not in kept.text


def topic_reply_url(topic) -> str:
    return reverse("forums:reply", kwargs={"topic_id": topic.pk})


def test_the_kept_pages_forms_carry_the_persons_own_working_token(topic, buyer):
    (reader,) = logged_in(buyer, csrf_checks=True)
    url = topic.get_absolute_url()
    kept = kept_page(reader, url)
    token = kept.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert page_cache.PLACEHOLDER not in kept.text
    response = reader.post(
        topic_reply_url(topic), {"reply-source": "Réponse par le formulaire gardé", "csrfmiddlewaretoken": token}
    )
    assert response.status_code in (200, 302)
    assert Topic.objects.get(pk=topic.pk).posts.filter(source__contains="formulaire gardé").exists()


def test_each_language_is_kept_apart(topic, buyer):
    (reader,) = logged_in(buyer, language="en")
    url = topic.get_absolute_url()
    english = kept_page(reader, url)
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = reader.get(url)
    assert french.get("X-Page-Cache") != "hit"
    assert '<html lang="fr"' in french.text and '<html lang="en"' in english.text


def test_what_the_session_holds_is_part_of_the_key(topic, buyer):
    (reader,) = logged_in(buyer)
    url = topic.get_absolute_url()
    kept_page(reader, url)
    session = reader.session
    session["page_password_passed"] = [topic.pk]
    session.save()
    assert reader.get(url).get("X-Page-Cache") != "hit"


def test_a_page_kept_for_everyone_is_not_copied_for_each_session(buyer):
    """The open data (a `shared` view) is served to logged-in people from the one copy kept for everyone."""
    (reader,) = logged_in(buyer)
    url = reverse("opendata:releases")
    reader.get(url)
    reader.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = reader.get(url)
    assert response["X-Page-Cache"] == "hit"
    # The generations, then (no copy for this session) the session and the person, and the everyone's copy.
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_workspaces_pages_are_never_kept(buyer):
    (reader,) = logged_in(buyer)
    for _ in range(3):
        response = reader.get("/espaces/")
        assert "X-Page-Cache" not in response


def test_off_when_its_life_is_zero(topic, buyer, settings):
    settings.MEMBER_PAGE_CACHE_SECONDS = 0
    (reader,) = logged_in(buyer)
    url = topic.get_absolute_url()
    for _ in range(3):
        assert "X-Page-Cache" not in reader.get(url)
