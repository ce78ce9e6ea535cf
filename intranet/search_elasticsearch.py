"""Elasticsearch 7 through haystack with the French analysis of `intranet.search_backends` (SEARCH_URL)."""

from haystack.backends.elasticsearch7_backend import Elasticsearch7SearchBackend, Elasticsearch7SearchEngine

from intranet.search_backends import ELASTICSEARCH_FRENCH_ANALYSIS


def _merged_settings(base: dict) -> dict:
    settings = {**base["settings"]}
    analysis = {key: dict(value) for key, value in settings.get("analysis", {}).items()}
    for part, entries in ELASTICSEARCH_FRENCH_ANALYSIS.items():
        analysis.setdefault(part, {}).update(entries)
    settings["analysis"] = analysis
    return {**base, "settings": settings}


class FrenchElasticsearch7SearchBackend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = _merged_settings(Elasticsearch7SearchBackend.DEFAULT_SETTINGS)
    DEFAULT_FIELD_MAPPING = {"type": "text", "analyzer": "french_folded"}


class FrenchElasticsearch7SearchEngine(Elasticsearch7SearchEngine):
    backend = FrenchElasticsearch7SearchBackend
