"""The site search's index of acts: transmitted acts only (drafts never), found by their identifier, number,
object, nature, subject, body and signatory. Each carries two access keys, its sending body's ("acts-<body>")
and its recipient authority's ("acts-auth-<authority>"), so that nobody else's search ever counts it; the hits are
re-checked from the database before display (`exchanges.search_hooks`). Accounting files are never indexed."""

from django.template.loader import render_to_string
from haystack import indexes

from exchanges.models import Act
from intranet.search import SiteDocument

TEXT_TEMPLATE = "search/indexes/exchanges/act_text.txt"


class ActIndex(SiteDocument, indexes.Indexable):
    text = indexes.CharField(document=True)

    def get_model(self):
        return Act

    def index_queryset(self, using=None):
        # A draft saved is removed (or never added): update_search_index asks this.
        return Act.objects.exclude(status=Act.Status.DRAFT).select_related("sender", "subject__parent")

    def read_queryset(self, using=None):
        return Act.objects.select_related("sender", "subject", "authority__organization")

    def prepare_text(self, act: Act) -> str:
        return render_to_string(TEXT_TEMPLATE, {"act": act})

    def document_date(self, act: Act):
        return act.sent_at

    def document_title(self, act: Act) -> str:
        return f"{act.number} — {act.object}"

    def document_access(self, act: Act) -> list[str]:
        return [f"acts-{act.sender_id}", f"acts-auth-{act.authority_id}"]

    def document_organizations(self, act: Act) -> list[int]:
        return [act.sender_id]
