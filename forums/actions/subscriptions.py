"""Every write on forum subscriptions: watching, tracking or muting a topic or a whole category.

Levels: watching a topic notifies on every reply; watching a category notifies on its new topics (and its
sub-categories', unless they have a level of their own); tracking (the default, also given automatically to
a topic's author and repliers) notifies on mentions and replies to me; muted silences everything, a muted
category silencing its topics unless a topic has a level of its own.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from forums.models import Category, Subscription, Topic
from intranet.models import User

Level = Subscription.Level


def _check_level(level: str) -> None:
    if level not in Level.values:
        raise ValidationError({"level": ValidationError(_("Please choose a notification level."), code="invalid")})


def _set(user: User, level: str, **target) -> Subscription:
    _check_level(level)
    # Two requests at once (double click, two tabs) may both insert: the unique constraint stops the
    # second, which then updates the row the first one created.
    for attempt in range(2):
        try:
            with transaction.atomic():
                subscription, _created = Subscription.objects.update_or_create(
                    user=user, **target, defaults={"level": level}
                )
                return subscription
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def do_set_topic_subscription(user: User, topic: Topic, level: str) -> Subscription:
    """Set `user`'s level on `topic` (the caller has checked that they read it)."""
    return _set(user, level, topic=topic)


def do_set_category_subscription(user: User, category: Category, level: str) -> Subscription:
    """Set `user`'s level on `category` (the caller has checked that they read it)."""
    return _set(user, level, category=category)


def do_unsubscribe(user: User, *, topic: Topic | None = None, category: Category | None = None) -> Subscription:
    """The one-click link of the e-mails: mute the topic or the category."""
    if topic is not None:
        return do_set_topic_subscription(user, topic, Level.MUTED)
    return do_set_category_subscription(user, category, Level.MUTED)


def ensure_tracking(user_ids, topic: Topic) -> None:
    """Make these people track `topic` unless they already chose a level for it (authors and repliers)."""
    rows = [Subscription(user_id=user_id, topic=topic, level=Level.TRACKING) for user_id in set(user_ids)]
    if rows:
        Subscription.objects.bulk_create(rows, ignore_conflicts=True)
