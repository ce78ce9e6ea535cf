"""The chat WebSocket (ws/espaces/canal/<id>/) through the real ASGI application: origin and session checks,
who may connect, removal closing the connection at once, the message round trip, edits, deletions, reactions,
threads, malformed and oversized frames, the rate limit, catch-up and retries.

Runs with the in-memory channel layer, and with channels_redis when REDIS_URL is set.
"""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from intranet.asgi import application
from tests.workspaces.fixtures_c import *  # noqa: F403
from workspaces.actions import chat
from workspaces.models import MESSAGE_MAX_LENGTH, Member, Message, Reaction
from workspaces.realtime import send_access_changed

ALLOWED_ORIGIN = b"http://testserver"
TIMEOUT = 5

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def close_worker_thread_connections():
    """The consumer's database work runs in asgiref's worker thread: close its connection after each test."""
    cache.clear()  # rate-limit counters are per person id, and ids come back in the next test
    yield
    await database_sync_to_async(connections.close_all)()


@database_sync_to_async
def session_cookie(user) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def socket_for(channel_id, user=None, *, origin=ALLOWED_ORIGIN, after=None):
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if user is not None:
        headers.append((b"cookie", await session_cookie(user)))
    path = f"/ws/espaces/canal/{channel_id}/" + (f"?after={after}" if after is not None else "")
    return WebsocketCommunicator(application, path, headers=headers)


async def receive(socket, *, skip=("presence", "typing")) -> dict:
    while True:
        frame = await socket.receive_json_from(timeout=TIMEOUT)
        if frame["type"] not in skip:
            return frame


async def frames(socket, count, **kwargs) -> list[dict]:
    return [await receive(socket, **kwargs) for _ in range(count)]


async def connected(channel, user, **kwargs):
    """A connection that was accepted, past its first frames (catch-up if asked, then presence)."""
    socket = await socket_for(channel.pk, user, **kwargs)
    accepted, _ = await socket.connect(timeout=TIMEOUT)
    assert accepted is True
    if kwargs.get("after") is not None:
        first = await receive(socket)
        assert first["type"] == "messages"
        socket.caught_up = first
    presence = await socket.receive_json_from(timeout=TIMEOUT)
    assert presence["type"] == "presence"
    socket.presence = presence
    return socket


async def refused_with(channel_id, user, code, **kwargs):
    socket = await socket_for(channel_id, user, **kwargs)
    accepted, _ = await socket.connect(timeout=TIMEOUT)
    if accepted:
        assert await socket.receive_output(timeout=TIMEOUT) == {"type": "websocket.close", "code": code}
    else:  # refused before accepting (origin)
        assert code is None
    await socket.disconnect()


async def close_code(socket) -> int:
    """The code the server closed the connection with (frames before it are skipped)."""
    while True:
        output = await socket.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            return output["code"]


async def send(socket, **frame):
    await socket.send_json_to(frame)


post_message = database_sync_to_async(lambda *a, **k: chat.do_post_message(*a, **k)[0])
count_messages = database_sync_to_async(lambda **k: Message.objects.filter(**k).count())


# Who may connect --------------------------------------------------------------------------------------


async def test_members_and_guests_connect_and_are_shown_online(general, ws_member, ws_guest):
    member = await connected(general, ws_member)
    assert {"id": ws_member.pk, "name": "Maëlle Riou"} in member.presence["online"]
    guest = await connected(general, ws_guest)
    assert {"id": ws_guest.pk, "name": "Gaëlle Tanguy"} in guest.presence["online"]
    # The member sees the guest arrive.
    arrival = await member.receive_json_from(timeout=TIMEOUT)
    assert arrival["type"] == "presence" and {p["id"] for p in arrival["online"]} >= {ws_member.pk, ws_guest.pk}
    await guest.disconnect()
    # ... and leave (their last connection closed).
    departure = await member.receive_json_from(timeout=TIMEOUT)
    assert departure["type"] == "presence" and ws_guest.pk not in {p["id"] for p in departure["online"]}
    await member.disconnect()


async def test_anonymous_visitors_are_refused_with_4401(general):
    await refused_with(general.pk, None, 4401)


async def test_outsiders_are_refused_with_4403(
    general, restricted, ws_member, ws_guest, other_ws_member, other_workspace, other_body_buyer, company_user
):
    @database_sync_to_async
    def guest_elsewhere():
        from intranet.models import User

        user = User.objects.create_user(email="invitee@ailleurs.fr", password="x-Motdepasse-2026")
        Member.objects.create(workspace=other_workspace, user=user, role=Member.Role.GUEST)
        return user

    elsewhere_guest = await guest_elsewhere()
    for outsider in (other_ws_member, elsewhere_guest, other_body_buyer, company_user):
        await refused_with(general.pk, outsider, 4403)
    # A restricted channel: the member and the guest of the workspace are not among its readers.
    for person in (ws_member, ws_guest):
        await refused_with(restricted.pk, person, 4403)
    # A channel that does not exist looks the same.
    await refused_with(999999, ws_member, 4403)


async def test_a_foreign_origin_is_refused(general, ws_member):
    socket = await socket_for(general.pk, ws_member, origin=b"http://evil.example")
    accepted, _ = await socket.connect(timeout=TIMEOUT)
    assert accepted is False
    await socket.disconnect()


async def test_a_removed_member_is_disconnected_at_once_and_receives_nothing(general, workspace, ws_owner, ws_member):
    member = await connected(general, ws_member)
    owner = await connected(general, ws_owner)

    @database_sync_to_async
    def remove():
        from workspaces.actions.members import do_remove_member

        do_remove_member(workspace, ws_owner, Member.objects.get(workspace=workspace, user=ws_member))

    await remove()
    assert await close_code(member) == 4403
    await post_message(ws_owner, general, "Après son départ")
    assert (await receive(owner))["type"] == "message"
    assert await member.receive_nothing(timeout=0.3)
    # And cannot come back.
    await refused_with(general.pk, ws_member, 4403)
    await owner.disconnect()


async def test_taken_out_of_a_restricted_channel_closes_that_connection_only(general, restricted, ws_owner, ws_admin):
    secret = await connected(restricted, ws_admin)
    public = await connected(general, ws_admin)
    await database_sync_to_async(chat.do_remove_channel_member)(restricted, ws_owner, ws_admin)
    assert await close_code(secret) == 4403
    # The connection to #général stays open and live.
    await post_message(ws_owner, general, "Toujours là")
    assert (await receive(public))["message"]["html"] == "<p>Toujours là</p>\n"
    await public.disconnect()


async def test_an_access_check_that_still_passes_keeps_the_connection(general, ws_member, ws_owner):
    socket = await connected(general, ws_member)

    @database_sync_to_async
    def nudge():
        from django.db import transaction

        with transaction.atomic():
            send_access_changed(ws_member.pk)

    await nudge()
    await post_message(ws_owner, general, "Encore là")
    assert (await receive(socket))["type"] == "message"
    await socket.disconnect()


# Round trip and events ------------------------------------------------------------------------------


async def test_message_round_trip(general, ws_member, ws_owner):
    sender = await connected(general, ws_member)
    reader = await connected(general, ws_owner)
    await sender.receive_json_from(timeout=TIMEOUT)  # the owner's arrival
    await send(sender, type="send", body="Bonjour **à tous**", client_key="k-1", reply_to=None, thread_root=None)
    got = {frame["type"]: frame for frame in await frames(sender, 2)}
    assert got["ack"] == {"type": "ack", "client_key": "k-1", "seq": 1}
    message = got["message"]["message"]
    assert message["seq"] == 1 and message["author"]["id"] == ws_member.pk
    assert message["html"] == "<p>Bonjour <strong>à tous</strong></p>\n"
    assert (await receive(reader)) == got["message"]
    assert await count_messages(channel=general) == 1
    await sender.disconnect()
    await reader.disconnect()


async def test_a_retried_message_is_stored_once_and_acknowledged_again(general, ws_member):
    socket = await connected(general, ws_member)
    frame = {"type": "send", "body": "Une seule fois", "client_key": "retry-1", "reply_to": None, "thread_root": None}
    await socket.send_json_to(frame)
    first = {f["type"]: f for f in await frames(socket, 2)}
    await socket.send_json_to(frame)  # as after a reconnect, the ack having been lost
    again = await receive(socket)
    assert again == first["ack"] == {"type": "ack", "client_key": "retry-1", "seq": 1}
    assert await socket.receive_nothing(timeout=0.3)  # no second broadcast
    assert await count_messages(channel=general) == 1
    await socket.disconnect()


async def test_edit_delete_reaction_pin_and_thread_events(general, ws_member, ws_owner):
    author = await connected(general, ws_member)
    other = await connected(general, ws_owner)
    await author.receive_json_from(timeout=TIMEOUT)  # presence
    root = await post_message(ws_member, general, "Qui a un modèle ?")
    await receive(author), await receive(other)

    await send(author, type="edit", seq=root.seq, body="Qui a un modèle de CCTP ?")
    update = await receive(other)
    assert update["type"] == "update" and update["message"]["edited"] is True
    assert update["message"]["html"] == "<p>Qui a un modèle de CCTP ?</p>\n"
    assert await receive(author) == update

    await send(other, type="react", seq=root.seq, emoji="👍")
    reacted = await receive(author)
    assert reacted["message"]["reactions"] == [{"emoji": "👍", "count": 1, "users": [ws_owner.pk]}]
    await receive(other)

    await send(other, type="pin", seq=root.seq, pinned=True)
    assert (await receive(author))["message"]["pinned"] is True
    await receive(other)

    await send(other, type="send", body="Voici le mien", client_key="t-1", thread_root=root.seq, reply_to=root.seq)
    reply_frames = await frames(author, 2)
    new = next(f for f in reply_frames if f["type"] == "message")["message"]
    root_update = next(f for f in reply_frames if f["type"] == "update")["message"]
    assert new["thread_root"] == root.seq and new["reply_to"]["seq"] == root.seq
    assert root_update["seq"] == root.seq and root_update["thread_replies"] == 1
    await frames(other, 3)  # ack, message, update

    await send(author, type="delete", seq=root.seq)
    deleted = (await receive(other))["message"]
    assert deleted["deleted"] is True and deleted["html"] == "" and deleted["reactions"] == []
    assert await database_sync_to_async(Reaction.objects.count)() == 0
    await author.disconnect()
    await other.disconnect()


async def test_refused_actions_get_an_error_and_keep_the_connection(general, ws_member, ws_guest):
    message = await post_message(ws_member, general, "Le mien")
    guest = await connected(general, ws_guest)
    for frame, code in (
        ({"type": "edit", "seq": message.seq, "body": "Piraté"}, "forbidden"),
        ({"type": "delete", "seq": message.seq}, "forbidden"),
        ({"type": "pin", "seq": message.seq, "pinned": True}, "forbidden"),  # guests do not pin
        ({"type": "react", "seq": message.seq, "emoji": "🍕"}, "invalid"),
        ({"type": "delete", "seq": 999}, "not_found"),
        ({"type": "send", "body": "x", "client_key": "k", "reply_to": 999}, "not_found"),
        ({"type": "send", "body": "   ", "client_key": "blank"}, "invalid"),
    ):
        await guest.send_json_to(frame)
        error = await receive(guest)
        assert error["type"] == "error" and error["code"] == code, frame
        assert error["message"]
    await database_sync_to_async(message.refresh_from_db)()
    assert message.body == "Le mien" and message.deleted_at is None
    await send(guest, type="send", body="Toujours connectée", client_key="ok")
    assert {f["type"] for f in await frames(guest, 2)} == {"ack", "message"}
    await guest.disconnect()


async def test_typing_is_shown_to_the_others_only(general, ws_member, ws_owner):
    typist = await connected(general, ws_member)
    reader = await connected(general, ws_owner)
    await send(typist, type="typing")
    frame = await receive(reader, skip=("presence",))
    assert frame == {"type": "typing", "user": {"id": ws_member.pk, "name": "Maëlle Riou"}}
    await send(typist, type="typing")  # throttled: not sent again at once
    assert await reader.receive_nothing(timeout=0.3)
    typist_frames = []
    while not await typist.receive_nothing(timeout=0.2):
        typist_frames.append((await typist.receive_json_from())["type"])
    assert "typing" not in typist_frames
    await typist.disconnect()
    await reader.disconnect()


async def test_read_frames_move_the_read_marker(general, ws_member, ws_owner):
    from workspaces.models import ReadMarker

    for text in ("un", "deux"):
        await post_message(ws_owner, general, text)
    socket = await connected(general, ws_member)
    await send(socket, type="read", seq=2)
    await socket.disconnect()  # a pending marker is written at the latest on disconnect
    marker = await database_sync_to_async(ReadMarker.objects.get)(user=ws_member, channel=general)
    assert marker.last_read_seq == 2


# Malformed frames, limits --------------------------------------------------------------------------------


async def test_malformed_and_oversized_frames_get_errors_and_keep_the_connection(general, ws_member):
    socket = await connected(general, ws_member)
    cases = [
        ("not json {", "malformed"),
        ("[1, 2]", "malformed"),
        ('{"no": "type"}', "malformed"),
        ('{"type": "explode"}', "malformed"),
        ('{"type": "send", "body": 42, "client_key": "a"}', "malformed"),
        ('{"type": "send", "body": "x", "client_key": "a", "reply_to": "1"}', "malformed"),
        ('{"type": "send", "body": "x", "client_key": "a", "thread_root": true}', "malformed"),
        ('{"type": "edit", "seq": -1, "body": "x"}', "malformed"),
        ('{"type": "pin", "seq": 1, "pinned": "yes"}', "malformed"),
        ('{"type": "catch_up", "after": null}', "malformed"),
        ('{"type": "send", "body": "x", "client_key": "' + "k" * 65 + '"}', "malformed"),
        ("x" * (70 * 1024), "too_long"),
    ]
    for text, code in cases:
        await socket.send_to(text_data=text)
        error = await receive(socket)
        assert (error["type"], error["code"]) == ("error", code), text[:80]
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await receive(socket))["code"] == "malformed"
    too_long = "é" * (MESSAGE_MAX_LENGTH + 1)
    await send(socket, type="send", body=too_long, client_key="long")
    error = await receive(socket)
    assert error["code"] == "too_long" and error["client_key"] == "long"
    assert await count_messages(channel=general) == 0
    # Still connected and working.
    await send(socket, type="send", body="é" * MESSAGE_MAX_LENGTH, client_key="max")
    assert {f["type"] for f in await frames(socket, 2)} == {"ack", "message"}
    await socket.disconnect()


async def test_rate_limit_per_person_across_connections(general, ws_member, settings):
    settings.WORKSPACES_CHAT_RATE = (3, 3600)
    first = await connected(general, ws_member)
    second = await connected(general, ws_member)
    await first.receive_json_from(timeout=TIMEOUT)  # presence of the second page
    for index in range(2):
        await send(first, type="send", body=f"Un {index}", client_key=f"a{index}")
        await frames(first, 2)
        await receive(second)
    await send(second, type="send", body="Deux", client_key="b0")
    await frames(second, 2)
    await receive(first)
    # The fourth message of the person, from either page, is refused; the connection is kept.
    await send(second, type="send", body="Trop", client_key="b1")
    error = await receive(second)
    assert (error["code"], error["client_key"]) == ("rate_limited", "b1")
    await send(first, type="send", body="Trop aussi", client_key="a9")
    assert (await receive(first))["code"] == "rate_limited"
    assert await count_messages(channel=general) == 3
    await send(first, type="catch_up", after=2)
    page = await receive(first)
    assert [m["seq"] for m in page["messages"]] == [3] and page["complete"] is True
    await first.disconnect()
    await second.disconnect()


# Catch-up ------------------------------------------------------------------------------------------------


async def test_reconnecting_with_after_returns_exactly_the_missed_messages(general, ws_member, ws_owner):
    for text in ("un", "deux", "trois", "quatre"):
        await post_message(ws_owner, general, text)
    socket = await connected(general, ws_member, after=2)
    page = socket.caught_up
    assert [m["seq"] for m in page["messages"]] == [3, 4]
    assert [m["body"] for m in page["messages"]] == ["trois", "quatre"]
    assert page["complete"] is True
    # Nothing missed: an empty, complete page.
    again = await connected(general, ws_member, after=4)
    assert again.caught_up == {"type": "messages", "messages": [], "complete": True}
    await socket.disconnect()
    await again.disconnect()


async def test_catch_up_comes_in_pages_of_200(general, ws_member, ws_owner):
    @database_sync_to_async
    def many():
        now = timezone.now()
        Message.objects.bulk_create(
            Message(
                channel=general, seq=seq, author=ws_owner, body=f"m{seq}", body_html=f"<p>m{seq}</p>", created_at=now
            )
            for seq in range(1, 251)
        )
        general.__class__.objects.filter(pk=general.pk).update(last_seq=250)

    await many()
    socket = await connected(general, ws_member)
    await send(socket, type="catch_up", after=10)
    first, second = await frames(socket, 2)
    assert [m["seq"] for m in first["messages"]] == list(range(11, 211)) and first["complete"] is False
    assert [m["seq"] for m in second["messages"]] == list(range(211, 251)) and second["complete"] is True
    await socket.disconnect()


def test_frames_are_json_text(general):
    """What the consumer forwards is the text encoded once by the action: valid JSON with the protocol's keys."""
    message, _ = chat.do_post_message(general.workspace.members.first().user, general, "Texte")
    from workspaces import serializers

    data = json.loads(serializers.frame_text("message", message))
    assert set(data["message"]) >= {
        "id", "seq", "channel", "author", "html", "created_at", "edited", "deleted", "thread_root", "reply_to",
        "thread_replies", "reactions", "pinned", "attachment",
    }  # fmt: skip


# Presence ------------------------------------------------------------------------------------------------


def test_presence_heartbeats_write_at_most_every_20_seconds(general, workspace, ws_member, ws_owner, other_ws_member):
    from datetime import timedelta

    from workspaces import presence
    from workspaces.models import Presence

    presence._last_write.clear()
    presence.heartbeat(ws_member.pk, [workspace.pk])
    first = Presence.objects.get(user=ws_member, workspace=workspace).last_seen
    presence.heartbeat(ws_member.pk, [workspace.pk])  # within 20 s: nothing written
    assert Presence.objects.get(user=ws_member, workspace=workspace).last_seen == first
    # Another process (no memory of the first write) still writes nothing within 20 s.
    presence._last_write.clear()
    presence.heartbeat(ws_member.pk, [workspace.pk])
    assert Presence.objects.get(user=ws_member, workspace=workspace).last_seen == first
    # Someone who is not a member gets no row.
    presence.heartbeat(other_ws_member.pk, [workspace.pk])
    assert not Presence.objects.filter(user=other_ws_member, workspace=workspace).exists()
    assert [user.pk for user in presence.online_in(workspace)] == [ws_member.pk]
    # Silent for longer than the timeout: offline.
    Presence.objects.filter(user=ws_member).update(last_seen=timezone.now() - timedelta(seconds=61))
    assert presence.online_in(workspace) == []


# One layer subscription per process ---------------------------------------------------------------------------


async def _group_members(group: str) -> set:
    """The layer channels in a group, on the in-memory layer or on Redis."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if hasattr(layer, "groups"):  # InMemoryChannelLayer
        return set(layer.groups.get(group, {}))
    connection = layer.connection(layer.consistent_hash(group))
    members = await connection.zrange(layer._group_key(group), 0, -1)
    return {member.decode() for member in members}


async def test_the_pages_of_one_process_share_one_layer_subscription(general, ws_member, ws_owner, ws_admin):
    from workspaces.realtime import chat_group

    sockets = [await connected(general, person) for person in (ws_member, ws_owner, ws_admin)]
    subscribed = await _group_members(chat_group(general.pk))
    assert len(subscribed) == 1
    # A message reaches every page once, through that one subscription.
    await send(sockets[0], type="send", body="Un seul abonnement", client_key="h-1", reply_to=None, thread_root=None)
    for socket in sockets:
        received = [
            frame for frame in await frames(socket, 2 if socket is sockets[0] else 1) if frame["type"] == "message"
        ]
        assert [frame["message"]["body"] for frame in received] == ["Un seul abonnement"]
    for socket in sockets[:2]:
        await socket.disconnect()
    assert len(await _group_members(chat_group(general.pk))) == 1  # one page still open
    await sockets[2].disconnect()
    assert await _group_members(chat_group(general.pk)) == set()  # the last page closed: the process left


async def test_a_socket_that_does_not_read_loses_frames_not_the_others():
    """A page whose socket cannot keep up has its backlog capped; the frames beyond are dropped for it alone
    (the page fetches the gap by id) and the other pages of the process are not held up."""
    import asyncio

    from workspaces import fanout

    stuck, fast = asyncio.Event(), []

    async def never_done(text):
        await stuck.wait()

    async def record(text):
        fast.append(text)

    slow_box, fast_box = fanout.Outbox(never_done, "slow"), fanout.Outbox(record, "fast")
    hub = fanout.Hub(layer=None)
    hub.groups["chat-1"] = {slow_box, fast_box}
    total = fanout.BACKLOG_LIMIT + 10
    for number in range(total):
        hub.deliver({"type": "chat.event", "group": "chat-1", "text": str(number)})
        if number % 100 == 99:
            await asyncio.sleep(0)  # the sockets' writers run between bursts
    hub.deliver({"type": "chat.event", "group": "chat-2", "text": "another channel"})
    hub.deliver({"type": "chat.event", "group": "chat-1", "text": "typing", "skip": "fast"})
    await asyncio.sleep(0.05)
    assert fast == [str(number) for number in range(total)]
    # The slow one: one frame in its socket's hands, BACKLOG_LIMIT waiting, the rest dropped.
    assert slow_box.dropped == total + 1 - 1 - fanout.BACKLOG_LIMIT
    for box in (slow_box, fast_box):
        box.close()


async def test_frames_that_queue_up_come_as_one_batch_when_asked():
    """A connection that asked for batches (?batch=1) gets the frames that queued up while its socket was busy
    as one `batch` frame, in order; one that did not gets them one by one."""
    import asyncio

    from workspaces import fanout

    written = {"batch": [], "single": []}

    def writer(name):
        async def write(text):
            written[name].append(json.loads(text))

        return write

    boxes = [fanout.Outbox(writer("batch"), "a", batch=True), fanout.Outbox(writer("single"), "b")]
    hub = fanout.Hub(layer=None)
    hub.groups["chat-1"] = set(boxes)
    for number in range(3):  # delivered before either writer runs: they queue up
        hub.deliver({"type": "chat.event", "group": "chat-1", "text": json.dumps({"type": "message", "n": number})})
    await asyncio.sleep(0.05)
    assert written["batch"] == [{"type": "batch", "frames": [{"type": "message", "n": n} for n in range(3)]}]
    assert written["single"] == [{"type": "message", "n": n} for n in range(3)]
    hub.deliver({"type": "chat.event", "group": "chat-1", "text": json.dumps({"type": "message", "n": 3})})
    await asyncio.sleep(0.05)
    assert written["batch"][-1] == {"type": "message", "n": 3}  # alone: a plain frame
    for box in boxes:
        box.close()
