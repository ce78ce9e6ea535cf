"""The home page resolves page URLs in a fixed number of queries, with Wagtail's results."""

import pytest
from wagtail.models import Page, Site

from intranet.models import StandardPage
from tests.page_cache_helpers import get_cold_and_warm


@pytest.fixture
def home():
    return Site.objects.get(is_default_site=True).root_page.specific


def _deep_pages(home, depth):
    parent, pages = home, []
    for level in range(depth):
        page = parent.add_child(instance=StandardPage(title=f"Niveau {level}", slug=f"niveau-{level}"))
        pages.append(page)
        parent = page
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [1, 4])
def test_a_deep_page_costs_the_same_routing_queries_as_a_shallow_one(client, home, depth, django_assert_num_queries):
    target = _deep_pages(home, depth)[-1]
    client.get(target.url)  # warm the site cache
    response = get_cold_and_warm(client, django_assert_num_queries, target.url, 8)
    assert response.status_code == 200
    assert response.context["page"].pk == target.pk


@pytest.mark.django_db
def test_routing_finds_the_same_page_as_wagtail_and_404s_on_unknown_or_draft_pages(client, home, rf):
    pages = _deep_pages(home, 3)
    request = rf.get("/")
    for page in pages:
        components = [c for c in page.url.split("/") if c]
        assert home.route(request, components).page.pk == page.pk
        assert Page.route(home, request, components).page.pk == page.pk  # Wagtail's own walk
    assert client.get(pages[-1].url + "inconnue/").status_code == 404
    pages[1].unpublish()
    # A draft page is not served, but its live children still are (as in Wagtail).
    assert client.get(pages[1].url).status_code == 404
    assert client.get(pages[2].url).status_code == 200
