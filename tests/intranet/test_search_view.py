"""The search page: a labelled form, no crash without an index (results: tests/knowledge/test_search_page.py)."""

import logging

import pytest
from django.urls import reverse
from haystack import connections
from haystack.models import SearchResult

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
