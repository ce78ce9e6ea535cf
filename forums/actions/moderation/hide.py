"""Hide and unhide a post (kept, shown to moderators only) or a whole topic (out of lists, feeds and search)."""

from django.db import transaction
from django.utils import timezone

from forums.actions.moderation import check_moderator, lock_categories, lock_topics, record, refresh_category
from forums.models import Post, Topic
from intranet.models import User


def do_set_post_hidden(user: User, post: Post, hidden: bool, *, request=None) -> Post:
    check_moderator(user, post.topic.category)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic__category").get(pk=post.pk)
        if (post.hidden_at is not None) != hidden:
            post.hidden_at = timezone.now() if hidden else None
            post.hidden_by = user if hidden else None
            post.save(update_fields=["hidden_at", "hidden_by"])
            record(
                user,
                "hide_post" if hidden else "unhide_post",
                request,
                post=post.pk,
                topic=post.topic_id,
                category=post.topic.category_id,
            )
    return post


def do_hide_post(user: User, post: Post, *, request=None) -> Post:
    return do_set_post_hidden(user, post, True, request=request)


def do_unhide_post(user: User, post: Post, *, request=None) -> Post:
    return do_set_post_hidden(user, post, False, request=request)


def do_set_topic_hidden(user: User, topic: Topic, hidden: bool, *, request=None) -> Topic:
    check_moderator(user, topic.category)
    with transaction.atomic():
        category = lock_categories([topic.category_id])[topic.category_id]
        topic = lock_topics([topic.pk])[topic.pk]
        if topic.is_hidden != hidden:
            topic.is_hidden = hidden
            topic.save(update_fields=["is_hidden"])
            refresh_category(category)  # last activity leaves out hidden topics
            record(user, "hide_topic" if hidden else "unhide_topic", request, topic=topic.pk, category=category.pk)
    return topic


def do_hide_topic(user: User, topic: Topic, *, request=None) -> Topic:
    return do_set_topic_hidden(user, topic, True, request=request)


def do_unhide_topic(user: User, topic: Topic, *, request=None) -> Topic:
    return do_set_topic_hidden(user, topic, False, request=request)
