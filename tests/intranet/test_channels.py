"""The notification WebSocket: origin and login checks, then live unread counts.

Runs with the in-memory channel layer, and with channels_redis when REDIS_URL is set.
"""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

from intranet.asgi import application
from intranet.models import Notification, User
from intranet.notifications import notify

PATH = "/ws/notifications/"
ALLOWED_ORIGIN = b"http://testserver"
TIMEOUT = 5

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def close_worker_thread_connections():
    """The consumer's database work runs in asgiref's worker thread: close its connection after
    each test so that PostgreSQL's test database can be dropped at the end of the run."""
    yield
    await database_sync_to_async(connections.close_all)()


@database_sync_to_async
def create_user(email, **fields):
    return User.objects.create_user(email=email, password="Motdepasse-solide-2026", **fields)


@database_sync_to_async
def session_cookie(user) -> bytes:
    """The cookie a browser logged in as `user` would send."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


@database_sync_to_async
def notify_committed(recipients, message, actor=None):
    # Outside any atomic block: notify() commits, and its on-commit events go out.
    return notify(recipients, verb="test.live", message=message, actor=actor)


def communicator(origin=ALLOWED_ORIGIN, cookie=None):
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, PATH, headers=headers)


async def test_foreign_origin_is_refused():
    user = await create_user("alice@example.fr")
    socket = communicator(origin=b"http://evil.example", cookie=await session_cookie(user))
    connected, _code = await socket.connect(timeout=TIMEOUT)
    assert connected is False
    await socket.disconnect()


async def test_missing_origin_is_refused():
    user = await create_user("alice@example.fr")
    socket = WebsocketCommunicator(application, PATH, headers=[(b"cookie", await session_cookie(user))])
    connected, _code = await socket.connect(timeout=TIMEOUT)
    assert connected is False
    await socket.disconnect()


async def test_anonymous_visitor_is_refused():
    socket = communicator()
    connected, code = await socket.connect(timeout=TIMEOUT)
    assert connected is False
    assert code == 4401
    await socket.disconnect()


async def test_forged_session_is_refused():
    socket = communicator(cookie=f"{settings.SESSION_COOKIE_NAME}=not-a-real-session".encode())
    connected, code = await socket.connect(timeout=TIMEOUT)
    assert connected is False
    assert code == 4401
    await socket.disconnect()


async def test_session_of_a_deactivated_account_is_refused():
    user = await create_user("parti@example.fr")
    cookie = await session_cookie(user)
    await database_sync_to_async(User.objects.filter(pk=user.pk).update)(is_active=False)
    connected, _code = await communicator(cookie=cookie).connect(timeout=TIMEOUT)
    assert connected is False


async def test_logged_in_person_gets_the_count_then_live_updates():
    alice = await create_user("alice@example.fr")
    bob = await create_user("bob@example.fr")
    await notify_committed([alice], "Déjà là")
    socket = communicator(cookie=await session_cookie(alice))
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected is True
    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "notification.count", "unread": 1}

    await notify_committed([alice, bob], "Nouveau", actor=bob)
    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "notification.count", "unread": 2}

    # Someone else's notification sends nothing to this socket.
    await notify_committed([bob], "Pour Bob seulement")
    assert await socket.receive_nothing(timeout=0.5)

    # Reading them elsewhere updates this page too.
    from intranet.actions.notifications import do_mark_read

    assert await database_sync_to_async(do_mark_read)(alice) == 2
    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "notification.count", "unread": 0}
    await socket.disconnect()


async def test_each_open_page_of_a_person_is_updated():
    alice = await create_user("alice@example.fr")
    cookie = await session_cookie(alice)
    pages = [communicator(cookie=cookie) for _ in range(2)]
    for page in pages:
        assert (await page.connect(timeout=TIMEOUT))[0] is True
        assert (await page.receive_json_from(timeout=TIMEOUT))["unread"] == 0
    await notify_committed([alice], "Partout")
    counts = await asyncio.gather(*(page.receive_json_from(timeout=TIMEOUT) for page in pages))
    assert [c["unread"] for c in counts] == [1, 1]
    for page in pages:
        await page.disconnect()


async def test_rolled_back_notification_sends_nothing():
    alice = await create_user("alice@example.fr")
    socket = communicator(cookie=await session_cookie(alice))
    assert (await socket.connect(timeout=TIMEOUT))[0] is True
    await socket.receive_json_from(timeout=TIMEOUT)

    @database_sync_to_async
    def notify_then_roll_back():
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            notify([alice], verb="test.rollback", message="Jamais")
            raise RuntimeError

    await notify_then_roll_back()
    assert await socket.receive_nothing(timeout=0.5)
    assert await database_sync_to_async(Notification.objects.count)() == 0
    await socket.disconnect()
