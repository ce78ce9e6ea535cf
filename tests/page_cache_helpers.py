"""Pinning the queries of a page a visitor may get from the cache (intranet/page_cache.py): cold and warm."""

import re

from django.conf import settings

from intranet.models import ContentChange

_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')
# A page served from the cache costs one query: the content's generation.
WARM_QUERIES = 1


def is_visitor(client) -> bool:
    return settings.SESSION_COOKIE_NAME not in client.cookies


def forget_cached_pages() -> None:
    """A new content generation, as any write makes: the next visitor's request renders the page again, while
    every other cache a running server keeps warm (Wagtail's site root paths...) stays."""
    ContentChange.objects.create()


def get_cold_and_warm(client, django_assert_num_queries, url, expected, data=None):
    """GET `url` rendered (`expected` queries, plus the generation's for a visitor: its footer is rendered too),
    then, for a visitor, again from the cache (WARM_QUERIES, the same content). Returns the rendered response."""
    visitor = is_visitor(client)
    if visitor:
        forget_cached_pages()  # (a logged-in page keeps its fragments: the footer)
    with django_assert_num_queries(expected + (1 if visitor else 0)):
        response = client.get(url, data)
    if visitor and response.status_code == 200:
        with django_assert_num_queries(WARM_QUERIES):
            warm = client.get(url, data)
        assert warm["X-Page-Cache"] == "hit"
        assert _without_tokens(warm.content) == _without_tokens(response.content)
    return response


def _without_tokens(content: bytes) -> bytes:
    """The page without its CSRF tokens (a fresh mask on every request)."""
    return _TOKEN.sub(b"", content)
