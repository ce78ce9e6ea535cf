"""Workspace content in search: a hit is kept only for the members who may read it, re-checked from the database.

- The site search (`intranet.views.search`) and the workspace's own search page (`workspaces.views_search`) both
  pass their hits through `filter_search_results`; this app's hook keeps another app's hits as they are, and a
  message, note or file only if the reader is a member of its workspace now (guests included), the note or
  file is not deleted, and the message is not deleted and belongs to a workspace channel the reader reads (a
  restricted channel's messages only for its chosen members; direct conversations are never search hits).
  Archived workspaces stay searchable by their members.
- The check costs a fixed number of queries whatever the number of hits: the reader's memberships (cached per
  request by `workspaces.access`) and, only when a hit is in a restricted channel, one query for the restricted
  channels the reader was added to. Hits were loaded from the database just now by the search view (with their
  channel and workspace), so deleted flags and channel kinds are current even when the index lags behind.
- Kept hits get a `url` and a `search_description` (the site search's template shows both).
- Saves and deletes of `Message`, `Note` and `File` are queued by `intranet.search.QueuedSignalProcessor` (the
  chat, file and note actions save the instance on edit and deletion). A write that does not save the indexed
  model (a `QuerySet.update()` of a soft deletion) calls `reindex()`, which asks the worker to re-index it.
"""

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from wagtail import hooks

from intranet.search import reindex_on_commit
from workspaces import access
from workspaces.models import Channel, ChannelMember, File, Message, Note
from workspaces.search_indexes import plain_text

DESCRIPTION_LENGTH = 200


def _reverse(name: str, *args) -> str:
    try:
        return reverse(f"workspaces:{name}", args=args)
    except NoReverseMatch:  # that page is not built (yet)
        return ""


def message_url(message: Message) -> str:
    """The message's permanent link: it opens the page holding the message, anchored at `#m-<seq>` (the channel
    page, an older page of it, or the thread)."""
    return _reverse("message_link", message.channel_id, message.seq)


def note_url(note: Note) -> str:
    return _reverse("note", note.workspace.slug, note.pk)


def file_url(file: File) -> str:
    return _reverse("file_detail", file.workspace.slug, file.pk)


def hit_url(obj) -> str:
    if isinstance(obj, Message):
        return message_url(obj)
    if isinstance(obj, Note):
        return note_url(obj)
    return file_url(obj)


def hit_text(obj) -> str:
    """The words of a hit as they are now, for the site search's excerpt."""
    if isinstance(obj, Message):
        return plain_text(obj.body_html)
    if isinstance(obj, Note):
        return f"{obj.title} {plain_text(obj.body_html)}"
    return obj.name


def hit_description(obj) -> str:
    """Plain text (escaped when shown): the start of a message or note, the folder of a file."""
    if isinstance(obj, (Message, Note)):
        return Truncator(plain_text(obj.body_html)).chars(DESCRIPTION_LENGTH)
    return obj.folder.name if obj.folder_id and obj.folder else ""


class _Reader:
    """What one reader may see of the workspaces, computed once per search and only as far as needed."""

    def __init__(self, user, restricted_channel_ids: set[int]):
        self.user = user
        self._restricted_ids = restricted_channel_ids
        self._added_to = None

    def is_member(self, workspace_id: int) -> bool:
        return access.membership(self.user, workspace_id) is not None

    def reads(self, channel: Channel) -> bool:
        if channel.kind != Channel.Kind.CHANNEL or not self.is_member(channel.workspace_id):
            return False
        if not channel.restricted:
            return True
        if self._added_to is None:
            self._added_to = set(
                ChannelMember.objects.filter(user=self.user, channel_id__in=self._restricted_ids).values_list(
                    "channel_id", flat=True
                )
            )
        return channel.pk in self._added_to

    def may_see(self, obj) -> bool:
        if isinstance(obj, Message):
            return obj.deleted_at is None and self.reads(obj.channel)
        return obj.deleted_at is None and self.is_member(obj.workspace_id)


WORKSPACE_MODELS = (Message, Note, File)


@hooks.register("filter_search_results")
def drop_unreadable_workspace_hits(request, results):
    """Keep other apps' hits; keep a workspace's message, note or file only for those who may read it now."""
    results = list(results)
    ours = [r for r in results if isinstance(r.object, WORKSPACE_MODELS)]
    if not ours:
        return results
    restricted = {r.object.channel_id for r in ours if isinstance(r.object, Message) and r.object.channel.restricted}
    reader = _Reader(request.user, restricted)
    kept = []
    for result in results:
        obj = result.object
        if not isinstance(obj, WORKSPACE_MODELS):
            kept.append(result)
        elif reader.may_see(obj):
            obj.url = hit_url(obj)
            obj.search_description = hit_description(obj)
            obj.search_text = hit_text(obj)
            kept.append(result)
    return kept


# Re-indexing on changes that do not save the indexed model ---------------------------------------------------


def reindex(model, pk) -> None:
    """Ask the worker, after commit, to index the object again (or remove it if its index no longer holds it).

    For writes that do not save the indexed model, e.g. a soft deletion by `QuerySet.update()`."""
    reindex_on_commit(model, pk)


@hooks.register("search_access_keys")
def readable_workspaces_and_channels(request) -> list[str]:
    """At the engine: a workspace's notes and files (key "ws-<workspace>") are hits only for its members, and a
    channel's messages (key "ch-<channel>") only for those who read the channel (open channels of their
    workspaces, restricted ones they were added to), so that other workspaces' messages never count. The
    read-time filter above still decides (deletions, memberships changed since). Two queries."""
    mine = sorted(access.my_workspaces(request.user).values_list("pk", flat=True))
    if not mine:
        return []
    channels = (
        Channel.objects.filter(workspace_id__in=mine, kind=Channel.Kind.CHANNEL)
        .filter(Q(restricted=False) | Q(channel_members__user=request.user))
        .values_list("pk", flat=True)
        .distinct()
    )
    return [f"ws-{pk}" for pk in mine] + [f"ch-{pk}" for pk in sorted(channels)]
