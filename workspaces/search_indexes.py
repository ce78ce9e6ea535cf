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
from haystack import indexes

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
    return Message.objects.filter(deleted_at__isnull=True, channel__kind=Channel.Kind.CHANNEL).select_related("channel")


class MessageIndex(indexes.SearchIndex, indexes.Indexable):
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
        return Message.objects.select_related("channel__workspace", "author", "thread_root")

    def prepare_text(self, message: Message) -> str:
        return render_to_string(MESSAGE_TEXT_TEMPLATE, {"object": message, "body": plain_text(message.body_html)})

    def prepare_workspace_id(self, message: Message) -> int:
        return message.channel.workspace_id


class NoteIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True)
    workspace_id = indexes.IntegerField(model_attr="workspace_id")
    updated_at = indexes.DateTimeField(model_attr="updated_at")

    def get_model(self):
        return Note

    def index_queryset(self, using=None):
        return Note.objects.filter(deleted_at__isnull=True)

    def read_queryset(self, using=None):
        return Note.objects.select_related("workspace", "updated_by")

    def prepare_text(self, note: Note) -> str:
        return render_to_string(NOTE_TEXT_TEMPLATE, {"object": note, "body": plain_text(note.body_html)})


class FileIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True)
    workspace_id = indexes.IntegerField(model_attr="workspace_id")
    updated_at = indexes.DateTimeField(model_attr="updated_at")

    def get_model(self):
        return File

    def index_queryset(self, using=None):
        return File.objects.filter(deleted_at__isnull=True).select_related("folder")

    def read_queryset(self, using=None):
        return File.objects.select_related("workspace", "folder", "created_by")

    def prepare_text(self, file: File) -> str:
        # "CCAP_restauration-2026.pdf" is found by "restauration", "2026" and "pdf" as well as by its whole name.
        words = re.sub(r"[._\-]+", " ", file.name)
        return render_to_string(FILE_TEXT_TEMPLATE, {"object": file, "words": words})
