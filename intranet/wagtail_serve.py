"""Wagtail's page view, with the request's Site found once per process until the content changes.

Wagtail looks the Site up for every page request (a query whose ORM building cost ~1.4 ms for 0.07 ms of SQL).
Sites are content: any change to them makes a new content generation (intranet/page_cache.py), which the page's
fragments read anyway; so the Site found for a host and port is kept per process with the generation it was found
in, and each request gets its own copy of it (and of its root page), never the shared object.
"""

import copy
import threading

from wagtail import views
from wagtail.coreutils import WAGTAIL_APPEND_SLASH
from wagtail.models import Site

from intranet import page_cache

# The same pattern as wagtail.urls', for the same URLs.
SERVE_PATTERN = r"^((?:[\w\-]+/)*)$" if WAGTAIL_APPEND_SLASH else r"^([\w\-/]*)$"
MAX_HOSTS = 50  # hosts are bounded by ALLOWED_HOSTS; a bound all the same

_sites: dict[tuple[str, str], tuple[int, Site | None]] = {}
_lock = threading.Lock()


def site_for(request) -> Site | None:
    """Wagtail's Site for this request (Site._find_for_request's answer), kept per host, port and generation."""
    key = (request._get_raw_host(), request.get_port())
    generation = page_cache.request_generation(request)
    found = _sites.get(key)
    if found is None or found[0] != generation:
        found = (generation, Site._find_for_request(request))
        with _lock:
            if len(_sites) >= MAX_HOSTS:
                _sites.clear()
            _sites[key] = found
    site = found[1]
    if site is None:
        return None
    own = copy.copy(site)  # Django copies the instance's state and related objects' cache as well
    own.root_page = copy.copy(site.root_page)
    return own


def serve(request, path):
    request._wagtail_site = site_for(request)
    return views.serve(request, path)
