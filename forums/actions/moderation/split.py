"""Split chosen replies of a topic into a new topic (same or another category); both topics are renumbered."""

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
from forums.models import Category, Post, Topic
from intranet.models import User

TITLE_MAX_LENGTH = Topic._meta.get_field("title").max_length


def clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ValidationError(_("Please give the new topic a title."), "required")})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {"title": ValidationError(_("At most %(limit)s characters.") % {"limit": TITLE_MAX_LENGTH}, "max_length")}
        )
    return title


def do_split_topic(
    user: User, topic: Topic, post_ids: list[int], *, title: str, category: Category | None = None, request=None
) -> Topic:
    """Move the replies `post_ids` of `topic` to a new topic titled `title`; returns the new topic."""
    category = category or topic.category
    check_moderator(user, topic.category)
    if category.pk != topic.category_id:
        check_target_category(user, category)
    title = clean_title(title)
    with transaction.atomic():
        categories = lock_categories([topic.category_id, category.pk])
        topic = lock_topics([topic.pk])[topic.pk]
        chosen = list(Post.objects.filter(topic=topic, pk__in=set(post_ids), number__gt=1).order_by("created_at", "pk"))
        if not chosen or len(chosen) != len(set(post_ids)):
            raise ValidationError(
                {"posts": ValidationError(_("Choose one or more replies of this topic (not its first post)."), "posts")}
            )
        first = chosen[0]
        new_topic = Topic.objects.create(
            category=categories[category.pk], title=title, author_id=first.author_id, last_post_at=first.created_at
        )
        renumber(new_topic, [p.pk for p in chosen])
        remaining = list(Post.objects.filter(topic=topic).order_by("number").values_list("pk", flat=True))
        renumber(topic, remaining)
        refresh_topic(topic)
        refresh_topic(new_topic)
        for item in categories.values():
            refresh_category(item)
        record(
            user,
            "split",
            request,
            topic=topic.pk,
            new_topic=new_topic.pk,
            posts=[p.pk for p in chosen],
            category=topic.category_id,
            new_category=category.pk,
        )
    return new_topic
