"""The notice list (/appels-d-offres/): filters alone and combined, sort orders, pagination, invalid values."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from procurement.models import NoticePage
from tests.procurement.conftest import paris

pytestmark = pytest.mark.django_db


def index_notices(request):
    """Write every live notice into an emptied search index (the worker's job), for the keyword box."""
    from haystack import connections

    request.getfixturevalue("empty_search_index")
    search_index = connections["default"].get_unified_index().get_index(NoticePage)
    connections["default"].get_backend().update(search_index, list(search_index.index_queryset()))


def listed(client, index, **params):
    response = client.get(index.url, params)
    assert response.status_code == 200
    return response, [n.reference for n in response.context["notices"]]


@pytest.fixture
def catalogue(make_notice, other_body):
    now = timezone.now()
    days = datetime.timedelta(days=1)
    return {
        "roads": make_notice(
            "Réfection de la voirie",
            reference="R-1",
            nature="works",
            main_cpv="45233140-2",
            department="35",
            estimated_value=Decimal("500000"),
        ),
        "laptops": make_notice(
            "Ordinateurs portables",
            reference="L-2",
            nature="supplies",
            procedure="adapted",
            main_cpv="30213100-6",
            department="29",
            buyer=other_body,
            estimated_value=Decimal("40000"),
            lots=[(1, "Postes fixes", "30200000-1", Decimal("10000")), (2, "Entretien", "45233141-9", None)],
        ),
        "cleaning_hidden": make_notice(
            "Nettoyage des écoles",
            reference="N-3",
            additional_cpv="90911200-8",
            estimated_value=Decimal("90000"),
            hide_estimated_value=True,
            bids_deadline=now + 60 * days,
            questions_deadline=now + 50 * days,
        ),
        "closed": make_notice(
            "Repas scolaires",
            reference="C-4",
            main_cpv="55523100-3",
            questions_deadline=now - 20 * days,
            bids_deadline=now - 10 * days,
        ),
        "draft": make_notice("Voirie brouillon", reference="D-5", main_cpv="45233140-2", live=False),
    }


def test_default_list_shows_open_live_notices_newest_first(client, notice_index, catalogue):
    response, refs = listed(client, notice_index)
    assert refs == ["N-3", "L-2", "R-1"]
    assert response.context["result_count"] == 3
    with translation.override("en"):
        html = client.get(notice_index.url).content.decode()
    assert "3 notices" in html
    assert "D-5" not in html and "Voirie brouillon" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"nature": "works"}, ["R-1"]),
        ({"procedure": "adapted"}, ["L-2"]),
        ({"department": "29"}, ["L-2"]),
        ({"cpv": "45"}, ["L-2", "R-1"]),  # R-1's main code, L-2's lot 2
        ({"cpv": "45233140-2"}, ["L-2", "R-1"]),  # the branch 4523314: L-2 lot 2 is 45233141-9
        ({"cpv": "90910000"}, ["N-3"]),  # the main code; the additional one is under it too
        ({"cpv": "909112"}, ["N-3"]),  # additional code
        ({"q": "ordinateurs"}, ["L-2"]),
        ({"q": "r-1"}, ["R-1"]),
        ({"value_min": "50000"}, ["R-1"]),  # N-3's value is hidden, so never matches a value range
        ({"value_max": "100000"}, ["L-2"]),
        ({"status": "bids_closed"}, ["C-4"]),
        ({"status": "any"}, ["C-4", "N-3", "L-2", "R-1"]),
        ({"status": "any", "cpv": "55"}, ["C-4"]),
        ({"nature": "services", "department": "35", "cpv": "90"}, ["N-3"]),
        ({"nature": "supplies", "department": "35"}, []),
    ],
)
def test_filters_alone_and_combined(client, notice_index, catalogue, params, expected, request):
    if "q" in params:
        index_notices(request)
    response, refs = listed(client, notice_index, **params)
    assert sorted(refs) == sorted(expected)
    assert response.context["result_count"] == len(expected)


def test_buyer_filter_offers_only_organizations_with_live_notices(client, notice_index, catalogue, other_body, company):
    response, refs = listed(client, notice_index, buyer=other_body.pk)
    assert refs == ["L-2"]
    choices = dict(response.context["filter_form"].fields["buyer"].choices)
    assert other_body.pk in choices and company.pk not in choices


def test_deadline_range_uses_paris_days(client, notice_index, make_notice):
    make_notice(reference="EARLY", questions_deadline=paris(2099, 3, 1, 10), bids_deadline=paris(2099, 3, 10, 0, 30))
    make_notice(reference="LATE", questions_deadline=paris(2099, 3, 1, 10), bids_deadline=paris(2099, 3, 11, 23, 59))
    _, refs = listed(client, notice_index, deadline_from="2099-03-10", deadline_to="2099-03-10")
    assert refs == ["EARLY"]
    _, refs = listed(client, notice_index, deadline_from="2099-03-11")
    assert refs == ["LATE"]


def test_sort_by_deadline_soonest(client, notice_index, catalogue):
    _, refs = listed(client, notice_index, sort="deadline")
    assert refs == ["R-1", "L-2", "N-3"]


def test_invalid_values_show_an_error_and_the_other_filters_still_apply(client, notice_index, catalogue):
    with translation.override("en"):
        response = client.get(notice_index.url, {"cpv": "4x", "nature": "works", "value_min": "-3"})
    refs = [n.reference for n in response.context["notices"]]
    assert refs == ["R-1"]
    html = response.content.decode()
    assert "Enter 2 to 8 digits or a full CPV code" in html
    assert 'value="4x"' in html  # what was typed is kept
    form = response.context["filter_form"]
    assert set(form.errors) == {"cpv", "value_min"}


def test_pagination_twenty_per_page_keeps_filters(client, notice_index, make_notice):
    for n in range(23):
        make_notice(f"Avis {n}", reference=f"P-{n:02d}", nature="works")
    make_notice("Autre", nature="supplies")
    response, first = listed(client, notice_index, nature="works")
    assert len(first) == 20 and response.context["result_count"] == 23
    assert "nature=works&amp;page=2" in response.content.decode()
    _, second = listed(client, notice_index, nature="works", page=2)
    assert len(second) == 3 and not set(first) & set(second)


def test_cpv_index_follows_published_revisions(make_notice):
    notice = make_notice(main_cpv="45233140-2", additional_cpv="45000000-7", lots=[(1, "Lot", "90910000-9", None)])
    assert NoticePage.objects.get(pk=notice.pk).cpv_index == " 45233140-2 45000000-7 90910000-9 "
    notice.main_cpv = "30213100-6"
    notice.save_revision().publish()
    assert NoticePage.objects.get(pk=notice.pk).cpv_index.startswith(" 30213100-6 ")


def test_my_notices_lists_own_organizations_notices_with_drafts(
    client, login, buyer, company_member, make_notice, other_body
):
    from django.urls import reverse

    own = make_notice("Publié", reference="OWN-1")
    draft = make_notice("Brouillon", reference="OWN-2", live=False)
    make_notice("Autre", reference="OTHER-1", buyer=other_body)
    url = reverse("procurement:my_notices")
    assert client.get(url).status_code == 302
    assert login(company_member).get(url).status_code == 403
    response = login(buyer).get(url)
    assert response.status_code == 200
    assert {n.reference for n in response.context["notices"]} == {"OWN-1", "OWN-2"}
    html = response.content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[draft.pk]) in html
    assert reverse("wagtailadmin_pages:edit", args=[own.pk]) in html


def test_followed_notices_lists_live_followed_notices(client, login, company_member, make_notice):
    from django.urls import reverse

    from procurement.models import Follow

    followed = make_notice("Suivi", reference="F-1")
    make_notice("Pas suivi", reference="F-2")
    withdrawn = make_notice("Retiré", reference="F-3")
    Follow.objects.create(notice=followed, user=company_member)
    Follow.objects.create(notice=withdrawn, user=company_member)
    NoticePage.objects.filter(pk=withdrawn.pk).update(live=False)
    url = reverse("procurement:followed_notices")
    assert client.get(url).status_code == 302
    response = login(company_member).get(url)
    assert [n.reference for n in response.context["notices"]] == ["F-1"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("voirie", ["R-1"]),
        ("réfections VOIRIES", ["R-1"]),  # plurals, capitals and accents: the site search's French analysis
        ("refection", ["R-1"]),
        ("écoles", ["N-3"]),
        ("nettoyages écoles", ["N-3"]),
        ("postes fixes", ["L-2"]),  # a lot's title
        ("portables -ordinateurs", []),  # a word left out
        ('"voirie réfection"', []),  # a phrase, in its order only
        ('"réfection de la voirie"', ["R-1"]),
        ("ORDINATEUR portable", ["L-2"]),
    ],
)
def test_keywords_are_searched_as_the_site_search_does(client, notice_index, catalogue, words, expected, request):
    index_notices(request)
    response, refs = listed(client, notice_index, q=words, status="any")
    assert sorted(refs) == expected
    assert response.context["result_count"] == len(expected)


def test_keywords_find_the_description_and_buyer_and_combine_with_the_other_filters(
    client, notice_index, make_notice, other_body, request
):
    make_notice("Fournitures", reference="F-1", description="<p>Papeterie pour les écoles maternelles</p>")
    make_notice("Fournitures", reference="F-2", buyer=other_body, department="29")
    index_notices(request)
    assert listed(client, notice_index, q="maternelle")[1] == ["F-1"]
    assert listed(client, notice_index, q=other_body.name)[1] == ["F-2"]
    assert sorted(listed(client, notice_index, q="fournitures")[1]) == ["F-1", "F-2"]
    assert listed(client, notice_index, q="fournitures", department="29")[1] == ["F-2"]


def test_a_reference_typed_finds_its_notice(client, notice_index, make_notice, request):
    make_notice("Fournitures", reference="2027-AOO-014")
    make_notice("Fournitures", reference="2027-AOO-015")
    make_notice("Fournitures", reference="2026-MAPA-014")
    index_notices(request)
    assert listed(client, notice_index, q="2027-AOO-014")[1] == ["2027-AOO-014"]
    assert listed(client, notice_index, q="2027-aoo-014")[1] == ["2027-AOO-014"]
    assert sorted(listed(client, notice_index, q="2027-AOO")[1]) == ["2027-AOO-014", "2027-AOO-015"]


def test_keywords_of_only_common_words_are_refused_beside_the_box(client, notice_index, catalogue, request):
    index_notices(request)
    with translation.override("fr"):
        response, refs = listed(client, notice_index, q="le de", nature="works")
    assert refs == ["R-1"]  # the other filters still apply
    error = response.context["filter_form"].errors["q"][0]
    assert "mots courants" in error or "« le »" in error
    assert 'value="le de"' in response.content.decode()  # what was typed is kept


def test_many_keyword_hits_travel_as_one_parameter(make_notice):
    """Beyond 500 hits the keys go to the database as one JSON parameter: SQLite and PostgreSQL refuse a statement
    of 70,000 parameters, and a broad word (« travaux ») finds that many notices on a large platform."""
    from intranet.search import pk_in

    notices = [make_notice(f"Balayage {n}", reference=f"B-{n}") for n in range(3)]
    keys = [str(n.pk) for n in notices] + [str(10_000_000 + n) for n in range(70_000)]
    assert [n.pk for n in NoticePage.objects.filter(pk_in(keys)).order_by("pk")] == [n.pk for n in notices]
    assert NoticePage.objects.filter(pk_in(keys)).count() == 3
    assert list(NoticePage.objects.filter(pk_in(keys[:2])).order_by("pk")) == notices[:2]


def test_a_kept_list_page_shows_a_notice_once_the_worker_has_indexed_it(
    client, notice_index, make_notice, request, django_assert_num_queries
):
    """A notice published a moment ago is found by keywords once the worker has indexed it, even if the page
    was kept by the page cache in between: the index's write starts a new content generation."""
    from intranet import search
    from tests.page_cache_helpers import WARM_QUERIES

    index_notices(request)
    late = make_notice("Granit rose", reference="G-2")  # published, not yet indexed by the worker
    early = make_notice("Granit gris", reference="G-1")
    search_index = search.connections["default"].get_unified_index().get_index(NoticePage)
    search.connections["default"].get_backend().update(search_index, [early])
    assert listed(client, notice_index, q="granit")[1] == ["G-1"]
    with django_assert_num_queries(WARM_QUERIES):
        assert b"Granit gris" in client.get(notice_index.url, {"q": "granit"}).content  # kept
    search.update_search_index_batch.call([[NoticePage._meta.label, str(late.pk)]], [])
    assert listed(client, notice_index, q="granit")[1] == ["G-1", "G-2"]


def test_without_a_readable_index_keywords_are_matched_in_titles_and_the_list_still_answers(
    client, notice_index, catalogue, tmp_path, caplog
):
    from haystack import connections

    backend = connections["default"].get_backend()
    (tmp_path / "not-a-folder").write_text("")
    path, backend.path, backend.setup_complete = backend.path, str(tmp_path / "not-a-folder"), False
    try:
        _response, refs = listed(client, notice_index, q="voirie")
    finally:
        backend.path, backend.setup_complete = path, False
    assert refs == ["R-1"]
    assert "Search is unavailable" in caplog.text


def test_a_draft_left_in_the_index_is_never_listed_by_keywords(client, notice_index, catalogue, request):
    """The engine only gives keys; the list's own query (live notices a reader may see) still decides: a draft
    the index still holds (written while published, unpublished since) is neither listed nor counted."""
    from haystack import connections

    from intranet.search import matching_pks

    index_notices(request)
    search_index = connections["default"].get_unified_index().get_index(NoticePage)
    connections["default"].get_backend().update(search_index, [catalogue["draft"]])  # as if it had been live
    assert str(catalogue["draft"].pk) in matching_pks(NoticePage, "brouillon")
    response, refs = listed(client, notice_index, q="voirie brouillon", status="any")
    assert refs == [] and response.context["result_count"] == 0
