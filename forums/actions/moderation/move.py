"""Move a topic to another category the moderator may read and moderates; both categories' counters follow."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forums import access
from forums.actions.moderation import check_moderator, lock_categories, lock_topics, record, refresh_category
from forums.models import Category, Topic
from intranet.models import User


def check_target_category(user: User, category: Category) -> None:
    """A move or split target: readable by the moderator and moderated by them (or they are a platform admin)."""
    if not access.can_read_category(user, category):
        raise PermissionDenied
    check_moderator(user, category)


def do_move_topic(user: User, topic: Topic, target: Category, *, request=None) -> Topic:
    check_moderator(user, topic.category)
    check_target_category(user, target)
    if target.pk == topic.category_id:
        raise ValidationError({"category": ValidationError(_("The topic is already in this category."), "same")})
    with transaction.atomic():
        categories = lock_categories([topic.category_id, target.pk])
        topic = lock_topics([topic.pk])[topic.pk]
        source_id = topic.category_id
        topic.category_id = target.pk
        topic.save(update_fields=["category"])
        # Topics merged into this one stay with it, so their redirects keep making sense.
        Topic.objects.filter(merged_into=topic).update(category_id=target.pk)
        for category in categories.values():
            refresh_category(category)
        record(user, "move", request, topic=topic.pk, from_category=source_id, to_category=target.pk)
    topic.category = categories[target.pk]
    return topic
