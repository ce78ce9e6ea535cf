"""A notice's lifecycle by its buyers: open the bids, award, declare unsuccessful, cancel."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from intranet.models import AuditEvent, Notification
from procurement.actions import lifecycle
from procurement.models import Download, Follow, NoticePage, Status
from tests.conftest import make_siret

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def closed_notice(make_notice):
    """Bids closed an hour ago."""
    now = timezone.now()
    return make_notice(questions_deadline=now - 2 * HOUR, bids_deadline=now - HOUR)


@pytest.fixture
def opened_notice(closed_notice, buyer):
    return lifecycle.do_open_bids(buyer, closed_notice)


def url(name, notice):
    return reverse(f"procurement:{name}", args=[notice.pk])


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def fresh(notice):
    return NoticePage.objects.get(pk=notice.pk)


def award_data(**overrides):
    data = {"supplier_name": "Bretagne Nettoyage SARL", "supplier_siret": make_siret(), "value": "98500.50"}
    data.update(overrides)
    return data


def test_bids_are_opened_only_after_the_deadline(notice, closed_notice, buyer, login):
    client = english(login(buyer))
    response = client.post(url("open_bids", notice))
    assert response.status_code == 200
    assert "has not passed yet" in response.content.decode()
    assert fresh(notice).opened_at is None

    assert "This is not possible now" not in client.get(url("open_bids", closed_notice)).content.decode()
    assert client.post(url("open_bids", closed_notice)).status_code == 302
    assert fresh(closed_notice).status == Status.OPENED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.NOTICE_EVENT, details__verb="bids_opened").count() == 1
    response = client.post(url("open_bids", closed_notice))
    assert "already opened" in response.content.decode()


def test_the_award_needs_the_opening_and_a_valid_siret(closed_notice, buyer, login):
    client = english(login(buyer))
    response = client.post(url("award_notice", closed_notice), award_data())
    assert "Open the bids before awarding" in response.content.decode()
    assert fresh(closed_notice).outcome == ""

    lifecycle.do_open_bids(buyer, closed_notice)
    response = client.post(url("award_notice", closed_notice), award_data(supplier_siret="12345678901234"))
    html = response.content.decode()
    assert response.status_code == 200 and "not valid" in html
    assert "Bretagne Nettoyage SARL" in html  # what was typed is kept
    assert fresh(closed_notice).outcome == ""

    siret = make_siret()
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    response = client.post(url("award_notice", closed_notice), award_data(supplier_siret=spaced))
    assert response.status_code == 302
    notice = fresh(closed_notice)
    assert notice.status == Status.AWARDED
    assert notice.award_supplier_siret == siret
    assert notice.award_value == Decimal("98500.50")
    assert timezone.now() - notice.outcome_at < datetime.timedelta(minutes=1)
    html = client.get(notice.url).content.decode()
    assert "Bretagne Nettoyage SARL" in html and "98,500.50" in html


def test_two_buyers_awarding_at_once_give_one_outcome(opened_notice, buyer, org_admin):
    # Both loaded the notice before either clicked: their copies still say "no outcome".
    first_copy, second_copy = fresh(opened_notice), fresh(opened_notice)
    lifecycle.do_award(buyer, first_copy, supplier_name="Première SARL", supplier_siret=make_siret(), value=10)
    with pytest.raises(ValidationError, match="already been awarded"):
        lifecycle.do_award(org_admin, second_copy, supplier_name="Seconde SAS", supplier_siret=make_siret(), value=20)
    notice = fresh(opened_notice)
    assert notice.award_supplier_name == "Première SARL" and notice.award_value == Decimal("10")
    assert AuditEvent.objects.filter(details__verb="awarded").count() == 1


def test_unsuccessful_after_the_bid_deadline_with_a_reason(notice, closed_notice, buyer, login):
    client = english(login(buyer))
    assert "has not passed yet" in client.post(url("declare_unsuccessful", notice), {"reason": "R"}).content.decode()
    response = client.post(url("declare_unsuccessful", closed_notice), {"reason": "  "})
    assert response.status_code == 200 and "Please give the reason." in response.content.decode()
    assert fresh(closed_notice).outcome == ""
    response = client.post(url("declare_unsuccessful", closed_notice), {"reason": "Aucune offre reçue."})
    assert response.status_code == 302
    notice = fresh(closed_notice)
    assert notice.status == Status.UNSUCCESSFUL and notice.outcome_reason == "Aucune offre reçue."
    assert "Aucune offre reçue." in client.get(notice.url).content.decode()
    # No cancellation nor award after an outcome.
    assert (
        "already been declared unsuccessful"
        in client.post(url("cancel_notice", notice), {"reason": "Trop tard"}).content.decode()
    )
    assert fresh(notice).cancelled_at is None


def test_cancellation_is_notified_once_to_each_follower_and_downloader_not_the_buyers(
    notice, buyer, org_admin, make_user, login
):
    followers = [make_user(), make_user()]
    for user in followers:
        Follow.objects.create(notice=notice, user=user)
    Download.objects.create(notice=notice, user=followers[0], kind="zip", dce_version=1)
    Follow.objects.create(notice=notice, user=org_admin)  # a colleague of the cancelling buyer
    response = login(buyer).post(url("cancel_notice", notice), {"reason": "Besoin disparu."})
    assert response.status_code == 302
    notice = fresh(notice)
    assert notice.status == Status.CANCELLED and notice.cancellation_reason == "Besoin disparu."
    recipients = Notification.objects.filter(verb="procurement.cancelled").values_list("recipient", flat=True)
    assert sorted(recipients) == sorted(user.pk for user in followers)
    assert AuditEvent.objects.filter(details__verb="cancelled", details__notice=notice.pk).count() == 1


def test_a_cancelled_notice_cannot_be_opened_nor_awarded(closed_notice, buyer, login):
    lifecycle.do_cancel(buyer, closed_notice, reason="Annulé")
    client = english(login(buyer))
    for name, data in (("open_bids", {}), ("award_notice", award_data())):
        response = client.post(url(name, closed_notice), data)
        assert "was cancelled on" in response.content.decode()
    notice = fresh(closed_notice)
    assert notice.opened_at is None and notice.outcome == ""
    with pytest.raises(ValidationError):
        lifecycle.do_cancel(buyer, notice, reason="Deux fois")


def test_drafts_cannot_be_cancelled(make_notice, buyer):
    draft = make_notice(live=False)
    with pytest.raises(ValidationError):
        lifecycle.do_cancel(buyer, draft, reason="Brouillon")


@pytest.mark.parametrize("who", ["other_admin", "company_member", "editor"])
@pytest.mark.parametrize("name", ["open_bids", "award_notice", "declare_unsuccessful", "cancel_notice"])
def test_only_the_notice_buyers_may_act(closed_notice, who, name, request, login):
    user = request.getfixturevalue(who)
    client = login(user)
    assert client.get(url(name, closed_notice)).status_code == 403
    assert client.post(url(name, closed_notice), {"reason": "X", **award_data()}).status_code == 403
    notice = fresh(closed_notice)
    assert notice.opened_at is None and notice.outcome == "" and notice.cancelled_at is None


def test_visitors_are_sent_to_log_in(closed_notice, client):
    response = client.post(url("cancel_notice", closed_notice), {"reason": "X"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert fresh(closed_notice).cancelled_at is None


def test_the_buyer_tools_offer_what_is_possible(notice, closed_notice, buyer, company_member, login):
    client = english(login(buyer))
    html = client.get(notice.url).content.decode()
    assert "Buyer tools" in html
    assert url("cancel_notice", notice) in html and url("open_bids", notice) not in html
    html = client.get(closed_notice.url).content.decode()
    assert url("open_bids", closed_notice) in html and url("award_notice", closed_notice) not in html
    assert "Buyer tools" not in english(login(company_member)).get(notice.url).content.decode()


def test_each_confirmation_page_has_a_labelled_form(opened_notice, buyer, login):
    client = english(login(buyer))
    html = client.get(url("award_notice", opened_notice)).content.decode()
    for field in ("supplier_name", "supplier_siret", "value", "awarded_on"):
        assert f'<label for="id_{field}">' in html
    for name in ("declare_unsuccessful", "cancel_notice"):
        html = client.get(url(name, opened_notice)).content.decode()
        assert '<label for="id_reason">' in html and 'method="post"' in html
    # Opening twice is impossible: the page says why and offers no button.
    html = client.get(url("open_bids", opened_notice)).content.decode()
    assert "This is not possible now" in html and 'method="post" action="/avis/' not in html
