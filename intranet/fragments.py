"""Parts of logged-in pages kept for every reader who would get the same HTML.

A fragment's key holds the content's generation (intranet/page_cache.py: every committed write to the content makes a
new one, whoever wrote it), the language, the host, and what the fragment varies on among its readers (`vary`: the
forum categories they may read, their guides' audiences, their organizations, a person's own id for what is theirs
alone). So no one gets a fragment made for a reader who may see something else, and every write shows on the next
request of every reader. Only time (a deadline passing) shows late, within PAGE_CACHE_SECONDS as for visitors' pages
(0 turns fragments off too).

A kept fragment must not hold a form's CSRF token (it is the reader's own), nor anything read from the tables whose
writes make no new generation (page_cache.IGNORED_TABLES: notifications, read marks, presence...): such parts are
rendered for each request.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from intranet import page_cache


def fragment_key(request, name: str, vary) -> str:
    """The cache key of fragment `name` for this request's readers like it (`vary`: a value whose repr() tells
    them apart, e.g. a tuple of ids)."""
    digest = hashlib.sha256(repr(vary).encode()).hexdigest()[:32]
    generation = page_cache.request_generation(request)
    return f"fragment:{name}:{request.get_host()}:{get_language()}:{generation}:{digest}"


def cached_fragment(request, name: str, vary, render: Callable[[], str]) -> str:
    """The HTML of fragment `name` for readers who share `vary`: from the cache, or `render()`ed and kept."""
    timeout = settings.PAGE_CACHE_SECONDS
    if timeout <= 0:
        return render()
    key = fragment_key(request, name, vary)
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, timeout)
    return html
