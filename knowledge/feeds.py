"""Atom feed of the latest guides. Feeds are fetched without logging in: guides for everyone only."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from knowledge import reading


class LatestGuidesFeed(Feed):
    """Served by KnowledgeIndexPage's `feed/` route; whoever asks gets what an anonymous reader sees."""

    feed_type = Atom1Feed
    description = _("The latest guides of the knowledge base.")

    def __init__(self, index):
        super().__init__()
        self.index = index

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index

    def title(self, index):
        return index.title

    def subtitle(self, index):
        return self.description

    def link(self, index):
        return index.get_full_url(self.request)

    def feed_url(self, index):
        return self.request.build_absolute_uri()

    def items(self, index):
        return reading.feed_guides(index)

    def item_title(self, guide):
        return guide.title

    def item_description(self, guide):
        return guide.summary

    def item_link(self, guide):
        return guide.get_full_url(self.request)

    def item_pubdate(self, guide):
        return guide.first_published_at

    def item_updateddate(self, guide):
        return guide.last_published_at or guide.first_published_at

    def item_categories(self, guide):
        return [tag.name for tag in guide.tags.all()]
