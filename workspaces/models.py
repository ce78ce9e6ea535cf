"""Workspaces: members and guests, invitations, files, notes, activity, and chat (channels, messages).

Reads go through `workspaces.access`, writes through `workspaces.actions`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intranet.models import Organization

MESSAGE_MAX_LENGTH = 10_000
HISTORY_PAGE_SIZE = 50
# Someone is online while their open pages keep sending heartbeats (every 25 s).
PRESENCE_TIMEOUT_SECONDS = 60


class Workspace(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private: by invitation only")
        ORGANIZATION = "organization", _("Organization: members of one body may join")
        OPEN = "open", _("Open: any buyer of a member body may join")

    class JoinPolicy(models.TextChoices):
        FREE = "free", _("Free: whoever may see it joins at once")
        REQUEST = "request", _("On request, approved by an admin")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workspaces",
        help_text=_("For the “organization” visibility: the body whose members may join."),
    )
    join_policy = models.CharField(_("joining"), max_length=8, choices=JoinPolicy.choices, default=JoinPolicy.FREE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="organization") | Q(organization__isnull=False),
                name="workspace_organization_visibility_names_body",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def get_absolute_url(self):
        return reverse("workspaces:detail", args=[self.slug])


class Member(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Admin")
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")

    ADMIN_ROLES = (Role.OWNER, Role.ADMIN)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_memberships")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined on"), default=timezone.now)

    class Meta:
        verbose_name = _("workspace member")
        verbose_name_plural = _("workspace members")
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="workspace_member_once")]
        indexes = [models.Index(fields=["user", "workspace"])]

    def __str__(self):
        return f"{self.user} @ {self.workspace}"

    @property
    def is_admin(self) -> bool:
        return self.role in self.ADMIN_ROLES


class Invitation(models.Model):
    """An invitation to a workspace, to a known person or to an e-mail address; the link carries a token
    whose SHA-256 only is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="workspace_invitations"
    )
    role = models.CharField(_("role"), max_length=8, choices=Member.Role.choices, default=Member.Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "status"])]

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_join_requests")
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"], condition=Q(status="pending"), name="workspace_one_pending_request"
            )
        ]


# Files -------------------------------------------------------------------------------------------


class Folder(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="folders")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def file_version_path(instance, filename):
    # Random names: the stored name says nothing of the file, and nobody guesses another's.
    return f"workspaces/{instance.file.workspace_id}/{uuid.uuid4().hex}"


class File(models.Model):
    """A workspace file; its content is its latest `FileVersion`, older ones are kept."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="files")
    folder = models.ForeignKey(Folder, on_delete=models.SET_NULL, null=True, blank=True, related_name="files")
    name = models.CharField(_("name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    current_version = models.ForeignKey(
        "FileVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self):
        return self.name


class FileVersion(models.Model):
    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    blob = models.FileField(upload_to=file_version_path, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="workspace_file_version_number")]


# Notes -------------------------------------------------------------------------------------------


class Note(models.Model):
    """A Markdown page of the workspace. `version` counts saves: a save based on an older version is a
    conflict, never an overwrite."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="notes")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self):
        return self.title


class NoteRevision(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["note", "version"], name="workspace_note_revision_version")]


# Activity ----------------------------------------------------------------------------------------


class Activity(models.Model):
    """What happened in a workspace, for its activity feed (texts are built when shown)."""

    class Verb(models.TextChoices):
        CREATED = "created", _("created the workspace")
        JOINED = "joined", _("joined")
        LEFT = "left", _("left")
        REMOVED = "removed", _("was removed")
        FILE = "file", _("added a file")
        FILE_VERSION = "file_version", _("uploaded a new version")
        NOTE = "note", _("wrote a note")
        NOTE_EDIT = "note_edit", _("edited a note")
        PINNED = "pinned", _("pinned a message")
        CHANNEL = "channel", _("created a channel")
        ARCHIVED = "archived", _("archived the workspace")
        UNARCHIVED = "unarchived", _("reopened the workspace")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=16, choices=Verb.choices)
    label = models.CharField(max_length=255, blank=True)
    url = models.CharField(max_length=500, blank=True)
    # A restricted channel's events are shown only to those who may read it.
    channel = models.ForeignKey("Channel", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]


# Chat --------------------------------------------------------------------------------------------


class Channel(models.Model):
    """A chat channel of a workspace (#général and others) or a direct conversation between two people
    (`workspace` empty, `kind` direct, both people in `ChannelMember`).

    `last_seq` is the id of the channel's last message: each message takes the next one under the
    row's lock, so ids increase within the channel with no gap left by a committed message. `indexed_seq`:
    new messages up to this id have been put in the search index, in batches (see `do_post_message`)."""

    class Kind(models.TextChoices):
        CHANNEL = "channel", _("Channel")
        DIRECT = "direct", _("Direct message")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, blank=True, related_name="channels")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CHANNEL)
    name = models.CharField(_("name"), max_length=80, blank=True)
    slug = models.SlugField(max_length=80, blank=True)
    topic = models.CharField(_("topic"), max_length=250, blank=True)
    restricted = models.BooleanField(_("restricted"), default=False, help_text=_("Only the chosen members read it."))
    is_general = models.BooleanField(default=False, editable=False)
    # For direct conversations: "<smaller user id>-<larger user id>", unique.
    direct_key = models.CharField(max_length=41, null=True, blank=True, unique=True, editable=False)
    last_seq = models.BigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # New messages up to this id are in the search index (workspaces.search_indexes.index_new_messages).
    indexed_seq = models.BigIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_general", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "slug"], condition=Q(kind="channel"), name="workspace_channel_slug_once"
            ),
            models.CheckConstraint(
                condition=(Q(kind="channel") & Q(workspace__isnull=False))
                | (Q(kind="direct") & Q(workspace__isnull=True) & Q(direct_key__isnull=False)),
                name="workspace_channel_kind_shape",
            ),
        ]

    def __str__(self):
        return f"#{self.name}" if self.kind == self.Kind.CHANNEL else self.direct_key or ""

    @property
    def is_direct(self) -> bool:
        return self.kind == self.Kind.DIRECT

    def get_absolute_url(self):
        if self.is_direct:
            return reverse("workspaces:direct", args=[self.pk])
        return reverse("workspaces:channel", args=[self.workspace.slug, self.slug])


class ChannelMember(models.Model):
    """Who reads a restricted channel or a direct conversation (open channels need no row)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="channel_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "user"], name="workspace_channel_member_once")]


class ReadMarker(models.Model):
    """The last message id a person has read in a channel."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "user"], name="workspace_read_marker_once")]
        indexes = [models.Index(fields=["user", "channel"])]


class Message(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    seq = models.BigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="workspace_messages"
    )
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    body_html = models.TextField(editable=False)
    # Given by the client: a message retried after a dropped connection is stored once.
    client_key = models.CharField(max_length=64, blank=True)
    # A thread's root (replies grouped under it) and the message this one quotes.
    thread_root = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="thread_replies"
    )
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    thread_reply_count = models.PositiveIntegerField(default=0)
    attachment = models.ForeignKey(File, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["seq"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["channel", "seq"], name="workspace_message_seq_once"),
            models.UniqueConstraint(
                fields=["channel", "author", "client_key"],
                condition=~Q(client_key=""),
                name="workspace_message_client_key_once",
            ),
        ]

    def __str__(self):
        return Truncator(self.body).chars(60) if self.deleted_at is None else gettext("Deleted message")


class MessageRevision(models.Model):
    """A message's earlier text, kept when its author edits it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user", "emoji"], name="workspace_reaction_once")]


class Presence(models.Model):
    """Heartbeats of a person's open connections to a workspace: kept in the database, not in the channel
    layer, so it survives a process restart. Online while `last_seen` is recent."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="workspace_presence_once")]
        indexes = [models.Index(fields=["workspace", "last_seen"])]
