"""The chat WebSocket: `ws/espaces/canal/<channel_id>/` (optional `?after=<seq>`, `&batch=1`).

Protocol (JSON text frames; see also workspaces.serializers for the message dict):

- client -> server: `send` {body, client_key, reply_to: seq|null, thread_root: seq|null}, `catch_up` {after},
  `edit` {seq, body}, `delete` {seq}, `react` {seq, emoji} (toggle), `pin` {seq, pinned}, `typing`,
  `read` {seq}, `ping` (presence heartbeat, every 25 s).
- server -> client: `message` {message} (new), `update` {message} (edit, delete, reactions, pin, thread
  count), `ack` {client_key, seq} (to the sender, also for a retry of a stored message), `messages`
  {messages, complete} (catch-up pages of 200, in id order), `typing` {user}, `presence` {online},
  `error` {code: malformed|too_long|rate_limited|forbidden|not_found|invalid, message, client_key?}.
  With `batch=1`, live frames that queued up while the socket was busy come as one `batch` {frames: [...]}
  (the page's script asks for it; see workspaces.fanout.Outbox).
- Close codes: 4401 anonymous, 4403 may not read the channel (at connection, or later when access is lost).
  The connection is accepted first, then closed with the code (Channels sends custom codes only then).

Access is checked from the database as it is now: at connection (`can_read_channel_now`), whenever an
`access.changed` event reaches the person's group (removed from the workspace or the channel, account
closed), on every catch-up page, and on every write (the actions check `can_post` with fresh data). Live
events arrive already encoded (`{"type": "chat.event", "group": ..., "text": ...}`, one group_send per message)
through the process's hub (`workspaces.fanout`: one layer subscription per process and channel) and are
written as they are by the connection's outbox: no query, no encoding, no layer read per delivery.

Limits: frames over `MAX_FRAME_CHARS`, bodies over 10,000 characters (`too_long`); writes per person over
`settings.WORKSPACES_CHAT_RATE` (messages, seconds), default (20, 10), counted per connection and across the
person's connections through the cache (`rate_limited`, the connection is kept). Anything malformed gets an
`error` frame; no frame can crash the consumer.
"""

import asyncio
import json
import logging
import time
from collections import deque
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from uvicorn.protocols.utils import ClientDisconnected

from intranet.models import User
from workspaces import access, fanout, presence, serializers
from workspaces.actions import chat
from workspaces.models import MESSAGE_MAX_LENGTH, Channel, Message
from workspaces.realtime import chat_group, person_group

logger = logging.getLogger(__name__)

MAX_FRAME_CHARS = 64 * 1024
CATCH_UP_PAGE = 200
DEFAULT_RATE = (20, 10)
# Catch-up requests per connection (each may send many pages).
CATCH_UP_RATE = (10, 10)
TYPING_INTERVAL_SECONDS = 3
READ_WRITE_INTERVAL_SECONDS = 2
PING_INTERVAL_SECONDS = 10


class Malformed(Exception):
    pass


def chat_rate() -> tuple[int, float]:
    """(messages, seconds) per person, read at call time (tests and the benchmark change it)."""
    count, seconds = getattr(settings, "WORKSPACES_CHAT_RATE", DEFAULT_RATE)
    return int(count), float(seconds)


def _int(content: dict, key: str, *, optional: bool = False) -> int | None:
    value = content.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Malformed
    return value


def _str(content: dict, key: str, *, optional: bool = False) -> str:
    value = content.get(key)
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise Malformed
    return value


def too_long_message() -> str:
    limit = number_format(MESSAGE_MAX_LENGTH, force_grouping=True)
    return _("A message holds %(limit)s characters at most.") % {"limit": limit}


class _Window:
    """At most `count` events per `seconds` (sliding window, in memory)."""

    def __init__(self):
        self.times: deque[float] = deque()

    def allow(self, count: int, seconds: float) -> bool:
        now = time.monotonic()
        while self.times and now - self.times[0] >= seconds:
            self.times.popleft()
        if len(self.times) >= count:
            return False
        self.times.append(now)
        return True


def _person_allows(user_id: int, count: int, seconds: float) -> bool:
    """The same limit across all the person's connections (and processes, with Redis): a counter per window."""
    window = int(time.time() // seconds)
    key = f"wsp-chat-rate:{user_id}:{window}"
    cache.add(key, 0, int(seconds) + 5)
    try:
        used = cache.incr(key)
    except ValueError:
        cache.set(key, 1, int(seconds) + 5)
        used = 1
    return used <= count


class ChatConsumer(AsyncJsonWebsocketConsumer):
    closing = False
    joined = False
    outbox = None

    # Connection -----------------------------------------------------------------------------------

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=4401)
            return
        self.user_id = user.pk
        self.channel_id = int(self.scope["url_route"]["kwargs"]["channel_id"])
        opened = await database_sync_to_async(self._open)()
        if opened is None:
            await self.accept()
            await self.close(code=4403)
            return
        self.user_name, self.workspace_ids, presence_text = opened
        self.group = chat_group(self.channel_id)
        self.person = person_group(self.user_id)
        self.writes = _Window()
        self.catch_ups = _Window()
        self.last_typing = 0.0
        self.last_ping = time.monotonic()
        self.read_pending = None
        self.read_written_at = 0.0
        self.read_flush = None
        await self.accept()
        # Live frames come through the process's hub (workspaces.fanout), access changes on this connection's
        # own layer channel. Joined after accept(): the outbox writes to the socket.
        self.hub = fanout.hub_for(self.channel_layer)
        self.outbox = fanout.Outbox(self._send_text, self.channel_name, batch=self._query_flag("batch"))
        await self.hub.join(self.group, self.outbox)
        await self.channel_layer.group_add(self.person, self.channel_name)
        self.joined = True
        after = self._after_from_query()
        if after is not None:
            await self.catch_up(after)
        await self._group_send(presence_text)

    async def _send_text(self, text: str):
        # Straight to the ASGI send (what `self.send(text_data=...)` ends in): two coroutine layers fewer per
        # delivery.
        await self.base_send({"type": "websocket.send", "text": text})

    async def _group_send(self, text: str, skip: str | None = None):
        event = {"type": "chat.event", "group": self.group, "text": text}
        if skip is not None:
            event["skip"] = skip
        await self.channel_layer.group_send(self.group, event)

    def _query(self) -> dict:
        return parse_qs(self.scope.get("query_string", b"").decode("latin-1"))

    def _query_flag(self, name: str) -> bool:
        return self._query().get(name, [""])[0] == "1"

    def _after_from_query(self) -> int | None:
        values = self._query().get("after")
        if not values:
            return None
        try:
            return max(0, int(values[0]))
        except ValueError:
            return None

    def _open(self):
        if not access.can_read_channel_now(self.user_id, self.channel_id):
            return None
        channel = Channel.objects.select_related("workspace").filter(pk=self.channel_id).first()
        user = User.objects.filter(pk=self.user_id).first()
        if channel is None or user is None:
            return None
        workspace_ids = presence.channel_workspace_ids(channel, self.user_id)
        presence.connected(self.user_id, workspace_ids)
        presence.heartbeat(self.user_id, workspace_ids)
        return user.display_name, workspace_ids, serializers.encode(presence.presence_frame(channel))

    async def disconnect(self, code):
        if not self.joined:
            return
        self.joined = False
        await self._leave_groups()
        if self.read_flush is not None:
            self.read_flush.cancel()
        if self.read_pending is not None:
            await self._write_read()
        text = await database_sync_to_async(self._went_offline)()
        if text is not None:
            await self._group_send(text)

    def _went_offline(self) -> str | None:
        if not presence.disconnected(self.user_id, self.workspace_ids):
            return None
        channel = Channel.objects.filter(pk=self.channel_id).first()
        return serializers.encode(presence.presence_frame(channel)) if channel is not None else None

    async def _leave_groups(self):
        if self.outbox is not None:
            self.outbox.close()
            await self.hub.leave(self.group, self.outbox)
        await self.channel_layer.group_discard(self.person, self.channel_name)

    # Events from the groups -----------------------------------------------------------------------

    async def chat_event(self, event):
        """A live frame sent to this connection's own layer channel (the channel's frames come through the
        hub): forwarded as it is."""
        if self.closing or event.get("skip") == self.channel_name:
            return
        await self.send(text_data=event["text"])

    async def access_changed(self, event):
        """The person's access changed somewhere: re-check this channel from the database."""
        if self.closing:
            return
        if await database_sync_to_async(access.can_read_channel_now)(self.user_id, self.channel_id):
            return
        await self._lose_access()

    async def _lose_access(self):
        self.closing = True
        await self._leave_groups()
        await self.close(code=4403)

    # Frames from the client -----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.closing:
            return
        if text_data is None:
            await self.error("malformed", _("Frames are JSON text."))
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self.error("too_long", _("This frame is too long."))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.error("malformed", _("This frame is not valid JSON."))
            return
        kind = content.get("type") if isinstance(content, dict) else None
        handler = self.HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            await self.error("malformed", _("Unknown frame type."))
            return
        try:
            await handler(self, content)
        except ClientDisconnected:
            return  # the page left while its frame was handled (uvicorn refuses to send on a closed socket)
        except Malformed:
            key = content.get("client_key")
            await self.error("malformed", _("A field of this frame is missing or of the wrong type."), key)
        except Exception:
            logger.exception("chat frame %s failed", kind)
            await self.error("invalid", _("This action failed. Please try again."), content.get("client_key"))

    async def error(self, code: str, message: str, client_key=None):
        frame = {"type": "error", "code": code, "message": str(message)}
        if isinstance(client_key, str):
            frame["client_key"] = client_key
        await self.send(text_data=serializers.encode(frame))

    async def _refused(self, error: Exception, client_key=None):
        """Report an action's refusal; a lost access closes the connection."""
        if isinstance(error, PermissionDenied):
            readable = await database_sync_to_async(access.can_read_channel_now)(self.user_id, self.channel_id)
            if not readable:
                await self._lose_access()
                return
            await self.error("forbidden", _("You may not do this here."), client_key)
            return
        if isinstance(error, Message.DoesNotExist):
            await self.error("not_found", _("This message does not exist."), client_key)
            return
        code = getattr(error, "code", None)
        if code not in ("too_long", "not_found"):
            code = "invalid"
        await self.error(code, " ".join(error.messages), client_key)

    async def _may_write(self, client_key=None) -> bool:
        count, seconds = chat_rate()
        if self.writes.allow(count, seconds):
            return True
        await self.error("rate_limited", _("You are sending too fast: wait a few seconds."), client_key)
        return False

    def _fresh(self):
        """The person and the channel as they are now (never the connection's copies)."""
        user = User.objects.get(pk=self.user_id)
        channel = Channel.objects.select_related("workspace").get(pk=self.channel_id)
        return user, channel

    def _message(self, channel, seq) -> Message:
        message = Message.objects.select_related("author", "thread_root").get(channel=channel, seq=seq)
        message.channel = channel
        return message

    def _write(self, action, *args):
        """Run one write for the person, with the cross-connection rate limit. Returns (the action's result,
        True), or (None, False) when rate-limited. Its events go out after commit from the database thread, so
        in one process they leave in commit order (ids in order), whichever connection wrote."""
        count, seconds = chat_rate()
        if not _person_allows(self.user_id, count, seconds):
            return None, False
        user, channel = self._fresh()
        return action(user, channel, *args), True

    async def _run(self, action, *args, client_key=None):
        try:
            result, allowed = await database_sync_to_async(self._write)(action, *args)
        except (PermissionDenied, ValidationError, Message.DoesNotExist) as error:
            await self._refused(error, client_key)
            return None
        if not allowed:
            await self.error("rate_limited", _("You are sending too fast: wait a few seconds."), client_key)
            return None
        return result

    async def on_send(self, content):
        body = _str(content, "body")
        client_key = _str(content, "client_key", optional=True)
        reply_to = _int(content, "reply_to", optional=True)
        thread_root = _int(content, "thread_root", optional=True)
        if len(client_key) > chat.CLIENT_KEY_MAX_LENGTH:
            raise Malformed
        if len(body) > MESSAGE_MAX_LENGTH:
            await self.error("too_long", too_long_message(), client_key)
            return
        if not await self._may_write(client_key):
            return

        def post(user, channel):
            message, _created = chat.do_post_message(
                user, channel, body, client_key=client_key, reply_to=reply_to, thread_root=thread_root
            )
            return message.seq

        seq = await self._run(post, client_key=client_key)
        if seq is not None:
            await self.send(text_data=serializers.encode({"type": "ack", "client_key": client_key, "seq": seq}))

    async def on_edit(self, content):
        seq, body = _int(content, "seq"), _str(content, "body")
        if len(body) > MESSAGE_MAX_LENGTH:
            await self.error("too_long", too_long_message())
            return
        if await self._may_write():
            await self._run(lambda user, channel: chat.do_edit_message(user, self._message(channel, seq), body))

    async def on_delete(self, content):
        seq = _int(content, "seq")
        if await self._may_write():
            await self._run(lambda user, channel: chat.do_delete_message(user, self._message(channel, seq)))

    async def on_react(self, content):
        seq, emoji = _int(content, "seq"), _str(content, "emoji")
        if await self._may_write():
            await self._run(lambda user, channel: chat.do_toggle_reaction(user, self._message(channel, seq), emoji))

    async def on_pin(self, content):
        seq, pinned = _int(content, "seq"), content.get("pinned")
        if not isinstance(pinned, bool):
            raise Malformed
        if await self._may_write():
            await self._run(lambda user, channel: chat.do_pin_message(user, self._message(channel, seq), pinned))

    async def on_catch_up(self, content):
        after = _int(content, "after")
        if not self.catch_ups.allow(*CATCH_UP_RATE):
            await self.error("rate_limited", _("Too many catch-up requests: wait a few seconds."))
            return
        await self.catch_up(after)

    async def catch_up(self, after: int):
        """Everything after `after`, in pages of 200 (the last one says `complete`)."""
        while True:
            page = await database_sync_to_async(self._page)(after)
            if page is None:
                await self._lose_access()
                return
            messages, more = page
            await self.send(
                text_data=serializers.encode({"type": "messages", "messages": messages, "complete": not more})
            )
            if not more:
                return
            after = messages[-1]["seq"]

    def _page(self, after: int):
        if not access.can_read_channel_now(self.user_id, self.channel_id):
            return None
        rows = list(
            serializers.message_queryset()
            .filter(channel_id=self.channel_id, seq__gt=after)
            .order_by("seq")[: CATCH_UP_PAGE + 1]
        )
        more = len(rows) > CATCH_UP_PAGE
        return serializers.serialize_many(rows[:CATCH_UP_PAGE], viewer_id=self.user_id), more

    async def on_typing(self, content):
        now = time.monotonic()
        if now - self.last_typing < TYPING_INTERVAL_SECONDS:
            return
        self.last_typing = now
        frame = {"type": "typing", "user": {"id": self.user_id, "name": self.user_name}}
        await self._group_send(serializers.encode(frame), skip=self.channel_name)

    async def on_read(self, content):
        seq = _int(content, "seq")
        self.read_pending = max(seq, self.read_pending or 0)
        wait = READ_WRITE_INTERVAL_SECONDS - (time.monotonic() - self.read_written_at)
        if wait <= 0:
            await self._write_read()
        elif self.read_flush is None:
            self.read_flush = asyncio.get_running_loop().call_later(wait, self._schedule_read)

    def _schedule_read(self):
        self.read_flush = None
        if self.joined and self.read_pending is not None:
            asyncio.ensure_future(self._write_read())

    async def _write_read(self):
        seq, self.read_pending = self.read_pending, None
        self.read_written_at = time.monotonic()
        if seq is None:
            return

        def mark():
            user, channel = self._fresh()
            if access.can_read_channel(user, channel):
                chat.do_mark_read(user, channel, seq)

        await database_sync_to_async(mark)()

    async def on_ping(self, content):
        now = time.monotonic()
        if now - self.last_ping < PING_INTERVAL_SECONDS:
            return
        self.last_ping = now

        def beat():
            if not access.can_read_channel_now(self.user_id, self.channel_id):
                return None
            presence.heartbeat(self.user_id, self.workspace_ids)
            channel = Channel.objects.get(pk=self.channel_id)
            return serializers.encode(presence.presence_frame(channel))

        text = await database_sync_to_async(beat)()
        if text is None:
            await self._lose_access()
            return
        await self.send(text_data=text)

    HANDLERS = {
        "send": on_send,
        "catch_up": on_catch_up,
        "edit": on_edit,
        "delete": on_delete,
        "react": on_react,
        "pin": on_pin,
        "typing": on_typing,
        "read": on_read,
        "ping": on_ping,
    }
