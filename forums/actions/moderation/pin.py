"""Pin a topic at the top of its category, or everywhere (global pins: platform admins and moderators)."""

from django.db import transaction

from forums.actions.moderation import check_moderator, lock_topics, record
from forums.models import Topic
from intranet.models import User


def do_set_topic_pinned(user: User, topic: Topic, pinned: bool, *, globally: bool = False, request=None) -> Topic:
    check_moderator(user, topic.category)
    field = "is_pinned_globally" if globally else "is_pinned"
    with transaction.atomic():
        topic = lock_topics([topic.pk])[topic.pk]
        if getattr(topic, field) != pinned:
            setattr(topic, field, pinned)
            topic.save(update_fields=[field])
            verb = ("pin" if pinned else "unpin") + ("_globally" if globally else "")
            record(user, verb, request, topic=topic.pk, category=topic.category_id)
    return topic


def do_pin_topic(user: User, topic: Topic, *, request=None) -> Topic:
    return do_set_topic_pinned(user, topic, True, request=request)


def do_unpin_topic(user: User, topic: Topic, *, request=None) -> Topic:
    return do_set_topic_pinned(user, topic, False, request=request)


def do_pin_topic_globally(user: User, topic: Topic, *, request=None) -> Topic:
    return do_set_topic_pinned(user, topic, True, globally=True, request=request)


def do_unpin_topic_globally(user: User, topic: Topic, *, request=None) -> Topic:
    return do_set_topic_pinned(user, topic, False, globally=True, request=request)
