"""Merge a topic into another: its posts join the other's in chronological order and it redirects there."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forums.actions.moderation import (
    check_moderator,
    lock_categories,
    lock_topics,
    record,
    refresh_category,
    refresh_topic,
    renumber,
)
from forums.actions.moderation.move import check_target_category
from forums.models import Post, Subscription, Topic, TopicReadState
from intranet.models import User


def do_merge_topics(user: User, topic: Topic, into: Topic, *, request=None) -> Topic:
    """Merge `topic` into `into`; returns `into`, renumbered, with the counters of both categories right."""
    check_moderator(user, topic.category)
    check_target_category(user, into.category)
    if topic.pk == into.pk:
        raise ValidationError({"target": ValidationError(_("A topic cannot be merged into itself."), "same")})
    with transaction.atomic():
        categories = lock_categories([topic.category_id, into.category_id])
        topics = lock_topics([topic.pk, into.pk])
        topic, into = topics[topic.pk], topics[into.pk]
        if topic.merged_into_id is not None or into.merged_into_id is not None:
            raise ValidationError({"target": ValidationError(_("This topic has already been merged."), "merged")})
        posts = list(
            Post.objects.filter(topic__in=[topic, into]).order_by("created_at", "pk").values_list("pk", flat=True)
        )
        renumber(into, posts)
        if into.solution_id is None and topic.solution_id is not None:
            into.solution_id = topic.solution_id
        topic.merged_into = into
        topic.solution_id = None
        topic.save(update_fields=["merged_into", "solution"])
        Topic.objects.filter(merged_into=topic).update(merged_into=into)
        # Followers of the merged topic keep following the discussion (their own choice on `into` wins).
        following = Subscription.objects.filter(topic=into).values_list("user_id", flat=True)
        Subscription.objects.filter(topic=topic).exclude(user_id__in=following).update(topic=into)
        TopicReadState.objects.filter(topic=topic).delete()
        refresh_topic(into)
        refresh_topic(topic)
        for category in categories.values():
            refresh_category(category)
        record(user, "merge", request, topic=topic.pk, into=into.pk, category=topic.category_id)
    return into
