"""The search page's own reading of the index (`intranet.search_backends._Snapshot`): the documents a query finds,
read a posting block at a time, and their BM25F ranking, against Whoosh's own answers on the same index.

The index is built with the site's French analysis over several segments (as the worker's commits leave it), with
deleted documents (a removal marks them only), words repeated (weights above 1) and documents of equal scores (ties
kept in document order)."""

import random

import pytest
from whoosh import query as q
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from intranet.search_backends import _index_state, _Snapshot, french_analyzer

WORDS = "marché public nettoyage locaux voirie travaux clause sociale avenant cadre prix bordereau offre".split()


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ranking")
    schema = Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=french_analyzer(), stored=True))
    index = FileStorage(str(folder)).create_index(schema)
    rng = random.Random(7)
    number = 0
    for _segment in range(3):
        writer = index.writer()
        for _ in range(400):
            words = [rng.choice(WORDS) for _ in range(rng.randint(1, 30))]
            writer.add_document(id=str(number), text=" ".join(words))
            number += 1
        for _ in range(3):  # equal documents: equal scores
            writer.add_document(id=str(number), text="voirie avenant voirie")
            number += 1
        writer.add_document(id=str(number), text="zéphyr unique")  # a rare word
        number += 1
        writer.commit(merge=False)
    writer = index.writer()
    for docid in range(0, number, 7):
        writer.delete_by_term("id", str(docid))
    writer.commit(merge=False)
    assert len(index.reader().leaf_readers()) == 3 and index.reader().has_deletions()
    return index


@pytest.fixture
def snapshot(index):
    snapshot = _Snapshot(index, _index_state(index))
    yield snapshot
    snapshot.close()


def parsed(text: str):
    from whoosh.qparser import QueryParser

    return QueryParser("text", schema=Schema(text=TEXT(analyzer=french_analyzer()))).parse(text)


QUERIES = [
    "voirie",
    "marchés",
    "nettoyage locaux",
    "avenant voirie",
    "zéphyr",
    "voirie NOT travaux",
    "prix NOT bordereau NOT offre",
    "inconnu",
    "voirie inconnu",
]


@pytest.mark.parametrize("text", QUERIES)
def test_the_documents_found_are_whooshs_deleted_ones_left_out(snapshot, text):
    query = parsed(text)
    found = snapshot.docs(query)
    assert found is not None
    assert sorted(found) == list(snapshot.searcher.docs_for_query(query))


def test_other_queries_are_left_to_whoosh(snapshot):
    for text in ['"voirie avenant"', "voir*", "voirie OR travaux", "NOT voirie"]:
        assert snapshot.docs(parsed(text)) is None, text


@pytest.mark.parametrize("text", ["voirie", "marchés", "nettoyage locaux", "avenant voirie", "zéphyr", "prix offre"])
@pytest.mark.parametrize("limit", [1, 5, 40, 2000])
def test_the_ranking_is_whooshs_scores_and_ties_in_document_order(snapshot, text, limit):
    query = parsed(text)
    hits = snapshot.docs(query)
    within = {docnum for docnum in hits if docnum % 3}  # an access filter keeping some of them
    ranked = snapshot.ranked(query, within, limit)
    theirs = Searcher.search(snapshot.searcher, query, filter=within, limit=limit)
    assert ranked == [(hit.score, hit.docnum) for hit in theirs]
    assert len(ranked) == min(limit, len(within))
    if text == "avenant voirie" and limit >= 40:
        scores = [score for score, _docnum in ranked]
        assert len(scores) != len(set(scores))  # ties were there to be ordered


def test_three_words_or_a_boost_are_ranked_by_whoosh(snapshot):
    hits = snapshot.docs(parsed("voirie avenant travaux"))
    assert hits is not None  # counted here
    assert snapshot.ranked(parsed("voirie avenant travaux"), hits, 10) is None  # Whoosh adds three scores its way
    assert snapshot.ranked(q.Term("text", "voir", boost=2.0), hits, 10) is None
    assert snapshot.ranked(parsed("voirie NOT travaux"), hits, 10) is None


def test_postings_are_read_once_per_search(snapshot, monkeypatch):
    query = parsed("avenant voirie")
    reads = []
    read = _Snapshot._read_postings
    monkeypatch.setattr(_Snapshot, "_read_postings", lambda self, *args: reads.append(args) or read(self, *args))
    hits = snapshot.docs(query)
    snapshot.ranked(query, hits, 10)
    assert len(reads) == 2  # two words, each read once for the count and the ranking
    snapshot.forget_postings()
    snapshot.docs(query)
    assert len(reads) == 4  # the next search reads the index again: nothing is kept between searches


@pytest.fixture(scope="module")
def blocks_index(tmp_path_factory):
    """Words whose posting blocks take every shape Whoosh 3 writes: long blocks (128 postings) and a short last one;
    blocks of 1, 2 and 3 postings (tuples pickled without a mark); weights all 1.0 (None), all equal (one float) or
    different (a tuple)."""
    schema = Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=french_analyzer(), stored=True))
    index = FileStorage(str(tmp_path_factory.mktemp("blocks"))).create_index(schema)
    rng = random.Random(11)
    texts = []
    for number in range(300):
        words = ["voirie"]  # in every document, once: weights all 1.0
        words += ["avenant"] * rng.randint(1, 4)  # in every document, repeated: different weights
        words += ["bordereau", "bordereau"] if number % 3 == 0 else []  # all equal weights (2.0)
        texts.append(words)
    texts[0] += ["zéphyr"]  # one posting
    texts[1] += ["quai"]  # two postings, different weights
    texts[2] += ["quai", "quai"]
    texts[3] += ["tunnel", "tunnel"]  # three postings, equal weights
    texts[4] += ["tunnel", "tunnel"]
    texts[5] += ["tunnel", "tunnel"]
    texts[6] += ["pont", "pont"]  # one posting, weight 2.0
    texts[7] += ["digue"]  # two postings, weights 1.0
    texts[8] += ["digue"]
    texts[9] += ["écluse", "écluse"]  # two postings, equal weights
    texts[10] += ["écluse", "écluse"]
    texts[11] += ["route"]  # three postings, weights 1.0
    texts[12] += ["route"]
    texts[13] += ["route"]
    texts[14] += ["canal"]  # three postings, different weights
    texts[15] += ["canal", "canal"]
    texts[16] += ["canal", "canal", "canal"]
    writer = index.writer()
    for number, words in enumerate(texts):
        writer.add_document(id=str(number), text=" ".join(words))
    writer.commit()
    return index


@pytest.mark.parametrize("which", ["blocks_index", "index"])
def test_each_posting_block_is_read_as_whoosh_reads_it_without_its_positions(request, which, monkeypatch):
    """`_block_ids_and_weights` unpickles only a block's ids and weights: the same as Whoosh's whole read for every
    block of every word, and never by falling back to Whoosh's read for a block written by Whoosh 3's codec."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    from intranet.search_backends import _block_ids_and_weights

    whole_reads = []
    read_weights = W3LeafMatcher._read_weights
    kinds = set()
    for leaf, _offset in request.getfixturevalue(which).reader().leaf_readers():
        for term in leaf.lexicon("text"):
            ours, whooshs = leaf.postings("text", term), leaf.postings("text", term)
            ours, whooshs = getattr(ours, "child", ours), getattr(whooshs, "child", whooshs)
            assert type(ours) is W3LeafMatcher
            while ours.is_active():
                monkeypatch.setattr(W3LeafMatcher, "_read_weights", lambda self: whole_reads.append(self))
                deltas, weights = _block_ids_and_weights(ours)
                monkeypatch.setattr(W3LeafMatcher, "_read_weights", read_weights)
                whooshs._read_weights()
                assert (tuple(deltas), list(weights)) == (tuple(whooshs._data[0]), list(whooshs._weights))
                kinds.add((min(ours._blocklength, 4), type(whooshs._data[1]).__name__))
                ours._next_block()
                whooshs._next_block()
    assert whole_reads == []
    if which == "blocks_index":
        shapes = {(length, weights) for length in (1, 2, 3, 4) for weights in ("NoneType", "float", "tuple")}
        assert shapes - {(1, "tuple")} <= kinds  # a single weight is never a tuple


def test_a_block_not_shaped_as_expected_is_read_by_whoosh(index, monkeypatch):
    """A block whose start is not the expected pickle (another writer's) is read whole by Whoosh, not misread."""
    import pickle
    import zlib

    from intranet.search_backends import _block_ids_and_weights

    leaf, _offset = index.reader().leaf_readers()[0]
    matcher = leaf.postings("text", "voir")
    matcher = getattr(matcher, "child", matcher)
    matcher._read_weights()
    expected = (tuple(matcher._data[0]), list(matcher._weights))
    matcher._data = matcher._weights = None
    stored = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    pickled = zlib.decompress(stored) if matcher._compression else stored
    # The same data at pickle protocol 4: Whoosh reads it (it unpickles any protocol); ours does not recognise it.
    repickled = pickle.dumps(pickle.loads(pickled), 4)  # noqa: S301 - the test's own index
    monkeypatch.setattr(
        matcher._postfile, "get", lambda offset, length: zlib.compress(repickled) if matcher._compression else repickled
    )
    deltas, weights = _block_ids_and_weights(matcher)
    assert (tuple(deltas), list(weights)) == expected
