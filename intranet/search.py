"""Search index updates go through the background worker, never the web process.

Whoosh allows one writer at a time (a second raises LockError and haystack's remove() then
fails silently), so saves and deletes only enqueue a task after the transaction commits; the
single worker writes the index. Indexes say which objects belong in the index with
`index_queryset()`: an object saved out of it (unpublished, hidden) is removed. An app that stores many small
objects may index new ones in batches itself: it marks the instance `search_indexed_in_batch = True` before
creating it (later saves and deletes still go through here).
"""

import logging

from django.apps import apps
from django.db import models, transaction
from django_tasks import task
from haystack import connections, indexes, signals
from haystack.exceptions import NotHandled
from haystack.utils import get_identifier

logger = logging.getLogger(__name__)


class SiteDocument(indexes.SearchIndex):
    """What every document of the site search carries besides its words, for the search page's facets and sort.

    - `date`: what « most recent first » sorts on (a notice's publication, a topic's last activity, a guide's last
      publication, a message's sending, a note's or file's last change);
    - `year`: its year, for the year facet;
    - `organization`: the ids of the organizations it belongs to (a notice's buyer, a workspace's organization, an
      organization-only forum category's organization), for the organization facet;
    - `title_auto`: its title (`document_title`), found by the starts of its words for the header's suggestions.
    Years and ids are keyword lists, not integers nor analysed text: Whoosh counts facets of keywords exactly, and
    its text analyzer would drop one-character values. An index says how by overriding `document_date` and
    `document_organizations`.
    """

    date = indexes.DateTimeField(null=True)
    year = indexes.MultiValueField()
    organization = indexes.MultiValueField()
    # The title suggested in the header's search box as one types (empty: never suggested, e.g. chat messages).
    title_auto = indexes.EdgeNgramField(null=True)

    def document_date(self, obj):
        return None

    def document_title(self, obj) -> str:
        return str(obj)

    def prepare_title_auto(self, obj) -> str:
        return self.document_title(obj)

    def document_organizations(self, obj) -> list[int]:
        return []

    def prepare_date(self, obj):
        return self.document_date(obj)

    def prepare_year(self, obj) -> list[str]:
        when = self.document_date(obj)
        return [str(when.year)] if when else []

    def prepare_organization(self, obj) -> list[str]:
        return [str(pk) for pk in self.document_organizations(obj) if pk]


def _indexed_models():
    try:
        return connections["default"].get_unified_index().get_indexed_models()
    except Exception:  # noqa: BLE001 - no index configured yet
        return []


class QueuedSignalProcessor(signals.BaseSignalProcessor):
    """Enqueue index updates on commit instead of writing the index during the request."""

    def setup(self):
        models.signals.post_save.connect(self.handle_save)
        models.signals.post_delete.connect(self.handle_delete)

    def teardown(self):
        models.signals.post_save.disconnect(self.handle_save)
        models.signals.post_delete.disconnect(self.handle_delete)

    def handle_save(self, sender, instance, created=False, **kwargs):
        if sender not in _indexed_models():
            return
        if created and getattr(instance, "search_indexed_in_batch", False):
            # Its app indexes such new objects in batches (chat messages: one task per burst, not per message).
            return
        label, pk = sender._meta.label, instance.pk
        transaction.on_commit(lambda: update_search_index.enqueue(label, str(pk)))

    def handle_delete(self, sender, instance, **kwargs):
        if sender not in _indexed_models():
            return
        label, identifier = sender._meta.label, get_identifier(instance)
        transaction.on_commit(lambda: remove_from_search_index.enqueue(label, identifier))


@task()
def update_search_index(model_label: str, pk: str) -> str:
    """Index the object if its index's queryset holds it, else remove it from the index."""
    model = apps.get_model(model_label)
    try:
        search_index = connections["default"].get_unified_index().get_index(model)
    except NotHandled:
        return "not indexed"
    instance = search_index.index_queryset().filter(pk=pk).first()
    backend = connections["default"].get_backend()
    if instance is None:
        backend.remove(f"{model._meta.app_label}.{model._meta.model_name}.{pk}")
        return "removed"
    backend.update(search_index, [instance])
    return "updated"


@task()
def remove_from_search_index(model_label: str, identifier: str) -> str:
    connections["default"].get_backend().remove(identifier)
    return "removed"


# What the search page shows of a hit ------------------------------------------------------------------------------

# Characters of a document's stored text looked at for its excerpt: a topic's text holds all its posts.
EXCERPT_SOURCE_CHARS = 20_000


def query_terms(query: str) -> frozenset[str]:
    """The words of `query` as the index holds them (French analysis: stems, accents folded, stop words out),
    leaving out excluded words (« -bâtiment »). Empty when the query holds only stop words or punctuation."""
    from intranet.search_backends import french_analyzer

    kept = " ".join(word for word in query.split() if not word.startswith("-"))
    return frozenset(token.text for token in french_analyzer()(kept, mode="query"))


def excerpt(text: str, terms: frozenset[str], length: int = 240) -> str:
    """Safe HTML: the passage of `text` that holds the most searched words, each in `<mark>`; "" when none is found.

    Whoosh's highlighter with the index's own analyzer, so « marchés » in the text is marked for « marche » in
    the query; it escapes the text around the marks."""
    from django.utils.safestring import mark_safe
    from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

    from intranet.search_backends import french_analyzer

    text = " ".join((text or "")[:EXCERPT_SOURCE_CHARS].split())
    if not text or not terms:
        return ""
    formatter = HtmlFormatter(tagname="mark", between=" … ", classname="", termclass="")
    formatter.template = "<%(tag)s>%(t)s</%(tag)s>"
    fragmenter = ContextFragmenter(maxchars=length, surround=length // 3)
    return mark_safe(highlight(text, terms, french_analyzer(), fragmenter, formatter, top=2))  # noqa: S308 - escaped
