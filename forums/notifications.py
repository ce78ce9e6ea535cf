"""Who hears about what happens in the forums: replies, new topics, solutions and (batched) reactions.

Every notification goes through intranet.notifications.notify (in-app at once, e-mail immediately or in
the daily digest per the person's preference), carries a link to the post and a one-click unsubscribe
link for its topic or category, and reaches only people who may read the topic (forums.access.can_notify)
and have not muted it. Messages are written in the site's language: they are stored as written.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from forums import access
from forums.actions.subscriptions import ensure_tracking
from forums.models import Post, Reaction, Subscription, Topic
from forums.unsubscribe import unsubscribe_url_for
from intranet import scheduler
from intranet.models import Notification, User
from intranet.notifications import notify

Level = Subscription.Level

REPLY_VERB = "forums.reply"
NEW_TOPIC_VERB = "forums.new_topic"
MENTIONED_VERB = "forums.mentioned"  # sent by the posting code (mentions)
SOLUTION_VERB = "forums.solution"
REACTIONS_VERB = "forums.reactions"
# One post, one notification per person: whoever got one of these for a post gets no other.
POST_VERBS = (REPLY_VERB, NEW_TOPIC_VERB, MENTIONED_VERB)


# --- levels ----------------------------------------------------------------------------------


def _category_chain(topic: Topic) -> list[int]:
    """The topic's category, then its parent: the nearest category level applies."""
    category = topic.category
    return [category.pk] + ([category.parent_id] if category.parent_id else [])


def _nearest(rows, chain) -> dict[int, tuple[str, int]]:
    levels: dict[int, tuple[str, int]] = {}
    for user_id, category_id, level in rows:
        current = levels.get(user_id)
        if current is None or chain.index(category_id) < chain.index(current[1]):
            levels[user_id] = (level, category_id)
    return levels


def category_levels(topic: Topic, user_ids=None) -> dict[int, tuple[str, int]]:
    """{user id: (level, category id)} from the nearest category subscription of each person."""
    chain = _category_chain(topic)
    rows = Subscription.objects.filter(category_id__in=chain)
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    return _nearest(rows.values_list("user_id", "category_id", "level"), chain)


def topic_levels(topic: Topic, user_ids) -> dict[int, str]:
    """{user id: effective level on `topic`}: their topic level, else muted if the nearest category is muted,
    else tracking (the default: mentions and replies to me). One query."""
    user_ids = set(user_ids)
    if not user_ids:
        return {}
    chain = _category_chain(topic)
    rows = list(
        Subscription.objects.filter(Q(topic=topic) | Q(category_id__in=chain), user_id__in=user_ids).values_list(
            "user_id", "topic_id", "category_id", "level"
        )
    )
    own = {user_id: level for user_id, topic_id, _category_id, level in rows if topic_id is not None}
    inherited = _nearest(
        [(user_id, category_id, level) for user_id, topic_id, category_id, level in rows if topic_id is None], chain
    )
    levels = {}
    for user_id in user_ids:
        if user_id in own:
            levels[user_id] = own[user_id]
        elif inherited.get(user_id, ("",))[0] == Level.MUTED:
            levels[user_id] = Level.MUTED
        else:
            levels[user_id] = Level.TRACKING
    return levels


def subscription_level(user, *, topic: Topic | None = None, category=None) -> str:
    """The level shown in the subscription forms (tracking when nothing was chosen)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if topic is not None:
        return topic_levels(topic, [user.pk])[user.pk]
    level = Subscription.objects.filter(user=user, category=category).values_list("level", flat=True).first()
    return level or Level.TRACKING


def _readers(topic: Topic, user_ids) -> list[User]:
    """The active people among `user_ids` who may be told about `topic`."""
    users = User.objects.filter(pk__in=set(user_ids), is_active=True, closed_at__isnull=True).order_by("pk")
    return [user for user in users if access.can_notify(user, topic)]


def notifiable_mentions(post: Post, users) -> list[User]:
    """For the posting code: the mentioned people who may read the topic and have not muted it."""
    users = [user for user in users if user.pk != post.author_id]
    levels = topic_levels(post.topic, [user.pk for user in users])
    return [user for user in users if levels[user.pk] != Level.MUTED and access.can_notify(user, post.topic)]


# --- new posts -------------------------------------------------------------------------------


def post_created(post: Post, already_notified=frozenset()) -> None:
    """Called once a post is committed: its author tracks the topic, and the right people are told.

    `already_notified` holds the people (or their ids) the posting code already told about this post (its
    mentions); they get nothing more. The notifications themselves are worked out by a task, after commit.
    """
    ensure_tracking([post.author_id], post.topic)
    ids = sorted({getattr(person, "pk", person) for person in already_notified})
    transaction.on_commit(lambda: deliver_post_notifications.enqueue(post.pk, ids))


def _already_told(post: Post) -> set[int]:
    return set(
        Notification.objects.filter(
            target_type=ContentType.objects.get_for_model(Post), target_id=str(post.pk), verb__in=POST_VERBS
        ).values_list("recipient_id", flat=True)
    )


@task()
def deliver_post_notifications(post_id: int, already_notified: list[int] = ()) -> int:
    """Notify watchers (replies), category watchers (new topics) and quoted authors; returns how many."""
    post = (
        Post.objects.select_related("topic", "topic__category", "topic__category__parent", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not post.is_visible or post.topic.is_hidden or post.topic.merged_into_id:
        return 0
    topic = post.topic
    excluded = {post.author_id, *already_notified} | _already_told(post)
    is_first_post = post.number == 1

    quoted = set(post.quoted_posts.values_list("author_id", flat=True)) - excluded
    if is_first_post:
        watching = {
            user_id: category_id
            for user_id, (level, category_id) in category_levels(topic).items()
            if level == Level.WATCHING and user_id not in excluded
        }
    else:
        watching = {
            user_id: None
            for user_id in Subscription.objects.filter(topic=topic, level=Level.WATCHING).values_list(
                "user_id", flat=True
            )
            if user_id not in excluded
        }
    levels = topic_levels(topic, quoted | set(watching))
    allowed = {user.pk: user for user in _readers(topic, [pk for pk, level in levels.items() if level != Level.MUTED])}
    quoted_users = [allowed[pk] for pk in sorted(quoted) if pk in allowed]
    watching_users = [allowed[pk] for pk in sorted(watching) if pk in allowed and pk not in quoted]

    name = post.author.display_name
    common = {"actor": post.author, "target": post, "url": post.get_absolute_url()}
    topic_link = lambda user: unsubscribe_url_for(user, topic=topic)  # noqa: E731
    sent = 0
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        if quoted_users:
            message = (
                _("%(name)s quoted your message in “%(topic)s”")
                if is_first_post
                else _("%(name)s replied to your message in “%(topic)s”")
            )
            sent += len(
                notify(
                    quoted_users,
                    verb=NEW_TOPIC_VERB if is_first_post else REPLY_VERB,
                    message=message % {"name": name, "topic": topic.title},
                    unsubscribe_url_for=topic_link,
                    **common,
                )
            )
        if watching_users and is_first_post:
            categories = {topic.category.pk: topic.category}
            if topic.category.parent_id:
                categories[topic.category.parent_id] = topic.category.parent
            sent += len(
                notify(
                    watching_users,
                    verb=NEW_TOPIC_VERB,
                    message=_("%(name)s started a new topic in “%(category)s”: “%(topic)s”")
                    % {"name": name, "category": topic.category.name, "topic": topic.title},
                    unsubscribe_url_for=lambda user: unsubscribe_url_for(user, category=categories[watching[user.pk]]),
                    **common,
                )
            )
        elif watching_users:
            sent += len(
                notify(
                    watching_users,
                    verb=REPLY_VERB,
                    message=_("%(name)s replied in “%(topic)s”") % {"name": name, "topic": topic.title},
                    unsubscribe_url_for=topic_link,
                    **common,
                )
            )
    return sent


# --- solutions -------------------------------------------------------------------------------


def solution_marked(post: Post, by: User) -> None:
    """Tell the author of the reply marked as the solution (unless they marked it, or muted the topic)."""
    topic = post.topic
    if topic_levels(topic, [post.author_id])[post.author_id] == Level.MUTED:
        return
    recipients = _readers(topic, [post.author_id])
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients,
            verb=SOLUTION_VERB,
            actor=by,
            target=post,
            url=post.get_absolute_url(),
            message=_("Your reply in “%(topic)s” was marked as the solution by %(name)s.")
            % {"topic": topic.title, "name": by.display_name},
            unsubscribe_url_for=lambda user: unsubscribe_url_for(user, topic=topic),
        )


# --- reactions, in batches -------------------------------------------------------------------


def _reactions_message(count: int, topics: list[Topic]) -> str:
    if len(topics) == 1:
        return ngettext(
            "%(count)s new reaction to your messages in “%(topic)s”",
            "%(count)s new reactions to your messages in “%(topic)s”",
            count,
        ) % {"count": count, "topic": topics[0].title}
    others = len(topics) - 1
    return ngettext(
        "%(count)s new reactions to your messages in “%(topic)s” and %(others)s other topic",
        "%(count)s new reactions to your messages in “%(topic)s” and %(others)s other topics",
        others,
    ) % {"count": count, "topic": topics[0].title, "others": others}


def _claim_pending_reactions() -> list[Reaction]:
    """Mark every reaction not yet covered as notified now, and return those this run claimed."""
    now = timezone.now()
    ids = list(Reaction.objects.filter(notified_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return []
    Reaction.objects.filter(pk__in=ids, notified_at__isnull=True).update(notified_at=now)
    # A concurrent run claimed some rows first if their notified_at differs from ours.
    return list(
        Reaction.objects.filter(pk__in=ids, notified_at=now)
        .select_related("post", "post__topic", "post__topic__category", "user")
        .order_by("created_at", "pk")
    )


@task()
def send_reaction_notifications() -> int:
    """One notification per post author for all reactions not yet notified; returns how many were sent.

    Skipped (and marked as handled): reactions on posts no longer visible, reactions by people who can no
    longer read the topic, reactions to authors who cannot read it any more or muted it.
    """
    sent = 0
    readable: dict[tuple[int, int], bool] = {}

    def may_read(user, topic) -> bool:
        key = (user.pk, topic.pk)
        if key not in readable:
            readable[key] = access.can_notify(user, topic)
        return readable[key]

    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        by_author: dict[int, list[Reaction]] = defaultdict(list)
        for reaction in _claim_pending_reactions():
            post = reaction.post
            if not post.is_visible or post.topic.is_hidden or reaction.user_id == post.author_id:
                continue
            if may_read(reaction.user, post.topic):
                by_author[post.author_id].append(reaction)
        authors = User.objects.in_bulk(list(by_author))
        for author_id, reactions in by_author.items():
            author = authors.get(author_id)
            if author is None:
                continue
            # Most recent topic first: the notification links to the latest reacted post.
            topics = list({r.post.topic_id: r.post.topic for r in reversed(reactions)}.values())
            muted = {topic.pk for topic in topics if topic_levels(topic, [author_id])[author_id] == Level.MUTED}
            topics = [topic for topic in topics if topic.pk not in muted and may_read(author, topic)]
            reactions = [r for r in reactions if r.post.topic_id in {topic.pk for topic in topics}]
            if not reactions:
                continue
            latest = reactions[-1]
            reactors = {r.user_id for r in reactions}
            created = notify(
                [author],
                verb=REACTIONS_VERB,
                message=_reactions_message(len(reactions), topics),
                url=latest.post.get_absolute_url(),
                target=latest.post,
                actor=latest.user if len(reactors) == 1 else None,
                unsubscribe_url_for=lambda user, topic=latest.post.topic: unsubscribe_url_for(user, topic=topic),
            )
            sent += len(created)
    return sent


scheduler.register("forums.reaction_digest", send_reaction_notifications, period="hourly")
