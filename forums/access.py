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


# --- moderation (appended by the moderation feature) ------------------------------------------


def moderated_category_ids(user) -> set[int]:
    """Ids of the categories `user` moderates: their own and the children of those; all for platform admins."""
    if core_access.is_platform_admin(user):
        return set(Category.objects.values_list("id", flat=True))
    moderated = _moderated_ids(user)
    if not moderated:
        return set()
    children = Category.objects.filter(parent_id__in=moderated).values_list("id", flat=True)
    return moderated | set(children)


def is_any_moderator(user) -> bool:
    """Whether `user` moderates at least one category (or is a platform admin): may open the queue."""
    return core_access.is_platform_admin(user) or bool(_moderated_ids(user))


def access_category_for_moderation(user, category_id) -> Category:
    """A category `user` may read and moderates (a move or split target): 404 if unreadable, 403 if not moderated."""
    try:
        category = Category.objects.select_related("parent").get(pk=category_id)
    except (Category.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_read_category(user, category):
        raise Http404
    if not is_moderator(user, category):
        raise PermissionDenied
    return category


def access_post_for_report(user, post_id) -> Post:
    """A post `user` may report: they read it, may write, and it is visible and not their own."""
    post = access_post(user, post_id)
    if not core_access.can_act(user) or not post.is_visible or post.author_id == getattr(user, "pk", None):
        raise PermissionDenied
    return post


def access_report_for_moderation(user, report_id):
    """An open or handled report of a post in a category `user` moderates (403 otherwise, 404 if unknown)."""
    from forums.models import PostReport

    try:
        report = PostReport.objects.select_related("post", "post__topic", "post__topic__category").get(pk=report_id)
    except (PostReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not is_moderator(user, report.post.topic.category):
        raise PermissionDenied
    return report


# --- appended by the posting feature (F1) ----------------------------------------------------


def can_delete_post(user, post: Post) -> bool:
    """Authors delete their own posts (soft), under the same conditions as editing them."""
    return (
        post.deleted_at is None
        and post.hidden_at is None
        and post.author_id == getattr(user, "pk", None)
        and core_access.can_act(user)
        and not post.topic.is_locked
    )


def access_post_for_delete(user, post_id) -> Post:
    post = access_post(user, post_id)
    if not can_delete_post(user, post):
        raise PermissionDenied
    return post


def access_post_for_quote(user, post_id, topic: Topic) -> Post:
    """A post of `topic` that `user` may read and quote: 404 otherwise (deleted or hidden posts too)."""
    post = access_post(user, post_id)
    if post.topic_id != topic.pk or not post.is_visible:
        raise Http404
    return post


def _own_rule_q(category: Category):
    """Users whose own rule allows `category` (None: everyone, visitors included)."""
    from django.db.models import Q

    from intranet.models import Membership, Organization

    visibility = category.visibility
    if visibility == Visibility.PUBLIC:
        return None
    active = Membership.objects.filter(status=Membership.Status.ACTIVE)
    if visibility == Visibility.MEMBERS:
        return Q(pk__in=active.values("user_id"))
    if visibility == Visibility.BUYERS:
        return Q(pk__in=active.exclude(organization__kind=Organization.Kind.COMPANY).values("user_id"))
    if visibility == Visibility.ORGANIZATION:
        return Q(pk__in=active.filter(organization_id=category.organization_id).values("user_id"))
    if visibility == Visibility.GROUP:
        return Q(groups=category.group_id)
    return Q(pk__in=[])


def readers_of(topic: Topic) -> QuerySet:
    """Active accounts that may read `topic`, as one query (mention autocomplete): the same rules
    as readable_category_ids and access_topic, written as a filter instead of a per-person check."""
    from django.db.models import Q

    from intranet.models import User

    def moderators_of(category) -> Q:
        return Q(pk__in=Category.moderators.through.objects.filter(category_id=category.pk).values("user_id"))

    def allowed(category) -> Q | None:
        # None means everyone (an empty Q would vanish when OR-ed with another).
        rule = _own_rule_q(category)
        parent_rule = allowed(category.parent) if category.parent_id is not None else None
        if rule is None and parent_rule is None:
            return None
        if rule is None or parent_rule is None:
            condition = rule if parent_rule is None else parent_rule
        else:
            condition = rule & parent_rule
        return Q(is_superuser=True) | moderators_of(category) | condition

    category = topic.category
    condition = allowed(category) or Q()
    if topic.is_hidden:
        moderating = Q(is_superuser=True) | moderators_of(category)
        if category.parent_id is not None:
            moderating |= moderators_of(category.parent)
        condition &= moderating
    return User.objects.filter(condition, is_active=True, closed_at__isnull=True).distinct()


# --- engagement: reactions and solutions ---------------------------------------------------


def can_react(user, post: Post) -> bool:
    """People who may post in the category react to the visible posts of others, outside locked topics.

    Reacting to one's own post is refused (unlike Discourse): a reaction is a signal from readers to the
    author, and self-reactions would only inflate the counts buyers use to spot useful answers.
    """
    return (
        post.is_visible
        and post.author_id != getattr(user, "pk", None)
        and not post.topic.is_locked
        and can_post_in(user, post.topic.category)
    )


def access_post_for_reaction(user, post_id) -> Post:
    post = access_post(user, post_id)
    if not can_react(user, post):
        raise PermissionDenied
    return post


def can_mark_solution(user, topic: Topic) -> bool:
    """The topic's author (with an account that may act) and the category's moderators."""
    if is_moderator(user, topic.category):
        return True
    return topic.author_id == getattr(user, "pk", None) and core_access.can_act(user)


def access_post_for_solution(user, post_id) -> Post:
    post = access_post(user, post_id)
    if not can_mark_solution(user, post.topic):
        raise PermissionDenied
    return post


def access_topic_for_solution(user, topic_id) -> Topic:
    topic = access_topic(user, topic_id)
    if not can_mark_solution(user, topic):
        raise PermissionDenied
    return topic
