"""The site search's indexes of workspace content: chat messages, notes and file names.

Only what a workspace's members may find is indexed: messages of workspace channels (never direct
conversations) that are not deleted, notes and files that are not deleted. Each document carries its
workspace (and a message its channel) as an `IntegerField`, so that the workspace's own search page filters on
it exactly (Whoosh drops one-character tokens of a CharField). Readers are re-checked from the database at
query time (`workspaces.search_hooks`): the index alone never decides who sees a hit.
"""

import html
import re

from django.template.loader import render_to_string
from django_tasks import task
from haystack import connections, indexes

from intranet.search import SiteDocument
from workspaces.models import Channel, File, Message, Note

MESSAGE_TEXT_TEMPLATE = "search/indexes/workspaces/message_text.txt"
NOTE_TEXT_TEMPLATE = "search/indexes/workspaces/note_text.txt"
FILE_TEXT_TEMPLATE = "search/indexes/workspaces/file_text.txt"


def plain_text(body_html: str) -> str:
    """The words a reader sees, from the stored safe HTML: no Markdown signs ("**word**" would be one token
    for Whoosh's tokenizer, never found by "word")."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body_html or "")).split())


def indexed_messages():
    """Messages whose words are searchable: in a workspace channel, not deleted."""
    return Message.objects.filter(deleted_at__isnull=True, channel__kind=Channel.Kind.CHANNEL).select_related(
        "channel__workspace"
    )


class MessageIndex(SiteDocument, indexes.Indexable):
    text = indexes.CharField(document=True)
    workspace_id = indexes.IntegerField()
    channel_id = indexes.IntegerField(model_attr="channel_id")
    created_at = indexes.DateTimeField(model_attr="created_at")

    def get_model(self):
        return Message

    def index_queryset(self, using=None):
        # A message deleted (or of a direct conversation) is removed when saved: update_search_index asks this.
        return indexed_messages()

    def read_queryset(self, using=None):
        # Every message: the filter hook decides who sees which, from the database as it is now.
        return Message.objects.select_related("channel__workspace", "author")

    def prepare_text(self, message: Message) -> str:
        return render_to_string(MESSAGE_TEXT_TEMPLATE, {"object": message, "body": plain_text(message.body_html)})

    def prepare_workspace_id(self, message: Message) -> int:
        return message.channel.workspace_id

    def document_date(self, message: Message):
        return message.created_at

    def document_access(self, message: Message) -> list[str]:
        return [f"ch-{message.channel_id}"]  # readers of its channel (workspaces.search_hooks)

    def document_title(self, message: Message) -> str:
        return ""  # a chat message has no title: the header's suggestions leave messages out

    def document_organizations(self, message: Message) -> list[int]:
        return [message.channel.workspace.organization_id]


# New messages indexed per task run at most (one index write each).
INDEX_BATCH = 500


@task()
def index_new_messages(channel_id: int) -> int:
    """Index the channel's messages stored since the last run, in batches: at 100 messages per second a
    worker writing Whoosh's index once per message falls behind, once per burst keeps up.

    `do_post_message` enqueues this when its message is the first one after `indexed_seq` (no run is pending),
    and every 50 messages in any case (a run that failed is retried). Moving `indexed_seq` waits for the
    channel's row lock, held by a post until it commits: the loop then sees that post's id in `last_seq`, so a
    message is never left behind between a run and the next enqueue. Returns how many messages it indexed."""
    index = connections["default"].get_unified_index().get_index(Message)
    backend = connections["default"].get_backend()
    done = 0
    while True:
        row = Channel.objects.filter(pk=channel_id).values_list("indexed_seq", "last_seq", "kind").first()
        if row is None or row[2] != Channel.Kind.CHANNEL:
            return done
        start, last = row[0], row[1]
        if last <= start:
            return done
        end = min(last, start + INDEX_BATCH)
        messages = list(index.index_queryset().filter(channel_id=channel_id, seq__gt=start, seq__lte=end))
        if messages:
            backend.update(index, messages)
        Channel.objects.filter(pk=channel_id, indexed_seq=start).update(indexed_seq=end)
        done += len(messages)


class NoteIndex(SiteDocument, indexes.Indexable):
    text = indexes.CharField(document=True)
    workspace_id = indexes.IntegerField(model_attr="workspace_id")
    updated_at = indexes.DateTimeField(model_attr="updated_at")

    def get_model(self):
        return Note

    def index_queryset(self, using=None):
        return Note.objects.filter(deleted_at__isnull=True).select_related("workspace")

    def read_queryset(self, using=None):
        return Note.objects.select_related("workspace", "updated_by")

    def prepare_text(self, note: Note) -> str:
        return render_to_string(NOTE_TEXT_TEMPLATE, {"object": note, "body": plain_text(note.body_html)})

    def document_access(self, note: Note) -> list[str]:
        return [f"ws-{note.workspace_id}"]

    def document_date(self, note: Note):
        return note.updated_at

    def document_organizations(self, note: Note) -> list[int]:
        return [note.workspace.organization_id]


class FileIndex(SiteDocument, indexes.Indexable):
    text = indexes.CharField(document=True)
    workspace_id = indexes.IntegerField(model_attr="workspace_id")
    updated_at = indexes.DateTimeField(model_attr="updated_at")

    def get_model(self):
        return File

    def index_queryset(self, using=None):
        return File.objects.filter(deleted_at__isnull=True).select_related("folder", "workspace")

    def read_queryset(self, using=None):
        return File.objects.select_related("workspace", "folder", "created_by")

    def prepare_text(self, file: File) -> str:
        # "CCAP_restauration-2026.pdf" is found by "restauration", "2026" and "pdf" as well as by its whole name.
        words = re.sub(r"[._\-]+", " ", file.name)
        return render_to_string(FILE_TEXT_TEMPLATE, {"object": file, "words": words})

    def document_access(self, file: File) -> list[str]:
        return [f"ws-{file.workspace_id}"]

    def document_date(self, file: File):
        return file.updated_at

    def document_organizations(self, file: File) -> list[int]:
        return [file.workspace.organization_id]
