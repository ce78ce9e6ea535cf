"""Atom feed of a public category. Feeds are fetched without logging in: public categories only."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from forums import access, reading


class CategoryFeed(Feed):
    """The newest topics of a category; 404 for any category an anonymous reader may not read."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        self.request = request
        # Whoever asks gets what an anonymous reader sees: a logged-in member gets no more.
        return access.access_category(AnonymousUser(), slug)

    def title(self, category):
        return _("Forum: %(name)s") % {"name": category.name}

    def subtitle(self, category):
        return category.description

    def link(self, category):
        return self.request.build_absolute_uri(category.get_absolute_url())

    def feed_url(self, category):
        return self.request.build_absolute_uri()

    def items(self, category):
        return reading.feed_topics(category)

    def item_title(self, topic):
        return topic.title

    def item_description(self, topic):
        # Stored HTML, sanitized once on write; the feed escapes it as the entry's content.
        return topic.first_post.html if topic.first_post else ""

    def item_link(self, topic):
        return self.request.build_absolute_uri(topic.get_absolute_url())

    def item_author_name(self, topic):
        return topic.author.get_full_name() or _("A member")

    def item_pubdate(self, topic):
        return topic.created_at

    def item_updateddate(self, topic):
        return topic.last_post_at
