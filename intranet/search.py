"""Search index updates go through the background worker, never the web process.

Whoosh allows one writer at a time (a second raises LockError and haystack's remove() then
fails silently), so saves and deletes only enqueue a task after the transaction commits; the
single worker writes the index. Indexes say which objects belong in the index with
`index_queryset()`: an object saved out of it (unpublished, hidden) is removed. An app that stores many small
objects may index new ones in batches itself: it marks the instance `search_indexed_in_batch = True` before
creating it (later saves and deletes still go through here).
"""

import functools
import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
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
    - `title_auto`: its title (`document_title`), found by the starts of its words for the header's suggestions;
    - `spelling`: the same title's words as written, from which « Did you mean … ? » picks its corrections;
    - `access`: the keys that let a reader find it (`document_access`): the search matches a document only if
      the reader holds one of them (`intranet.views.search.reader_keys`). One positive condition is what makes
      the engine fast; the database re-check on read still decides what is shown.
    Years and ids are keyword lists, not integers nor analysed text: Whoosh counts facets of keywords exactly, and
    its text analyzer would drop one-character values. An index says how by overriding `document_date` and
    `document_organizations`.
    """

    date = indexes.DateTimeField(null=True)
    year = indexes.MultiValueField()
    organization = indexes.MultiValueField()
    # The title suggested in the header's search box as one types (empty: never suggested, e.g. chat messages).
    title_auto = indexes.EdgeNgramField(null=True)
    # The title's words as written (lower-cased, accents kept): the spelling suggestions' dictionary.
    spelling = indexes.CharField(null=True, stored=False, analyzer=None)
    # Who may find it, as keys such as "public", "cat-12", "aud-members", "ws-5", "ch-7" (`document_access`);
    # a reader's keys come from the apps' `search_access_keys` hooks. No key, no reader.
    access = indexes.MultiValueField()

    def document_date(self, obj):
        return None

    def document_title(self, obj) -> str:
        return str(obj)

    def prepare_title_auto(self, obj) -> str:
        return self.document_title(obj)

    def prepare_spelling(self, obj) -> str:
        return self.document_title(obj)

    def document_access(self, obj) -> list[str]:
        """The keys that let a reader find `obj`, from its own fields only (no related object: the nightly
        reconciliation computes them on plain rows to find documents whose keys changed)."""
        return []

    def prepare_access(self, obj) -> list[str]:
        return self.document_access(obj)

    def document_organizations(self, obj) -> list[int]:
        return []

    def prepare_date(self, obj):
        return self.document_date(obj)

    def prepare_year(self, obj) -> list[str]:
        when = self.document_date(obj)
        return [str(when.year)] if when else []

    def prepare_organization(self, obj) -> list[str]:
        return [str(pk) for pk in self.document_organizations(obj) if pk]


@dataclass(frozen=True)
class SearchFacet:
    """A facet an app adds to the search page through the `register_search_facets` hook (a function returning a
    list of them). Either `field`, a keyword field of its documents whose values the engine counts (`labels`
    turns the values of a page into what is shown, in one query), or `choices`, a function returning
    {value: (label, SQ condition)} counted one by one (conditions on dates, such as « open for bids »).
    `param` is the URL parameter; a value chosen narrows every other count."""

    param: str
    label: str
    field: str = ""
    labels: Callable[[list[str]], dict[str, str]] | None = None
    choices: Callable[[], dict[str, tuple[str, object]]] | None = None
    limit: int = 12


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
        reindex_on_commit(sender, instance.pk)

    def handle_delete(self, sender, instance, **kwargs):
        if sender not in _indexed_models():
            return
        remove_on_commit(get_identifier(instance))


# Coalescing: one task per transaction --------------------------------------------------------------------------


def _pending():
    """The updates asked for on this connection (this thread) and not sent yet: {"updates": {}, "removals": {}}.

    Asks left by a transaction that was rolled back (no `_send_pending` waits in `run_on_commit` any more) are
    dropped when a new transaction asks. Django gives `run_on_commit` a new list at each commit or rollback, so
    the list is only searched when it changed since the last ask."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_search_pending", None)
    if pending is None:
        pending = connection._search_pending = {"updates": {}, "removals": {}, "owner": None}
    if pending["owner"] is not connection.run_on_commit:
        # Outside a transaction (autocommit, or the commit callbacks of a transaction that just committed, which
        # may still hold its asks for the `_send_pending` yet to run) nothing is dropped: at worst an ask of a
        # rolled-back transaction goes with the next one, and the worker re-reads the database.
        if connection.in_atomic_block and not any(entry[1] is _send_pending for entry in connection.run_on_commit):
            pending["updates"].clear()
            pending["removals"].clear()
        pending["owner"] = connection.run_on_commit
    return pending


def _send_pending() -> None:
    """Run on commit: send every update asked for so far as one task. Each ask registers this callback; the
    first to run after a commit sends them all, the others find nothing left. An ask made in a savepoint that was
    rolled back goes with its transaction's: the worker reads the database then, so it costs a useless update."""
    pending = getattr(transaction.get_connection(), "_search_pending", None) or {"updates": {}, "removals": {}}
    updates, removals = list(pending["updates"]), list(pending["removals"])
    pending["updates"].clear()
    pending["removals"].clear()
    if updates or removals:
        update_search_index_batch.enqueue([list(key) for key in updates], removals)


def reindex_on_commit(model, pk) -> None:
    """Ask the worker, once the transaction commits, to index the object again (or remove it if its index's
    queryset no longer holds it). The asks of one transaction make one task: a reply that saves its post, its
    topic and its category asks once per object, and the worker writes the index once."""
    key = (model if isinstance(model, str) else model._meta.label, str(pk))
    _pending()["updates"][key] = None
    transaction.on_commit(_send_pending)


def remove_on_commit(identifier: str) -> None:
    """Ask the worker, once the transaction commits, to remove the document `app_label.model_name.pk`."""
    _pending()["removals"][identifier] = None
    transaction.on_commit(_send_pending)


# The worker's side: batches, retries --------------------------------------------------------------------------

MAX_ATTEMPTS = 6  # a batch that fails is retried after 10 s, 20 s, 40 s... then left to the nightly reconciliation


def _writing(backend):
    """One index write for everything in the block (`FrenchWhooshSearchBackend.writing`: one commit, one new
    segment), or nothing special with another engine."""
    from contextlib import nullcontext

    return backend.writing() if hasattr(backend, "writing") else nullcontext()


def _write_batch(updates: list[list[str]], removals: list[str]) -> dict[str, int]:
    backend = connections["default"].get_backend()
    with _writing(backend):
        done = _write_updates(backend, updates, removals)
    if done["updated"] or done["removed"]:
        # Pages that list the engine's hits (the notice list's keywords) were kept from before this write: a new
        # content generation lets the page caches build them again.
        from intranet.page_cache import record_change

        record_change()
    return done


def _write_updates(backend, updates: list[list[str]], removals: list[str]) -> dict[str, int]:
    unified = connections["default"].get_unified_index()
    by_model: dict[str, list[str]] = {}
    for label, pk in updates:
        by_model.setdefault(label, []).append(pk)
    gone = set(removals)
    written = 0
    for label, pks in by_model.items():
        model = apps.get_model(label)
        try:
            search_index = unified.get_index(model)
        except NotHandled:
            continue
        instances = list(search_index.index_queryset().filter(pk__in=pks))
        if instances:
            backend.update(search_index, instances)
            written += len(instances)
        kept = {str(instance.pk) for instance in instances}
        gone |= {f"{model._meta.app_label}.{model._meta.model_name}.{pk}" for pk in pks if pk not in kept}
    _remove(backend, sorted(gone))
    return {"updated": written, "removed": len(gone)}


def _remove(backend, identifiers: list[str]) -> None:
    if hasattr(backend, "remove_documents"):
        backend.remove_documents(identifiers)  # Whoosh: in the block's write, waiting for the lock if another has it
    else:
        for identifier in identifiers:
            backend.remove(identifier)


@task()
def update_search_index_batch(updates: list[list[str]], removals: list[str], attempt: int = 1) -> dict[str, int]:
    """Index again the objects `updates` names ([model label, pk]: removed if their index's queryset no longer
    holds them) and remove the documents `removals` names, one index write per model. A failure (the index
    locked by another writer, a full disk) makes the batch run again later rather than be lost; haystack's
    `silently_fail` is off here, so that such errors reach this task instead of its log only."""
    backend = connections["default"].get_backend()
    previous, backend.silently_fail = backend.silently_fail, False
    try:
        return _write_batch(updates, removals)
    except Exception as error:  # noqa: BLE001 - whatever failed, the updates must not be lost
        if attempt >= MAX_ATTEMPTS:
            logger.error("Search index update given up after %s attempts (%s): %s", attempt, error, updates)
            raise
        logger.warning("Search index update failed (attempt %s), retried: %s", attempt, error)
        retry = update_search_index_batch
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=10 * 2 ** (attempt - 1)))
        retry.enqueue(updates, removals, attempt + 1)
        return {"updated": 0, "removed": 0, "retried": attempt + 1}
    finally:
        backend.silently_fail = previous


@task()
def update_search_index(model_label: str, pk: str) -> str:
    """Index the object if its index's queryset holds it, else remove it from the index (a batch of one)."""
    done = update_search_index_batch.call([[model_label, str(pk)]], [])
    return "updated" if done.get("updated") else "removed"


@task()
def remove_from_search_index(model_label: str, identifier: str) -> str:
    update_search_index_batch.call([], [identifier])
    return "removed"


# Nightly reconciliation -----------------------------------------------------------------------------------------

RECONCILE_BATCH = 500


def indexed_ids(model) -> set[str]:
    """The primary keys (as text) of `model`'s documents in the index."""
    from haystack.utils import get_model_ct

    backend = connections["default"].get_backend()
    if hasattr(backend, "document_ids"):
        return backend.document_ids(get_model_ct(model))
    from haystack.query import SearchQuerySet

    return {str(result.pk) for result in SearchQuerySet().models(model).all()}


def _indexed_access_keys(model) -> dict[str, frozenset[str] | None]:
    """{pk: stored access keys} of `model`'s documents; the keys are None when the engine cannot tell them."""
    from haystack.utils import get_model_ct

    backend = connections["default"].get_backend()
    if hasattr(backend, "document_access_keys"):
        return backend.document_access_keys(get_model_ct(model))
    return dict.fromkeys(indexed_ids(model))


def _access_changed(model, search_index, keys: dict, pks: list[str]) -> list[str]:
    """The documents whose stored access keys are not those their object gives now (an update lost after a
    guide changed audience, a topic moved...). `document_access` reads the object's own fields only, so plain
    rows are loaded, in batches."""
    known = [pk for pk in pks if keys.get(pk) is not None]
    changed = []
    for start in range(0, len(known), RECONCILE_BATCH):
        for obj in model._default_manager.filter(pk__in=known[start : start + RECONCILE_BATCH]):
            if frozenset(search_index.document_access(obj)) != keys[str(obj.pk)]:
                changed.append(str(obj.pk))
    return changed


@task()
def reconcile_search_index() -> dict[str, dict[str, int]]:
    """Make the index hold exactly what the indexes' querysets hold: index what is missing (an update lost, a
    worker stopped), remove what should not be there any more (deleted, unpublished, hidden: what became private
    included), then merge the index's segments. Says what it fixed in the log and, when it fixed anything, in the
    audit log (Wagtail admin)."""
    unified = connections["default"].get_unified_index()
    backend = connections["default"].get_backend()
    previous, backend.silently_fail = backend.silently_fail, False  # a failed write fails the task, not the report
    try:
        with _writing(backend):
            report = _reconcile(unified, backend)
    finally:
        backend.silently_fail = previous
    if report:
        from intranet import audit
        from intranet.models import AuditEvent

        logger.warning("Search index reconciled: %s", report)
        audit.record(AuditEvent.Action.SEARCH_INDEX_RECONCILED, actor_label="worker", fixed=report)
    else:
        logger.info("Search index reconciled: nothing to fix")
    if hasattr(backend, "optimize"):
        # Whoosh: one segment instead of one per batch written during the day; a search then reads one file set
        # (the search page at 20,000 documents: 228 ms with 13 segments, 124 ms with one).
        backend.optimize()
    return report


def _reconcile(unified, backend) -> dict:
    report = {}
    for model in unified.get_indexed_models():
        search_index = unified.get_index(model)
        wanted = {str(pk) for pk in search_index.index_queryset().values_list("pk", flat=True)}
        keys = _indexed_access_keys(model)
        present = set(keys)
        missing, stale = sorted(wanted - present), sorted(present - wanted)
        changed = _access_changed(model, search_index, keys, sorted(wanted & present))
        refresh = missing + changed
        for start in range(0, len(refresh), RECONCILE_BATCH):
            batch = refresh[start : start + RECONCILE_BATCH]
            backend.update(search_index, list(search_index.index_queryset().filter(pk__in=batch)))
        _remove(backend, [f"{model._meta.app_label}.{model._meta.model_name}.{pk}" for pk in stale])
        if missing or stale or changed:
            report[model._meta.label] = {"added": len(missing), "removed": len(stale)}
            if changed:
                report[model._meta.label]["access_refreshed"] = len(changed)
    return report


# What the search page shows of a hit ------------------------------------------------------------------------------

# Characters of a document's stored text looked at for its excerpt: a topic's text holds all its posts.
EXCERPT_SOURCE_CHARS = 20_000


def query_terms(query: str) -> frozenset[str]:
    """The words of `query` as the index holds them (French analysis: stems, accents folded, stop words out),
    leaving out excluded words (« -bâtiment »). Empty when the query holds only stop words or punctuation."""
    from intranet.search_backends import french_analyzer

    kept = " ".join(word for word in query.split() if not word.startswith("-"))
    return frozenset(token.text for token in french_analyzer()(kept, mode="query"))


def _single_char_folds() -> dict[int, str]:
    from whoosh.support.charset import accent_map

    return {code: folded for code, folded in accent_map.items() if isinstance(folded, str) and len(folded) == 1}


_FOLD = _single_char_folds()


def _passages(text: str, terms: frozenset[str], length: int) -> str:
    """The parts of a long `text` worth analysing for its excerpt: around the first three places each searched
    word may be (its stem's first letters starting a word of the lower-cased, accent-folded text, found at C
    speed), instead of stemming
    every word of a 20,000-character topic (the French stemmer costs tens of microseconds a word). The whole text
    when it is short or when a word's letters are not found (a word the folding changes, such as « œuvre »)."""
    if len(text) <= 4 * length:
        return text
    folded = text.lower().translate(_FOLD)  # one character for one: positions are the text's
    if len(folded) != len(text):  # a rare letter whose lower case is longer (« İ »)
        return text
    starts = []
    for term in terms:
        # The first places its letters start a word: the first may be another word (« marc » in « marcher »).
        found = list(itertools.islice((m.start() for m in re.finditer(r"\b" + re.escape(term[:4]), folded)), 3))
        if not found:
            return text
        starts.extend(found)
    windows = []
    for start in sorted(starts):
        begin, end = max(0, start - length), min(len(text), start + 2 * length)
        begin = text.find(" ", begin) + 1 if begin else 0  # whole words only
        end = max(text.rfind(" ", 0, end), start + 1) if end < len(text) else end
        if windows and begin <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([begin, end])
    return " … ".join(text[begin:end] for begin, end in windows)


@functools.lru_cache(maxsize=100_000)
def _french_stem(word: str) -> str:
    """The French Snowball stem of a lower-cased word, remembered (the stemmer costs tens of microseconds a word;
    the same words come back from page to page)."""
    from whoosh.lang import stemmer_for_language

    return stemmer_for_language("fr")(word)


class _Word:
    """A word of the text as Whoosh's fragmenter, scorer and formatter read a token: where it is, whether it is one
    of the searched terms, its analysed form (`text`) and its boost. One object per word, so `copy()` (which
    Whoosh's fragmenter calls because its own tokenizer reuses one token) returns it as it is."""

    __slots__ = ("startchar", "endchar", "matched", "text")
    boost = 1.0

    def __init__(self, startchar: int, endchar: int, matched: bool, text: str):
        self.startchar, self.endchar, self.matched, self.text = startchar, endchar, matched, text

    def copy(self) -> "_Word":
        return self


# Whoosh's RegexTokenizer's own words (`whoosh.analysis.tokenizers.default_pattern`), which the index's analysis uses.
_WORD = re.compile(r"[\w\*]+(\.?[\w\*]+)*", re.UNICODE)


@functools.lru_cache(maxsize=100_000)
def _word_forms(word: str) -> tuple[str, str, bool]:
    """A word as written → lower-cased, then folded to ASCII, and whether it is a stop word (as Whoosh's lower-case
    and stop filters see it), remembered as `_french_stem` is."""
    from whoosh.support.charset import accent_map

    from intranet.search_backends import FRENCH_STOP_WORDS

    lowered = word.lower()
    return lowered, lowered.translate(accent_map), lowered in FRENCH_STOP_WORDS


@functools.lru_cache(maxsize=100_000)
def _folded_stem(lowered: str) -> str:
    from whoosh.support.charset import accent_map

    return _french_stem(lowered).translate(accent_map)


def _marked_words(text: str, terms: frozenset[str]) -> list[_Word]:
    """The words of `text` as the highlighter reads the index's French analysis of them (`french_analyzer`), each
    marked if it is one of `terms`: lower-cased and folded, and stemmed unless it is a stop word (which Whoosh's
    stop filter marks and the stemmer leaves alone: « été » is a term for « étés »). Only the words that may be one
    of `terms` are stemmed; the others are only folded, which is enough to tell they are none of them. Stemming
    changes a word from its third letter on (the French stemmer's regions start there at the soonest) but for a
    last « s », so a folded stem starts with its word's first two folded letters, or is its first letter: a word
    starting otherwise cannot be a term."""
    starts = frozenset(term[:2] for term in terms)
    words = []
    for found in _WORD.finditer(text):
        lowered, analysed, stopped = _word_forms(found.group())
        if not stopped and (analysed[:2] in starts or analysed[:1] in starts):
            analysed = _folded_stem(lowered)
        words.append(_Word(found.start(), found.end(), analysed in terms, analysed))
    return words


def _highlight(text: str, terms: frozenset[str], length: int) -> str:
    """Whoosh's `highlight` (its context fragmenter, fragment scorer and HTML formatter: the same passages, marks and
    escaping), on the words `_marked_words` finds instead of Whoosh's analyzer chain (a token object through five
    generators per word: most of the excerpts' time)."""
    from whoosh.highlight import FIRST, BasicFragmentScorer, ContextFragmenter, HtmlFormatter, top_fragments

    formatter = HtmlFormatter(tagname="mark", between=" … ", classname="", termclass="")
    formatter.template = "<%(tag)s>%(t)s</%(tag)s>"
    fragmenter = ContextFragmenter(maxchars=length, surround=length // 3)
    fragments = fragmenter.fragment_tokens(text, iter(_marked_words(text, terms)))
    return formatter(text, top_fragments(fragments, 2, BasicFragmentScorer(), FIRST, 1))


def excerpt(text: str, terms: frozenset[str], length: int = 240) -> str:
    """Safe HTML: the passage of `text` that holds the most searched words, each in `<mark>`; "" when none is found.

    Whoosh's highlighting with the index's own analysis (`_highlight`), so « marchés » in the text is marked for
    « marche » in the query; it escapes the text around the marks."""
    from django.utils.safestring import mark_safe

    text = " ".join((text or "")[:EXCERPT_SOURCE_CHARS].split())
    if not text or not terms:
        return ""
    passages = _passages(text, terms, length)
    found = _highlight(passages, terms, length)
    if not found and passages is not text:  # the letters were there, not the word: look through the whole text
        found = _highlight(text, terms, length)
    return mark_safe(found)  # noqa: S308 - Whoosh's formatter escapes the text around the marks


# The site search's engine and analysis for other pages' keyword boxes (the notice list, alerts) ------------------


OTHER_ENGINE_MAX_HITS = 10_000  # Elasticsearch's default `index.max_result_window`


def matching_pks(model, query: str) -> list[str]:
    """The primary keys of every indexed `model` document that `query` finds, as the site search would find them
    (French analysis, every word, « "exact phrase" », « -excluded word »), without access filters: for documents
    indexed only when public (notices) or a caller that filters by access itself. The index lags the database by
    the worker's delay: a document saved a moment ago may be missing."""
    from haystack.query import SearchQuerySet
    from haystack.utils import get_model_ct

    sqs = SearchQuerySet().models(model).auto_query(query)
    backend = connections["default"].get_backend()
    if hasattr(backend, "document_pks"):
        return backend.document_pks(sqs.query.build_query(), get_model_ct(model))
    # Another engine (Elasticsearch): its count, then one request for the hits' keys, at most its result window.
    count = min(sqs.count(), OTHER_ENGINE_MAX_HITS)
    return [str(pk) for pk in sqs.values_list("pk", flat=True)[:count]] if count else []


def pk_in(pks: list, using: str = "default") -> models.Q:
    """`Q(pk__in=pks)` for integer keys, any number of them: beyond a few hundred they travel as one JSON
    parameter (PostgreSQL refuses statements of more than 65,535 parameters, SQLite of more than 32,766 by
    default, 250,000 in Debian's build)."""
    import json

    from django.db import connections as databases
    from django.db.models.expressions import RawSQL

    if len(pks) <= 500:
        return models.Q(pk__in=pks)
    values = json.dumps([int(pk) for pk in pks])
    if databases[using].vendor == "postgresql":
        return models.Q(pk__in=RawSQL("SELECT (jsonb_array_elements_text(%s::jsonb))::bigint", [values]))
    return models.Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [values]))


def text_matcher(text: str) -> Callable[[str], bool]:
    """A test of whether a query finds `text` as the site search would: `text` in a one-document index in memory,
    with the index's French analysis and the search's query syntax (used for alerts, checked against a notice at
    its publication, before the worker has indexed it)."""
    from haystack.query import SearchQuerySet
    from whoosh.fields import TEXT, Schema
    from whoosh.filedb.filestore import RamStorage
    from whoosh.qparser import FuzzyTermPlugin, QueryParser

    from intranet.search_backends import french_analyzer

    schema = Schema(text=TEXT(analyzer=french_analyzer()))
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        writer.add_document(text=text or "")
    parser = QueryParser("text", schema=schema)
    parser.add_plugins([FuzzyTermPlugin()])
    searcher = index.searcher()

    def finds(query: str) -> bool:
        parsed = parser.parse(SearchQuerySet().auto_query(query).query.build_query())
        return parsed is not None and bool(list(searcher.docs_for_query(parsed)))

    return finds
