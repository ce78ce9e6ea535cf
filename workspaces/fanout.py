"""Live chat frames: one channel-layer subscription per server process and chat group.

Channels' usual path gives every WebSocket its own layer channel: a message to a channel read by 100 open pages
is 100 layer sends (100 Redis keys with channels_redis), 100 queue reads and 100 dispatches. Here each process
(each event loop) has one hub: a single layer channel that joins a chat group when the first local page of
that group opens and leaves it when the last one closes. A frame reaches each process once, and the hub hands
it to its local connections, whose sender tasks write it to their sockets. Channels stays the routing layer:
the frame is still one `group_send` (see `workspaces.realtime`), across processes through channels_redis.

Nothing here is needed for durability: a frame a connection cannot take (its backlog full, a client that does
not read) is dropped, and the page fetches the gap by message id, as after any reconnect.

A hub belongs to one event loop and one layer object: tests run each in its own loop with fresh layers, so the
hubs are looked up by both.
"""

import asyncio
import logging
import weakref
from collections import deque

logger = logging.getLogger(__name__)

# Frames waiting for one slow socket before further ones are dropped (the page asks for the gap).
BACKLOG_LIMIT = 1000
# Frames written together at most, for a connection that asked for batches (`?batch=1`).
BATCH_MAX = 100
# channels_redis forgets a group's members after `group_expiry` (a day by default): join again well before.
REFRESH_SECONDS = 3600

_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, Hub]]" = weakref.WeakKeyDictionary()


def hub_for(layer) -> "Hub":
    loop = asyncio.get_running_loop()
    per_loop = _hubs.setdefault(loop, {})
    hub = per_loop.get(id(layer))
    if hub is None or hub.layer is not layer:
        hub = per_loop[id(layer)] = Hub(layer)
    return hub


def batch_text(texts: list[str]) -> str:
    """Frames already encoded as JSON, as one `batch` frame: {"type": "batch", "frames": [...]}."""
    return '{"type":"batch","frames":[' + ",".join(texts) + "]}"


class Outbox:
    """What one WebSocket still has to write, and the task that writes it, in order.

    With `batch`, frames that queued up while the socket was busy are written as one `batch` frame: one WebSocket
    frame, one write, whatever their number. A connection that keeps up gets single frames; one that falls behind
    (a busy process, a slow network) gets fewer, larger writes, so the cost per delivery falls as the load rises."""

    def __init__(self, send, skip_name: str, batch: bool = False):
        self.send = send  # async callable(text)
        self.skip_name = skip_name  # frames sent by this connection itself and marked "skip" are not echoed
        self.batch = batch
        self.frames: deque[str] = deque()
        self.ready = asyncio.Event()
        self.dropped = 0
        self.task = asyncio.ensure_future(self._run())

    def put(self, text: str) -> None:
        if len(self.frames) >= BACKLOG_LIMIT:
            self.dropped += 1
            return
        self.frames.append(text)
        self.ready.set()

    async def _run(self):
        frames = self.frames
        try:
            while True:
                await self.ready.wait()
                self.ready.clear()
                while frames:
                    if self.batch and len(frames) > 1:
                        count = min(len(frames), BATCH_MAX)
                        await self.send(batch_text([frames.popleft() for _ in range(count)]))
                    else:
                        await self.send(frames.popleft())
        except asyncio.CancelledError:
            raise
        except Exception:  # the socket went away under us: its consumer is closing, nothing more to write
            frames.clear()

    def close(self) -> None:
        self.task.cancel()
        self.frames.clear()


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.channel_name: str | None = None
        self.groups: dict[str, set[Outbox]] = {}
        self.lock = asyncio.Lock()
        self.reader: asyncio.Task | None = None
        self.refresher: asyncio.Task | None = None

    async def join(self, group: str, outbox: Outbox) -> None:
        async with self.lock:
            if self.channel_name is None:
                # The layer's default prefix: channels_redis receives a process's channels through one Redis
                # key per prefix, and a second prefix would wait behind the first one's blocking reads.
                self.channel_name = await self.layer.new_channel()
                self.reader = asyncio.ensure_future(self._read())
                self.refresher = asyncio.ensure_future(self._refresh())
            members = self.groups.get(group)
            if members is None:
                await self.layer.group_add(group, self.channel_name)
                members = self.groups[group] = set()
            members.add(outbox)

    async def leave(self, group: str, outbox: Outbox) -> None:
        async with self.lock:
            members = self.groups.get(group)
            if members is None or outbox not in members:
                return
            members.discard(outbox)
            if not members:
                del self.groups[group]
                await self.layer.group_discard(group, self.channel_name)

    def deliver(self, event: dict) -> None:
        members = self.groups.get(event.get("group"))
        if not members:
            return
        text, skip = event["text"], event.get("skip")
        for outbox in tuple(members):
            if skip is None or outbox.skip_name != skip:
                outbox.put(text)

    async def _read(self):
        while True:
            try:
                event = await self.layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:  # a layer hiccup (Redis restarting): keep the hub alive, pages catch up by id
                logger.exception("chat hub: receive failed")
                await asyncio.sleep(1)
                continue
            if event.get("type") == "chat.event":
                self.deliver(event)

    async def _refresh(self):
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            async with self.lock:
                for group in list(self.groups):
                    try:
                        await self.layer.group_add(group, self.channel_name)
                    except Exception:
                        logger.exception("chat hub: could not renew %s", group)
