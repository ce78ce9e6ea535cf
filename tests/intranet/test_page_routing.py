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


# --- the Site, kept per process and content generation (intranet/wagtail_serve.py) ----------------------------


def _site_queries(captured) -> list:
    return [q for q in captured if 'FROM "wagtailcore_site"' in q["sql"]]


@pytest.mark.django_db
def test_the_site_is_looked_up_once_per_content_generation(home, rf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from intranet import page_cache, wagtail_serve

    page_cache.record_change()
    with CaptureQueriesContext(connection) as first:
        wagtail_serve.site_for(rf.get("/"))
    with CaptureQueriesContext(connection) as second:
        site = wagtail_serve.site_for(rf.get("/"))
    assert len(_site_queries(first.captured_queries)) == 1
    assert _site_queries(second.captured_queries) == []
    assert site.root_page.pk == home.pk

    Site.objects.filter(pk=site.pk).update(site_name="Mégalis Bretagne")  # content: a new generation
    with CaptureQueriesContext(connection) as third:
        changed = wagtail_serve.site_for(rf.get("/"))
    assert len(_site_queries(third.captured_queries)) == 1
    assert changed.site_name == "Mégalis Bretagne"


@pytest.mark.django_db
def test_each_request_gets_its_own_copy_of_the_site_and_its_root_page(home, rf):
    from intranet import wagtail_serve

    first = wagtail_serve.site_for(rf.get("/"))
    first.site_name = "changé par une requête"
    first.root_page.title = "changé aussi"
    second = wagtail_serve.site_for(rf.get("/"))
    assert second.site_name != "changé par une requête"
    assert second.root_page.title == home.title
    assert second.root_page is not first.root_page


@pytest.mark.django_db
def test_a_new_root_page_for_the_site_is_served_on_the_next_request(client, home):
    from intranet.models import HomePage

    client.get("/")
    other = Page.get_first_root_node().add_child(instance=HomePage(title="Autre accueil", slug="autre-accueil"))
    Site.objects.filter(is_default_site=True).update(root_page=other)
    response = client.get("/")
    assert response.context["page"].pk == other.pk


@pytest.mark.django_db
def test_a_host_no_site_answers_gets_404_until_a_site_is_made_for_it(client, home):
    site = Site.objects.get(is_default_site=True)
    Site.objects.all().delete()  # content: a new generation
    assert client.get("/").status_code == 404  # "no site" is kept for this generation and host
    assert client.get("/").status_code == 404
    Site.objects.create(hostname=site.hostname, port=site.port, root_page=home, is_default_site=True)
    assert client.get("/").status_code == 200
