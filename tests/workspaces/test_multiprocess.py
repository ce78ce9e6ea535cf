"""Two real server processes (uvicorn, as in production) sharing the Redis channel layer and the test database:
a message sent through one process reaches a reader connected to the other, and a reader who reconnects with
the last id it holds (`?after=`), to either process, gets exactly the messages it missed.

Needs REDIS_URL (CI's PostgreSQL + Redis pass sets it); skipped without it. The servers read the database
pytest-django created (PostgreSQL's test database, or SQLite's test file) and share one layer prefix of their
own, so that other test runs on the same Redis never see their events.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from workspaces.models import Channel

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
TIMEOUT = 10  # seconds for any one frame
START_TIMEOUT = 60  # seconds for a server to load Django and listen

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: delivery between server processes goes through channels_redis",
    ),
    pytest.mark.django_db(transaction=True),
]

# Each server: the test settings on the test database, one layer prefix shared by both processes (the test
# settings give every process its own), then uvicorn as in production.
LAUNCHER = """
import os, sys
import django
from django.conf import settings
django.setup()
settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = os.environ["CHAT_TEST_LAYER_PREFIX"]
import uvicorn
uvicorn.run("intranet.asgi:application", host=sys.argv[1], port=int(sys.argv[2]), log_level="warning",
            lifespan="off")
"""


def database_url() -> str:
    """The URL of the database the tests run on (pytest-django's test database), for the server processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    assert connection.vendor == "postgresql", f"no server test for {connection.vendor}"
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped (code {process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return  # uvicorn listens once the application is loaded
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not listen within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def servers(transactional_db, tmp_path):
    """Two uvicorn processes on free ports; stopped (and their database connections gone) after the test."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
        "DATABASE_URL": database_url(),
        "CHAT_TEST_LAYER_PREFIX": f"test-mp-{uuid.uuid4().hex[:12]}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    started = []
    try:
        for index in range(2):
            port = free_port()
            log = tmp_path / f"server-{index}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-c", LAUNCHER, HOST, str(port)], cwd=ROOT, env=env, stdout=output, stderr=output
                )
            started.append((process, port, log))
        for process, port, log in started:
            wait_until_listening(port, process, log)
        yield [port for _, port, _ in started]
    finally:
        for process, _, _ in started:
            process.terminate()
        for process, _, _ in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def two_members(make_workspace, add_member, ws_owner, ws_member):
    """#général of a workspace, its owner and a member, each with a session cookie (as after logging in)."""
    workspace = make_workspace(ws_owner, name="Achat groupé de repas scolaires")
    add_member(workspace, ws_member)
    channel = Channel.objects.get(workspace=workspace, is_general=True)
    cookies = []
    for user in (ws_owner, ws_member):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return channel, cookies


class Socket:
    """A WebSocket client keeping the frames it has not been asked for yet (an ack and the sender's own
    message may come in either order)."""

    def __init__(self, ws):
        self.ws = ws
        self.pending: list[dict] = []

    @classmethod
    async def open(cls, port: int, channel_id: int, cookie: str, after: int | None = None):
        from websockets.asyncio.client import connect

        query = f"?after={after}" if after is not None else ""
        ws = await connect(
            f"ws://{HOST}:{port}/ws/espaces/canal/{channel_id}/{query}",
            origin=f"http://{HOST}",
            additional_headers={"Cookie": cookie},
            open_timeout=TIMEOUT,
        )
        return cls(ws)

    async def next(self, kind: str) -> dict:
        """The first frame of `kind` (presence and typing frames come and go in between)."""
        for frame in self.pending:
            if frame["type"] == kind:
                self.pending.remove(frame)
                return frame
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
            if frame["type"] == kind:
                return frame
            if frame["type"] not in ("presence", "typing"):
                self.pending.append(frame)

    async def send(self, body: str, key: str) -> int:
        """Send a message; returns the id the server acknowledged."""
        frame = {"type": "send", "body": body, "client_key": key, "reply_to": None, "thread_root": None}
        await self.ws.send(json.dumps(frame))
        ack = await self.next("ack")
        assert ack["client_key"] == key
        return ack["seq"]

    async def received(self, seq: int) -> dict:
        """The live message `seq`, which must be the next message this socket receives."""
        frame = await self.next("message")
        assert frame["message"]["seq"] == seq
        return frame["message"]

    async def close(self):
        await self.ws.close()
        assert self.pending == [], f"frames nobody expected: {self.pending}"


def test_messages_cross_processes_and_a_reconnect_gets_exactly_what_was_missed(servers, two_members):
    port_a, port_b = servers
    channel, (owner_cookie, member_cookie) = two_members

    async def scenario():
        owner = await Socket.open(port_a, channel.pk, owner_cookie)
        member = await Socket.open(port_b, channel.pk, member_cookie)
        await member.next("presence")  # connected: process B has joined the channel's group

        # Process A to process B, and back.
        first = await owner.send("Bonjour, la consultation est en ligne.", "owner-1")
        assert "Bonjour, la consultation est en ligne." in (await member.received(first))["html"]
        await owner.received(first)
        second = await member.send("Merci, je relis le CCTP ce soir.", "member-1")
        assert "Merci, je relis le CCTP ce soir." in (await owner.received(second))["html"]
        await member.received(second)

        # The member goes away holding `second`; three messages are written meanwhile.
        await member.close()
        missed = [await owner.send(f"Pendant votre absence : point {n}.", f"owner-away-{n}") for n in (1, 2, 3)]
        for seq in missed:
            await owner.received(seq)

        # Back through the other process (no sticky sessions): exactly the missed ones, in id order.
        back = await Socket.open(port_a, channel.pk, member_cookie, after=second)
        page = await back.next("messages")
        assert [m["seq"] for m in page["messages"]] == missed
        assert page["complete"] is True
        for message, n in zip(page["messages"], (1, 2, 3), strict=True):
            assert f"Pendant votre absence : point {n}." in message["html"]

        # And live again, across processes: written through B, read on A.
        writer = await Socket.open(port_b, channel.pk, owner_cookie)
        again = await writer.send("Tout le monde est à jour.", "owner-2")
        assert "Tout le monde est à jour." in (await back.received(again))["html"]
        await owner.received(again)
        await writer.received(again)
        for ws in (owner, back, writer):
            await ws.close()
        return first, second, missed, again

    first, second, missed, again = asyncio.run(scenario())
    assert list(channel.messages.order_by("seq").values_list("seq", flat=True)) == [first, second, *missed, again]
