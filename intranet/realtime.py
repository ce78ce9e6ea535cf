"""Send realtime events to Channels groups, only once the transaction has committed.

Events carry ids and already-rendered, sanitized HTML, never model instances.
Each event is a dict with a "type" (the consumer method) and an "op".
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def send_event_on_commit(group: str, event: dict) -> None:
    def send():
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, event)

    transaction.on_commit(send)
