"""Home page sections kept for readers alike (intranet/fragments.py), seen through the forum's "Active discussions":
each reader gets the section made for the categories they may read, a write shows on the next request of every
reader, a kept section costs no query, and languages and the switch-off setting are respected."""

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.actions.moderation.hide import do_hide_topic
from forums.actions.posting import do_create_topic, do_reply
from forums.models import Category
from intranet import page_cache
from tests.page_cache_helpers import forget_kept_member_pages, logged_in, one_generation

pytestmark = pytest.mark.django_db

# A buyer's home page (header, sections, footer kept): rendered in a new generation, then with every section kept
# but the workspaces' (unread counts come from read marks, which make no new generation). Cold: the group purchases'
# section adds its three lists for a buyer (needs to declare, requests to decide, open calls), kept once rendered.
COLD_QUERIES = 30
WARM_QUERIES = 15


def discussions(client) -> str:
    """The HTML of the home page's forum section (between its heading and the next section)."""
    content = client.get("/").content.decode()
    start = content.index('<ul class="active-discussions">') if "active-discussions" in content else -1
    assert start >= 0, "no active discussions on the home page"
    return content[start : content.index("</section>", start)]


@pytest.fixture
def topics(home_page, make_topic, public_category, org_category, buyer):
    return {
        "public": make_topic(public_category, buyer, title="Question ouverte à tous"),
        "rennes": make_topic(org_category, buyer, title="Réunion interne du service achats"),
    }


def test_a_reader_never_gets_the_section_kept_for_a_reader_who_may_read_more(topics, buyer, company_member):
    readers = dict(zip(("buyer", "company"), logged_in(buyer, company_member), strict=True))
    readers["visitor"] = Client()
    with one_generation():
        assert "Réunion interne du service achats" in discussions(readers["buyer"])  # kept for Rennes' readers
        for name in ("company", "visitor"):  # another organization's person, then a visitor
            shown = discussions(readers[name])
            assert "Question ouverte à tous" in shown
            assert "Réunion interne du service achats" not in shown
        assert "Réunion interne du service achats" in discussions(readers["buyer"])


def test_readers_of_the_same_categories_share_the_kept_section_which_costs_no_query(
    topics, login, buyer, make_user, body, client
):
    colleague = make_user("collegue@rennes.fr", body)
    login(buyer)
    discussions(client)  # renders and keeps the sections
    client.logout()
    login(colleague)
    discussions(client)  # the colleague's own first request: her session, her memberships
    with CaptureQueriesContext(connection) as context:
        shown = discussions(client)
    assert "Réunion interne du service achats" in shown
    assert not [q for q in context.captured_queries if "forums_topic" in q["sql"]], "the kept section was rebuilt"


@pytest.mark.parametrize("write", ["new topic", "reply", "hidden", "category closed"])
def test_a_write_shows_on_the_next_request_of_every_reader(
    topics, login, buyer, make_user, body, other_body, write, client
):
    moderator = make_user("moderatrice@rennes.fr", body)
    public = topics["public"]
    public.category.moderators.add(moderator)
    reader = make_user("lectrice@rennes.fr", body)
    login(reader)
    before = discussions(client)
    assert "Question ouverte à tous" in before

    if write == "new topic":
        do_create_topic(buyer, public.category, "Sujet tout neuf", "Premier message.")
        expected, gone = "Sujet tout neuf", None
    elif write == "reply":
        do_reply(buyer, public, "Une réponse.")
        expected, gone = "1 reply", None
    elif write == "hidden":
        do_hide_topic(moderator, public)
        expected, gone = None, "Question ouverte à tous"
    else:  # a bulk update, as an administrator's script would do
        Category.objects.filter(pk=public.category_id).update(
            visibility=Category.Visibility.ORGANIZATION, organization=other_body
        )
        expected, gone = None, "Question ouverte à tous"

    after = discussions(client)
    if expected:
        assert expected in after and expected not in before
    if gone:
        assert gone not in after


def test_each_language_gets_its_own_kept_section(topics, login, buyer, client):
    login(buyer)
    assert "0 replies" in discussions(client)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "0 réponse" in discussions(client)


def test_page_cache_seconds_zero_turns_the_kept_sections_off(topics, login, buyer, client):
    login(buyer)
    discussions(client)
    with override_settings(PAGE_CACHE_SECONDS=0, MEMBER_PAGE_CACHE_SECONDS=0):
        with CaptureQueriesContext(connection) as context:
            discussions(client)
    assert [q for q in context.captured_queries if "forums_topic" in q["sql"]]


def test_a_logged_in_home_page_costs_fewer_queries_once_its_sections_are_kept(topics, login, buyer, client):
    login(buyer)
    client.get("/")  # Wagtail finds the site and its root paths once per process; the session is read
    page_cache.record_change()  # a new generation: every section is rendered again
    with CaptureQueriesContext(connection) as cold:
        client.get("/")
    forget_kept_member_pages()  # the page itself rendered again for its person, with its kept sections
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    assert (len(cold), len(warm)) == (COLD_QUERIES, WARM_QUERIES)
