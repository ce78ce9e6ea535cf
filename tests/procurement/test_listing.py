"""The notice list (/appels-d-offres/): filters alone and combined, sort orders, pagination, invalid values."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from procurement.models import NoticePage
from tests.procurement.conftest import paris

pytestmark = pytest.mark.django_db


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
def test_filters_alone_and_combined(client, notice_index, catalogue, params, expected):
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
