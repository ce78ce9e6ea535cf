"""The open data endpoints (/donnees/ocds/...): per-notice and paginated OCDS release packages."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement import ocds, views_opendata
from procurement.models import NoticePage
from tests.page_cache_helpers import get_cold_and_warm
from tests.procurement.ocds_validation import validate


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response, json.loads(response.content)


def notice_url(notice):
    return reverse("opendata:notice_releases", args=[notice.pk])


def test_notice_package_holds_its_releases_and_is_valid(client, make_notice):
    notice = make_notice(lots=[(1, "Lot unique", "90911200-8", None)])
    NoticePage.objects.filter(pk=notice.pk).update(
        cancelled_at=timezone.now() + datetime.timedelta(hours=1), cancellation_reason="Besoin abandonné."
    )

    _, package = get_json(client, notice_url(notice))

    assert package["uri"] == f"http://testserver/donnees/ocds/avis/{notice.pk}.json"
    assert package["extensions"] == [ocds.LOTS_EXTENSION]
    assert [r["tag"] for r in package["releases"]] == [["tender"], ["tenderCancellation"]]
    assert package["releases"][0]["tender"]["documents"][0]["url"] == f"http://testserver{notice.url}"
    result = validate(package)
    assert result["validation_errors"] == []
    assert not result.get("additional_closed_codelist_values")


def test_drafts_and_unknown_notices_are_not_found(client, make_notice, login, buyer):
    draft = make_notice(live=False)

    assert client.get(notice_url(draft)).status_code == 404
    # Not even for the notice's own buyer: open data is what the public sees.
    assert login(buyer).get(notice_url(draft)).status_code == 404
    assert client.get(reverse("opendata:notice_releases", args=[draft.pk + 1000])).status_code == 404


@pytest.fixture
def three_notices(make_notice):
    """Three published notices, published in the opposite order of their creation, and a draft."""
    notices = [make_notice(f"Avis {n}") for n in range(3)]
    now = timezone.now()
    for age, notice in enumerate(notices):
        NoticePage.objects.filter(pk=notice.pk).update(first_published_at=now - datetime.timedelta(days=age))
    make_notice("Brouillon", live=False)
    return list(reversed(notices))  # by first publication


def test_release_pages_follow_first_publication_with_link_headers(client, three_notices, monkeypatch):
    monkeypatch.setattr(views_opendata, "NOTICES_PER_PAGE", 2)
    url = reverse("opendata:releases")

    first, page1 = get_json(client, url)
    second, page2 = get_json(client, url, page=2)

    assert [r["ocid"] for r in page1["releases"]] == [ocds.ocid_for(n) for n in three_notices[:2]]
    assert [r["ocid"] for r in page2["releases"]] == [ocds.ocid_for(three_notices[2])]
    assert first["Link"] == '<http://testserver/donnees/ocds/releases.json?page=2>; rel="next"'
    assert second["Link"] == '<http://testserver/donnees/ocds/releases.json?page=1>; rel="prev"'
    assert page2["uri"] == "http://testserver/donnees/ocds/releases.json?page=2"
    assert "links" not in page1  # not in OCDS 1.1's package schema: the Link header carries them
    assert "Brouillon" not in json.dumps(page1 | page2, ensure_ascii=False)
    assert client.get(url, {"page": 3}).status_code == 404
    assert client.get(url, {"page": "x"}).status_code == 404

    result = validate(page1)
    assert result["validation_errors"] == []
    assert not result.get("additional_closed_codelist_values")


def test_before_any_publication_the_first_page_is_an_empty_package(client, db):
    response, package = get_json(client, reverse("opendata:releases"))

    assert package["releases"] == []
    assert "Link" not in response
    # OCDS wants at least one release in a package: an empty site is the one exception, kept so
    # that harvesters get an answer rather than a 404 on the entry point.
    assert [error["type"] for error in validate(package)["validation_errors"]] == ["minItems"]


def test_release_page_query_count_is_fixed(client, make_notice, django_assert_num_queries):
    for n in range(4):
        make_notice(f"Avis {n}", lots=[(1, "Lot", "", None)])
    client.get(reverse("opendata:releases"))  # warms the site root paths' cache

    # Notices (one more than a page), lots, documents, amendments, CPV labels.
    response = get_cold_and_warm(client, django_assert_num_queries, reverse("opendata:releases"), 5)
    assert len(json.loads(response.content)["releases"]) == 4


def test_the_open_data_is_kept_for_logged_in_people_too_and_follows_every_change(client, buyer, make_notice):
    """The same open data for everyone (intranet.page_cache.shared): a buyer's second request is served from the
    cache, and a notice published since is in the next answer."""
    make_notice("Avis déjà publié")
    client.force_login(buyer)
    url = reverse("opendata:releases")
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    make_notice("Avis publié ensuite")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    titles = {release["tender"]["title"] for release in json.loads(response.content)["releases"]}
    assert {"Avis déjà publié", "Avis publié ensuite"} <= titles
    # A visitor's copy and a buyer's are the same answer.
    visitor = type(client)()
    assert json.loads(visitor.get(url).content) == json.loads(response.content)


def test_a_package_made_on_demand_is_dated_by_its_latest_release_not_by_the_request(client, make_notice):
    """OCDS: a package generated on demand reflects the date of the last change to its contents, so the same
    contents give the same package whenever it is asked for (a visitor's and a buyer's copies, a second apart)."""
    old = make_notice("Avis ancien")
    NoticePage.objects.filter(pk=old.pk).update(first_published_at=timezone.now() - datetime.timedelta(days=3))
    notice = make_notice("Avis récent")
    NoticePage.objects.filter(pk=notice.pk).update(first_published_at=timezone.now() - datetime.timedelta(hours=1))
    for url in (reverse("opendata:releases"), reverse("opendata:notice_releases", args=[notice.pk])):
        _response, package = get_json(client, url)
        dates = [datetime.datetime.fromisoformat(release["date"]) for release in package["releases"]]
        assert datetime.datetime.fromisoformat(package["publishedDate"]) == max(dates)
        assert max(dates) < timezone.now() - datetime.timedelta(minutes=59)  # not the time of the request
