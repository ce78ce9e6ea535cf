"""Moderation of the forums, one module per verb (lock, pin, move, split, merge, hide, reports).

Every verb checks that the actor moderates the categories involved, runs in one transaction that
locks the rows whose counters change (categories first, then topics, each in id order) and writes
one FORUM_MODERATION audit event whose details name the verb and the ids involved.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, Q

from forums import access
from forums.models import Category, Post, Topic
from intranet import audit
from intranet.models import AuditEvent, User


def check_moderator(user: User, category: Category) -> None:
    if not access.is_moderator(user, category) or not access.core_access.can_act(user):
        raise PermissionDenied


def record(user: User, verb: str, request=None, **ids) -> AuditEvent:
    return audit.record(AuditEvent.Action.FORUM_MODERATION, actor=user, request=request, verb=verb, **ids)


def lock_categories(ids: Iterable[int]) -> dict[int, Category]:
    return {c.pk: c for c in Category.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")}


def lock_topics(ids: Iterable[int]) -> dict[int, Topic]:
    return {t.pk: t for t in Topic.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")}


def refresh_topic(topic: Topic) -> None:
    """Recompute first/last post, reply count and last activity from the topic's posts."""
    posts = list(Post.objects.filter(topic=topic).order_by("number").values_list("pk", "number", "created_at"))
    if posts:
        topic.first_post_id = posts[0][0]
        topic.last_post_id = posts[-1][0]
        topic.last_post_at = posts[-1][2]
        topic.reply_count = len(posts) - 1
    else:
        topic.first_post_id = topic.last_post_id = None
        topic.reply_count = 0
    if topic.solution_id is not None and topic.solution_id not in {p[0] for p in posts[1:]}:
        topic.solution_id = None
    topic.save(update_fields=["first_post", "last_post", "last_post_at", "reply_count", "solution"])


def refresh_category(category: Category) -> None:
    """Recompute a category's topic and post counts and last activity (merged topics no longer count)."""
    live = Q(merged_into__isnull=True)
    stats = Topic.objects.filter(live, category=category).aggregate(
        topics=Count("pk"), last=Max("last_post_at", filter=Q(is_hidden=False))
    )
    category.topic_count = stats["topics"]
    category.post_count = Post.objects.filter(topic__category=category, topic__merged_into__isnull=True).count()
    category.last_activity_at = stats["last"]
    category.save(update_fields=["topic_count", "post_count", "last_activity_at"])


def renumber(topic: Topic, ordered_post_ids: list[int]) -> None:
    """Give the posts `ordered_post_ids` (moved into `topic` if need be) the numbers 1..n, in that order.

    Two steps, so the unique (topic, number) constraint never sees two rows with one number: first every
    post goes above any number in use, then all come down together.
    """
    if not ordered_post_ids:
        return
    highest = Post.objects.filter(Q(topic=topic) | Q(pk__in=ordered_post_ids)).aggregate(n=Max("number"))["n"] or 0
    offset = highest + len(ordered_post_ids) + 1
    posts = [Post(pk=pk, topic_id=topic.pk, number=offset + index) for index, pk in enumerate(ordered_post_ids, 1)]
    Post.objects.bulk_update(posts, ["topic", "number"], batch_size=500)
    Post.objects.filter(pk__in=ordered_post_ids).update(number=F("number") - offset)
