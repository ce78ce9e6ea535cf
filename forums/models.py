"""Forum categories, topics and posts, and what people do with them."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intranet.models import Organization

POST_MAX_LENGTH = 50_000
POSTS_PER_PAGE = 20
TOPICS_PER_PAGE = 30


class Category(models.Model):
    """A forum category; two levels at most. Visibility applies to everything inside it."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone reads, members post")
        MEMBERS = "members", _("Members: people of member bodies and companies")
        BUYERS = "buyers", _("Buyers only")
        ORGANIZATION = "organization", _("One organization only")
        GROUP = "group", _("A named group")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    visibility = models.CharField(_("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="forum_categories",
        help_text=_("For the “one organization only” visibility."),
    )
    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For the “a named group” visibility."),
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("moderators"), blank=True, related_name="moderated_categories"
    )
    # Denormalized counters, updated by the actions inside their transactions.
    topic_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="organization") | Q(organization__isnull=False),
                name="organization_visibility_needs_organization",
            ),
            models.CheckConstraint(
                condition=~Q(visibility="group") | Q(group__isnull=False), name="group_visibility_needs_group"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forums:category", args=[self.slug])


class Topic(models.Model):
    """A discussion: a first post and its replies."""

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="forum_topics"
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    last_post_at = models.DateTimeField(_("last activity"), db_index=True)
    last_post = models.ForeignKey("forums.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    first_post = models.ForeignKey("forums.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    solution = models.ForeignKey("forums.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_pinned = models.BooleanField(_("pinned in its category"), default=False)
    is_pinned_globally = models.BooleanField(_("pinned everywhere"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    # Marks a topic merged into another: its URL redirects there.
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = pgettext_lazy("forum", "topic")
        verbose_name_plural = pgettext_lazy("forum", "topics")
        indexes = [
            models.Index(fields=["category", "-is_pinned", "-last_post_at"]),
            models.Index(fields=["-last_post_at"]),
            models.Index(fields=["author", "-last_post_at"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:topic", args=[self.pk])

    @property
    def is_solved(self) -> bool:
        return self.solution_id is not None


class Post(models.Model):
    """A message in a topic, written in Markdown and stored with its sanitized HTML."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="forum_posts"
    )
    # Position in the topic (1 = first post), for permalinks and "first unread".
    number = models.PositiveIntegerField()
    source = models.TextField(_("message"), validators=[MaxLengthValidator(POST_MAX_LENGTH)])
    html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)  # by its author (soft)
    hidden_at = models.DateTimeField(null=True, blank=True)  # by a moderator
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Guards against a double click: the same author's same text within seconds is one post.
    content_hash = models.CharField(max_length=64, db_index=True)
    mentioned_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="forum_mentions")
    quoted_posts = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="quoted_by")

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["topic", "number"], name="one_post_number_per_topic")]

    def __str__(self):
        return f"{self.topic_id}#{self.number}"

    def get_absolute_url(self):
        page = (self.number - 1) // POSTS_PER_PAGE + 1
        suffix = f"?page={page}" if page > 1 else ""
        return reverse("forums:topic", args=[self.topic_id]) + suffix + f"#post-{self.number}"

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class PostRevision(models.Model):
    """The text of a post before one of its edits (moderators compare versions)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    source = models.TextField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


def attachment_path(instance, filename):
    # Random names: the original name is kept in the database only.
    import uuid

    return f"forums/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to a post, served as a download after an access check."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    is_image = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.original_name


class Reaction(models.Model):
    """One kind of reaction by one person on one post."""

    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        THANKS = "thanks", _("Thanks")
        USEFUL = "useful", _("Useful")
        AGREE = "agree", _("Agree")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # The author is told in batches: set when a notification has covered this reaction.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="one_reaction_kind_per_user")]
        indexes = [models.Index(fields=["notified_at"])]


class Subscription(models.Model):
    """How closely a person follows a topic or a whole category."""

    class Level(models.TextChoices):
        WATCHING = "watching", _("Watching: every reply")
        TRACKING = "tracking", _("Tracking: mentions and replies to me")
        MUTED = "muted", _("Muted")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions")
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, category__isnull=True) | Q(topic__isnull=True, category__isnull=False),
                name="subscription_to_topic_or_category",
            ),
            models.UniqueConstraint(fields=["user", "topic"], name="one_subscription_per_topic"),
            models.UniqueConstraint(fields=["user", "category"], name="one_subscription_per_category"),
        ]


class TopicReadState(models.Model):
    """The last post number a person has read in a topic (unread tracking)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="one_read_state_per_topic")]


class CategoryReadMark(models.Model):
    """“Mark all read” in a category (or everywhere when category is empty): older topics count as read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="one_read_mark_per_category")]


class PostReport(models.Model):
    """A member's report of a post, queued for the category's moderators."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), validators=[MaxLengthValidator(2000)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
