"""Wagtail's page view, with the request's Site found once per content generation.

Wagtail looks the Site up for every page request (a query whose ORM building cost ~1.4 ms for 0.07 ms of SQL).
Sites are content: any change to them makes a new content generation (intranet/page_cache.py), which the page's
fragments read anyway; so the Site found for a host and port is kept in the cache (local memory, or Redis) with
that generation in its key, and each request gets its own copy of it (unpickled), never a shared object.
"""

from django.conf import settings
from django.core.cache import cache
from wagtail import views
from wagtail.coreutils import WAGTAIL_APPEND_SLASH
from wagtail.models import Site

from intranet import page_cache

# The same pattern as wagtail.urls', for the same URLs.
SERVE_PATTERN = r"^((?:[\w\-]+/)*)$" if WAGTAIL_APPEND_SLASH else r"^([\w\-/]*)$"
_NONE = "none"  # kept for a host no Site answers (Wagtail then answers 404)


def site_for(request) -> Site | None:
    """Wagtail's Site for this request (Site._find_for_request's answer), kept per host, port and generation."""
    generation = page_cache.request_generation(request)
    key = f"wagtail-site:{request._get_raw_host()}:{request.get_port()}:{generation}"
    site = cache.get(key)
    if site is None:
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page  # noqa: B018 - selected with the Site: kept with it
        cache.set(key, site if site is not None else _NONE, max(settings.PAGE_CACHE_SECONDS, 60))
    return None if site == _NONE else site


def serve(request, path):
    request._wagtail_site = site_for(request)
    return views.serve(request, path)
