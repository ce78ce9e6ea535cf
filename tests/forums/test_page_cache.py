"""Visitors' pages from the cache (intranet/page_cache.py): served again without rendering, never stale after a
committed write (whoever made it, however), never to a logged-in person, never with another visitor's token."""

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from forums.actions.moderation.hide import do_hide_post
from forums.actions.posting import do_reply
from forums.models import Category, Post, Topic
from intranet import page_cache
from intranet.models import ContentChange

pytestmark = pytest.mark.django_db


def visitor(language="en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def topic(public_category, make_topic, buyer):
    return make_topic(public_category, buyer, title="Clauses sociales", text="Premier message du sujet")


def test_a_visitors_second_request_is_served_from_the_cache_with_one_query(topic, django_assert_num_queries):
    url = topic.get_absolute_url()
    first = visitor().get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content's generation, nothing else
        second = visitor().get(url)
    assert second["X-Page-Cache"] == "hit"
    assert "Premier message du sujet" in second.text


def test_a_cold_page_costs_what_it_cost_before_the_cache(topic, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = visitor().get(topic.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"


def test_a_reply_is_visible_to_visitors_on_their_next_request(topic, buyer, other_buyer):
    url = topic.get_absolute_url()
    assert "Réponse toute fraîche" not in visitor().get(url).text
    assert visitor().get(url)["X-Page-Cache"] == "hit"
    do_reply(other_buyer, Topic.objects.get(pk=topic.pk), "Réponse toute fraîche")
    response = visitor().get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Réponse toute fraîche" in response.text


def test_a_hidden_post_leaves_the_visitors_page_at_once(topic, reply, buyer, platform_admin):
    post = reply(topic, buyer, "Message bientôt masqué")
    url = topic.get_absolute_url()
    assert "Message bientôt masqué" in visitor().get(url).text
    do_hide_post(platform_admin, Post.objects.get(pk=post.pk))
    assert "Message bientôt masqué" not in visitor().get(url).text


def test_a_category_made_private_is_refused_to_visitors_on_their_next_request(topic):
    url = topic.get_absolute_url()
    assert visitor().get(url).status_code == 200
    assert visitor().get(url)["X-Page-Cache"] == "hit"
    # A bulk UPDATE, which sends no model signal: the database itself records the change.
    Category.objects.filter(pk=topic.category_id).update(visibility=Category.Visibility.MEMBERS)
    response = visitor().get(url)
    assert response.status_code in (302, 403, 404)
    assert "Premier message du sujet" not in response.content.decode()


def test_a_write_in_raw_sql_invalidates_too(topic):
    url = topic.get_absolute_url()
    visitor().get(url)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE forums_topic SET title = %s WHERE id = %s", ["Titre changé en SQL", topic.pk])
    assert "Titre changé en SQL" in visitor().get(url).text


def test_logged_in_people_never_get_a_visitors_page_nor_fill_one(topic, client, buyer):
    url = topic.get_absolute_url()
    client.force_login(buyer)
    client.get(url)  # (marks the topic read)
    member_page = client.get(url)
    assert member_page["X-Page-Cache"] == "miss"  # kept, for them only (test_member_page_cache.py)
    assert buyer.display_name in member_page.text  # the account menu
    first = visitor().get(url)
    assert first["X-Page-Cache"] == "miss"
    assert buyer.display_name not in first.text.split("<main")[0]  # no one's account menu
    assert visitor().get(url)["X-Page-Cache"] == "hit"
    again = client.get(url)
    assert buyer.display_name in again.text.split("<main")[0]


def test_each_language_has_its_own_cached_page(topic):
    url = topic.get_absolute_url()
    english = visitor("en").get(url)
    french = visitor("fr").get(url)
    assert french["X-Page-Cache"] == "miss"
    assert '<html lang="fr">' in french.text and '<html lang="en">' in english.text
    assert '<html lang="fr">' in visitor("fr").get(url).text


def test_the_cached_page_carries_the_visitors_own_csrf_token_and_its_forms_work(topic):
    url = topic.get_absolute_url()
    visitor().get(url)
    served = Client(enforce_csrf_checks=True)
    response = served.get(url)
    assert response["X-Page-Cache"] == "hit"
    secret = served.cookies[settings.CSRF_COOKIE_NAME].value
    tokens = [part.split('"', 1)[0] for part in response.text.split('name="csrfmiddlewaretoken" value="')[1:]]
    assert tokens and all(_unmask_cipher_token(token) == secret for token in tokens)
    assert page_cache.PLACEHOLDER not in response.text
    # The language switcher of the cached page works for this visitor.
    switched = served.post(reverse("set_language"), {"language": "fr", "next": url, "csrfmiddlewaretoken": tokens[0]})
    assert switched.status_code == 302


def test_the_login_page_is_never_kept(topic):
    assert "X-Page-Cache" not in visitor().get(reverse("login"))  # never_cache
    assert "X-Page-Cache" not in visitor().get(reverse("login"))


def _through_the_cache(rf, view, path="/un-endroit/"):
    request = rf.get(path)
    request.LANGUAGE_CODE = "fr"
    request._messages = CookieStorage(request)
    return page_cache.AnonymousPageCacheMiddleware(view)(request)


@pytest.mark.parametrize("what", ["cookie", "message", "private", "vary", "error", "download"])
def test_a_response_meant_for_one_visitor_or_not_a_page_is_not_kept(rf, topic, what):
    def view(request):
        response = HttpResponse("<p>Pour vous seul</p>", status=500 if what == "error" else 200)
        if what == "cookie":
            response.set_cookie("choix", "1")
        elif what == "message":
            messages.info(request, "Bienvenue")
        elif what == "private":
            response["Cache-Control"] = "private"
        elif what == "vary":
            response["Vary"] = "User-Agent"
        elif what == "download":
            response["Content-Type"] = "application/pdf"
        return response

    assert "X-Page-Cache" not in _through_the_cache(rf, view)
    assert "X-Page-Cache" not in _through_the_cache(rf, view)


def test_a_plain_page_goes_through_the_same_middleware_and_is_kept(rf, topic):
    def view(request):
        return HttpResponse("<p>Pour tous</p>")

    assert _through_the_cache(rf, view)["X-Page-Cache"] == "miss"
    assert _through_the_cache(rf, view)["X-Page-Cache"] == "hit"


def test_writes_no_visitor_sees_leave_the_generation_alone(topic, buyer, client):
    before = page_cache.generation()
    client.force_login(buyer)  # a session row, an audit event, the last login... only sessions are ignored
    after_login = page_cache.generation()
    from intranet.models import Notification

    Notification.objects.filter(recipient=buyer).delete()
    connection.cursor().execute("DELETE FROM django_session WHERE expire_date < '2000-01-01'")
    assert page_cache.generation() == after_login
    assert after_login >= before


def test_the_workers_index_writes_leave_visitors_pages_in_the_cache(topic):
    """After a change, the worker updates Wagtail's search index and reference index: derived data, no new page."""
    url = topic.get_absolute_url()
    visitor().get(url)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM wagtailsearch_indexentry WHERE id < 0")
        cursor.execute("DELETE FROM wagtailcore_referenceindex WHERE id < 0")
    assert visitor().get(url)["X-Page-Cache"] == "hit"


def test_one_change_per_transaction_unless_the_generation_was_read_meanwhile(topic):
    before = page_cache.generation()
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(title="Un")
        Topic.objects.filter(pk=topic.pk).update(title="Deux")
        Topic.objects.filter(pk=topic.pk).update(title="Trois")
    middle = page_cache.generation()
    assert middle == before + 1 or middle > before  # PostgreSQL sequences may skip numbers
    assert ContentChange.objects.filter(id__gt=before).count() == 1
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(title="Quatre")
        seen = page_cache.generation()
        Topic.objects.filter(pk=topic.pk).update(title="Cinq")
        assert page_cache.generation() > seen
    assert ContentChange.objects.filter(id__gt=middle).count() == 2


def test_a_rolled_back_change_records_nothing_and_the_next_transaction_records_again(topic):
    before = page_cache.generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(title="Annulé")
        raise RuntimeError
    assert page_cache.generation() == before
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(title="Gardé")
    assert page_cache.generation() > before


def test_prune_keeps_the_last_changes(topic):
    for _ in range(5):
        ContentChange.objects.create()
    ids = sorted(ContentChange.objects.values_list("id", flat=True))
    assert page_cache.prune(keep=2) == len(ids) - 2
    assert sorted(ContentChange.objects.values_list("id", flat=True)) == ids[-2:]
    assert page_cache.generation() == ids[-1]


def test_nothing_is_cached_when_the_setting_is_off(topic, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = topic.get_absolute_url()
    visitor().get(url)
    assert "X-Page-Cache" not in visitor().get(url)


def test_a_public_feed_is_kept_for_members_too_and_a_private_one_stays_refused(
    client, buyer, topic, members_category, make_topic
):
    client.force_login(buyer)
    url = reverse("forums:category_feed", args=[topic.category.slug])
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert "Clauses sociales" in visitor().get(url).text
    private = reverse("forums:category_feed", args=[members_category.slug])
    make_topic(members_category, buyer, title="Sujet réservé aux membres")
    for _ in range(2):
        response = client.get(private)
        assert response.status_code == 404 and "X-Page-Cache" not in response


def test_a_page_whose_answer_depends_on_the_reader_is_never_shared(client, buyer, other_buyer, topic):
    client.force_login(buyer)
    url = topic.get_absolute_url()
    client.get(url)
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"  # kept for its person only
    other_buyer.first_name, other_buyer.last_name = "Yann", "Le Goff"
    other_buyer.save(update_fields=["first_name", "last_name"])
    other = Client()
    other.force_login(other_buyer)
    response = other.get(url)
    assert response.get("X-Page-Cache") != "hit"
    header = response.text.split("<main")[0]
    assert buyer.display_name not in header and "Yann Le Goff" in header


@pytest.mark.parametrize(
    ("current", "last", "expected"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 334, [1, 2, 3, None, 334]),
        (5, 334, [1, None, 3, 4, 5, 6, 7, None, 334]),
        (4, 334, [1, 2, 3, 4, 5, 6, None, 334]),
        (334, 334, [1, None, 332, 333, 334]),
        (331, 334, [1, None, 329, 330, 331, 332, 333, 334]),
    ],
)
def test_the_pagination_shows_a_window_of_pages_whatever_their_number(current, last, expected):
    from django.core.paginator import Paginator

    from intranet.templatetags.intranet_tags import page_window

    page = Paginator(range(last), 1).page(current)
    assert page_window(page) == expected


def test_the_footer_kept_for_everyone_shows_a_renamed_page_at_once(client, buyer, topic, home_page):
    from django.utils.html import escape

    from intranet.models import StandardPage

    page = StandardPage.objects.filter(footer_role=StandardPage.Role.ACCESSIBILITY).first() or home_page.add_child(
        instance=StandardPage(title="Déclaration d'accessibilité", slug="a11y", footer_role="accessibility")
    )
    client.force_login(buyer)
    url = topic.get_absolute_url()
    assert escape(page.title) in client.get(url).text.split('class="site-footer"')[1]
    page.title = "Accessibilité : déclaration révisée"
    page.save_revision().publish()
    for reader in (client, visitor()):
        footer = reader.get(url).text.split('class="site-footer"')[1]
        assert "Accessibilité : déclaration révisée" in footer


def test_a_request_that_wrote_reads_the_generation_again(topic, rf):
    request = rf.get("/")
    first = page_cache.request_generation(request)
    assert page_cache.request_generation(request) == first  # read once per request...
    Topic.objects.filter(pk=topic.pk).update(title="Écrit pendant la requête")
    assert page_cache.request_generation(request) > first  # ...unless it wrote content since


def test_applied_migrations_make_a_new_generation(topic):
    from django.apps import apps

    before = page_cache.generation()
    page_cache._after_migrate(apps.get_app_config("intranet"))
    assert page_cache.generation() > before
