"""How a post's Markdown becomes HTML: mention tokens and quote links first, then intranet.text.render_markdown.

A mention is written `@[Camille Martin](#mention-42)` (the editor's autocomplete inserts it; people
without JavaScript type it). Only tokens naming an existing, active account become a mention, shown
with the name the database holds (never the name typed in the token, which anyone could forge); the
others are left as plain escaped text. A quote is a Markdown blockquote whose first line links back
to the quoted post (`/forums/t/12/#post-3`). This module only rewrites Markdown source: every byte
of HTML comes out of render_markdown, the project's one sanitizer.
"""

import re
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from intranet.models import User
from intranet.text import render_markdown

MENTION_RE = re.compile(r"@\[(?P<label>[^\[\]\n]{1,200})\]\(#mention-(?P<id>\d{1,12})\)")
# At most this many distinct people can be mentioned in one post (the rest stay plain text).
MAX_MENTIONS = 30
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&:@])")


@dataclass
class RenderedPost:
    html: str
    mentioned_ids: list[int] = field(default_factory=list)
    # (topic id, post number) of the posts the text quotes with a link back.
    quoted: list[tuple[int, int]] = field(default_factory=list)


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown punctuation so that a name renders as the plain text it is."""
    text = " ".join((text or "").split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def mention_token(user) -> str:
    """What the autocomplete inserts for `user` (the label is for the writer; the id is what counts)."""
    label = " ".join(user.display_name.replace("[", "(").replace("]", ")").split())
    return f"@[{label}](#mention-{user.pk})"


def _topic_url_pattern() -> re.Pattern | None:
    try:
        sample = reverse("forums:topic", args=[987654321])
    except NoReverseMatch:
        return None
    prefix, _sep, suffix = sample.partition("987654321")
    return re.compile(
        r"\]\("
        + re.escape(prefix)
        + r"(?P<topic>\d{1,12})"
        + re.escape(suffix)
        + r"(?:\?page=\d{1,9})?#post-(?P<number>\d{1,9})\)"
    )


def _mentionable(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    users = User.objects.filter(pk__in=ids, is_active=True, closed_at__isnull=True).only(
        "id", "first_name", "last_name", "email", "closed_at"
    )
    return {user.pk: user for user in users}


def render_post(source: str) -> RenderedPost:
    """Render a post's source (two queries at most: none when it has no mention)."""
    source = source or ""
    wanted: list[int] = []
    for match in MENTION_RE.finditer(source):
        user_id = int(match["id"])
        if user_id not in wanted and len(wanted) < MAX_MENTIONS:
            wanted.append(user_id)
    users = _mentionable(set(wanted))

    def replace(match: re.Match) -> str:
        user = users.get(int(match["id"]))
        if user is None:
            return "@" + escape_markdown(match["label"])
        return "**@" + escape_markdown(user.display_name) + "**"

    rewritten = MENTION_RE.sub(replace, source)
    quoted: list[tuple[int, int]] = []
    pattern = _topic_url_pattern()
    if pattern is not None:
        for match in pattern.finditer(source):
            pair = (int(match["topic"]), int(match["number"]))
            if pair not in quoted:
                quoted.append(pair)
    return RenderedPost(
        html=render_markdown(rewritten),
        mentioned_ids=[user_id for user_id in wanted if user_id in users],
        quoted=quoted,
    )


def quote_source(post) -> str:
    """The Markdown a reply starts with when quoting `post`: a blockquote whose first line links back.

    Mention tokens inside the quoted text become plain names, so that quoting a post does not
    mention its people again.
    """
    body = MENTION_RE.sub(lambda match: "@" + escape_markdown(match["label"]), post.source.strip())
    header = _("[%(name)s wrote](%(url)s):") % {
        "name": escape_markdown(post.author.display_name),
        "url": post.get_absolute_url(),
    }
    lines = [header, *body.splitlines()]
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n\n"
