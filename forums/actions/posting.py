"""Every write of people posting in the forums: new topics, replies, edits and deletions by the author.

Views, tests and commands call these functions. Each one checks the permission again (through
forums.access), validates, writes inside one transaction with the rows whose counters change locked
in a fixed order (author, then topic, then category), renders the HTML once (forums.markup) and, once
committed, notifies mentioned people and hands the post to the subscriptions (forums.notifications).
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, Model
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forums import access
from forums.markup import render_post
from forums.models import POST_MAX_LENGTH, Attachment, Category, Post, PostRevision, Topic
from intranet import audit
from intranet.models import AuditEvent, User
from intranet.notifications import notify
from intranet.uploads import content_ok, file_types, upload_name

logger = logging.getLogger(__name__)

TITLE_MIN_LENGTH = 3
TITLE_MAX_LENGTH = 200
# The same text by the same author within this delay is a double click: the first post is returned.
DUPLICATE_WINDOW = timedelta(seconds=30)
# "New" people (recent account or few posts) get the lower posting rate.
NEW_USER_AGE = timedelta(days=7)
NEW_USER_POSTS = 5
MAX_ATTACHMENTS = 5
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# The accepted extensions; their content types and the checks of their content are the core's (intranet.uploads).
ALLOWED_EXTENSIONS = file_types(
    "png", "jpg", "jpeg", "gif", "webp", "pdf", "odt", "ods", "docx", "xlsx", "pptx", "txt", "csv"
)


def posts_per_minute(user) -> int:
    """The posting rate allowed to `user`: lower for new accounts and people who have posted little."""
    new_limit = getattr(settings, "FORUM_POSTS_PER_MINUTE_NEW", 3)
    established_limit = getattr(settings, "FORUM_POSTS_PER_MINUTE_ESTABLISHED", 10)
    if user.date_joined > timezone.now() - NEW_USER_AGE:
        return new_limit
    if Post.objects.filter(author=user).count() < NEW_USER_POSTS:
        return new_limit
    return established_limit


def attachment_max_bytes() -> int:
    return getattr(settings, "FORUM_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES)


# --- validation ----------------------------------------------------------------------------


def _size(value: int) -> str:
    if value >= 1024 * 1024:
        return _("%(size)s MB") % {"size": number_format(value / (1024 * 1024), 1)}
    return _("%(size)s KB") % {"size": number_format(max(1, round(value / 1024)))}


def file_size_label(value: int) -> str:
    """A file's size as the error messages show it: “120 KB”, “2.5 MB”."""
    return _size(value)


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < TITLE_MIN_LENGTH:
        raise ValidationError(
            {
                "title": ValidationError(
                    _("Please give the topic a title of at least %(limit)s characters.") % {"limit": TITLE_MIN_LENGTH},
                    code="min_length",
                )
            }
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": ValidationError(
                    _("This title is too long: at most %(limit)s characters, you typed %(typed)s.")
                    % {"limit": TITLE_MAX_LENGTH, "typed": number_format(len(title), force_grouping=True)},
                    code="max_length",
                )
            }
        )
    return title


def clean_source(source: str) -> str:
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": ValidationError(_("Please write your message."), code="required")})
    if len(source) > POST_MAX_LENGTH:
        raise ValidationError(
            {
                "source": ValidationError(
                    _("This message is too long: at most %(limit)s characters, you typed %(typed)s.")
                    % {
                        "limit": number_format(POST_MAX_LENGTH, force_grouping=True),
                        "typed": number_format(len(source), force_grouping=True),
                    },
                    code="max_length",
                )
            }
        )
    return source


@dataclass
class CheckedFile:
    file: object
    name: str
    content_type: str
    is_image: bool
    size: int


def check_file(upload, limit: int | None = None) -> CheckedFile:
    """Validate one file: how big, which extension, and that the content matches it."""
    limit = attachment_max_bytes() if limit is None else limit
    name = upload_name(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too big (%(size)s): at most %(limit)s per file.")
            % {"name": name, "size": _size(upload.size), "limit": _size(limit)},
            code="too_big",
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("“%(name)s” cannot be attached: accepted files are %(kinds)s.")
            % {"name": name, "kinds": ", ".join(sorted(ALLOWED_EXTENSIONS))},
            code="bad_extension",
        )
    content_type, kind = ALLOWED_EXTENSIONS[extension]
    if not content_ok(upload, extension, kind):
        raise ValidationError(
            _("“%(name)s” is not a real .%(extension)s file: its content does not match its name.")
            % {"name": name, "extension": extension},
            code="bad_content",
        )
    return CheckedFile(upload, name, content_type, kind == "image", upload.size)


def check_attachments(files, *, already_attached: int = 0) -> list[CheckedFile]:
    """Validate uploaded files: how many, how big, which extension, and that the content matches it."""
    files = [f for f in (files or []) if f]
    if already_attached + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "files": ValidationError(
                    ngettext(
                        "At most %(limit)s file per message.",
                        "At most %(limit)s files per message.",
                        MAX_ATTACHMENTS,
                    )
                    % {"limit": MAX_ATTACHMENTS},
                    code="too_many",
                )
            }
        )
    limit = attachment_max_bytes()
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(check_file(upload, limit))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError({"files": errors})
    return checked


def _content_hash(scope: str, source: str, title: str = "") -> str:
    return hashlib.sha256(f"{scope}\n{title}\n{source}".encode()).hexdigest()


# --- locking and limits --------------------------------------------------------------------


def _lock(model: type[Model], pk: int):
    """Lock one row until the end of the transaction. SQLite has no row locks: a no-op UPDATE takes
    the database's write lock at once, so that a concurrent writer waits instead of failing later."""
    if connection.vendor == "sqlite":
        name = model._meta.pk.attname
        model.objects.filter(pk=pk).update(**{name: F(name)})
        return model.objects.get(pk=pk)
    return model.objects.select_for_update().get(pk=pk)


def _duplicate_of(user, content_hash: str) -> Post | None:
    return (
        Post.objects.filter(author=user, content_hash=content_hash, created_at__gte=timezone.now() - DUPLICATE_WINDOW)
        .select_related("topic")
        .order_by("-created_at")
        .first()
    )


def check_rate_limit(user) -> None:
    """Refuse a post beyond the allowed rate, saying when the person may post again."""
    limit = posts_per_minute(user)
    now = timezone.now()
    recent = list(
        Post.objects.filter(author=user, created_at__gte=now - timedelta(minutes=1))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return
    wait = max(1, int((recent[-1] + timedelta(minutes=1) - now).total_seconds()) + 1)
    raise ValidationError(
        ngettext(
            "You are posting too fast: at most %(limit)s messages per minute. You can post again in %(wait)s second.",
            "You are posting too fast: at most %(limit)s messages per minute. You can post again in %(wait)s seconds.",
            wait,
        )
        % {"limit": limit, "wait": wait},
        code="rate_limited",
    )


# --- after commit --------------------------------------------------------------------------


def _notify_mentioned(post: Post, user_ids, actor) -> list[User]:
    """Tell the mentioned people who may read the topic (and, once subscriptions exist, have not muted it)."""
    if not user_ids:
        return []
    topic = post.topic
    people = list(User.objects.filter(pk__in=user_ids, is_active=True, closed_at__isnull=True))
    try:
        from forums.notifications import notifiable_mentions
    except ImportError:
        people = [person for person in people if person.pk != post.author_id and access.can_notify(person, topic)]
    else:
        people = notifiable_mentions(post, people)
    notify(
        people,
        verb="forums.mentioned",
        actor=actor,
        target=post,
        message=_("%(name)s mentioned you in “%(topic)s”.") % {"name": actor.display_name, "topic": topic.title},
        url=post.get_absolute_url(),
    )
    return people


def _hand_to_subscriptions(post: Post, already_notified) -> None:
    # forums.notifications belongs to the subscriptions feature: optional until it exists.
    try:
        from forums.notifications import post_created
    except ImportError:
        return
    post_created(post, already_notified=already_notified)


def _after_commit(post: Post, mentioned_ids, actor, *, new_post: bool) -> None:
    def run():
        told = _notify_mentioned(post, mentioned_ids, actor)
        if new_post:
            _hand_to_subscriptions(post, told)

    transaction.on_commit(run)


# --- writing -------------------------------------------------------------------------------


def _quoted_posts(user, quoted: list[tuple[int, int]]) -> list[Post]:
    if not quoted:
        return []
    readable = access.readable_category_ids(user)
    candidates = Post.objects.filter(
        topic_id__in={topic_id for topic_id, _n in quoted}, topic__category_id__in=readable
    ).only("id", "topic_id", "number")
    wanted = set(quoted)
    return [post for post in candidates if (post.topic_id, post.number) in wanted]


def _attach(post: Post, files: list[CheckedFile], user) -> None:
    for checked in files:
        Attachment.objects.create(
            post=post,
            file=checked.file,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            is_image=checked.is_image,
            uploaded_by=user,
        )


def _create_post(user, topic: Topic, source: str, content_hash: str, number: int, files) -> Post:
    rendered = render_post(source)
    post = Post.objects.create(
        topic=topic, author=user, number=number, source=source, html=rendered.html, content_hash=content_hash
    )
    post.topic = topic
    if rendered.mentioned_ids:
        post.mentioned_users.set(rendered.mentioned_ids)
    quoted = _quoted_posts(user, rendered.quoted)
    if quoted:
        post.quoted_posts.set(quoted)
    _attach(post, files, user)
    _after_commit(post, [pk for pk in rendered.mentioned_ids if pk != user.pk], user, new_post=True)
    return post


def do_create_topic(user: User, category: Category, title: str, source: str, files=()) -> Topic:
    """Open a topic with its first post. A double click gives back the topic the first click opened."""
    if not access.can_post_in(user, category):
        raise PermissionDenied
    title = clean_title(title)
    source = clean_source(source)
    checked = check_attachments(files)
    content_hash = _content_hash(f"category:{category.pk}", source, title)
    with transaction.atomic():
        _lock(User, user.pk)  # one author's submissions one after the other: the duplicate check sees the first
        duplicate = _duplicate_of(user, content_hash)
        if duplicate is not None:
            return duplicate.topic
        check_rate_limit(user)
        _lock(Category, category.pk)
        now = timezone.now()
        topic = Topic.objects.create(category=category, author=user, title=title, last_post_at=now)
        post = _create_post(user, topic, source, content_hash, 1, checked)
        Topic.objects.filter(pk=topic.pk).update(first_post=post, last_post=post, last_post_at=post.created_at)
        topic.first_post = topic.last_post = post
        Category.objects.filter(pk=category.pk).update(
            topic_count=F("topic_count") + 1, post_count=F("post_count") + 1, last_activity_at=post.created_at
        )
    return topic


def do_reply(user: User, topic: Topic, source: str, files=(), quoted_post: Post | None = None) -> Post:
    """Add a reply at the end of `topic`; concurrent replies each get their own number.

    `quoted_post` is recorded as quoted even when the text lost the link back to it.
    """
    source = clean_source(source)
    checked = check_attachments(files)
    content_hash = _content_hash(f"topic:{topic.pk}", source)
    with transaction.atomic():
        _lock(User, user.pk)
        duplicate = _duplicate_of(user, content_hash)
        if duplicate is not None:
            return duplicate
        _lock(Topic, topic.pk)
        # Checked again on the locked row: a topic locked, hidden or moved a moment ago counts.
        access.forget(user)
        locked = access.access_topic_for_reply(user, topic.pk)
        if locked.merged_into_id is not None:
            raise PermissionDenied
        check_rate_limit(user)
        last_number = Post.objects.filter(topic=locked).aggregate(last=Max("number"))["last"] or 0
        post = _create_post(user, locked, source, content_hash, last_number + 1, checked)
        if quoted_post is not None and quoted_post.topic_id == locked.pk:
            post.quoted_posts.add(quoted_post)
        Topic.objects.filter(pk=locked.pk).update(
            reply_count=F("reply_count") + 1, last_post=post, last_post_at=post.created_at
        )
        _lock(Category, locked.category_id)
        Category.objects.filter(pk=locked.category_id).update(
            post_count=F("post_count") + 1, last_activity_at=post.created_at
        )
    return post


def do_edit_post(
    user: User, post: Post, source: str, files_to_add=(), attachments_to_remove=(), *, request=None
) -> Post:
    """The author (or a moderator) rewrites a post: the previous text is kept as a revision.

    Only people newly mentioned are notified. A moderator's edit of someone else's post is audited.
    """
    if not access.can_edit_post(user, post):
        raise PermissionDenied
    source = clean_source(source)
    remove_ids = {int(pk) for pk in attachments_to_remove or ()}
    with transaction.atomic():
        locked = _lock(Post, post.pk)
        locked.topic = post.topic
        attachments = list(Attachment.objects.filter(post=locked))
        removed = [a for a in attachments if a.pk in remove_ids]
        checked = check_attachments(files_to_add, already_attached=len(attachments) - len(removed))
        if source == locked.source and not removed and not checked:
            return locked
        if source != locked.source:
            rendered = render_post(source)
            PostRevision.objects.create(post=locked, source=locked.source, edited_by=user)
            before = set(locked.mentioned_users.values_list("id", flat=True))
            locked.source = source
            locked.html = rendered.html
            locked.content_hash = _content_hash(f"topic:{locked.topic_id}", source)
            locked.edited_at = timezone.now()
            locked.edit_count = F("edit_count") + 1
            locked.save(update_fields=["source", "html", "content_hash", "edited_at", "edit_count"])
            locked.refresh_from_db(fields=["edit_count"])
            locked.mentioned_users.set(rendered.mentioned_ids)
            locked.quoted_posts.set(_quoted_posts(user, rendered.quoted))
            newly = [pk for pk in rendered.mentioned_ids if pk not in before and pk != locked.author_id]
            _after_commit(locked, newly, user, new_post=False)
        for attachment in removed:
            stored = attachment.file.name
            attachment.delete()
            transaction.on_commit(lambda name=stored: Attachment.file.field.storage.delete(name))
        _attach(locked, checked, user)
        if locked.author_id != user.pk:
            audit.record(
                AuditEvent.Action.FORUM_MODERATION,
                actor=user,
                request=request,
                subject_user=locked.author,
                app="forums",
                verb="post_edited",
                post_id=locked.pk,
                topic_id=locked.topic_id,
            )
    return locked


def do_delete_post(user: User, post: Post) -> Post:
    """The author deletes their post (soft): the topic shows “message deleted by its author” in its place.

    Counters and numbers are left as they are (the place in the topic, its permalink and the
    "first unread" positions stay right), and a deleted first post leaves the topic and its replies.
    """
    if not access.can_delete_post(user, post):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock(Post, post.pk)
        if locked.deleted_at is None:
            locked.deleted_at = timezone.now()
            locked.save(update_fields=["deleted_at"])
    post.deleted_at = locked.deleted_at
    return post
