"""Pinning the queries of a page a visitor may get from the cache (intranet/page_cache.py): cold and warm; readers
logged in at once, to test the parts of logged-in pages kept for readers alike (intranet/fragments.py)."""

import re
from contextlib import contextmanager

from django.conf import settings
from django.test import Client

from intranet import page_cache
from intranet.models import ContentChange, PersonalChange

_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')
# A page served from the cache costs one query: the content's generation.
WARM_QUERIES = 1
# A logged-in person's page kept for their session: both generations (content, personal), in one query.
MEMBER_WARM_QUERIES = 1


def is_visitor(client) -> bool:
    return settings.SESSION_COOKIE_NAME not in client.cookies


def forget_cached_pages() -> None:
    """A new content generation, as any write makes: the next visitor's request renders the page again, while
    every other cache a running server keeps warm (Wagtail's site root paths...) stays."""
    ContentChange.objects.create()


def forget_kept_member_pages() -> None:
    """A new personal generation, as a read mark or a notification makes: the next logged-in request renders its
    page again, with the parts kept for readers alike (intranet/fragments.py) still kept."""
    PersonalChange.objects.create()


def get_cold_and_warm(client, django_assert_num_queries, url, expected, data=None):
    """GET `url` rendered (`expected` queries, plus the generation's for a visitor: its footer is rendered too; a
    logged-in person's page with the parts kept for readers alike), then again from the cache (WARM_QUERIES for a
    visitor, MEMBER_WARM_QUERIES for a logged-in person; the same content). Returns the rendered response."""
    visitor = is_visitor(client)
    if visitor:
        forget_cached_pages()  # (a logged-in page keeps its fragments: the footer)
    else:
        forget_kept_member_pages()
    with django_assert_num_queries(expected + (1 if visitor else 0)):
        response = client.get(url, data)
    if response.status_code == 200:
        with django_assert_num_queries(WARM_QUERIES if visitor else MEMBER_WARM_QUERIES):
            warm = client.get(url, data)
        assert warm["X-Page-Cache"] == "hit"
        assert _without_tokens(warm.content) == _without_tokens(response.content)
    return response


def _without_tokens(content: bytes) -> bytes:
    """The page without its CSRF tokens (a fresh mask on every request)."""
    return _TOKEN.sub(b"", content)


# --- parts of logged-in pages kept for readers alike (intranet/fragments.py) -----------------------------------


def logged_in(*users, csrf_checks: bool = False, language: str = "en") -> list[Client]:
    """A client per person (None: a visitor), in `language`, all logged in before any page is read: a login writes
    the person's last login (content, hence a new generation), so the pages read next can all come from one
    generation."""
    clients = []
    for user in users:
        client = Client(enforce_csrf_checks=csrf_checks)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            client.force_login(user)
        clients.append(client)
    return clients


@contextmanager
def one_generation():
    """Fails if what runs inside makes a new content generation: the readers' pages read inside then all had the
    same content, and only the readers differed (what a test of a kept part must prove)."""
    before = page_cache.generation()
    yield
    assert page_cache.generation() == before, "a page view wrote content: the test proves nothing"
