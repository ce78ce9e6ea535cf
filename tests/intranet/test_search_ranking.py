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
