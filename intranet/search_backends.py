"""French-aware search: the same analysis for Whoosh (the embedded default) and Elasticsearch 7 (SEARCH_URL).

Text is split into words, elided articles dropped (« l'appel », « d'offres »), lower-cased, French stop words
removed, stemmed with the French Snowball stemmer and folded to ASCII: « marché », « marches » and « Marchés » are
all indexed and searched as `march`, « appels d'offres » and « appel d'offre » as `appel offre`. The query goes
through the same analyzer as the text, so nothing else changes for the indexes or the views. A change of the
analysis needs a full rebuild (`manage.py rebuild_index`; `make run` rebuilds at every start). The Elasticsearch
engine (`intranet.search_elasticsearch`, with SEARCH_URL) is in a module of its own: its client is imported only
when it is used.
"""

import itertools
import re
from contextlib import contextmanager

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID
from haystack.constants import ID as DOCUMENT_ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from whoosh import lang
from whoosh.analysis import CharsetFilter, LowercaseFilter, NgramFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3Segment
from whoosh.fields import ID, KEYWORD, TEXT
from whoosh.index import FileIndex
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map

# The elided forms: « l' », « d' », « qu' »... (the tokenizer splits at the apostrophe and leaves them alone).
ELISIONS = frozenset({"l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"})
# Snowball's French list, which lacks a few of the commonest words.
FRENCH_STOP_WORDS = (
    frozenset(lang.stopwords_for_language("fr"))
    | ELISIONS
    | {"les", "leurs", "cet", "cette", "ils", "elles", "dont", "où", "ou", "si", "sans", "sous", "entre", "vers"}
)


def french_analyzer():
    """Whoosh: words (letters and digits; « 2027-T0001 » stays searchable in parts), stop words and elisions out,
    French stems, accents folded after stemming (the stemmer knows « é »)."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=FRENCH_STOP_WORDS, minsize=1)
        | StemFilter(lang="fr")
        | CharsetFilter(accent_map)
    )


def autocomplete_analyzer():
    """Whoosh, for the titles suggested as one types: words lower-cased and folded to ASCII, indexed by their
    starts (« Marché » as `ma`, `mar`... `marche`), so that « marche » or « MARC » typed finds it. A query word
    is looked up whole (Whoosh's n-gram filter in query mode), so every word typed must start a title's word."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | NgramFilter(2, 20, at="start")


def spelling_analyzer():
    """Whoosh, for the spelling suggestions' dictionary: words lower-cased, accents kept (« marché » is suggested
    as written), no stop words."""
    return RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=FRENCH_STOP_WORDS, minsize=2)


# Seconds a removal waits for the index's lock held by another writer before failing (the task then retries).
WRITE_LOCK_WAIT = 30
# Seconds an update waits for it: haystack's writer waited as long as it took; a rebuild holds the lock throughout.
UPDATE_LOCK_WAIT = 3600

# The fields whose words are kept as written rather than stemmed.
SPELLING_FIELD = "spelling"
# Facet fields with one value per document at most: stored as columns, which Whoosh counts fastest.
SINGLE_VALUED_FACETS = ("organization", "year")
# The access keys (`SiteDocument.access`), also a column: `find` checks each hit's keys there, which is much
# faster than intersecting the words' hits with the postings of every key the reader holds.
ACCESS_FIELD = "access"


class ExactCountSearcher(Searcher):
    """A Whoosh searcher that collects every hit. With a limit (haystack asks for page × page length, and for a
    count with a limit of 1), Whoosh's top-N collector replaces the query's matcher as it goes by one that drops
    the branches that cannot lift a hit above the current minimum score: the access conditions score nothing,
    so documents admitted by them alone were lost, and the count was an estimate (12 or 26 instead of 84 on the
    search benchmark's index). Collecting every hit keeps pages, counts and facets exact; Whoosh then sorts them
    and the page is cut from them."""

    def search(self, q, **kwargs):
        kwargs["limit"] = None
        return super().search(q, **kwargs)


class ExactCountIndex(FileIndex):
    """haystack's Whoosh index, whose searchers are `ExactCountSearcher`s (`refresh()` keeps the class)."""

    def searcher(self, **kwargs):
        return ExactCountSearcher(self.reader(), fromindex=self, **kwargs)


class _KnownColumnsPerDocReader(W3PerDocReader):
    """Whoosh's per-document reader, remembering which columns the segment has. When a writer writes its postings,
    it asks every posting's document length, and for a field without lengths (identifiers, numbers, keywords) Whoosh
    looks for the lengths' file on disk each time: 1.5 million `stat` calls for 20,000 documents, a fifth of the
    indexing time."""

    def has_column(self, fieldname):
        known = self.__dict__.setdefault("_known_columns", {})
        if fieldname not in known:
            known[fieldname] = super().has_column(fieldname)
        return known[fieldname]


class _WritingCodec(W3Codec):
    """Whoosh's codec for writing, with `_KnownColumnsPerDocReader`; the segments it makes carry Whoosh's own codec,
    so the index on disk is exactly Whoosh's."""

    def per_document_reader(self, storage, segment):
        return _KnownColumnsPerDocReader(storage, segment)

    def new_segment(self, storage, indexname):
        return W3Segment(W3Codec(), indexname)


class FrenchWhooshSearchBackend(WhooshSearchBackend):
    # The writer of a `writing()` block, which every update and removal then goes through.
    _writing = None

    def setup(self):
        super().setup()
        if type(self.index) is FileIndex:
            self.index.__class__ = ExactCountIndex

    def build_schema(self, fields):
        for field in fields.values():
            if field.index_fieldname == SPELLING_FIELD:
                field.analyzer = spelling_analyzer()
            elif field.field_type not in ("edge_ngram", "ngram") and getattr(field, "analyzer", None) is None:
                field.analyzer = french_analyzer()
        content_field_name, schema = super().build_schema(fields)
        # The type facet counts `django_ct` on every search: as a column Whoosh reads it directly instead of
        # rebuilding a document → type table from the postings each time (150 ms at 5,000 documents).
        schema.remove(DJANGO_CT)
        schema.add(DJANGO_CT, ID(stored=True, sortable=True))
        # The primary keys too: `document_pks` reads every hit's key from the column, not from stored fields.
        schema.remove(DJANGO_ID)
        schema.add(DJANGO_ID, ID(stored=True, sortable=True))
        # The same for the facets whose documents hold one value at most (`SiteDocument`).
        for name in (*SINGLE_VALUED_FACETS, ACCESS_FIELD):
            if name in schema.names():
                schema.remove(name)
                schema.add(name, KEYWORD(stored=True, commas=True, scorable=True, sortable=True))
        for field in fields.values():
            if field.field_type == "edge_ngram":
                # haystack's NGRAMWORDS folds no accents: « marche » typed would not find « Marché ».
                schema.remove(field.index_fieldname)
                schema.add(
                    field.index_fieldname,
                    TEXT(stored=True, analyzer=autocomplete_analyzer(), field_boost=field.boost),
                )
        return content_field_name, schema

    def _writer(self, timeout: float):
        """A writer of the index, waiting up to `timeout` seconds for the lock another writer holds (LockError
        then)."""
        if not self.setup_complete:
            self.setup()
        return self.index.writer(timeout=timeout, delay=0.05, codec=_WritingCodec())

    @contextmanager
    def writing(self, timeout: float = UPDATE_LOCK_WAIT):
        """Every update and removal made in the block goes through one writer, committed at its end as one new
        segment (cancelled if the block fails): `update_index` writes its whole run so, instead of a commit, and
        Whoosh's merge of small segments, per batch; the worker one commit per task. The index's lock is held
        throughout: another writer waits. Nested blocks use the outer one's writer."""
        if self._writing is not None:
            yield
            return
        writer = self._writing = self._writer(timeout)
        try:
            yield
        except BaseException:
            self._writing = None
            writer.cancel()
            raise
        self._writing = None
        writer.commit()

    @contextmanager
    def _one_writer(self, timeout: float):
        """The `writing()` block's writer, or a writer of its own committed at the end of this block."""
        if self._writing is not None:
            yield self._writing
            return
        writer = self._writer(timeout)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def update(self, index, iterable, commit=True):
        """haystack's `update` (each object's document replaces its former one), written by one writer of ours
        rather than Whoosh's AsyncWriter and its thread: in the `writing()` block's writer when there is one,
        else committed at once."""
        if not self.setup_complete:
            self.setup()
        objects = list(iterable)
        if not objects:
            return
        with self._one_writer(UPDATE_LOCK_WAIT) as writer:
            for obj in objects:
                try:
                    document = index.full_prepare(obj)
                except SkipDocument:
                    self.log.debug("Indexing for object `%s` skipped", obj)
                    continue
                document = {key: self._from_python(value) for key, value in document.items()}
                document.pop("boost", None)  # no document boosts since Whoosh 2.5
                try:
                    writer.update_document(**document)
                except Exception:
                    if not self.silently_fail:
                        raise
                    self.log.exception(
                        "Preparing object for update", extra={"data": {"index": index, "object": get_identifier(obj)}}
                    )

    def remove(self, obj_or_string, commit=True):
        """haystack's `remove`, through `remove_documents` (the lock waited for, the `writing()` block's writer)."""
        try:
            self.remove_documents([get_identifier(obj_or_string)])
        except Exception:
            if not self.silently_fail:
                raise
            self.log.exception("Failed to remove document '%s' from Whoosh", get_identifier(obj_or_string))

    def remove_documents(self, identifiers: list[str]) -> None:
        """Remove these documents ("app.model.pk") in one write, waiting up to WRITE_LOCK_WAIT seconds for the
        index's lock held by another writer (haystack's `remove` gave up at once with a LockError, one write per
        document); in the `writing()` block's writer when there is one."""
        if not identifiers:
            return
        with self._one_writer(WRITE_LOCK_WAIT) as writer:
            for identifier in identifiers:
                writer.delete_by_term(DOCUMENT_ID, identifier)

    def _snapshot(self) -> "_Snapshot":
        """The index as last committed, opened once and kept (with what was read of it) until a writer commits: a
        web process never writes, so it checks at each search whether the index changed (a directory listing and a
        `stat`) and opens it again then. haystack's backends are per thread, so each thread has its own."""
        if not self.setup_complete:
            self.setup()
        state = _index_state(self.index)
        current = self.__dict__.get("_current")
        if current is None or current.index is not self.index or state is None or current.state != state:
            previous = current if current is not None and current.index is self.index else None
            self._current = _Snapshot(self.index, state, previous)
            if current is not None:
                current.close()
        return self._current

    def _parsed(self, condition: str):
        """A facet's condition parsed, remembered: each page asks the same ones (the notices' statuses: eight, the
        same all through a second)."""
        parsed = self.__dict__.setdefault("_conditions", {})
        if condition not in parsed:
            if len(parsed) >= 256:
                parsed.clear()
            parsed[condition] = self.parser.parse(condition)
        return parsed[condition]

    def corrections(self, words: list[str]) -> list[str]:
        """Each word, or the closest word of the spelling dictionary (titles' words) when the word is not in it."""
        snapshot = self._snapshot()
        corrector = snapshot.searcher.corrector(SPELLING_FIELD)
        corrected = []
        for word in words:
            lowered = word.lower()
            if len(lowered) < 3 or (SPELLING_FIELD, lowered) in snapshot.reader:
                corrected.append(word)
                continue
            suggestions = corrector.suggest(lowered, limit=1, maxdist=2)
            corrected.append(suggestions[0] if suggestions else word)
        return corrected

    def find(
        self,
        text: str,
        keys: list[str],
        *,
        columns: dict[str, str],
        conditions: list[str],
        content_type: str,
        sort_by: str | None,
        page: int,
        page_length: int,
        fields: dict[str, bool],
        queries: dict[str, dict[str, str]],
        registered: frozenset[str] | None = None,
    ) -> dict | None:
        """The search page in one pass: the documents the words `text` find (no scoring), kept if they hold one of
        the reader's access `keys` (read from the access column), match the chosen `columns` values (organization,
        year) and every query string of `conditions` (the apps' facets), then of `content_type` if given. The
        count is theirs, exact (only documents of the `registered` types, "app_label.model_name", if given); the
        facets are counted over them (`fields`, `queries`: see `_count_facets`; the type over every type); then
        they are ranked: for plain words from the postings the count read (`_Snapshot.docs`, `_Snapshot.ranked`),
        else by Whoosh's own top-N search with those documents as its filter.

        Returns {"results": [haystack SearchResult], "hits": count, "page": the page served (the last one when
        `page` is past the end), "counts": {facet: {value: count}}}, or None for an index written, even in part,
        before the access column existed (the caller then searches through haystack until `rebuild_index`)."""
        from collections import Counter

        snapshot = self._snapshot()
        snapshot.forget_postings()  # read for this search only (the previous one's were kept until now)
        found = {"results": [], "hits": 0, "page": 1, "counts": {}}
        parsed = self.parser.parse(text)
        if parsed is None or not snapshot.reader.doc_count():
            return found
        if not snapshot.has_column(ACCESS_FIELD) or not snapshot.has_column(DJANGO_CT):
            return None
        searcher = snapshot.searcher
        access, wanted = snapshot.values(ACCESS_FIELD), frozenset(keys)
        # The documents' sets of keys are few (a category's, a workspace's...): each decided once for this reader.
        readable = {held for held in snapshot.distinct(ACCESS_FIELD) if held and not wanted.isdisjoint(held.split(","))}

        def allowed_by_stored_keys(docnum: int) -> bool:
            # Empty in the column: written before the column existed, merged since.
            return not wanted.isdisjoint((searcher.stored_fields(docnum).get(ACCESS_FIELD) or "").split(","))

        docs = snapshot.docs(parsed)
        docs = sorted(docs) if docs is not None else searcher.docs_for_query(parsed)
        if "" in snapshot.distinct(ACCESS_FIELD):
            base = [
                docnum
                for docnum in docs
                if access[docnum] in readable or (not access[docnum] and allowed_by_stored_keys(docnum))
            ]
        else:
            base = [docnum for docnum in docs if access[docnum] in readable]
        for name, value in columns.items():
            values = snapshot.values(name)
            base = [docnum for docnum in base if value in values[docnum].split(",")]
        for condition in conditions:
            kept = snapshot.matching(self._parsed(condition), set(base))
            base = [docnum for docnum in base if docnum in kept]
        types = snapshot.values(DJANGO_CT)
        if registered is not None and not snapshot.distinct(DJANGO_CT) <= registered:
            # Documents of a model no longer indexed (left until `rebuild_index`).
            base = [docnum for docnum in base if types[docnum] in registered]
        narrowed = [docnum for docnum in base if types[docnum] == content_type] if content_type else base
        chosen = set(narrowed)
        counts = self._count_facets(snapshot, chosen, {k: v for k, v in fields.items() if k != DJANGO_CT}, queries)
        counts[DJANGO_CT] = dict(Counter(map(types.__getitem__, base)))
        found["counts"] = counts
        if not narrowed:
            return found
        last = -(-len(narrowed) // page_length)
        page = min(max(1, page), last)
        sort = {"sortedby": sort_by.lstrip("-"), "reverse": sort_by.startswith("-")} if sort_by else {}
        ranked = snapshot.ranked(parsed, chosen, page * page_length) if not sort_by else None
        if ranked is not None:
            hits = _Hits(
                _StoredHit(searcher.stored_fields(docnum), score)
                for score, docnum in ranked[(page - 1) * page_length : page * page_length]
            )
        else:
            # Whoosh's own top-N search (not ExactCountSearcher's): the filter holds exactly the documents to rank.
            results = Searcher.search(searcher, parsed, filter=chosen, limit=page * page_length, **sort)
            # The page's hits only: Whoosh's ResultsPage counts every hit again (a second pass over the words'
            # documents).
            hits = _Hits(results[(page - 1) * page_length : page * page_length])
        found.update(results=self._page_results(hits), hits=len(narrowed), page=page)
        return found

    def _page_results(self, hits) -> list:
        """The page's hits as haystack's results, each with its model, primary key, score and stored words
        (`text`, the excerpt's source when the object gives none): what the search page reads of them (it loads
        the objects itself). haystack's `_process_results` converts every stored field of every hit (a date
        pattern searched and a JSON parse tried on each, the whole text included) for nobody to read."""
        from haystack import connections
        from haystack.models import SearchResult
        from haystack.utils.app_loading import haystack_get_model

        indexed = set(connections[self.connection_alias].get_unified_index().get_indexed_models())
        results = []
        for hit in hits:
            app_label, model_name = hit[DJANGO_CT].split(".")
            model = haystack_get_model(app_label, model_name)
            if model is not None and model in indexed:
                results.append(
                    SearchResult(app_label, model_name, hit[DJANGO_ID], hit.score or 0, text=hit.get("text"))
                )
        return results

    def _count_facets(self, snapshot, hits: set, fields: dict[str, bool], queries: dict[str, dict[str, str]]) -> dict:
        """{facet: {value: count}} among the documents `hits`: single-valued fields from their columns,
        multi-valued ones from each value's documents (few values, few documents each), `queries` ({facet: {value:
        query string}}) from the documents each query finds among the hits (`_Snapshot.matching`: conditions on
        values and dates are checked on the hits' columns, not searched over the whole index)."""
        from collections import Counter

        counts = {}
        for name, multi in fields.items():
            counts[name] = {}
            if name not in snapshot.reader.schema:
                continue
            if not multi and snapshot.has_column(name):
                values = snapshot.values(name)
                counts[name] = {key: n for key, n in Counter(map(values.__getitem__, hits)).items() if key}
                continue
            for term in snapshot.terms(name):
                matched = len(hits.intersection(snapshot.term_docs(name, term))) if hits else 0
                if matched:
                    counts[name][term] = matched
        for name, choices in queries.items():
            counts[name] = {
                value: len(snapshot.matching(self._parsed(condition), hits)) if hits else 0
                for value, condition in choices.items()
            }
        return counts

    def facet_counts(self, query_string: str, fields: dict[str, bool], queries: dict[str, dict[str, str]]) -> dict:
        """Every facet of the search page: {facet: {value: count}}, over the documents `query_string` finds
        (haystack's path: `find` counts the same way on its own set).

        `fields` maps a field to whether a document may hold several values. Single-valued ones are columns, read
        for each hit. Multi-valued ones (tags, CPV divisions)
        would make Whoosh build a table of every document's values at each search: they are counted instead as
        the hits among each value's documents (few values, short postings). `queries` maps a facet to {value:
        query string} (« open for bids »: a date condition), counted among the hits."""
        names = [*fields, *queries]
        snapshot = self._snapshot()
        parsed = self.parser.parse(query_string)
        if parsed is None or not names:
            return {name: {} for name in names}
        return self._count_facets(snapshot, set(snapshot.searcher.docs_for_query(parsed)), fields, queries)

    def document_pks(self, query_string: str, content_type: str) -> list[str]:
        """The primary keys of every document of `content_type` that `query_string` finds (no limit, no scoring),
        read from the `django_id` column rather than from each hit's stored fields."""
        from whoosh.query import And, Term

        snapshot = self._snapshot()
        parsed = self.parser.parse(query_string)
        if parsed is None:
            return []
        searcher = snapshot.searcher
        docnums = list(searcher.docs_for_query(And([parsed, Term(DJANGO_CT, content_type)])))
        if snapshot.has_column(DJANGO_ID):
            keys = snapshot.values(DJANGO_ID)
            # Empty in the column: written before the column existed, merged since.
            return [keys[docnum] or str(searcher.stored_fields(docnum)[DJANGO_ID]) for docnum in docnums]
        # An index written (in part) before the column existed, until `rebuild_index`.
        return [str(searcher.stored_fields(docnum)[DJANGO_ID]) for docnum in docnums]

    def document_ids(self, content_type: str) -> set[str]:
        """The primary keys of the documents of `content_type` ("app_label.model_name") in the index, read from
        its stored `django_id` fields (the nightly reconciliation compares them with the database)."""
        return set(self.document_access_keys(content_type))

    def document_access_keys(self, content_type: str) -> dict[str, frozenset[str]]:
        """{primary key: its stored access keys} for the documents of `content_type` in the index."""
        return {
            str(fields["django_id"]): frozenset(filter(None, str(fields.get("access") or "").split(",")))
            for fields in self._snapshot().searcher.documents(django_ct=content_type)
        }


class _StoredHit(dict):
    """A hit ranked by `_Snapshot.ranked`: its stored fields and its score, as haystack reads a Whoosh hit."""

    def __init__(self, fields: dict, score: float):
        super().__init__(fields)
        self.score = score


class _Hits(list):
    """Whoosh hits as haystack's `_process_results` reads a page of them."""

    def score(self, n: int) -> float:
        return self[n].score


def _index_state(index) -> tuple | None:
    """What tells one committed state of the index from another: its generation (each commit makes a new one) and
    its table of contents file's identity (a cleared index starts its generations again). None when it cannot be
    told (an index in memory, a commit under way): the index is then opened again."""
    import os

    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    storage = index.storage
    if not isinstance(storage, FileStorage):
        return None
    generation = index.latest_generation()
    try:
        stat = os.stat(os.path.join(storage.folder, TOC._filename(index.indexname, generation)))
    except OSError:
        return None
    return (generation, stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _segment_id(leaf) -> str:
    """A segment's name, or a name of its own for an empty index's reader (no segment)."""
    segment = leaf.segment()
    return segment.segment_id() if segment is not None else f"empty-{id(leaf)}"


# The start of a Whoosh 3 posting block's data, pickled (protocol 2) as (ids, weights, values): the ids (delta-encoded
# integers) and the weights (None when all are 1.0, one float when all are equal, else one float each), each a tuple
# (MARK ... TUPLE, or TUPLE1 to TUPLE3 for three items at most) memoized (BINPUT or LONG_BINPUT). The values come
# last: the positions of a text field's words, each pickled as a call to `_codecs.encode` (protocol 2's bytes),
# which takes nine tenths of `pickle.loads`' time for a block.
_PICKLED_INT = rb"(?:K.|M..|J....)"
_PICKLED_FLOAT = rb"G.{8}"
_PICKLED_PUT = rb"(?:q.|r....)?"


def _pickled_tuple(item: bytes) -> bytes:
    return rb"(?:\((?:%s)*t|(?:%s){1,3}[\x85\x86\x87]|\))%s" % (item, item, _PICKLED_PUT)


# A tuple first: one float alone is also how a tuple of floats starts.
_PICKLED_WEIGHTS = rb"(?:%s|N|%s)" % (_pickled_tuple(_PICKLED_FLOAT), _PICKLED_FLOAT)
_BLOCK_IDS_AND_WEIGHTS = re.compile(rb"\x80\x02" + _pickled_tuple(_PICKLED_INT) + _PICKLED_WEIGHTS, re.DOTALL)
# At most 5 bytes an id and 9 a weight, with their tuples' opcodes and the protocol's header.
_BLOCK_PREFIX_BOUND = 14


def _block_ids_and_weights(matcher) -> tuple[tuple, object]:
    """The delta-encoded ids and the weights of the Whoosh 3 matcher's current posting block, as
    `W3LeafMatcher._read_ids` and `_read_weights` read them, without its values (the words' positions, which
    counting and ranking never read): only the start of the block is decompressed and unpickled (the ids and
    weights, closed as a pair), about ten times faster. Any block that does not start as expected is read whole
    by Whoosh."""
    import pickle
    import zlib

    count = matcher._blocklength
    stored = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    bound = _BLOCK_PREFIX_BOUND * count + 32
    start = zlib.decompressobj().decompress(stored, bound) if matcher._compression else stored[:bound]
    found = _BLOCK_IDS_AND_WEIGHTS.match(start)
    if found is not None:
        try:
            deltas, weights = pickle.loads(found.group() + b"\x86.")  # noqa: S301 - the index's own block
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
            deltas = None
        if type(deltas) is tuple and len(deltas) == count:
            if weights is None:
                return deltas, itertools.repeat(1.0, count)
            if type(weights) is float:
                return deltas, itertools.repeat(weights, count)
            if type(weights) is tuple and len(weights) == count:
                return deltas, weights
    matcher._read_weights()  # the whole block, as Whoosh reads it
    return matcher._data[0], matcher._weights


class _Snapshot:
    """One committed state of the index, opened once: its searcher, and what the search page reads of it, kept
    until the index changes. Whoosh's segments never change once written (a removal only marks the document
    deleted, and searches skip deleted documents), so what was read of a segment is kept for the next state while
    the segment is part of it (a worker's commit adds a small segment: only that one is read then).

    - `values(field)`: each document's value of a column, as text ("" when empty);
    - `term_docs(field, term)`: the documents holding a term (deleted ones included: only ever intersected with a
      search's hits);
    - `matching(query, within)`: the documents of `within` that a query finds, conditions on terms and dates
      checked on these instead of searched over the whole index."""

    def __init__(self, index, state, previous: "_Snapshot | None" = None):
        self.index, self.state = index, state
        self.searcher = index.searcher()
        self.reader = self.searcher.reader()
        self.leaves = [(_segment_id(leaf), leaf, offset) for leaf, offset in self.reader.leaf_readers()]
        kept = {segment_id for segment_id, _leaf, _offset in self.leaves}
        # {(segment id, what, field[, term]): what was read of that segment}, from the previous state.
        known = previous._segments if previous else {}
        self._segments = {key: value for key, value in known.items() if key[0] in kept}
        self._whole = {}
        self._postings = {}

    def close(self) -> None:
        self.searcher.close()

    def has_column(self, name: str) -> bool:
        """Whether every segment stores `name` as a column. Whoosh's reader says it has a column as soon as one
        segment does, and then reads a document of an older segment in the wrong segment: an index written before
        the column existed, then updated by the worker, is read through the stored fields until rebuilt."""
        key = ("column", name)
        if key not in self._whole:
            self._whole[key] = all(leaf.has_column(name) for _id, leaf, _offset in self.leaves)
        return self._whole[key]

    def _per_segment(self, what: tuple, read) -> list:
        """The concatenation of `read(leaf)` over the segments, each read once for as long as it lasts."""
        if what not in self._whole:
            parts = []
            for segment_id, leaf, _offset in self.leaves:
                key = (segment_id, *what)
                if key not in self._segments:
                    self._segments[key] = read(leaf)
                parts.append(self._segments[key])
            self._whole[what] = [item for part in parts for item in part] if len(parts) != 1 else parts[0]
        return self._whole[what]

    def values(self, name: str) -> list[str]:
        """Each document's value of the text column `name` by document number ("" when empty there; a keyword
        list as written, its values joined by commas), the same string object for the same value."""

        def read(leaf) -> list[str]:
            known = {}
            values = []
            for raw in leaf.column_reader(name, translate=False):
                if raw not in known:
                    known[raw] = raw.decode("utf-8")
                values.append(known[raw])
            return values

        return self._per_segment(("values", name), read)

    def distinct(self, name: str) -> frozenset[str]:
        """The distinct values of the text column `name` ("" among them if a document has none)."""
        key = ("distinct", name)
        if key not in self._whole:
            self._whole[key] = frozenset(self.values(name))
        return self._whole[key]

    def numbers(self, name: str) -> list:
        """Each document's number in the numeric (or date) column `name`, as Whoosh stores it."""
        return self._per_segment(("numbers", name), lambda leaf: list(leaf.column_reader(name, translate=False)))

    def terms(self, name: str) -> list[str]:
        """The terms of field `name` (a keyword field's values)."""
        key = ("terms", name)
        if key not in self._whole:
            self._whole[key] = [
                term.decode("utf-8") if isinstance(term, bytes) else term for term in self.reader.lexicon(name)
            ]
        return self._whole[key]

    def term_docs(self, name: str, term) -> frozenset:
        """The documents holding `term` in field `name` (deleted ones may be among them)."""
        key = ("term", name, term)
        if key not in self._whole:
            docs = set()
            for segment_id, leaf, offset in self.leaves:
                cached = (segment_id, *key)
                if cached not in self._segments:
                    try:
                        self._segments[cached] = tuple(leaf.postings(name, term).all_ids())
                    except TermNotFound:
                        self._segments[cached] = ()
                docs.update(docnum + offset for docnum in self._segments[cached])
            self._whole[key] = frozenset(docs)
        return self._whole[key]

    def docs(self, query) -> set | None:
        """The live documents `query` finds when it is a term or words that must all be there, some perhaps
        excluded (`And` of `Term` and `Not(Term)`: what the search box makes of plain words), read a posting
        block at a time (Whoosh's `docs_for_query` steps through a matcher one document at a time: most of a
        search's time at 100,000 documents); None for any other query (a phrase, a prefix...), which Whoosh
        searches itself. The same documents as `docs_for_query`, deleted ones left out (tested)."""
        from whoosh import query as q

        if type(query) is q.Term:
            return self._term_docs_live(query.fieldname, query.text)
        if type(query) is not q.And or not query.subqueries:
            return None
        included, excluded = [], []
        for part in query.subqueries:
            if type(part) is q.Not and type(part.query) is q.Term:
                excluded.append(part.query)
            elif type(part) in (q.Term, q.And):
                included.append(part)
            else:
                return None
        if not included:
            return None
        found = None
        for part in included:
            docs = self.docs(part)
            if docs is None:
                return None
            found = docs if found is None else found & docs
            if not found:
                return set()
        for part in excluded:
            found -= self._term_docs_live(part.fieldname, part.text)
        return found

    def _term_docs_live(self, name: str, text) -> set:
        """The live documents holding `text` in field `name`."""
        return set(self.postings(name, text))

    def postings(self, name: str, text) -> dict:
        """{live document: the term's weight there} for `text` in field `name`, from each segment's posting
        blocks read whole (ids and weights as Whoosh's matcher reads them, without stepping through it). Kept
        for the search under way only (`find` forgets them first): counting and ranking read them once."""
        key = (name, text)
        if key not in self._postings:
            self._postings[key] = self._read_postings(name, text)
        return self._postings[key]

    def forget_postings(self) -> None:
        self._postings = {}

    def _read_postings(self, name: str, text) -> dict:
        import itertools

        from whoosh.codec.whoosh3 import W3LeafMatcher
        from whoosh.matching.wrappers import FilterMatcher

        schema = self.reader.schema
        if name not in schema:
            return {}
        try:
            term = schema[name].to_bytes(text)
        except ValueError:
            return {}
        found = {}
        for _segment_id, leaf, offset in self.leaves:
            if (name, term) not in leaf:
                continue
            matcher = leaf.postings(name, term)
            if isinstance(matcher, FilterMatcher):  # the segment has deletions: left out below
                matcher = matcher.child
            local = {}
            if type(matcher) is W3LeafMatcher and not matcher._byteids:
                while matcher.is_active():
                    deltas, weights = _block_ids_and_weights(matcher)
                    local.update(zip(itertools.accumulate(deltas), weights, strict=True))
                    matcher._next_block()
            else:  # another codec's matcher: step through it
                while matcher.is_active():
                    local[matcher.id()] = matcher.weight()
                    matcher.next()
            if leaf.has_deletions():
                for docnum in leaf.deleted_docs_set:
                    local.pop(docnum, None)
            found.update(local if not offset else {docnum + offset: weight for docnum, weight in local.items()})
        return found

    def lengths(self, name: str) -> list | None:
        """Each document's length of field `name` as Whoosh stores it for scoring (a byte, 0 when none), by
        document number; None when a segment has no such column."""
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        def read(leaf) -> list:
            column = leaf._perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
            return list(column) if column is not None else None

        try:
            return self._per_segment(("lengths", name), read)  # None if the one segment has no such column
        except (AttributeError, TypeError):  # another reader or codec, or a segment without the column
            return None

    def ranked(self, query, within: set, limit: int) -> list | None:
        """The first `limit` documents of `within` by relevance, as [(score, document)], for one word or two that
        must both be there: Whoosh's BM25F score computed from the postings read whole (Whoosh's search reads them
        again, block by block), the same figures as Whoosh's, ties in document order as Whoosh's top-N keeps them
        (tested against it). None for any other query or weighting, which Whoosh then ranks itself: with three or
        more words Whoosh adds the scores in a tree ordered by the words' frequencies, not reproduced here."""
        import heapq

        from whoosh import query as q
        from whoosh.scoring import BM25F
        from whoosh.util.numeric import byte_to_length

        terms = [query] if type(query) is q.Term else list(query.subqueries) if type(query) is q.And else []
        weighting = self.searcher.weighting
        if (
            not terms
            or len(terms) > 2
            or query.boost != 1.0
            or type(weighting) is not BM25F
            or any(type(term) is not q.Term or term.boost != 1.0 or term.minquality for term in terms)
        ):
            return None
        schema, scorers = self.reader.schema, []
        for term in terms:
            field = term.fieldname
            if field not in schema or not schema[field].scorable:
                return None
            lengths = self.lengths(field)
            if lengths is None:
                return None
            scorers.append(
                (
                    self.postings(field, term.text),
                    lengths,
                    self.searcher.idf(field, term.text),
                    self.searcher.avg_field_length(field) or 1,
                    weighting._field_B.get(field, weighting.B),
                )
            )
        K1, table = weighting.K1, [None] + [byte_to_length(b) for b in range(1, 256)]

        def part_of(tf, length, idf, avgfl, B) -> float | None:
            fl = table[length]
            if tf is None or fl is None:  # not a hit of this word after all, or a length Whoosh cannot score
                return None
            # whoosh.scoring.bm25, the same operations in the same order
            return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

        # A word's part of a score depends only on its weight and the document's length byte: each pair computed
        # once (a few dozen pairs for thousands of documents).
        documents, scores = list(within), None
        for weights, lengths, idf, avgfl, B in scorers:
            parts, column = {}, []
            for docnum in documents:
                key = (weights.get(docnum), lengths[docnum])
                part = parts.get(key)
                if part is None:
                    part = parts[key] = part_of(*key, idf, avgfl, B)
                    if part is None:
                        return None
                column.append(part)
            # The second word's part added to the first's, as Whoosh adds them.
            scores = column if scores is None else [a + b for a, b in zip(scores, column, strict=True)]
        ranked = heapq.nsmallest(limit, zip((-score for score in scores), documents, strict=True))
        return [(-negated, docnum) for negated, docnum in ranked]

    def matching(self, query, within: set) -> set:
        """The documents of `within` (live documents, such as a search's hits) that `query` finds, exactly as
        searching it would: terms from their documents, ranges on dates from the hits' column values (a date
        condition searched over the whole index reads every date's terms: the notices' status facet took eight
        such searches per page), AND, OR and NOT from their parts; any other query is searched."""
        from whoosh import query as q
        from whoosh.fields import DATETIME

        if not within:
            return set()
        if isinstance(query, q.And):
            # Terms first: a condition on dates is then checked on the few documents left.
            result = set(within)
            for part in sorted(query.subqueries, key=lambda part: not isinstance(part, q.Term)):
                result = self.matching(part, result)
                if not result:
                    break
            return result
        if isinstance(query, q.Or):
            result = set()
            for part in query.subqueries:
                result |= self.matching(part, within)
            return result
        if isinstance(query, q.Not):
            return within - self.matching(query.query, within)
        if isinstance(query, q.Term):
            return within.intersection(self.term_docs(query.fieldname, query.text))
        schema = self.reader.schema
        if (
            type(query) is q.NumericRange
            and query.fieldname in schema
            and isinstance(schema[query.fieldname], DATETIME)
            and self.has_column(query.fieldname)
        ):
            # The column holds each date as the number the range's bounds are (`datetime_to_long`); a document
            # without a date holds the column's default there, which the range never matches.
            numbers, missing = self.numbers(query.fieldname), schema[query.fieldname].column_type.default_value()
            low, high = query.start, query.end
            return {
                docnum
                for docnum in within
                if (number := numbers[docnum]) != missing
                and (low is None or (number > low if query.startexcl else number >= low))
                and (high is None or (number < high if query.endexcl else number <= high))
            }
        return within.intersection(self.searcher.docs_for_query(query))


class FrenchWhooshEngine(WhooshEngine):
    backend = FrenchWhooshSearchBackend


# Elasticsearch 7: the same steps with its own filters (elision, French stop words, the light French stemmer,
# ASCII folding), as the index's default analyzer for text fields.
ELASTICSEARCH_FRENCH_ANALYSIS = {
    "filter": {
        "french_elision": {"type": "elision", "articles_case": True, "articles": sorted(ELISIONS)},
        "french_stop": {"type": "stop", "stopwords": "_french_"},
        "french_stemmer": {"type": "stemmer", "language": "light_french"},
    },
    "analyzer": {
        "french_folded": {
            "tokenizer": "standard",
            "filter": ["french_elision", "lowercase", "french_stop", "french_stemmer", "asciifolding"],
        },
        # haystack's analyzer of EdgeNgramField (title suggestions), with elisions and accents folded.
        "edgengram_analyzer": {
            "tokenizer": "standard",
            "filter": ["french_elision", "lowercase", "asciifolding", "haystack_edgengram"],
        },
    },
}
