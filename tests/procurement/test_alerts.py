"""Alerts (saved searches): saving from the list, editing, deleting, refusals, notifications at publication."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from intranet.models import Notification
from procurement.actions.alerts import do_notify_alerts, do_save_search
from procurement.models import SavedSearch

pytestmark = pytest.mark.django_db


def test_company_user_saves_the_current_filters_as_an_alert(login, company_member, notice_index):
    client = login(company_member)
    response = client.post(
        reverse("procurement:alert_create"),
        {"name": "Voirie en Ille-et-Vilaine", "notify": "on", "query": "cpv=4523&department=35&cpv_typo=x&page=3"},
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get(user=company_member)
    assert (search.name, search.notify, search.query) == ("Voirie en Ille-et-Vilaine", True, "cpv=4523&department=35")
    with translation.override("en"):
        page = client.get(reverse("procurement:alert_list")).content.decode()
    assert "Voirie en Ille-et-Vilaine" in page
    assert "CPV code: 4523" in page and "Département: 35" in page
    assert reverse("procurement:alert_feed", args=[search.feed_token]) in page
    assert reverse("procurement:alert_calendar", args=[search.feed_token]) in page


def test_alert_without_name_is_refused_and_the_form_keeps_the_filters(login, company_member):
    client = login(company_member)
    with translation.override("en"):
        response = client.post(reverse("procurement:alert_create"), {"name": "  ", "query": "nature=works"})
    assert response.status_code == 400
    assert not SavedSearch.objects.exists()
    assert 'value="nature=works"' in response.content.decode()


def test_edit_and_delete_own_alert(login, company_member):
    search = do_save_search(company_member, name="Nettoyage", query="cpv=9091", notify=True)
    client = login(company_member)
    response = client.post(reverse("procurement:alert_update", args=[search.pk]), {"name": "Propreté"})
    assert response.status_code == 302
    search.refresh_from_db()
    assert (search.name, search.notify) == ("Propreté", False)
    assert client.get(reverse("procurement:alert_delete", args=[search.pk])).status_code == 200
    assert SavedSearch.objects.filter(pk=search.pk).exists()  # GET only asks for confirmation
    assert client.post(reverse("procurement:alert_delete", args=[search.pk])).status_code == 302
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_other_users_alerts_do_not_exist_and_anonymous_is_sent_to_login(client, login, company_member, company_admin):
    search = do_save_search(company_member, name="Nettoyage", query="", notify=True)
    for url in (
        reverse("procurement:alert_update", args=[search.pk]),
        reverse("procurement:alert_delete", args=[search.pk]),
    ):
        assert client.get(url).status_code == 302
        assert login(company_admin).get(url).status_code == 404
        assert login(company_admin).post(url, {"name": "x"}).status_code == 404
        client.logout()
    assert SavedSearch.objects.get(pk=search.pk).name == "Nettoyage"
    response = client.get(reverse("procurement:alert_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.post(reverse("procurement:alert_create"), {"name": "x"}).status_code == 302
    assert not SavedSearch.objects.filter(name="x").exists()


def test_notify_alerts_reaches_each_matching_user_once(
    make_notice, make_user, company, buyer, company_member, company_admin, other_admin
):
    notice = make_notice(
        "Entretien de la voirie",
        nature="works",
        main_cpv="45233141-9",
        department="35",
        estimated_value=Decimal("200000"),
        lots=[(1, "Lot unique", "90910000-9", None)],
    )
    # Two matching alerts for one user (one via the lot's code, one ignoring its closed-status filter).
    do_save_search(company_member, name="Voirie", query="cpv=4523&department=35", notify=True)
    do_save_search(company_member, name="Fermés", query="status=awarded&cpv=9091&deadline_to=2001-01-01", notify=True)
    do_save_search(company_admin, name="Valeur", query="value_min=100000&value_max=300000&q=voirie", notify=True)
    do_save_search(other_admin, name="Tous travaux", query="nature=works", notify=True)
    # Not matching, or not notified, or the notice's own buyer.
    do_save_search(make_user(), name="Fournitures", query="nature=supplies", notify=True)
    do_save_search(make_user(), name="Finistère", query="department=29", notify=True)
    do_save_search(make_user(), name="Silencieuse", query="nature=works", notify=False)
    do_save_search(make_user(), name="Trop cher", query="value_min=300000", notify=True)
    do_save_search(buyer, name="Mes travaux", query="nature=works", notify=True)

    assert do_notify_alerts(notice) == 3
    notified = Notification.objects.filter(verb="procurement.alert")
    assert sorted(n.recipient_id for n in notified) == sorted([company_member.pk, company_admin.pk, other_admin.pk])
    assert all(n.url == notice.url and n.target_id == str(notice.pk) for n in notified)
    assert notice.reference in notified.get(recipient=company_admin).message
    assert "Valeur" in notified.get(recipient=company_admin).message


def test_hidden_value_never_matches_a_value_alert(make_notice, company_member):
    notice = make_notice(estimated_value=Decimal("200000"), hide_estimated_value=True)
    do_save_search(company_member, name="Valeur", query="value_min=1", notify=True)
    assert do_notify_alerts(notice) == 0


def test_list_page_offers_to_save_the_search_to_those_who_may_act(client, login, company_member, notice_index):
    with translation.override("en"):
        anonymous = client.get(notice_index.url, {"nature": "works"}).content.decode()
        member = login(company_member).get(notice_index.url, {"nature": "works"}).content.decode()
    assert "Create the alert" not in anonymous and "Log in to create an alert from this search" in anonymous
    assert "Create an alert" in member and "Create the alert" in member
    assert 'name="query" value="nature=works"' in member


@pytest.mark.django_db
def test_alert_email_link_stops_that_alert_without_login(client, company_member, make_notice):
    search = do_save_search(company_member, name="Nettoyage", query="nature=services")
    make_notice()  # its first publication notifies matching alerts
    link = Notification.objects.get(recipient=company_member, verb="procurement.alert").unsubscribe_url
    assert link and "/avis/alertes/arret/" in link
    path = link[link.index("/avis/") :]

    assert client.get(path).status_code == 200  # a mail scanner's prefetch changes nothing
    assert SavedSearch.objects.get(pk=search.pk).notify is True
    assert client.post(path).status_code == 200
    assert SavedSearch.objects.get(pk=search.pk).notify is False
    assert client.get(path[:-5] + "xxxx/").status_code == 404


@pytest.mark.django_db
def test_alert_unsubscribe_token_cannot_name_another_alert(client, company_member):
    from django.core import signing

    search = do_save_search(company_member, name="Voirie", query="cpv=4523")
    forged = signing.dumps({"a": search.pk}, salt="another-salt")
    assert client.post(f"/avis/alertes/arret/{forged}/").status_code == 404
    assert SavedSearch.objects.get(pk=search.pk).notify is True


def test_alert_keywords_match_as_the_list_finds_them(make_notice, make_user, client, notice_index, request):
    """An alert's keywords are checked at publication, before the worker indexes the notice, with the site
    search's analysis and syntax: whatever the list would find once indexed, the alert is told about."""
    from tests.procurement.test_listing import index_notices

    notice = make_notice(
        "Réfection des chaussées communales",
        description="<p>Enrobés et marquage au sol des écoles</p>",
        lots=[(1, "Signalisation horizontale", "", None)],
    )
    words = {
        "chaussée": True,  # singular, no accent typed differently
        "ECOLE enrobé": True,  # the description, capitals
        "signalisations": True,  # a lot's title, plural
        "réfection -marquage": False,  # a word left out
        '"chaussées communales"': True,
        '"communales chaussées"': False,
        "voirie": False,
    }
    users = {}
    for query, _expected in words.items():
        users[query] = make_user()
        do_save_search(users[query], name=query, query=f"q={query}", notify=True)
    do_notify_alerts(notice)
    notified = set(Notification.objects.filter(verb="procurement.alert").values_list("recipient_id", flat=True))
    assert {query for query, user in users.items() if user.pk in notified} == {
        query for query, expected in words.items() if expected
    }
    # The list finds the same notice for the same words once the notice is indexed.
    index_notices(request)
    for query, expected in words.items():
        listed = client.get(notice_index.url, {"q": query}).context["notices"]
        assert (notice in listed) is expected, query


def test_an_alert_saved_with_common_words_only_is_told_of_nothing(make_notice, company_member):
    """Keywords the search cannot look for (« le de », saved before the list refused them) find nothing: the alert
    is not told of every notice, as it would be if its keywords were dropped."""
    do_save_search(company_member, name="Mots courants", query="q=le+de", notify=True)
    assert do_notify_alerts(make_notice("Le marché de nettoyage")) == 0
    do_save_search(company_member, name="Nettoyage", query="q=nettoyage", notify=True)
    assert do_notify_alerts(make_notice("Le marché de nettoyage des écoles")) == 1
