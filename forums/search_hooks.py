"""Forum topics in the site search: each hit is re-checked against the database for the reader.

The check costs a fixed number of queries whatever the number of hits: the reader's readable (and, only
if a hit is hidden, moderated) categories, kept for that reader until the content changes (`_remembered`), plus
one query for the topics of post hits. Topic hits were loaded from the database just now by the search view, so their
category, hidden and merged flags are current even when the index lags behind the worker.

A topic's document holds its posts' words, so a post saved or deleted re-indexes its topic (the queued
signal processor only sees Topic saves, and the posting actions update topic counters with .update()).
The receivers below are connected at start-up by forums.signal_handlers.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail import hooks

from forums import access
from forums.models import Post, Topic
from forums.search_indexes import visible_posts
from intranet import page_cache
from intranet.search import reindex_on_commit


def _remembered(request, name: str, compute) -> set[int]:
    """`compute(reader)` (category ids) kept for the request's reader until the content changes (categories,
    memberships, groups and moderators are content: any committed write to them makes a new generation), at most
    SEARCH_KEYS_CACHE_SECONDS, as the search's access keys are (`intranet.page_cache.for_reader`)."""
    return page_cache.for_reader(request, name, lambda: compute(request.user), settings.SEARCH_KEYS_CACHE_SECONDS)


class _Reader:
    """What one reader may see, computed only as far as needed (`_remembered`)."""

    def __init__(self, request):
        self.request, self.user = request, request.user
        self._readable = None
        self._moderated = None

    def may_see(self, category_id: int, is_hidden: bool, merged_into_id) -> bool:
        if merged_into_id is not None:
            return False  # its page redirects to the topic it was merged into, which is a hit of its own
        if self._readable is None:
            self._readable = _remembered(self.request, "forum-readable", access.readable_category_ids)
        if category_id not in self._readable:
            return False
        if not is_hidden:
            return True
        if self._moderated is None:
            self._moderated = _remembered(self.request, "forum-moderated", access.moderated_category_ids)
        return category_id in self._moderated


@hooks.register("filter_search_results")
def drop_unreadable_forum_hits(request, results):
    """Keep other apps' hits; keep a topic (or a post) only if the reader may see it now.

    Hidden topics are left out of the index; until the worker removes one, only its moderators see it.
    """
    results = list(results)
    reader = _Reader(request)
    post_topic_ids = {r.object.topic_id for r in results if isinstance(r.object, Post)}
    post_topics = {}
    if post_topic_ids:
        rows = Topic.objects.filter(pk__in=post_topic_ids).values("pk", "category_id", "is_hidden", "merged_into")
        post_topics = {row["pk"]: row for row in rows}
    kept = []
    for result in results:
        obj = result.object
        if isinstance(obj, Topic):
            if reader.may_see(obj.category_id, obj.is_hidden, obj.merged_into_id):
                kept.append(result)
        elif isinstance(obj, Post):
            row = post_topics.get(obj.topic_id)
            if row and obj.is_visible and reader.may_see(row["category_id"], row["is_hidden"], row["merged_into"]):
                kept.append(result)
        else:
            kept.append(result)
    _attach_current_text([result.object for result in kept if isinstance(result.object, Topic)])
    return kept


# Characters of a topic's visible posts read for its excerpt (one query for the page's topics).
EXCERPT_POSTS_CHARS = 20_000


def _attach_current_text(topics: list) -> None:
    """Each topic's words as they are now (`search_text`: title and visible posts, hidden or deleted ones left
    out), for the site search's excerpt, in one query for the page."""
    if not topics:
        return
    sources = {}
    posts = visible_posts().filter(topic_id__in=[topic.pk for topic in topics]).values_list("topic_id", "source")
    for topic_id, source in posts:
        collected = sources.setdefault(topic_id, [])
        if sum(map(len, collected)) < EXCERPT_POSTS_CHARS:
            collected.append(source)
    for topic in topics:
        topic.search_text = "\n".join([topic.title, *sources.get(topic.pk, [])])


@hooks.register("search_access_keys")
def readable_categories(request) -> list[str]:
    """At the engine: a topic (key "cat-<category>") is a hit only for those who may read its category, so that
    counts, facets and pages are exact. Hidden and merged topics are not in the index; the read-time filter above
    still decides."""
    return [f"cat-{pk}" for pk in sorted(_remembered(request, "forum-readable", access.readable_category_ids))]


def _reindex_topic(topic_id) -> None:
    reindex_on_commit(Topic, topic_id)


@receiver(post_save, sender=Post, dispatch_uid="forums.search.post_saved")
def reindex_topic_of_saved_post(sender, instance, raw=False, **kwargs):
    """A new reply, an edit, a deletion by the author or a hide by a moderator changes the topic's words."""
    if not raw and instance.topic_id is not None:
        _reindex_topic(instance.topic_id)


@receiver(post_delete, sender=Post, dispatch_uid="forums.search.post_deleted")
def reindex_topic_of_deleted_post(sender, instance, **kwargs):
    # When the whole topic is deleted, the worker finds no topic and removes its document.
    if instance.topic_id is not None:
        _reindex_topic(instance.topic_id)
