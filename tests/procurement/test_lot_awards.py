"""Awards lot by lot: the buyers choose the winning bid of each lot (or declare it unsuccessful) after the opening;
the decisions are published on the notice and in its OCDS release, and every bidder hears of each lot it answered."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intranet.models import AuditEvent, Membership, Notification, Organization
from procurement import ocds
from procurement.actions import awards, lifecycle
from procurement.models import Follow, NoticePage, Outcome
from procurement.models_bids import Bid, BidStatus, LotAward, new_receipt_id
from tests.conftest import make_siret
from tests.procurement.bids_helpers import pdf_bytes, submit
from tests.procurement.ocds_validation import validate

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
LOTS = [(1, "Lot 1 : vitrerie", "90911300-9", None), (2, "Lot 2 : locaux", "90919200-4", None)]


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def small(lot=0):
    return (pdf_bytes(4_000), {"lot": lot, "part": "offer"})


def after_deadline(notice):
    """Past the deadline, the clock running: the decisions come after the opening."""
    return time_machine.travel(notice.bids_deadline + datetime.timedelta(minutes=5))


def fresh(notice):
    return NoticePage.objects.get(pk=notice.pk)


def page_url(notice):
    return reverse("procurement:lot_awards", args=[notice.pk])


def releases(client, notice) -> dict:
    response = client.get(reverse("opendata:notice_releases", args=[notice.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


def assert_valid(package):
    result = validate(package)
    assert result["validation_errors"] == []
    assert not result.get("additional_closed_codelist_values")


@pytest.fixture
def lots_notice(make_notice):
    now = timezone.now()
    return make_notice(lots=LOTS, questions_deadline=now + HOUR, bids_deadline=now + 2 * HOUR)


@pytest.fixture
def whole_notice(make_notice):
    now = timezone.now()
    return make_notice(questions_deadline=now + HOUR, bids_deadline=now + 2 * HOUR)


@pytest.fixture
def rival(make_org, make_user):
    company = make_org("Armor Propreté SAS", Organization.Kind.COMPANY)
    return make_user("offres@armor-proprete.fr", company, Membership.Role.MEMBER)


@pytest.fixture
def bids(lots_notice, company_member, company_admin, rival):
    """Bretagne Nettoyage (two users) answers lots 1 and 2, Armor Propreté lot 1 only."""
    ours = submit(client_for(company_member), lots_notice, [small(1), small(2)])
    theirs = submit(client_for(rival), lots_notice, [small(1)])
    return {"ours": ours, "theirs": theirs}


def test_buyer_awards_lot_1_declares_lot_2_unsuccessful_and_it_is_published(
    lots_notice, bids, buyer, rival, client, django_capture_on_commit_callbacks
):
    buyer_client = client_for(buyer)
    # Before the opening: refused, and nothing about bids in open data.
    response = buyer_client.get(page_url(lots_notice))
    assert response.status_code == 200 and "Open the bids before awarding" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        awards.decide_lot(buyer, lots_notice, 1, bid=bids["theirs"], amount="45000")
    assert refused.value.code == "not_opened"
    before = releases(client, lots_notice)
    assert all("numberOfTenderers" not in release["tender"] for release in before["releases"])

    with after_deadline(lots_notice):
        lifecycle.do_open_bids(buyer, lots_notice)
        response = buyer_client.get(page_url(lots_notice))
        html = response.content.decode()
        assert response.status_code == 200 and "Armor Propreté SAS" in html and bids["ours"].receipt_id in html
        with django_capture_on_commit_callbacks(execute=True):
            response = buyer_client.post(
                page_url(lots_notice),
                {"lot-1-lot": "1", "lot-1-bid": str(bids["theirs"].pk), "lot-1-amount": "45000.50"},
            )
            assert response.status_code == 302, response.content.decode()[:3000]
            assert fresh(lots_notice).outcome == ""  # lot 2 is still undecided
            response = buyer_client.post(
                page_url(lots_notice),
                {"lot-2-lot": "2", "lot-2-bid": "unsuccessful", "lot-2-reason": "Offre unique inacceptable."},
            )
            assert response.status_code == 302

    notice = fresh(lots_notice)
    assert notice.outcome == Outcome.AWARDED and notice.outcome_at is not None
    assert (notice.award_supplier_name, notice.award_value) == ("Armor Propreté SAS", Decimal("45000.50"))
    assert notice.award_supplier_siret == bids["theirs"].company.siret
    decisions = {award.lot_number: award for award in LotAward.objects.filter(notice=notice)}
    assert decisions[1].bid == bids["theirs"] and decisions[1].amount == Decimal("45000.50")
    assert decisions[1].decided_by == buyer
    assert decisions[2].outcome == LotAward.Outcome.UNSUCCESSFUL and decisions[2].bid is None
    verbs = AuditEvent.objects.filter(action=AuditEvent.Action.NOTICE_EVENT).values_list("details__verb", flat=True)
    assert {"lot_awarded", "lot_unsuccessful", "awarded"} <= set(verbs)

    # The awards page says what was decided, and offers no form any more.
    html = buyer_client.get(page_url(lots_notice)).content.decode()
    assert "Awarded to Armor Propreté SAS" in html and "Offre unique inacceptable." in html
    assert "already been awarded" in html and "lot-1-bid" not in html

    # Published on the notice: the include the notice page renders.
    context = {"page": notice, "lot_awards": awards.published_lot_awards(notice, list(notice.lots.all()))}
    published = render_to_string("procurement/includes/notice_lot_awards.html", context)
    assert "Lot 1" in published and "vitrerie" in published and "Armor Propreté SAS" in published
    assert "45,000.50" in published and "Lot declared unsuccessful on" in published and "inacceptable" in published

    # In open data: one award per lot, the suppliers as parties, the number of tenders since the opening.
    package = releases(client, notice)
    assert_valid(package)
    ocid = ocds.ocid_for(notice)
    by_id = {release["id"]: release for release in package["releases"]}
    assert list(by_id) == [f"{ocid}-tender", f"{ocid}-opening", f"{ocid}-lot-1", f"{ocid}-lot-2"]
    assert "numberOfTenderers" not in by_id[f"{ocid}-tender"]["tender"]
    assert by_id[f"{ocid}-opening"]["tender"]["numberOfTenderers"] == 2
    assert "awards" not in by_id[f"{ocid}-opening"]
    first = by_id[f"{ocid}-lot-1"]
    assert first["tag"] == ["award"] and first["tender"]["status"] == "active"
    supplier_id = f"FR-RCS-{bids['theirs'].company.siret}"
    assert first["awards"] == [
        {
            "id": f"{ocid}-award-lot-1",
            "title": "Lot 1 : vitrerie",
            "date": ocds.iso(decisions[1].decided_at),
            "relatedLots": ["1"],
            "status": "active",
            "value": {"amount": 45000.5, "currency": "EUR"},
            "suppliers": [{"id": supplier_id, "name": "Armor Propreté SAS"}],
        }
    ]
    last = by_id[f"{ocid}-lot-2"]
    assert last["tender"]["status"] == "complete" and last["tender"]["numberOfTenderers"] == 2
    assert [award["status"] for award in last["awards"]] == ["active", "unsuccessful"]
    assert last["awards"][1]["relatedLots"] == ["2"] and "suppliers" not in last["awards"][1]
    assert [lot["status"] for lot in last["tender"]["lots"]] == ["complete", "unsuccessful"]
    suppliers = [party for party in last["parties"] if "supplier" in party["roles"]]
    assert suppliers == [
        {
            "id": supplier_id,
            "name": "Armor Propreté SAS",
            "identifier": {
                "scheme": "FR-RCS",
                "id": bids["theirs"].company.siret,
                "legalName": "Armor Propreté SAS",
            },
            "roles": ["supplier"],
        }
    ]
    # The losing company appears nowhere.
    assert "Bretagne" not in json.dumps(package, ensure_ascii=False)


def test_only_the_notices_buyers_decide_after_the_opening(
    lots_notice, bids, buyer, other_admin, platform_admin, company_member, login
):
    with after_deadline(lots_notice):
        lifecycle.do_open_bids(buyer, lots_notice)
        for stranger in (other_admin, platform_admin, company_member):
            with pytest.raises(PermissionDenied):
                awards.decide_lot(stranger, lots_notice, 1, bid=bids["theirs"], amount="1000")
            assert client_for(stranger).get(page_url(lots_notice)).status_code == 403
            response = client_for(stranger).post(
                page_url(lots_notice), {"lot-1-lot": "1", "lot-1-bid": str(bids["theirs"].pk), "lot-1-amount": "9"}
            )
            assert response.status_code == 403
        assert login(company_member).get(page_url(lots_notice)).status_code == 403
    assert not LotAward.objects.exists()


def test_the_bid_must_be_submitted_and_answer_the_lot_once(lots_notice, bids, buyer, company_member):
    # Armor Propreté did not answer lot 2; Bretagne Nettoyage replaces its bid before the deadline.
    replaced = bids["ours"]
    latest = submit(client_for(company_member), lots_notice, [small(1), small(2)])
    with after_deadline(lots_notice):
        lifecycle.do_open_bids(buyer, lots_notice)

        def refused(lot, **kwargs):
            with pytest.raises(ValidationError) as error:
                awards.decide_lot(buyer, lots_notice, lot, **kwargs)
            return error.value

        error = refused(2, bid=bids["theirs"], amount="1000")
        assert error.error_dict["bid"][0].code == "other_lot" and "did not answer lot 2" in error.messages[0]
        error = refused(1, bid=replaced, amount="1000")
        assert error.error_dict["bid"][0].code == "not_submitted"
        assert refused(1, bid=999_999, amount="1000").error_dict["bid"][0].code == "unknown_bid"
        assert refused(1, bid=latest).error_dict["amount"][0].code == "required"
        assert refused(1, bid=latest, amount="0").error_dict["amount"][0].code == "range"
        assert refused(1, bid=latest, amount="1000000000000").error_dict["amount"][0].code == "range"
        assert refused(1, bid=latest, amount="douze").error_dict["amount"][0].code == "invalid"
        assert refused(1).error_dict["reason"][0].code == "required"
        assert refused(3, bid=latest, amount="10").code == "no_lot"

        award = awards.decide_lot(buyer, lots_notice, 1, bid=latest, amount="12000")
        assert award.bid == latest and award.amount == Decimal("12000.00")
        again = refused(1, bid=bids["theirs"], amount="13000")
        assert again.code == "decided" and "cannot be changed" in again.messages[0]
        assert LotAward.objects.get().bid == latest
        response = client_for(buyer).post(
            page_url(lots_notice),
            {"lot-1-lot": "1", "lot-1-bid": str(bids["theirs"].pk), "lot-1-amount": "13000"},
            follow=True,
        )
        assert "Lot 1 was already decided on" in response.content.decode()

        # Through the page: the error is said, what was typed is kept.
        client = client_for(buyer)
        response = client.post(page_url(lots_notice), {"lot-2-lot": "2", "lot-2-bid": str(latest.pk)})
        html = response.content.decode()
        assert response.status_code == 200 and "Please give the amount awarded." in html
        assert f'value="{latest.pk}" required id="id_lot-2-bid_0" checked>' in html
        response = client.post(
            page_url(lots_notice), {"lot-2-lot": "2", "lot-2-bid": "unsuccessful", "lot-2-amount": "12,5x"}
        )
        html = response.content.decode()
        assert "Enter a number." in html and 'value="12,5x"' in html
        assert '<legend>Decision <span class="required-mark">' in html  # the radios' fieldset has its legend
    assert fresh(lots_notice).outcome == ""


def test_the_notice_outcome_follows_the_lots(lots_notice, bids, buyer, client):
    with after_deadline(lots_notice):
        lifecycle.do_open_bids(buyer, lots_notice)
        awards.decide_lot(buyer, lots_notice, 1, unsuccessful_reason="Offres trop chères.")
        assert fresh(lots_notice).outcome == ""
        awards.decide_lot(buyer, lots_notice, 2, unsuccessful_reason="Besoin revu.")
    notice = fresh(lots_notice)
    assert notice.outcome == Outcome.UNSUCCESSFUL
    assert notice.outcome_reason == "Lot 1: Offres trop chères.\nLot 2: Besoin revu."
    assert lots_notice.outcome == Outcome.UNSUCCESSFUL  # the caller's object too
    package = releases(client, notice)
    assert_valid(package)
    last = package["releases"][-1]
    assert last["tender"]["status"] == "unsuccessful" and "unsuccessful" not in [r["id"] for r in package["releases"]]
    assert [award["status"] for award in last["awards"]] == ["unsuccessful", "unsuccessful"]
    assert "Besoin revu." in [document.get("description", "") for document in last["tender"]["documents"]][-1]


def test_once_a_lot_is_decided_the_whole_notice_outcome_comes_from_the_lots(lots_notice, bids, buyer):
    with after_deadline(lots_notice):
        lifecycle.do_open_bids(buyer, lots_notice)
        awards.decide_lot(buyer, lots_notice, 1, unsuccessful_reason="Offres trop chères.")
        notice = fresh(lots_notice)
        assert "award" not in lifecycle.possible_actions(notice) and "cancel" not in lifecycle.possible_actions(notice)
        for act in (
            lambda: lifecycle.do_award(
                buyer, notice, supplier_name="Autre", supplier_siret=make_siret(), value=Decimal("10"), awarded_at=None
            ),
            lambda: lifecycle.do_declare_unsuccessful(buyer, notice, reason="Tout"),
            lambda: lifecycle.do_cancel(buyer, notice, reason="Tout"),
        ):
            with pytest.raises(ValidationError, match="one by one"):
                act()
    assert fresh(lots_notice).outcome == ""


def test_lots_won_by_several_companies(lots_notice, bids, buyer, client):
    with after_deadline(lots_notice):
        lifecycle.do_open_bids(buyer, lots_notice)
        awards.decide_lot(buyer, lots_notice, 2, bid=bids["ours"], amount="20000")
        awards.decide_lot(buyer, lots_notice, 1, bid=bids["theirs"], amount="10000.25")
    notice = fresh(lots_notice)
    assert notice.outcome == Outcome.AWARDED
    # In lot order; no single SIRET; the total awarded.
    assert notice.award_supplier_name == "Armor Propreté SAS, Bretagne Nettoyage SARL"
    assert (notice.award_supplier_siret, notice.award_value) == ("", Decimal("30000.25"))
    package = releases(client, notice)
    assert_valid(package)
    last = package["releases"][-1]
    assert [award["relatedLots"] for award in last["awards"]] == [["2"], ["1"]]  # in the order decided
    assert {party["name"] for party in last["parties"] if party["roles"] == ["supplier"]} == {
        "Armor Propreté SAS",
        "Bretagne Nettoyage SARL",
    }


def test_each_bidder_hears_once_of_each_lot_it_answered(
    lots_notice,
    bids,
    buyer,
    company_member,
    company_admin,
    rival,
    make_org,
    make_user,
    django_capture_on_commit_callbacks,
):
    watcher = make_org("Veille SARL", Organization.Kind.COMPANY)
    follower = make_user("veille@example.fr", watcher, Membership.Role.MEMBER)
    Follow.objects.create(notice=lots_notice, user=follower)
    with after_deadline(lots_notice), django_capture_on_commit_callbacks(execute=True):
        lifecycle.do_open_bids(buyer, lots_notice)
        won = awards.decide_lot(buyer, lots_notice, 1, bid=bids["theirs"], amount="45000")
        awards.decide_lot(buyer, lots_notice, 2, unsuccessful_reason="Aucune offre acceptable.")

    told = Notification.objects.filter(verb=awards.NOTIFICATION_VERB)
    assert sorted((n.recipient.email, n.message) for n in told) == sorted(
        [
            (
                "offres@armor-proprete.fr",
                f"Your bid was chosen for lot 1 of the call for tender {lots_notice.reference}.",
            ),
            *[
                (user.email, message % lots_notice.reference)
                for user in (company_member, company_admin)
                for message in (
                    "Lot 1 of the call for tender %s was awarded to another company.",
                    "Lot 2 of the call for tender %s was declared unsuccessful.",
                )
            ],
        ]
    )
    assert all(n.actor == buyer for n in told)
    # A retry tells nobody twice; the follower only hears of the notice's outcome, once.
    assert awards.notify_bidders(won.pk, actor=buyer) == 0
    assert told.count() == 5
    assert list(Notification.objects.filter(recipient=follower).values_list("verb", flat=True)) == [
        "procurement.awarded"
    ]


def test_a_notice_without_lots_awarded_on_the_platform(whole_notice, buyer, rival, client):
    bid = submit(client_for(rival), whole_notice, [small()])
    with after_deadline(whole_notice):
        lifecycle.do_open_bids(buyer, whole_notice)
        awards.decide_lot(buyer, whole_notice, 0, bid=bid.pk, amount=Decimal("98500.5"))
    notice = fresh(whole_notice)
    assert (notice.outcome, notice.award_supplier_name, notice.award_value) == (
        Outcome.AWARDED,
        "Armor Propreté SAS",
        Decimal("98500.50"),
    )
    package = releases(client, notice)
    assert_valid(package)
    last = package["releases"][-1]
    assert last["id"] == f"{ocds.ocid_for(notice)}-lot-0" and last["tender"]["status"] == "complete"
    assert last["tender"]["numberOfTenderers"] == 1
    assert "relatedLots" not in last["awards"][0] and last["awards"][0]["value"]["amount"] == 98500.5


def test_the_whole_notice_award_still_works_without_bids(whole_notice, buyer, client):
    with after_deadline(whole_notice):
        lifecycle.do_open_bids(buyer, whole_notice)
        assert (
            "Award lot by lot"
            in client_for(buyer).get(reverse("procurement:opening_register", args=[whole_notice.pk])).content.decode()
        )
        lifecycle.do_award(
            buyer, whole_notice, supplier_name="Ouest Services", supplier_siret=make_siret(), value="5000"
        )
    notice = fresh(whole_notice)
    assert notice.outcome == Outcome.AWARDED and not LotAward.objects.exists()
    package = releases(client, notice)
    assert_valid(package)
    ocid = ocds.ocid_for(notice)
    assert [r["id"] for r in package["releases"]] == [f"{ocid}-tender", f"{ocid}-opening", f"{ocid}-award"]
    award = package["releases"][-1]
    assert [a["id"] for a in award["awards"]] == [f"{ocid}-award-1"]
    assert award["awards"][0]["suppliers"][0]["name"] == "Ouest Services"
    assert award["tender"]["numberOfTenderers"] == 0
    # Decided as a whole: no lot decision is possible any more.
    with pytest.raises(ValidationError) as refused:
        awards.decide_lot(buyer, notice, 0, unsuccessful_reason="Trop tard.")
    assert refused.value.code == "awarded"


def test_the_practice_notice_is_never_exported_nor_awarded(make_notice, client, buyer):
    practice = make_notice("Consultation d'entraînement")
    NoticePage.objects.filter(pk=practice.pk).update(practice=True, opened_at=timezone.now())
    public = make_notice("Avis public")

    assert client.get(reverse("opendata:notice_releases", args=[practice.pk])).status_code == 404
    listed = json.loads(client.get(reverse("opendata:releases")).content)
    assert {release["ocid"] for release in listed["releases"]} == {ocds.ocid_for(public)}
    assert list(ocds.export_queryset()) == [public]
    assert ocds.releases_for(fresh(practice), "https://example.org") == []
    with pytest.raises(ValidationError) as refused:
        awards.decide_lot(buyer, fresh(practice), 0, unsuccessful_reason="Entraînement.")
    assert refused.value.code == "practice"


def test_the_notice_page_include_costs_no_query_before_the_opening(lots_notice, django_assert_num_queries):
    with django_assert_num_queries(0):
        lot_awards = awards.published_lot_awards(lots_notice)
        html = render_to_string("procurement/includes/notice_lot_awards.html", {"lot_awards": lot_awards})
    assert html.strip() == ""


def test_the_export_costs_one_query_more_per_batch_with_lot_decisions(make_notice, company, buyer):
    def decided_notices(count):
        for _ in range(count):
            notice = make_notice(lots=LOTS)
            NoticePage.objects.filter(pk=notice.pk).update(opened_at=timezone.now())
            bid = Bid.objects.create(
                notice=notice,
                company=company,
                status=BidStatus.SUBMITTED,
                confirmed_at=timezone.now(),
                receipt_id=new_receipt_id(),
                lots=[1, 2],
            )
            LotAward.objects.create(notice=notice, lot_number=1, outcome="awarded", bid=bid, amount=Decimal("10"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            exported = list(ocds.iter_releases(ocds.export_queryset(), "https://example.org"))
        assert any("awards" in release for release in exported)
        return len(queries)

    decided_notices(2)
    count()  # warms the site root paths' cache
    two = count()
    decided_notices(8)
    # Notices (with the number of bids), lots, documents, amendments, CPV labels, lot decisions.
    assert count() == two == 6
