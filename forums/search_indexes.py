"""The site search's index of forum topics: one document per topic, its title and its visible posts' words.

Readers are re-checked at query time (forums.search_hooks). A topic's words change with its posts, so a
post saved or deleted asks the worker to re-index its topic (forums.search_hooks, connected at start-up).
"""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from haystack import indexes

from forums.models import Post, Topic
from intranet.search import SiteDocument

TEXT_TEMPLATE = "search/indexes/forums/topic_text.txt"
POSTS = "searchable_posts"  # the prefetched visible posts of each topic


def visible_posts():
    """Posts whose words are searchable: not deleted by their author, not hidden by a moderator."""
    return Post.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True).order_by("number")


class TopicIndex(SiteDocument, indexes.Indexable):
    text = indexes.CharField(document=True)
    title = indexes.CharField(model_attr="title")
    # An integer, not a CharField: Whoosh's analyzer drops one-character tokens, so filtering a CharField on
    # category "1" would match every document (see docs/architecture.md, "Known pitfalls").
    category_id = indexes.IntegerField(model_attr="category_id")
    solved = indexes.BooleanField()
    last_post_at = indexes.DateTimeField(model_attr="last_post_at")

    def get_model(self):
        return Topic

    def index_queryset(self, using=None):
        # Hidden and merged topics are removed when saved (intranet.search.update_search_index asks this queryset).
        searchable = Prefetch("posts", queryset=visible_posts().only("topic_id", "number", "source"), to_attr=POSTS)
        topics = Topic.objects.filter(is_hidden=False, merged_into__isnull=True).select_related("category")
        return topics.prefetch_related(searchable)

    def read_queryset(self, using=None):
        # Every topic: the search view's hook decides who sees which (hidden ones for their moderators).
        return Topic.objects.select_related("category")

    def prepare_text(self, topic: Topic) -> str:
        posts = getattr(topic, POSTS, None)
        if posts is None:
            posts = list(visible_posts().filter(topic=topic).only("topic_id", "number", "source"))
        return render_to_string(TEXT_TEMPLATE, {"object": topic, "posts": [post.source for post in posts]})

    def prepare_solved(self, topic: Topic) -> bool:
        return topic.solution_id is not None

    def document_access(self, topic: Topic) -> list[str]:
        return [f"cat-{topic.category_id}"]  # readers of its category (forums.search_hooks)

    def document_date(self, topic: Topic):
        return topic.last_post_at

    def document_organizations(self, topic: Topic) -> list[int]:
        return [topic.category.organization_id]
