"""The site search's index of guides: live guides only; readers are re-checked at query time."""

from django.template.loader import render_to_string
from haystack import indexes

from intranet.search import SiteDocument
from knowledge.models import GuidePage

TEXT_TEMPLATE = "search/indexes/knowledge/guidepage_text.txt"


def guide_body_text(guide: GuidePage) -> str:
    """The words of a guide's body (headings, text, callouts, steps, tables, quotes), without markup."""
    return "\n".join(str(part) for part in guide.body.stream_block.get_searchable_content(guide.body) if part)


class GuidePageIndex(SiteDocument, indexes.Indexable):
    text = indexes.CharField(document=True)
    title = indexes.CharField(model_attr="title")
    # A keyword list, not a CharField: Whoosh's analyzer drops short tokens and stems words, which
    # would make filtering on it match the wrong documents (see docs/architecture.md, "Known pitfalls").
    audience = indexes.MultiValueField()
    tags = indexes.MultiValueField()
    last_published_at = indexes.DateTimeField(model_attr="last_published_at", null=True)

    def get_model(self):
        return GuidePage

    def index_queryset(self, using=None):
        # Unpublished guides are removed when saved (intranet.search.update_search_index asks this queryset).
        return GuidePage.objects.live()

    def read_queryset(self, using=None):
        # Same rows as indexed; the search view's hook re-checks who may read each one anyway.
        return GuidePage.objects.live()

    def prepare_text(self, guide: GuidePage) -> str:
        return render_to_string(
            TEXT_TEMPLATE,
            {"object": guide, "body_text": guide_body_text(guide), "tags": self._tag_names(guide)},
        )

    def prepare_audience(self, guide: GuidePage) -> list[str]:
        return [guide.audience]

    def prepare_tags(self, guide: GuidePage) -> list[str]:
        return self._tag_names(guide)

    def document_access(self, guide: GuidePage) -> list[str]:
        return [f"aud-{guide.audience}"]  # readers of its audience (knowledge.search_hooks)

    def document_date(self, guide: GuidePage):
        return guide.last_published_at

    @staticmethod
    def _tag_names(guide: GuidePage) -> list[str]:
        return sorted(tag.name for tag in guide.tags.all())
