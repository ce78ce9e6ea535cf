"""Lock and unlock a topic: only moderators reply to a locked topic."""

from django.db import transaction

from forums.actions.moderation import check_moderator, lock_topics, record
from forums.models import Topic
from intranet.models import User


def do_set_topic_locked(user: User, topic: Topic, locked: bool, *, request=None) -> Topic:
    check_moderator(user, topic.category)
    with transaction.atomic():
        topic = lock_topics([topic.pk])[topic.pk]
        if topic.is_locked != locked:
            topic.is_locked = locked
            topic.save(update_fields=["is_locked"])
            record(user, "lock" if locked else "unlock", request, topic=topic.pk, category=topic.category_id)
    return topic


def do_lock_topic(user: User, topic: Topic, *, request=None) -> Topic:
    return do_set_topic_locked(user, topic, True, request=request)


def do_unlock_topic(user: User, topic: Topic, *, request=None) -> Topic:
    return do_set_topic_locked(user, topic, False, request=request)
