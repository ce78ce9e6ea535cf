"""Every write of the chat: messages (post, edit, delete, react, pin), channels, direct conversations, read
markers.

Each function checks the actor through workspaces.access (PermissionDenied) and the rules (ValidationError
with a message for the person), writes in one transaction, and sends its live event after commit through
workspaces.realtime.send_chat_event: one event per message change, to the channel's group, carrying the
already-encoded frame text (`{"type": "chat.event", "text": "<json>"}`), so that each connection forwards it
as it is (no encoding, no query per delivery).

Durability: a message is stored before it is broadcast. Its `seq` is the channel's `last_seq` plus one, taken
under the channel row's lock (an UPDATE) in the same transaction, so ids increase within a channel, in commit
order, with no gap. A message retried with the same `client_key` by the same author is stored once: the
stored one is returned with `created=False`.
"""

import sqlite3
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet.access import can_act
from intranet.text import render_markdown
from workspaces import access, serializers
from workspaces.actions.activity import record_activity
from workspaces.models import (
    MESSAGE_MAX_LENGTH,
    Activity,
    Channel,
    ChannelMember,
    File,
    Member,
    Message,
    MessageRevision,
    Reaction,
    ReadMarker,
    Workspace,
)
from workspaces.notifications import notify_mentions
from workspaces.realtime import send_access_changed, send_chat_event
from workspaces.search_indexes import index_new_messages

# The reactions offered (a small fixed set: anything else is refused).
REACTIONS = ("👍", "❤️", "😄", "🎉", "👀", "✅")
CLIENT_KEY_MAX_LENGTH = Message._meta.get_field("client_key").max_length
CHANNEL_NAME_MAX_LENGTH = Channel._meta.get_field("name").max_length
CHANNEL_TOPIC_MAX_LENGTH = Channel._meta.get_field("topic").max_length


def message_url(message: Message) -> str:
    """Where a message is shown: its channel (or its thread) page, at the message."""
    channel = message.channel
    if message.thread_root_id:
        root_seq = message.thread_root.seq
        if channel.is_direct:
            base = reverse("workspaces:direct_thread", args=[channel.pk, root_seq])
        else:
            base = reverse("workspaces:thread", args=[channel.workspace.slug, channel.slug, root_seq])
    else:
        base = channel.get_absolute_url()
    return f"{base}#m-{message.seq}"


def _broadcast_after_commit(channel_id: int) -> list[str]:
    """A list to append frame texts to; each is sent as one event once the transaction commits.

    Registered before anything is saved, so the broadcast goes out before the other on-commit work of the
    same transaction (search index updates, e-mails)."""
    texts: list[str] = []

    def send():
        for text in texts:
            send_chat_event(channel_id, {"text": text})

    transaction.on_commit(send)
    return texts


def _clean_body(body) -> str:
    if not isinstance(body, str):
        raise ValidationError(_("Write a message."), code="invalid")
    # Browsers send a form's line breaks as CRLF, the page's script as LF: one form, one length.
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n ")
    if not body.strip():
        raise ValidationError(_("Write a message."), code="empty")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("A message holds %(limit)s characters at most (this one has %(count)s).")
            % {
                "limit": number_format(MESSAGE_MAX_LENGTH, force_grouping=True),
                "count": number_format(len(body), force_grouping=True),
            },
            code="too_long",
        )
    return body


def _message_in(channel: Channel, ref) -> Message | None:
    """A message of `channel` given as a Message or a seq; ValidationError if it is not there."""
    if ref is None or ref == "":
        return None
    if isinstance(ref, Message):
        if ref.channel_id != channel.pk:
            raise ValidationError(_("That message is not in this conversation."), code="not_found")
        return ref
    try:
        seq = int(ref)
    except (TypeError, ValueError):
        raise ValidationError(_("That message is not in this conversation."), code="not_found") from None
    found = Message.objects.select_related("author", "thread_root").filter(channel=channel, seq=seq).first()
    if found is None:
        raise ValidationError(_("That message is not in this conversation."), code="not_found")
    return found


def _update_returning() -> bool:
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)


def _next_seq(channel: Channel, now) -> tuple[int, int]:
    """Take the channel's next id: the UPDATE locks the channel's row until the transaction ends (one
    statement with RETURNING where the database has it). Returns (the new id, the channel's `indexed_seq`)."""
    if _update_returning():
        quote = connection.ops.quote_name
        table = quote(Channel._meta.db_table)
        last_seq, last_at = quote("last_seq"), quote("last_message_at")
        indexed = quote("indexed_seq")
        sql = (
            f"UPDATE {table} SET {last_seq} = {last_seq} + 1, {last_at} = %s "  # noqa: S608 (names, not input)
            f"WHERE {quote('id')} = %s RETURNING {last_seq}, {indexed}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now), channel.pk])
            seq, indexed_seq = cursor.fetchone()
            return seq, indexed_seq
    Channel.objects.filter(pk=channel.pk).update(last_seq=F("last_seq") + 1, last_message_at=now)
    return Channel.objects.filter(pk=channel.pk).values_list("last_seq", "indexed_seq").get()


def _stored(channel: Channel, user, client_key: str) -> Message | None:
    """The message this author already stored with this key (the condition of the partial unique index is
    repeated so that SQLite uses it)."""
    rows = Message.objects.filter(channel=channel, author=user, client_key=client_key).exclude(client_key="")
    return next(iter(rows.order_by()[:1]), None)


def do_post_message(
    user, channel: Channel, body, *, client_key="", reply_to=None, thread_root=None, attachment=None, created_at=None
) -> tuple[Message, bool]:
    """Store a message, then broadcast it after commit. Returns (message, created): a retry with a
    `client_key` already stored by this author in this channel returns the stored message, created False."""
    if not access.can_post(user, channel):
        raise PermissionDenied
    client_key = client_key if isinstance(client_key, str) else ""
    client_key = client_key.strip()[:CLIENT_KEY_MAX_LENGTH]
    body = _clean_body(body)
    reply_to = _message_in(channel, reply_to)
    root = _message_in(channel, thread_root)
    if root is not None and root.thread_root_id:
        root = root.thread_root  # a reply to a reply joins the same thread
    if root is not None and root.deleted_at is not None:
        raise ValidationError(_("That message was deleted: its thread is closed."), code="invalid")
    if attachment is not None:
        if (
            not isinstance(attachment, File)
            or channel.is_direct
            or attachment.workspace_id != channel.workspace_id
            or attachment.deleted_at is not None
        ):
            raise ValidationError(_("Only a file of this workspace can be attached."), code="invalid")
    html = render_markdown(body)  # before the lock: the transaction stays short
    now = timezone.now()
    try:
        with transaction.atomic():
            texts = _broadcast_after_commit(channel.pk)
            seq, indexed_seq = _next_seq(channel, now)
            message = Message(
                channel=channel,
                seq=seq,
                author=user,
                body=body,
                body_html=html,
                client_key=client_key,
                thread_root=root,
                reply_to=reply_to,
                attachment=attachment,
                created_at=created_at or now,
            )
            # Indexed with the channel's other new messages (direct conversations never are).
            message.search_indexed_in_batch = True
            message.save(force_insert=True)
            if not channel.is_direct and (indexed_seq == seq - 1 or (seq - indexed_seq) % 50 == 0):
                transaction.on_commit(partial(index_new_messages.enqueue, channel.pk))
            channel.last_seq = seq
            channel.last_message_at = now
            message.channel = channel
            texts.append(serializers.encode({"type": "message", "message": serializers.serialize(message)}))
            if root is not None:
                Message.objects.filter(pk=root.pk).update(thread_reply_count=F("thread_reply_count") + 1)
                texts.append(serializers.frame_text("update", root))
            notify_mentions(message, user, message_url(message))
    except IntegrityError:
        # A retry: the key is stored already (its unique index refuses the row; the whole transaction, its id
        # included, is rolled back). Give back the stored message. Looking the key up first would cost every
        # message a query for the rare retry.
        existing = _stored(channel, user, client_key) if client_key else None
        if existing is None:
            raise
        return existing, False
    return message, True


def _editable(user, message: Message) -> None:
    if not access.can_edit_message(user, message):
        raise PermissionDenied


def do_edit_message(user, message: Message, body) -> Message:
    """The author changes their text; the former text is kept as a revision, the message shows "edited"."""
    _editable(user, message)
    body = _clean_body(body)
    if body == message.body:
        return message
    html = render_markdown(body)
    with transaction.atomic():
        texts = _broadcast_after_commit(message.channel_id)
        MessageRevision.objects.create(message=message, body=message.body, body_html=message.body_html)
        message.body, message.body_html, message.edited_at = body, html, timezone.now()
        message.save(update_fields=["body", "body_html", "edited_at"])
        texts.append(serializers.frame_text("update", message))
        notify_mentions(message, user, message_url(message))
    return message


def do_delete_message(user, message: Message) -> Message:
    """The author, or an admin of the workspace, deletes a message: its text, earlier versions and reactions
    go; a tombstone keeps its place (and its thread)."""
    if not access.can_delete_message(user, message):
        raise PermissionDenied
    with transaction.atomic():
        texts = _broadcast_after_commit(message.channel_id)
        message.revisions.all().delete()
        message.reactions.all().delete()
        message.body, message.body_html, message.deleted_at = "", "", timezone.now()
        message.pinned_at, message.pinned_by = None, None
        message.save(update_fields=["body", "body_html", "deleted_at", "pinned_at", "pinned_by"])
        texts.append(serializers.frame_text("update", message))
    return message


def do_toggle_reaction(user, message: Message, emoji: str) -> bool:
    """Add the person's reaction, or take it back if they had it. Returns whether it is now there."""
    if message.deleted_at is not None or not access.can_post(user, message.channel):
        raise PermissionDenied
    if emoji not in REACTIONS:
        raise ValidationError(_("This reaction is not offered."), code="invalid")
    with transaction.atomic():
        texts = _broadcast_after_commit(message.channel_id)
        deleted, _rows = Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()
        added = not deleted
        if added:
            try:
                with transaction.atomic():
                    Reaction.objects.create(message=message, user=user, emoji=emoji)
            except IntegrityError:
                pass  # the same click twice at once: it is there
        texts.append(serializers.frame_text("update", message))
    return added


def do_pin_message(user, message: Message, pinned: bool) -> Message:
    """Pin or unpin a message; pinning shows in the workspace's activity (a restricted channel's to its
    readers only)."""
    channel = message.channel
    if message.deleted_at is not None or not access.can_pin(user, channel):
        raise PermissionDenied
    if pinned == (message.pinned_at is not None):
        return message
    with transaction.atomic():
        texts = _broadcast_after_commit(channel.pk)
        message.pinned_at, message.pinned_by = (timezone.now(), user) if pinned else (None, None)
        message.save(update_fields=["pinned_at", "pinned_by"])
        if pinned and not channel.is_direct:
            record_activity(
                channel.workspace,
                user,
                Activity.Verb.PINNED,
                label=serializers.excerpt(message, 200),
                url=message_url(message),
                channel=channel if channel.restricted else None,
            )
        texts.append(serializers.frame_text("update", message))
    return message


# Channels ----------------------------------------------------------------------------------------


def _require_channel_admin(workspace: Workspace, user) -> None:
    if not (access.can_write(user, workspace) and access.is_workspace_admin(user, workspace)):
        raise PermissionDenied


def _unique_channel_slug(workspace: Workspace, name: str) -> str:
    base = slugify(name)[:70].strip("-") or "canal"
    taken = set(Channel.objects.filter(workspace=workspace, slug__startswith=base).values_list("slug", flat=True))
    candidate, counter = base, 1
    while candidate in taken:
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate


def do_create_channel(workspace: Workspace, user, *, name, topic="", restricted=False, members=()) -> Channel:
    """A new channel, by an admin of the workspace; a restricted one is read by its creator and the chosen
    members only."""
    _require_channel_admin(workspace, user)
    errors = {}
    name = " ".join((name or "").split()).lstrip("#")
    topic = " ".join((topic or "").split())
    if not name:
        errors["name"] = _("Give the channel a name.")
    elif len(name) > CHANNEL_NAME_MAX_LENGTH:
        errors["name"] = _("The name is too long (%(limit)s characters at most).") % {"limit": CHANNEL_NAME_MAX_LENGTH}
    elif Channel.objects.filter(workspace=workspace, name__iexact=name).exists():
        errors["name"] = _("A channel of this workspace already has this name.")
    if len(topic) > CHANNEL_TOPIC_MAX_LENGTH:
        errors["topic"] = _("The topic is too long (%(limit)s characters at most).") % {
            "limit": CHANNEL_TOPIC_MAX_LENGTH
        }
    member_ids = {getattr(m, "pk", m) for m in members}
    chosen = list(Member.objects.filter(workspace=workspace, user_id__in=member_ids).select_related("user"))
    if restricted and len(chosen) != len(member_ids - {None}):
        errors["members"] = _("Choose members of this workspace only.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        channel = Channel.objects.create(
            workspace=workspace,
            kind=Channel.Kind.CHANNEL,
            name=name,
            slug=_unique_channel_slug(workspace, name),
            topic=topic,
            restricted=bool(restricted),
            created_by=user,
        )
        if restricted:
            readers = {user.pk} | {m.user_id for m in chosen}
            ChannelMember.objects.bulk_create([ChannelMember(channel=channel, user_id=pk) for pk in sorted(readers)])
        record_activity(
            workspace,
            user,
            Activity.Verb.CHANNEL,
            label=f"#{name}",
            url=channel.get_absolute_url(),
            channel=channel if restricted else None,
        )
    return channel


def do_add_channel_member(channel: Channel, actor, user) -> ChannelMember:
    """An admin lets a member of the workspace read a restricted channel."""
    if channel.is_direct or not channel.restricted:
        raise ValidationError(_("Only a restricted channel has chosen members."))
    _require_channel_admin(channel.workspace, actor)
    if not Member.objects.filter(workspace_id=channel.workspace_id, user=user).exists():
        raise ValidationError(_("Choose members of this workspace only."))
    row, _created = ChannelMember.objects.get_or_create(channel=channel, user=user)
    return row


def do_remove_channel_member(channel: Channel, actor, user) -> None:
    """An admin takes a person out of a restricted channel: their open connections to it close at once."""
    if channel.is_direct or not channel.restricted:
        raise ValidationError(_("Only a restricted channel has chosen members."))
    _require_channel_admin(channel.workspace, actor)
    with transaction.atomic():
        deleted, _rows = ChannelMember.objects.filter(channel=channel, user=user).delete()
        if deleted:
            send_access_changed(user.pk)


# Direct conversations ------------------------------------------------------------------------------


def direct_key(user_a, user_b) -> str:
    low, high = sorted((user_a.pk, user_b.pk))
    return f"{low}-{high}"


def do_open_direct(user, other) -> Channel:
    """The direct conversation of two people who share a workspace (created the first time)."""
    if not can_act(user) or other is None or other.pk == user.pk or not other.is_active or other.closed_at:
        raise PermissionDenied
    if not access.shares_workspace(user, other):
        raise PermissionDenied
    key = direct_key(user, other)
    channel = Channel.objects.filter(direct_key=key).first()
    if channel is None:
        try:
            with transaction.atomic():
                channel = Channel.objects.create(kind=Channel.Kind.DIRECT, direct_key=key, created_by=user)
                ChannelMember.objects.bulk_create(
                    [ChannelMember(channel=channel, user=user), ChannelMember(channel=channel, user=other)]
                )
        except IntegrityError:
            channel = Channel.objects.get(direct_key=key)  # opened by the other at the same moment
    return channel


def direct_partner(channel: Channel, user):
    """The other person of a direct conversation (None if they are gone)."""
    row = ChannelMember.objects.filter(channel=channel).exclude(user=user).select_related("user").first()
    return row.user if row is not None else None


# Read markers --------------------------------------------------------------------------------------


def do_mark_read(user, channel: Channel, seq=None) -> int:
    """The person has read `channel` up to `seq` (its last message when None). Markers never go back, nor
    past the channel's last message. Returns the marker's seq."""
    if not getattr(user, "is_authenticated", False):
        return 0
    try:
        seq = channel.last_seq if seq is None else max(0, int(seq))
    except (TypeError, ValueError):
        return 0
    if seq > channel.last_seq:  # the channel object may be older than what the client saw
        last = Channel.objects.filter(pk=channel.pk).values_list("last_seq", flat=True).first() or 0
        seq = min(seq, last)
    now = timezone.now()
    markers = ReadMarker.objects.filter(channel=channel, user=user)
    current = markers.values_list("last_read_seq", flat=True).first()
    if current is not None:
        if current < seq:
            markers.filter(last_read_seq__lt=seq).update(last_read_seq=seq, updated_at=now)
            return seq
        return current
    try:
        with transaction.atomic():
            ReadMarker.objects.create(channel=channel, user=user, last_read_seq=seq, updated_at=now)
    except IntegrityError:  # created by another connection of the person at the same moment
        markers.filter(last_read_seq__lt=seq).update(last_read_seq=seq, updated_at=now)
    return seq
