"""Whole pages cached for visitors, invalidated by every committed write to the content.

A visitor (no session cookie) sees what every other visitor sees for the same address and language: the page is
rendered once, kept in the cache (local memory, or Redis when REDIS_URL is set) and served to the next ones
until the content changes. Logged-in people never get a cached page.

What "the content changes" means is decided at the database, not view by view: every INSERT, UPDATE or DELETE
on a table outside IGNORED_TABLES (sessions, login attempts, tasks, notifications, read marks: what no visitor
sees) adds a `ContentChange` row in the same transaction, at most once per transaction. The highest id of that
table is the content's generation, part of every cache key: a change is visible to the next request of every
process exactly when its transaction commits, whichever code wrote it (a view, Wagtail's admin, the worker, a
management command, a bulk UPDATE). The only staleness allowed is time's: a page stays at most
PAGE_CACHE_SECONDS (a deadline passing, "3 minutes ago").

The CSRF tokens of the cached page (the language switcher's form, a login form) are stored as a placeholder
and replaced by the visitor's own token when the page is served.

Logged-in people's pages are kept too, each for its own session only (MemberPageCacheMiddleware): the key adds the
session's key and a second generation, the "personal" one, which every write to the tables a person sees of their
own (PERSONAL_TABLES: sessions, read marks, notifications, downloads...) makes new, just as content writes make a
new content generation. A page whose rendering wrote anything (a topic marked read) is not kept: the next request
renders it again, then finds nothing to write and is kept.
"""

import hashlib
import re

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.utils.functional import SimpleLazyObject

TABLE = "intranet_contentchange"
PERSONAL_TABLE = "intranet_personalchange"
# Writes to these tables change nothing a visitor sees, but they change what their person sees of their own:
# a logged-in person's kept pages are keyed on them too (the personal generation).
PERSONAL_TABLES = frozenset(
    {
        "django_session",
        "intranet_notification",
        "forums_categoryreadmark",
        "forums_topicreadstate",
        "workspaces_readmarker",
        "uploads_upload",
        "procurement_bidlog",
        "procurement_download",
    }
)
# Writes to these tables change nothing a visitor can see (nor, for those not in PERSONAL_TABLES, anything on the
# pages kept for logged-in people: presence is shown on workspaces' pages only, which are never kept).
IGNORED_TABLES = frozenset(
    {
        TABLE,
        PERSONAL_TABLE,
        "django_admin_log",
        "django_tasks_database_dbtaskresult",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        "intranet_auditevent",
        "intranet_scheduledrun",
        "workspaces_presence",
        *PERSONAL_TABLES,
        "wagtailadmin_editingsession",
        "wagtailimages_rendition",
        # Wagtail's own search index (the admin's search), written by the worker after the content's commit,
        # and its reference index: derived from content whose own write already made a new generation.
        "wagtailsearch_indexentry",
        "wagtailsearch_indexentry_fts",
        "wagtailcore_referenceindex",
    }
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[`"]?(\w+)', re.I)
_TOKEN = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}(?![A-Za-z0-9])")
PLACEHOLDER = "\x00csrf-token\x00"
CACHEABLE_TYPES = ("text/html", "application/json", "application/xml", "application/rss+xml", "application/atom+xml")
HARMLESS_VARY = {"cookie", "accept-language", "accept-encoding"}
KEEP_ROWS = 1000


# --- the generation --------------------------------------------------------------------------------------------


def _table_ready(connection, table: str = TABLE) -> bool:
    """Whether the change table exists (not during the first migrations); remembered once it does."""
    ready_tables = connection.__dict__.setdefault("_change_tables_ready", set())
    if table in ready_tables:
        return True
    with connection.cursor() as cursor:
        ready = table in connection.introspection.table_names(cursor)
    if ready:
        ready_tables.add(table)
    return ready


def _insert(connection, table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} DEFAULT VALUES")  # noqa: S608 - a constant


def record_change(using: str = "default", table: str = TABLE) -> None:
    """Record that the content (or, with PERSONAL_TABLE, what a person sees of their own) changed, in the
    current transaction if there is one (at most once per transaction, unless the generation was read since)."""
    connection = connections[using]
    if not _table_ready(connection, table):
        return
    markers = connection.__dict__.setdefault("_change_markers", {})
    if connection.in_atomic_block:
        marker = markers.get(table)
        if marker is not None and any(func is marker for _sids, func, _robust in connection.run_on_commit):
            return

        def marker():
            """Stands in the transaction's on-commit list while the transaction holds its change."""

        markers[table] = marker
        transaction.on_commit(marker, using=using)
    _insert(connection, table)


def _track_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    found = _WRITE.match(sql) if isinstance(sql, str) else None
    if found:
        name = found[1].lower()
        connection = context["connection"]
        if name in PERSONAL_TABLES:
            connection._personal_writes = getattr(connection, "_personal_writes", 0) + 1
            record_change(connection.alias, PERSONAL_TABLE)
        elif name not in IGNORED_TABLES:
            connection._content_writes = getattr(connection, "_content_writes", 0) + 1
            record_change(connection.alias)
    return result


def _install(sender, connection, **kwargs):
    if _track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track_writes)


def _after_migrate(sender, using="default", **kwargs):
    """Migrations (data ones included) change content: a new generation once they are applied."""
    if sender.name == "intranet":
        connection = connections[using]
        connection.__dict__.pop("_change_tables_ready", None)  # the tables may have just been made
        record_change(using)
        record_change(using, PERSONAL_TABLE)


def connect() -> None:
    """Called from IntranetConfig.ready(): every database connection records its writes."""
    connection_created.connect(_install, dispatch_uid="intranet.page_cache.install")
    post_migrate.connect(_after_migrate, dispatch_uid="intranet.page_cache.after_migrate")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


def generation(using: str = "default") -> int:
    """The content's generation: the id of the last recorded change (0 before any)."""
    connection = connections[using]
    # A write after this read, in the same transaction, must record a change of its own.
    connection.__dict__.setdefault("_change_markers", {})[TABLE] = None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {TABLE}")  # noqa: S608 - a constant
        row = cursor.fetchone()
    return row[0] or 0


def generations(using: str = "default") -> tuple[int, int]:
    """The content's generation and the personal one, in one query."""
    connection = connections[using]
    connection.__dict__["_change_markers"] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(id) FROM {TABLE}), (SELECT MAX(id) FROM {PERSONAL_TABLE})")  # noqa: S608
        content, personal = cursor.fetchone()
    return content or 0, personal or 0


def _writes(using: str) -> tuple[int, int]:
    connection = connections[using]
    return getattr(connection, "_content_writes", 0), getattr(connection, "_personal_writes", 0)


def request_generation(request, using: str = "default") -> int:
    """The generation for this request, read once unless the request wrote content since (then read again)."""
    writes = _writes(using)[0]
    known = getattr(request, "_content_generation", None)
    if known is not None and known[1] == writes:
        return known[0]
    current = generation(using)
    request._content_generation = (current, writes)
    return current


def request_generations(request, using: str = "default") -> tuple[int, int]:
    """Both generations for this request (content, personal), read again only if the request wrote since."""
    writes = _writes(using)
    known = getattr(request, "_generations", None)
    if known is not None and known[1] == writes:
        return known[0]
    current = generations(using)
    request._generations = (current, writes)
    request._content_generation = (current[0], writes[0])
    return current


def for_reader(request, name: str, compute, seconds: int, personal: bool = False):
    """What `compute()` gives for this request's reader (a person, or every visitor alike) in its language, asked
    once per request and kept in the cache for that reader until the content's generation changes (and, with
    `personal`, the personal one: for what is read from PERSONAL_TABLES, such as notifications and read marks), at
    most `seconds` (0: asked at every request). For what a reader may see (their rights, read from content tables:
    any committed write to them makes a new generation, so a right withdrawn is withdrawn at the next request);
    never for anything read from the other IGNORED_TABLES, whose writes make no new generation."""
    from django.utils.translation import get_language

    user = getattr(request, "user", None)
    known = request.__dict__.setdefault("_for_reader", {})
    if name in known and known[name][0] is user:
        return known[name][1]
    value, key = None, None
    if user is not None and seconds > 0:
        reader = user.pk if user.is_authenticated else "visitor"
        # Both generations in one query, whichever is needed.
        content, personal_generation = request_generations(request)
        generation = f"{content}:{personal_generation}" if personal else content
        key = f"reader:{name}:{reader}:{generation}:{get_language()}"
        value = cache.get(key)
    if value is None:
        value = compute()
        if key is not None:
            cache.set(key, value, seconds)
    known[name] = (user, value)
    return value


def prune(keep: int = KEEP_ROWS) -> int:
    """Delete all but the last `keep` changes of each kind (the daily job); returns how many went."""
    from intranet.models import ContentChange, PersonalChange

    deleted = 0
    for model in (ContentChange, PersonalChange):
        oldest_kept = model.objects.order_by("-id").values_list("id", flat=True)[keep - 1 : keep].first()
        if oldest_kept is not None:
            deleted += model.objects.filter(id__lt=oldest_kept).delete()[0]
    return deleted


# --- the middleware --------------------------------------------------------------------------------------------


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return not request.path.startswith(settings.PAGE_CACHE_SKIP_PREFIXES)


def _cacheable_response(request, response, shared: bool = False, member: bool = False) -> bool:
    """Whether `response` may be kept for every visitor (`shared`: for everyone, logged-in people included;
    `member`: for its own logged-in person only)."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(response, "page_cache", True) is False:
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in CACHEABLE_TYPES:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in (("no-store", "no-cache") if member else ("private", "no-store", "no-cache"))):
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    if vary - HARMLESS_VARY:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified and not shared:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and getattr(messages, "added_new", False))


def _key(request, current: int) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{request.LANGUAGE_CODE}"
    return f"page:{current}:{hashlib.sha256(where.encode()).hexdigest()}"


def _freeze(request, response) -> tuple:
    content = response.content
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        text = content.decode(response.charset or "utf-8")

        def placeholder(found):
            token = found[0]
            return PLACEHOLDER if _unmask_cipher_token(token) == secret else token

        content = _TOKEN.sub(placeholder, text).encode(response.charset or "utf-8")
    headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
    return (content, headers)


def _thaw(request, frozen: tuple) -> HttpResponse:
    content, headers = frozen
    placeholder = PLACEHOLDER.encode()
    if placeholder in content:
        content = content.replace(placeholder, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


def shared(view):
    """Mark a view whose answer is the same for everyone, logged in or not (open data, public feeds): what it
    answers is kept and served from the cache to logged-in people too, not only to visitors."""
    view.page_cache_shared = True
    return view


class AnonymousPageCacheMiddleware:
    """Serve visitors' GET pages from the cache, keyed by address, language and the content's generation; and
    the pages of `shared` views to everyone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            key = getattr(request, "_page_cache_shared_key", None)
            if key is not None and _cacheable_response(request, response, shared=True):
                cache.set(key, _freeze(request, response), settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
            return response
        key = _key(request, request_generation(request))
        frozen = cache.get(key)
        if frozen is not None:
            request.user = AnonymousUser()  # what the authentication middleware, not run, would have said
            return _thaw(request, frozen)
        response = self.get_response(request)
        if _cacheable_response(request, response):
            cache.set(key, _freeze(request, response), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A logged-in person's request to a `shared` view: served from (or kept in) the everyone's cache."""
        if not getattr(view_func, "page_cache_shared", False) or _cacheable_request(request):
            return None  # not shared, or a visitor's request, which __call__ handles
        if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
            return None
        request._page_cache_shared = True  # kept once for everyone: not copied for the session too
        key = "shared-" + _key(request, request_generation(request))
        frozen = cache.get(key)
        if frozen is not None:
            return _thaw(request, frozen)
        request._page_cache_shared_key = key
        return None


# --- logged-in people's pages ------------------------------------------------------------------------------------


def _member_cacheable_request(request, session_key: str | None) -> bool:
    if not session_key or request.method not in ("GET", "HEAD") or settings.MEMBER_PAGE_CACHE_SECONDS <= 0:
        return False
    if "HTTP_AUTHORIZATION" in request.META or request.path.startswith(settings.MEMBER_PAGE_CACHE_SKIP_PREFIXES):
        return False
    # A message waiting in its cookie ("Your reply is published") is shown by the next page, which is not kept.
    # (The cookie may have been emptied rather than removed by the client once shown; a message kept in the
    # session is a session write, hence a new personal generation and another key.)
    return not request.COOKIES.get("messages")


def _member_key(request, session_key: str, current: tuple[int, int]) -> str:
    where = f"{session_key}|{request.scheme}://{request.get_host()}{request.get_full_path()}|{request.LANGUAGE_CODE}"
    return f"member-page:{current[0]}:{current[1]}:{hashlib.sha256(where.encode()).hexdigest()}"


class MemberPageCacheMiddleware:
    """Serve a logged-in person's GET pages from the cache, kept for their session only.

    The key is the session's key (the cookie), the address, the language and both generations (content,
    personal), so a page is served again only to the session it was rendered for, and only while nothing that
    could change it was written: not the content, not what the person sees of their own (read marks,
    notifications), not any session (`django_session` is a personal table: a login, a logout, a session's data
    changed make a new personal generation). Found, the page is served without loading the session nor the
    person (one query, as for a visitor). The person's closing of their account, a password change (the
    session's login hash), a lost membership or right are content writes. Only time is not a write: a session
    expiring keeps its pages at most MEMBER_PAGE_CACHE_SECONDS longer, as a deadline passing shows that late.

    Not kept: a page whose rendering wrote anything (it may show the state before its own write: the next view,
    writing nothing, is kept), a page of a session that is not logged in, a page showing a message, a page under
    MEMBER_PAGE_CACHE_SKIP_PREFIXES (workspaces: presence and chat), a response `page_cache = False` or
    `no-store`/`no-cache`, a `shared` view's (kept once for everyone by the middleware above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not _member_cacheable_request(request, session_key):
            return self.get_response(request)
        before = request_generations(request)
        key = _member_key(request, session_key, before)
        frozen = cache.get(key)
        if frozen is not None:
            # What the authentication middleware, not run, would have set: loaded only if something reads it.
            request.user = SimpleLazyObject(lambda: auth.get_user(request))
            return _thaw(request, frozen)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and _cacheable_response(request, response, member=True)
            and request_generations(request) == before
            and not getattr(request, "_page_cache_shared", False)  # a `shared` view: one copy for everyone
        ):
            cache.set(key, _freeze(request, response), settings.MEMBER_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
