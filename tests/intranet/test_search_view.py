"""The search page: a labelled form, results re-checked by the apps' hooks, no crash without an index."""

import logging

import pytest
from django.urls import reverse
from haystack import connections
from haystack.models import SearchResult
from wagtail import hooks

from intranet.views import search

pytestmark = pytest.mark.django_db


def hits_for(*organizations):
    """Index hits as haystack returns them, for objects that exist in the database."""
    return [SearchResult("intranet", "organization", org.pk, 1.0) for org in organizations]


def test_an_empty_query_shows_the_labelled_form_and_no_results_heading(client):
    html = client.get(reverse("search")).content.decode()
    assert '<label for="search-q">' in html
    assert 'name="q"' in html
    assert 'id="search-results-title"' not in html


def test_a_query_without_an_index_shows_no_results_and_logs_a_warning(client, tmp_path, caplog):
    # A file where the Whoosh directory should be: the index cannot be created nor opened.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    info = connections.connections_info["default"]
    old_path = info.get("PATH")
    info["PATH"] = str(blocker / "whoosh_index")
    connections.reload("default")
    try:
        with caplog.at_level(logging.WARNING, logger="intranet.views.search"):
            response = client.get(reverse("search"), {"q": "nettoyage"})
    finally:
        info["PATH"] = old_path
        connections.reload("default")
    assert response.status_code == 200
    assert response.context["result_count"] == 0
    assert 'class="empty"' in response.content.decode()
    assert any("Search is unavailable" in record.getMessage() for record in caplog.records)


def test_hits_whose_object_was_deleted_are_not_shown(client, monkeypatch, body, company):
    hits = hits_for(body, company)
    company.delete()
    monkeypatch.setattr(search, "search_candidates", lambda query, request=None: hits)
    response = client.get(reverse("search"), {"q": "rennes"})
    assert [result.object for result in response.context["results"]] == [body]
    assert "Ville de Rennes" in response.content.decode()


def test_an_app_hook_hides_results_the_reader_may_not_see(client, monkeypatch, body, company):
    monkeypatch.setattr(search, "search_candidates", lambda query, request=None: hits_for(body, company))

    def companies_only(request, results):
        return [result for result in results if result.object.is_company]

    with hooks.register_temporarily("filter_search_results", companies_only):
        response = client.get(reverse("search"), {"q": "bretagne"})
    html = response.content.decode()
    assert response.context["result_count"] == 1
    assert "Bretagne Nettoyage SARL" in html
    assert "Ville de Rennes" not in html


def test_results_are_paginated_twenty_per_page_and_keep_the_query(client, monkeypatch, make_org):
    organizations = [make_org(f"Commune {index:02d}") for index in range(25)]
    monkeypatch.setattr(search, "search_candidates", lambda query, request=None: hits_for(*organizations))
    first = client.get(reverse("search"), {"q": "commune"})
    second = client.get(reverse("search"), {"q": "commune", "page": 2})
    assert len(first.context["results"]) == 20
    assert len(second.context["results"]) == 5
    assert 'href="?q=commune&amp;page=2"' in first.content.decode()
    assert "Commune 24" in second.content.decode()
