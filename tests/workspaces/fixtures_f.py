"""Helper F's shared pieces for the permission matrix and the XSS tests: data built once per module, people per
role, the WebSocket handshake from a synchronous test, and a parser that lists what could run in a page.

Why once per module: the matrix has hundreds of cells; building people, workspaces, messages, files and notes for
each would take minutes. `module_db` opens one transaction for the whole module (rolled back at its end); every
test still runs in its own savepoint (pytest-django's `db`), so what a cell writes (a message posted, a member
removed) is undone before the next cell. The people are the same as `tests/workspaces/conftest.py`'s fixtures
(same names, same bodies), built here at module scope because those fixtures are per test.

The WebSocket cells run the real ASGI application (`intranet.asgi.application`) with `async_to_sync` from a
synchronous test: the consumer's `database_sync_to_async` work then runs on the test's own thread and connection,
inside the module's transaction, so it sees the module's data (a `transaction=True` test would have to rebuild
everything for each cell).
"""

import json
from contextlib import contextmanager
from html.parser import HTMLParser
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from intranet.actions.accounts import sync_wagtail_groups
from intranet.models import Membership, Organization, User
from tests.conftest import PASSWORD, make_siret
from workspaces.access import forget_workspace_memberships
from workspaces.models import Member

ALLOWED_ORIGIN = b"http://testserver"
FOREIGN_ORIGIN = b"http://evil.example"
TIMEOUT = 5
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# The roles of the matrix, in the order the cells are listed.
ROLES = [
    "owner",  # owner of the private workspace (buyer of `body`)
    "admin",  # its admin (buyer of `other_body`)
    "member",  # its member (buyer of `body`)
    "guest",  # its guest (no organization at all)
    "other_ws_member",  # buyer of `body`, owner of another workspace only
    "other_body_buyer",  # buyer of a third body, in no workspace
    "company_user",  # member of a company, in no workspace
    "platform_admin",  # superuser, in no workspace: refused like any outsider (privacy)
    "visitor",  # anonymous
]
MEMBERS = {"owner", "admin", "member", "guest"}
ADMINS = {"owner", "admin"}
OUTSIDERS = set(ROLES) - MEMBERS - {"visitor"}


@contextmanager
def rolled_back(django_db_blocker):
    """One transaction around a group of tests, rolled back at its end (each test runs in a savepoint in it)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield
            transaction.set_rollback(True)


@contextmanager
def empty_search_index():
    """An empty Whoosh index (in the test run's temporary folder), emptied again at the end."""
    call_command("clear_index", interactive=False, verbosity=0)
    yield
    call_command("clear_index", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield


@pytest.fixture(scope="module")
def module_index(module_db):
    with empty_search_index():
        yield


@pytest.fixture(scope="class")
def class_db(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield


@pytest.fixture(scope="class")
def class_index(class_db):
    with empty_search_index():
        yield


def index_workspace_content() -> None:
    """Index the workspaces' messages, notes and files as the worker would after the commits."""
    call_command("update_index", "workspaces", verbosity=0)


def make_org(name, kind, **fields) -> Organization:
    fields.setdefault("siret", make_siret())
    fields.setdefault("department", "35")
    return Organization.objects.create(name=name, kind=kind, **fields)


def make_person(email, organization=None, role=Membership.Role.BUYER, **fields) -> User:
    fields.setdefault("email_confirmed_at", timezone.now())
    fields.setdefault("first_name", "Camille")
    fields.setdefault("last_name", "Martin")
    user = User.objects.create_user(email=email, password=PASSWORD, **fields)
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role)
        sync_wagtail_groups(user)
    return user


def build_people() -> tuple[dict, dict]:
    """The organizations and the people of each role (as in tests/workspaces/conftest.py)."""
    orgs = {
        "body": make_org("Ville de Rennes", Organization.Kind.COMMUNE),
        "other_body": make_org("CHU de Brest", Organization.Kind.HOSPITAL, department="29"),
        "third_body": make_org("Département du Morbihan", Organization.Kind.DEPARTMENT, department="56"),
        "company": make_org("Bretagne Nettoyage SARL", Organization.Kind.COMPANY),
    }
    buyer = Membership.Role.BUYER
    people = {
        "owner": make_person("proprietaire@rennes.fr", orgs["body"], buyer, first_name="Odile", last_name="Le Goff"),
        "admin": make_person(
            "animateur@chu-brest.fr", orgs["other_body"], buyer, first_name="Alain", last_name="Kerbrat"
        ),
        "member": make_person("membre@rennes.fr", orgs["body"], buyer, first_name="Maëlle", last_name="Riou"),
        "guest": make_person("consultante@cabinet-conseil.fr", first_name="Gaëlle", last_name="Tanguy"),
        "other_ws_member": make_person(
            "autre-espace@rennes.fr", orgs["body"], buyer, first_name="Yann", last_name="Morvan"
        ),
        "other_body_buyer": make_person(
            "acheteuse@morbihan.fr", orgs["third_body"], buyer, first_name="Nolwenn", last_name="Guého"
        ),
        "company_user": make_person(
            "contact@bretagne-nettoyage.fr",
            orgs["company"],
            Membership.Role.MEMBER,
            first_name="Ronan",
            last_name="Le Bihan",
        ),
        "platform_admin": make_person("admin@plateforme.fr", is_staff=True, is_superuser=True),
        "visitor": None,
    }
    return orgs, people


def add_member(workspace, user, role=Member.Role.MEMBER) -> Member:
    member = Member.objects.create(workspace=workspace, user=user, role=role)
    forget_workspace_memberships(user)
    return member


def fresh(user):
    """The person as a new request would load them (no membership cache left from the set-up)."""
    return None if user is None else User.objects.get(pk=user.pk)


def client_for(client, user):
    if user is not None:
        client.force_login(user, backend=MODEL_BACKEND)
    return client


# WebSocket from a synchronous test --------------------------------------------------------------------------


def session_cookie(user) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = MODEL_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


@contextmanager
def same_connection():
    """Channels closes "old" database connections around each `database_sync_to_async` call; inside the test's
    transaction that would close the test's own connection. Channels' own ApplicationCommunicator patches it out
    the same way while it sends and receives; here for the whole exchange."""
    with mock.patch("channels.db.close_old_connections", lambda: None):
        yield


def websocket_outcome(channel_id, user, *, origin=ALLOWED_ORIGIN, after=None, frames=()) -> dict:
    """Connect to the chat WebSocket as `user` (None: anonymous), asking for the messages after `after` if given,
    send `frames` once accepted, and report: {"accepted": bool, "close_code": int|None, "received": [the frames
    received before the close, or until the presence frame (no `frames`), or until nothing more comes]}."""
    cookie = session_cookie(user) if user is not None else None
    cache.clear()  # rate-limit counters are per person id

    async def run():
        headers = [(b"origin", origin), (b"host", b"testserver")]
        if cookie:
            headers.append((b"cookie", cookie))
        path = f"/ws/espaces/canal/{channel_id}/" + (f"?after={after}" if after is not None else "")
        socket = WebsocketCommunicator(application(), path, headers=headers)
        accepted, _subprotocol = await socket.connect(timeout=TIMEOUT)
        result = {"accepted": accepted, "close_code": None, "received": []}
        if not accepted:
            await socket.disconnect()
            return result
        for frame in frames:
            await socket.send_json_to(frame)
        # Read until the server closes, or nothing more comes.
        while True:
            try:
                output = await socket.receive_output(timeout=0.3 if result["received"] or frames else 0.5)
            except TimeoutError:
                break
            if output["type"] == "websocket.close":
                result["close_code"] = output.get("code")
                break
            if output["type"] == "websocket.send" and output.get("text"):
                result["received"].append(json.loads(output["text"]))
            if not frames and any(f.get("type") == "presence" for f in result["received"]):
                break
        if result["close_code"] is None:
            await socket.disconnect()
        return result

    with same_connection():
        return async_to_sync(run)()


def application():
    from intranet.asgi import application as app

    return app


# Parsing pages for anything that could run -------------------------------------------------------------------


class ActiveContent(HTMLParser):
    """Lists what could run in a page or fragment: `<script>` elements other than the site's own static files,
    `on*` attributes, `javascript:`/`vbscript:`/`data:text/html` URLs, `style` attributes and elements (the site
    has none: strict CSP), frames, objects, `<base>` and `<meta http-equiv=refresh>`. Also keeps the text, to
    check that the payloads are shown as text."""

    URL_ATTRIBUTES = {
        "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc", "srcset",
        "content", "dynsrc", "lowsrc", "ping", "cite", "longdesc", "codebase", "manifest", "icon",
    }  # fmt: skip
    SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:text/html", "data:image/svg", "expression(")
    EMBEDDING = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "link", "form"}
    # The site's pages hold its own inline SVG icons and forms; user content (a fragment) holds none.
    SITE_MARKUP = {"svg", "link", "form"}

    def __init__(self, static_prefix: str | None):
        super().__init__(convert_charrefs=True)
        self.static_prefix = static_prefix
        self.found: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def _check(self, tag, attrs):
        values = {(name or "").lower(): value or "" for name, value in attrs}
        if tag == "script":
            source = values.get("src", "")
            if not (self.static_prefix and source.startswith(self.static_prefix)):
                self.found.append(f"<script src={source!r}>" if source else "<script> (inline)")
        if tag in self.EMBEDDING - (self.SITE_MARKUP if self.static_prefix else set()) or (
            not self.static_prefix and tag in ("svg", "math")
        ):
            self.found.append(f"<{tag}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            elif name in self.URL_ATTRIBUTES:
                # Browsers ignore control characters and spaces inside a scheme ("jav\tascript:").
                compact = "".join(char for char in value if char > " ").lower()
                if any(scheme in compact for scheme in self.SCHEMES):
                    self.found.append(f"<{tag} {name}={value!r}>")


def parse(html: str, static_prefix: str | None = None) -> ActiveContent:
    parser = ActiveContent(static_prefix)
    parser.feed(html)
    parser.close()
    return parser


def active_content(html: str, *, page: bool = True) -> list[str]:
    """What could run in `html`: a whole page (the site's own static scripts allowed) or a fragment (nothing)."""
    return parse(html, settings.STATIC_URL if page else None).found


def shown_text(html: str) -> str:
    """The page's text as a reader sees it (entities decoded, whitespace collapsed)."""
    return " ".join("".join(parse(html).text).split())
