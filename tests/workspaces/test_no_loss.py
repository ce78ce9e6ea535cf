"""Nothing lost, nothing twice: 20 people in one channel each send 50 messages at once, through the real ASGI
application (WebsocketCommunicator; the in-memory channel layer, or channels_redis when REDIS_URL is set).

Each message is stored exactly once (one row per client key, retries included) and every connected member ends
up with every message, in id order, with no gap and no duplicate. A channel layer may drop a live event (a full
queue), so each client does what the page's script does: it watches the ids it receives, asks for the gap
with `catch_up` when one shows or when the channel has gone quiet, and keeps each id once.
"""

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connections

from intranet.asgi import application
from workspaces.models import Channel, Message

CLIENTS = 20
MESSAGES = 50
RETRIED = 5  # each client sends its first messages again, as after a dropped connection
DEADLINE = 60  # seconds: the whole exchange (it takes a few on this machine)
QUIET = 1.0  # seconds without a frame before a client that misses messages asks for them

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def clean_state(settings):
    settings.WORKSPACES_CHAT_RATE = (10_000, 1)  # the limit is tested in test_consumer.py
    # Search indexing is queued for the worker in production; the test settings run it at once, inside each
    # post (a Whoosh write per message). Queued and left aside here: this test is about delivery.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    cache.clear()
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def crowd(make_user, make_workspace, add_member, ws_owner):
    """#général of a workspace with 20 members (its owner and 19 buyers)."""
    workspace = make_workspace(ws_owner, name="Réseau des acheteurs hospitaliers")
    people = [ws_owner]
    for index in range(CLIENTS - 1):
        person = make_user(f"acheteur{index:02d}@chu-rennes.fr", first_name="Acheteur", last_name=f"n° {index}")
        add_member(workspace, person)
        people.append(person)
    return Channel.objects.get(workspace=workspace, is_general=True), people


@database_sync_to_async
def session_cookies(people) -> list[bytes]:
    cookies = []
    for user in people:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode())
    return cookies


class Client:
    """One open page: sends its messages, keeps every message by id, fills gaps with catch_up."""

    def __init__(self, index: int, socket: WebsocketCommunicator, start: int, total: int):
        self.index, self.socket = index, socket
        self.start, self.total = start, total  # ids start+1 .. start+total are expected
        self.held: dict[int, str] = {}  # seq -> html
        self.live: list[int] = []  # ids in the order they came live
        self.acks: dict[str, list[int]] = {}  # client key -> the seqs acknowledged for it
        self.asking = False  # a catch_up is under way (its last page says complete)
        self.catch_ups = 0
        self.errors: list[dict] = []

    @property
    def contiguous(self) -> int:
        """The last id up to which nothing is missing."""
        seq = self.start
        while seq + 1 in self.held:
            seq += 1
        return seq

    def complete(self) -> bool:
        return len(self.held) == self.total

    async def frame(self, timeout: float) -> dict | None:
        """The next frame, or None after `timeout` (without cancelling the application, unlike
        WebsocketCommunicator.receive_output)."""
        try:
            output = await asyncio.wait_for(self.socket.output_queue.get(), timeout)
        except TimeoutError:
            return None
        assert output["type"] == "websocket.send", f"client {self.index}: the server closed the connection {output}"
        return json.loads(output["text"])

    async def ask(self):
        self.asking = True
        self.catch_ups += 1
        await self.socket.send_json_to({"type": "catch_up", "after": self.contiguous})

    async def send_all(self):
        for number in range(MESSAGES):
            await self.send(number)
        for number in range(RETRIED):  # the same keys again: stored once, acknowledged with the same id
            await self.send(number)

    async def send(self, number: int):
        body = f"Message {number} de la personne {self.index}"
        frame = {"type": "send", "body": body, "client_key": f"p{self.index}-m{number}"}
        await self.socket.send_json_to({**frame, "reply_to": None, "thread_root": None})

    async def read(self, expected_acks: int, deadline: float):
        while time.monotonic() < deadline:
            acked = sum(len(seqs) for seqs in self.acks.values())
            if self.complete() and acked >= expected_acks:
                return
            frame = await self.frame(QUIET)
            if frame is None:
                if not self.complete() and not self.asking:
                    await self.ask()  # quiet, yet messages are missing: the last ones were dropped
                continue
            kind = frame["type"]
            if kind == "message":
                seq = frame["message"]["seq"]
                self.live.append(seq)
                self.held.setdefault(seq, frame["message"]["html"])
                if seq > self.contiguous + 1 and not self.asking:
                    await self.ask()  # a gap shows: ask for what follows the last id held in order
            elif kind == "messages":
                for message in frame["messages"]:
                    self.held.setdefault(message["seq"], message["html"])
                if frame["complete"]:
                    self.asking = False
            elif kind == "ack":
                self.acks.setdefault(frame["client_key"], []).append(frame["seq"])
            elif kind == "error":
                self.errors.append(frame)
                if frame.get("code") == "rate_limited" and not frame.get("client_key"):
                    self.asking = False  # too many catch-ups: ask again once the channel is quiet
        raise AssertionError(
            f"client {self.index}: {len(self.held)} of {self.total} messages and "
            f"{sum(len(s) for s in self.acks.values())} of {expected_acks} acks after {DEADLINE} s"
        )


async def test_every_message_is_stored_once_and_reaches_every_member_in_id_order(crowd):
    channel, people = crowd
    start = channel.last_seq
    total = CLIENTS * MESSAGES
    cookies = await session_cookies(people)
    clients = []
    for index, cookie in enumerate(cookies):
        socket = WebsocketCommunicator(
            application,
            f"/ws/espaces/canal/{channel.pk}/",
            headers=[(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie)],
        )
        accepted, _ = await socket.connect(timeout=10)
        assert accepted, f"client {index} was refused"
        clients.append(Client(index, socket, start, total))

    deadline = time.monotonic() + DEADLINE
    await asyncio.gather(*(c.send_all() for c in clients), *(c.read(MESSAGES + RETRIED, deadline) for c in clients))
    for client in clients:
        await client.socket.disconnect()

    # Stored exactly once: one row per client key, ids start+1 .. start+total with no gap.
    rows = await database_sync_to_async(
        lambda: list(Message.objects.filter(channel=channel).order_by("seq").values_list("seq", "client_key", "body"))
    )()
    assert len(rows) == total
    assert [seq for seq, _, _ in rows] == list(range(start + 1, start + total + 1))
    keys = {key for _, key, _ in rows}
    assert keys == {f"p{i}-m{n}" for i in range(CLIENTS) for n in range(MESSAGES)}
    stored = {key: seq for seq, key, _ in rows}

    for client in clients:
        assert client.errors == [], f"client {client.index}: {client.errors}"
        # Every send was acknowledged with the id stored for its key, the retries with the same one.
        for number in range(MESSAGES):
            key = f"p{client.index}-m{number}"
            assert set(client.acks[key]) == {stored[key]}
            assert len(client.acks[key]) == (2 if number < RETRIED else 1)
        # Every member holds every message, each once, in id order, with the stored text.
        assert sorted(client.held) == [seq for seq, _, _ in rows]
        for seq, _, body in rows:
            assert body in client.held[seq]
        # What came live came in id order (gaps possible, never a step back).
        assert client.live == sorted(client.live)
