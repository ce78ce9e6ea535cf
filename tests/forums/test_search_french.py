"""French-aware search (intranet/search_backends.py): accents, plurals, capitals and elisions find each other, at
the engine (Whoosh, the embedded default) and through the site search page; Elasticsearch gets the same steps."""

import pytest
from django.urls import reverse
from haystack import connections
from haystack.query import SearchQuerySet

from forums.models import Topic
from intranet.search_backends import ELASTICSEARCH_FRENCH_ANALYSIS, french_analyzer
from intranet.search_elasticsearch import FrenchElasticsearch7SearchBackend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_search_index")]


@pytest.fixture
def topics(django_capture_on_commit_callbacks, make_topic, public_category, buyer):
    made = {}
    with django_capture_on_commit_callbacks(execute=True):
        made["marche"] = make_topic(public_category, buyer, "Un marché de nettoyage", "Premier bilan du marché.")
        made["appel"] = make_topic(public_category, buyer, "Rédiger les appels d'offres", "Modèles et pièges.")
        made["elagage"] = make_topic(public_category, buyer, "Élagage des arbres", "Calendrier des travaux.")
        made["other"] = make_topic(public_category, buyer, "Clauses sociales", "Heures d'insertion.")
    return made


def found(words: str) -> set[int]:
    return {int(result.pk) for result in SearchQuerySet().models(Topic).auto_query(words)}


def tokens(text: str) -> list[str]:
    return [token.text for token in french_analyzer()(text)]


@pytest.mark.parametrize("words", ["marché", "marches", "Marchés", "MARCHE", "marchés"])
def test_accents_plurals_and_capitals_find_the_same_word(topics, words):
    assert found(words) == {topics["marche"].pk}


@pytest.mark.parametrize("words", ["appel d'offre", "appels d’offres", "offres", "appel"])
def test_elided_articles_are_dropped_and_plurals_folded(topics, words):
    assert found(words.replace("’", "'")) == {topics["appel"].pk}


def test_a_word_typed_without_its_accent_finds_it(topics):
    assert found("elagage") == {topics["elagage"].pk}
    assert found("élagages") == {topics["elagage"].pk}


def test_the_site_search_page_uses_the_same_analysis(client, topics):
    response = client.get(reverse("search"), {"q": "marches"})
    assert response.status_code == 200
    assert [result.object.pk for result in response.context["results"]] == [topics["marche"].pk]


def test_stop_words_and_elisions_alone_leave_nothing_to_search():
    assert tokens("le la les de des du d' l' qu'il") == []
    assert tokens("l'appel d'offres") == ["appel", "offre"]
    assert tokens("Marchés publics") == tokens("marche public")


def test_the_whoosh_schema_analyses_text_in_french():
    backend = connections["default"].get_backend()
    backend.setup()
    text_field = backend.schema["text"]
    assert [token.text for token in text_field.analyzer("Les marchés")] == ["march"]


def test_elasticsearch_gets_the_same_steps_as_its_default_analyzer():
    settings = FrenchElasticsearch7SearchBackend.DEFAULT_SETTINGS["settings"]
    analysis = settings["analysis"]
    french = analysis["analyzer"]["french_folded"]
    assert french["tokenizer"] == "standard"
    assert french["filter"] == ["french_elision", "lowercase", "french_stop", "french_stemmer", "asciifolding"]
    assert analysis["filter"]["french_elision"]["articles"] == sorted(
        ELASTICSEARCH_FRENCH_ANALYSIS["filter"]["french_elision"]["articles"]
    )
    assert analysis["filter"]["french_stemmer"] == {"type": "stemmer", "language": "light_french"}
    # haystack's own analyzers (n-grams for autocomplete) are still there.
    assert {"ngram_analyzer", "edgengram_analyzer"} <= set(analysis["analyzer"])
    assert FrenchElasticsearch7SearchBackend.DEFAULT_FIELD_MAPPING == {"type": "text", "analyzer": "french_folded"}


def test_elasticsearch_text_fields_are_mapped_with_the_french_analyzer():
    unified = connections["default"].get_unified_index()
    backend = FrenchElasticsearch7SearchBackend("default", URL="http://127.0.0.1:9", INDEX_NAME="essai")
    _content_field, mapping = backend.build_schema(unified.all_searchfields())
    assert mapping["text"]["analyzer"] == "french_folded"
