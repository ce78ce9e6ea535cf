"""Writes of the reading side: how far a person has read a topic, and "mark all read"."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from forums.models import Category, CategoryReadMark, Topic, TopicReadState


def do_mark_topic_read(user, topic: Topic, number: int, known: int | None = None) -> None:
    """Record that `user` has read `topic` up to post `number`; never moves backwards.

    `known` is the last read number the caller already fetched (None: no read state yet), which saves a
    query on every page view; a concurrent first visit is absorbed by the unique constraint.
    """
    if not getattr(user, "is_authenticated", False) or number <= 0:
        return
    if known is not None:
        if number > known:
            TopicReadState.objects.filter(user=user, topic=topic, last_read_number__lt=number).update(
                last_read_number=number, updated_at=timezone.now()
            )
        return
    try:
        with transaction.atomic():
            TopicReadState.objects.create(user=user, topic=topic, last_read_number=number)
    except IntegrityError:
        TopicReadState.objects.filter(user=user, topic=topic, last_read_number__lt=number).update(
            last_read_number=number, updated_at=timezone.now()
        )


def do_mark_all_read(user, category: Category | None = None) -> CategoryReadMark:
    """Every topic (of `category` and its sub-categories, or everywhere) active until now counts as read."""
    now = timezone.now()
    categories = [None] if category is None else [category, *Category.objects.filter(parent=category)]
    marks = []
    for target in categories:
        mark, _created = CategoryReadMark.objects.update_or_create(
            user=user, category=target, defaults={"marked_at": now}
        )
        marks.append(mark)
    return marks[0]
