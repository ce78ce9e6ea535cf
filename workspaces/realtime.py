"""Realtime groups and events of the workspaces (sent through `intranet.realtime`, after commit).

- `chat_group(channel_id)`: every open connection reading that channel. One `group_send` per event,
  whatever the number of readers; its members are the processes' hubs (`workspaces.fanout`), which hand
  the frame to their local connections. The event names its group (a hub reads several).
- `person_group(user_id)`: every chat connection of one person. An access change (removed from a workspace
  or a restricted channel, account closed) is sent here; the consumer re-runs the access check from the
  database and closes what the person may no longer read (close code 4403).
"""

from intranet.realtime import send_event_on_commit


def chat_group(channel_id: int) -> str:
    return f"chat-{channel_id}"


def person_group(user_id: int) -> str:
    return f"wsp-user-{user_id}"


def send_chat_event(channel_id: int, event: dict) -> None:
    """`event` carries ids and rendered, sanitized HTML only; its "type" is always "chat.event"."""
    group = chat_group(channel_id)
    send_event_on_commit(group, {"type": "chat.event", "group": group, **event})


def send_access_changed(user_id: int) -> None:
    send_event_on_commit(person_group(user_id), {"type": "access.changed"})
