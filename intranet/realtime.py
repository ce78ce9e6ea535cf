"""Send realtime events to Channels groups, only once the transaction has committed.

Events carry ids and already-rendered, sanitized HTML, never model instances.
Each event is a dict with a "type" (the consumer method) and an "op".
"""

import threading
from contextlib import contextmanager

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

_local = threading.local()


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


@contextmanager
def collect_events(events: list):
    """Within this block (in this thread), events due after a commit are appended to `events` as (group, event)
    instead of being sent. For an async caller whose write runs in a worker thread (a WebSocket consumer): it
    sends them itself once the thread returns, rather than each send hopping back to its event loop while the
    thread waits."""
    previous = getattr(_local, "events", None)
    _local.events = events
    try:
        yield events
    finally:
        _local.events = previous


def send_event_on_commit(group: str, event: dict) -> None:
    def send():
        sink = getattr(_local, "events", None)
        if sink is not None:
            sink.append((group, event))
            return
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, event)

    transaction.on_commit(send)
