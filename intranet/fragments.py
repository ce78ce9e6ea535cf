"""Parts of logged-in pages kept for every reader who would get the same HTML.

A fragment's key holds the content's generation (intranet/page_cache.py: every committed write to the content makes a
new one, whoever wrote it), the language, the host, and what the fragment varies on among its readers (`vary`: the
forum categories they may read, their guides' audiences, their organizations, a person's own id for what is theirs
alone). So no one gets a fragment made for a reader who may see something else, and every write shows on the next
request of every reader. Only time (a deadline passing) shows late, within PAGE_CACHE_SECONDS as for visitors' pages
(0 turns fragments off too). A Wagtail preview (a draft) neither reads nor fills them.

A kept fragment's forms hold a placeholder instead of a CSRF token (`csrf_token` in the fragment's context), replaced
by each reader's own when served (with_csrf_token). Nothing read from the tables whose writes make no new generation
(page_cache.IGNORED_TABLES: notifications, read marks, presence...) may be in the kept HTML unless its value is in
`vary` (a topic page's read mark is): such parts are rendered for each request.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from intranet import page_cache

# What a kept fragment's forms hold instead of a CSRF token (`csrf_token` in the fragment's context): replaced by
# the reader's own when the fragment is served (with_csrf_token).
CSRF_PLACEHOLDER = page_cache.PLACEHOLDER


@dataclass(frozen=True)
class Viewer:
    """The reader as a kept fragment's templates may see them: logged in or not, and their id to compare authors
    with. Whatever those comparisons give must be in the fragment's `vary` (e.g. the numbers of the reader's own
    posts on the page); nothing else of the person (name, e-mail, groups) is there to be printed by mistake."""

    pk: int | None

    @property
    def is_authenticated(self) -> bool:
        return self.pk is not None

    @classmethod
    def of(cls, user) -> "Viewer":
        return cls(user.pk if getattr(user, "is_authenticated", False) else None)


def with_csrf_token(request, html: str) -> str:
    """The fragment with its forms' placeholder replaced by this reader's CSRF token (one per page, as Django's
    context processor gives)."""
    if CSRF_PLACEHOLDER not in html:
        return html
    return html.replace(CSRF_PLACEHOLDER, get_token(request))


def fragment_key(request, name: str, vary) -> str:
    """The cache key of fragment `name` for this request's readers like it (`vary`: a value whose repr() tells
    them apart, e.g. a tuple of ids)."""
    digest = hashlib.sha256(repr(vary).encode()).hexdigest()[:32]
    generation = page_cache.request_generation(request)
    return f"fragment:{name}:{request.get_host()}:{get_language()}:{generation}:{digest}"


def cached_fragment(request, name: str, vary, render: Callable[[], object]):
    """The HTML of fragment `name` for readers who share `vary` (or what `render` gives: a picklable value), from the
    cache, or `render()`ed and kept."""
    timeout = settings.PAGE_CACHE_SECONDS
    if timeout <= 0 or getattr(request, "is_preview", False):
        return render()  # a Wagtail preview shows a draft: never kept, never taken from what readers get
    key = fragment_key(request, name, vary)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, timeout)
    return html
