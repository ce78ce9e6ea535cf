"""@mentions in chat messages: who can be mentioned, and telling them.

A mention is written `@` followed by the person's handle: their first and last names in lower case, without
accents, joined by a dot (`@camille.martin`, `@odile.le-goff`), or the part of their e-mail address before the
@ when they have no name. Only the people who can read the channel have a handle there: a handle that
matches nobody among them stays plain text and tells nobody anything. Two readers with the same name share
the handle and are both told. The channel page lists the handles of its readers.

Everyone mentioned is told through intranet.notifications.notify (in-app at once, e-mail per their
preference), once per message (`event_key`), so that editing a message tells only the people it newly
mentions. Nobody who cannot read the channel is ever told.
"""

import re

from django.db.models import Exists, OuterRef
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet.models import User
from intranet.notifications import event_key_for, notify
from workspaces.models import Channel, ChannelMember, Member

MENTION_VERB = "workspaces.mention"
# At most this many distinct handles of one message count as mentions.
MAX_MENTIONS = 30
# "@handle" not preceded by a word character, a dot or an @ (so e-mail addresses are no mention).
MENTION_RE = re.compile(r"(?<![\w.@/])@([a-z0-9](?:[a-z0-9._-]{0,78}[a-z0-9])?)", re.IGNORECASE)


def handle_for(user) -> str:
    """The person's handle, without the @."""
    parts = [slugify(part) for part in (user.first_name, user.last_name)]
    handle = ".".join(part for part in parts if part)
    if not handle:
        handle = slugify(user.email.split("@", 1)[0].replace(".", "-")) or f"personne-{user.pk}"
    return handle


def channel_readers(channel: Channel):
    """The active people who can read `channel` now (the same rule as workspaces.access)."""
    users = User.objects.filter(is_active=True, closed_at__isnull=True)
    if channel.is_direct:
        return users.filter(Exists(ChannelMember.objects.filter(channel=channel, user=OuterRef("pk"))))
    users = users.filter(Exists(Member.objects.filter(workspace_id=channel.workspace_id, user=OuterRef("pk"))))
    if channel.restricted:
        users = users.filter(Exists(ChannelMember.objects.filter(channel=channel, user=OuterRef("pk"))))
    return users


def handles_in(body: str) -> list[str]:
    found: list[str] = []
    for match in MENTION_RE.finditer(body or ""):
        handle = match.group(1).lower()
        if handle not in found:
            found.append(handle)
            if len(found) >= MAX_MENTIONS:
                break
    return found


def mentioned_readers(channel: Channel, body: str) -> list[User]:
    """The readers of `channel` whom `body` mentions (no query when it names no handle)."""
    wanted = set(handles_in(body))
    if not wanted:
        return []
    readers = channel_readers(channel).only("id", "first_name", "last_name", "email", "is_active", "closed_at")
    return [user for user in readers.order_by("pk") if handle_for(user) in wanted]


def reader_handles(channel: Channel, limit: int = 200) -> list[tuple[str, str]]:
    """(handle, name) of the channel's readers, by name: the list shown beside the composer."""
    readers = channel_readers(channel).only("id", "first_name", "last_name", "email", "closed_at")
    people = sorted(((handle_for(u), u.display_name) for u in readers[:limit]), key=lambda pair: pair[1].lower())
    return people


def notify_mentions(message, author, url: str) -> None:
    """Tell the readers `message` mentions (not its author); inside the writing transaction."""
    channel = message.channel
    people = [user for user in mentioned_readers(channel, message.body) if user.pk != author.pk]
    if not people:
        return
    if channel.is_direct:
        text = _("%(name)s mentioned you in a direct message") % {"name": author.display_name}
    else:
        text = _("%(name)s mentioned you in #%(channel)s (%(workspace)s)") % {
            "name": author.display_name,
            "channel": channel.name,
            "workspace": channel.workspace.name,
        }
    notify(
        people,
        verb=MENTION_VERB,
        message=text,
        url=url,
        target=message,
        actor=author,
        event_key=event_key_for(MENTION_VERB, message.pk),
    )
