"""Forum topics and posts in the site search: each hit is re-checked against the database for the reader."""

from wagtail import hooks

from forums import access
from forums.models import Post, Topic


@hooks.register("filter_search_results")
def drop_unreadable_forum_hits(request, results):
    """Keep other apps' hits; keep a topic or post only if the reader may see it now (the index may lag)."""
    user = request.user
    for result in results:
        obj = result.object
        if isinstance(obj, Topic):
            if access.visible_topics(user, Topic.objects.filter(pk=obj.pk)).exists():
                yield result
        elif isinstance(obj, Post):
            topic_visible = access.visible_topics(user, Topic.objects.filter(pk=obj.topic_id)).exists()
            if topic_visible and obj.is_visible:
                yield result
        else:
            yield result
