"""Who may read, write and moderate in the forums.

Visibility of a category: public (anyone reads), members (people of member bodies and of
companies), buyers (people of member bodies), one organization, or a named group. A
sub-category is readable only if its parent is too. Platform admins read everything;
a category's moderators read what they moderate. Every path (pages, lists, feeds,
notifications, mentions, reactions, attachments, search, home page) goes through here.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from forums.models import Attachment, Category, Post, Topic
from intranet import access as core_access

Visibility = Category.Visibility


def _all_categories() -> list[Category]:
    return list(Category.objects.only("id", "parent_id", "visibility", "organization_id", "group_id"))


def _group_ids(user) -> set[int]:
    cached = getattr(user, "_forum_group_ids", None)
    if cached is None:
        cached = set(user.groups.values_list("id", flat=True)) if user.is_authenticated else set()
        user._forum_group_ids = cached
    return cached


def _moderated_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_forum_moderated_ids", None)
    if cached is None:
        cached = set(Category.moderators.through.objects.filter(user=user).values_list("category_id", flat=True))
        user._forum_moderated_ids = cached
    return cached


def _own_rule_allows(user, category: Category) -> bool:
    visibility = category.visibility
    if visibility == Visibility.PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if visibility == Visibility.MEMBERS:
        return bool(core_access.organization_ids_of(user))
    if visibility == Visibility.BUYERS:
        return core_access.is_buyer(user)
    if visibility == Visibility.ORGANIZATION:
        return category.organization_id in core_access.organization_ids_of(user)
    if visibility == Visibility.GROUP:
        return category.group_id in _group_ids(user)
    return False


def readable_category_ids(user) -> set[int]:
    """Ids of the categories `user` may read (cached on the user object for the request)."""
    cached = getattr(user, "_forum_readable_ids", None)
    if cached is not None:
        return cached
    categories = _all_categories()
    if core_access.is_platform_admin(user):
        ids = {c.pk for c in categories}
    else:
        moderated = _moderated_ids(user)
        by_id = {c.pk: c for c in categories}

        def allowed(category):
            if category.pk in moderated:
                return True
            if not _own_rule_allows(user, category):
                return False
            parent = by_id.get(category.parent_id)
            return parent is None or allowed(parent)

        ids = {c.pk for c in categories if allowed(c)}
    if hasattr(user, "__dict__"):
        user._forum_readable_ids = ids
    return ids


def forget(user) -> None:
    """Drop the per-request caches (after a membership or moderator change)."""
    for name in ("_forum_readable_ids", "_forum_group_ids", "_forum_moderated_ids"):
        user.__dict__.pop(name, None)


def can_read_category(user, category: Category) -> bool:
    return category.pk in readable_category_ids(user)


def readable_categories(user) -> QuerySet:
    return Category.objects.filter(pk__in=readable_category_ids(user))


def is_moderator(user, category: Category) -> bool:
    """Platform admins, and the moderators of this category or of its parent."""
    if core_access.is_platform_admin(user):
        return True
    moderated = _moderated_ids(user)
    return category.pk in moderated or (category.parent_id is not None and category.parent_id in moderated)


def can_post_in(user, category: Category) -> bool:
    """Reading is not enough: posting needs an open, confirmed account of a member body or company."""
    if not can_read_category(user, category) or not core_access.can_act(user):
        return False
    return core_access.is_platform_admin(user) or bool(core_access.organization_ids_of(user))


def visible_topics(user, queryset: QuerySet | None = None) -> QuerySet:
    """Topics `user` may see in lists, feeds and search: readable categories, not hidden, not merged."""
    queryset = Topic.objects.all() if queryset is None else queryset
    return queryset.filter(category_id__in=readable_category_ids(user), is_hidden=False, merged_into__isnull=True)


def access_category(user, slug: str) -> Category:
    try:
        category = Category.objects.select_related("parent").get(slug=slug)
    except Category.DoesNotExist:
        raise Http404 from None
    if not can_read_category(user, category):
        raise Http404
    return category


def access_topic(user, topic_id) -> Topic:
    """A topic `user` may read: 404 otherwise (existence must not leak). Hidden topics: moderators only."""
    try:
        topic = Topic.objects.select_related("category", "category__parent").get(pk=topic_id)
    except (Topic.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_read_category(user, topic.category):
        raise Http404
    if topic.is_hidden and not is_moderator(user, topic.category):
        raise Http404
    return topic


def access_topic_for_reply(user, topic_id) -> Topic:
    topic = access_topic(user, topic_id)
    if not can_post_in(user, topic.category):
        raise PermissionDenied
    if topic.is_locked and not is_moderator(user, topic.category):
        raise PermissionDenied
    return topic


def access_post(user, post_id) -> Post:
    try:
        post = Post.objects.select_related("topic", "topic__category", "author").get(pk=post_id)
    except (Post.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _check_topic(user, post.topic)
    if post.hidden_at is not None and not is_moderator(user, post.topic.category):
        raise Http404
    return post


def _check_topic(user, topic: Topic) -> None:
    if not can_read_category(user, topic.category):
        raise Http404
    if topic.is_hidden and not is_moderator(user, topic.category):
        raise Http404


def can_edit_post(user, post: Post) -> bool:
    if post.deleted_at is not None:
        return False
    if is_moderator(user, post.topic.category):
        return True
    return (
        post.author_id == getattr(user, "pk", None)
        and core_access.can_act(user)
        and not post.topic.is_locked
        and post.hidden_at is None
    )


def access_post_for_edit(user, post_id) -> Post:
    post = access_post(user, post_id)
    if not can_edit_post(user, post):
        raise PermissionDenied
    return post


def access_post_for_moderation(user, post_id) -> Post:
    post = access_post(user, post_id)
    if not is_moderator(user, post.topic.category):
        raise PermissionDenied
    return post


def access_topic_for_moderation(user, topic_id) -> Topic:
    topic = access_topic(user, topic_id)
    if not is_moderator(user, topic.category):
        raise PermissionDenied
    return topic


def access_attachment(user, attachment_id) -> Attachment:
    """Attachments are served only to readers of their post."""
    try:
        attachment = Attachment.objects.select_related("post", "post__topic", "post__topic__category").get(
            pk=attachment_id
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    post = attachment.post
    _check_topic(user, post.topic)
    if not post.is_visible and not is_moderator(user, post.topic.category):
        raise Http404
    return attachment


def can_notify(user, topic: Topic) -> bool:
    """Whether `user` may be told about something in `topic` (mentions, subscriptions)."""
    if not user.is_active or user.closed_at is not None:
        return False
    forget(user)
    return can_read_category(user, topic.category) and not (topic.is_hidden and not is_moderator(user, topic.category))
