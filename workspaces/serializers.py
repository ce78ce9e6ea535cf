"""Messages as the chat protocol sends them: one dict shape, built in one place.

The same dict goes to the WebSocket (live events, catch-up pages) and to the history endpoint:

    {"id", "seq", "channel", "author": {"id", "name"} | null, "html", "body", "created_at" (ISO 8601),
     "edited": bool, "deleted": bool, "thread_root": seq | null,
     "reply_to": {"seq", "author", "excerpt"} | null, "thread_replies": int,
     "reactions": [{"emoji", "count", "users": [ids], "mine"?: bool}], "pinned": bool,
     "attachment": {"name", "url", "size"} | null}

`html` is the sanitized HTML stored on write (intranet.text.render_markdown), `body` its Markdown source
(for the author's edit box); both are empty once the message is deleted (a tombstone). `excerpt` is plain
text. A broadcast goes to every reader alike, so it says who reacted (`users`) rather than `mine`;
per-person answers (history, catch-up) add `mine`.

Live events are encoded once per message (`frame_text`), never once per delivery.
"""

import json
from collections import defaultdict

from django.urls import NoReverseMatch, reverse

from workspaces.models import Message, Reaction

EXCERPT_LENGTH = 140

# What a query for serializing messages must fetch alongside (no query per message).
MESSAGE_RELATED = ("author", "reply_to__author", "thread_root", "attachment__current_version")


def message_queryset():
    return Message.objects.select_related(*MESSAGE_RELATED)


def encode(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def excerpt(message: Message | None, length: int = EXCERPT_LENGTH) -> str:
    """The message's source text on one line, cut at `length` characters (plain text: escape when shown)."""
    if message is None or message.deleted_at is not None:
        return ""
    text = " ".join((message.body or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name}


def _attachment(message: Message) -> dict | None:
    file = message.attachment
    if file is None or file.deleted_at is not None:
        return None
    try:
        url = reverse("workspaces:file_download", args=[file.pk])
    except NoReverseMatch:
        url = ""
    version = file.current_version
    return {"name": file.name, "url": url, "size": version.size if version is not None else 0}


def reactions_of(message_ids) -> dict[int, list[dict]]:
    """{message id: [{"emoji", "count", "users"}]} in one query, emoji in order of first use."""
    grouped: dict[int, dict[str, list[int]]] = defaultdict(dict)
    rows = Reaction.objects.filter(message_id__in=list(message_ids)).order_by("created_at", "id")
    for message_id, emoji, user_id in rows.values_list("message_id", "emoji", "user_id"):
        grouped[message_id].setdefault(emoji, []).append(user_id)
    return {
        message_id: [{"emoji": emoji, "count": len(users), "users": users} for emoji, users in by_emoji.items()]
        for message_id, by_emoji in grouped.items()
    }


def serialize(message: Message, reactions: list[dict] | None = None, viewer_id: int | None = None) -> dict:
    """The protocol's dict for one message (fetched with `message_queryset()`; `reactions` from
    `reactions_of`, or none)."""
    deleted = message.deleted_at is not None
    reply_to = None
    quoted = message.reply_to
    if quoted is not None:
        reply_to = {
            "seq": quoted.seq,
            "author": quoted.author.display_name if quoted.author is not None else "",
            "excerpt": excerpt(quoted),
        }
    items = []
    for item in reactions or ():
        item = dict(item)
        if viewer_id is not None:
            item["mine"] = viewer_id in item["users"]
        items.append(item)
    return {
        "id": message.pk,
        "seq": message.seq,
        "channel": message.channel_id,
        "author": person(message.author),
        "html": "" if deleted else message.body_html,
        "body": "" if deleted else message.body,
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None and not deleted,
        "deleted": deleted,
        "thread_root": message.thread_root.seq if message.thread_root_id else None,
        "reply_to": reply_to,
        "thread_replies": message.thread_reply_count,
        "reactions": [] if deleted else items,
        "pinned": message.pinned_at is not None and not deleted,
        "attachment": None if deleted else _attachment(message),
    }


def serialize_many(messages, viewer_id: int | None = None) -> list[dict]:
    """Several messages (one more query, for their reactions)."""
    messages = list(messages)
    reactions = reactions_of(m.pk for m in messages) if messages else {}
    return [serialize(m, reactions.get(m.pk), viewer_id) for m in messages]


def fresh(message_id: int) -> Message:
    return message_queryset().get(pk=message_id)


def frame_text(kind: str, message: Message) -> str:
    """The JSON text of a live "message" or "update" frame for `message`, read fresh from the database."""
    message = fresh(message.pk)
    return encode({"type": kind, "message": serialize(message, reactions_of([message.pk]).get(message.pk))})
