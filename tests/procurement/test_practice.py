"""The practice consultation: permanent and clearly marked, a company rehearses a whole submission and sees its own
test bid opened after a short delay (and nobody else ever does); kept out of the list, search, feeds, alerts,
deadline announcements and statistics."""

import datetime
import hashlib
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from haystack import connections

from intranet import scheduler
from intranet.models import Membership, Notification, Organization
from procurement import listing, sealing
from procurement.access_practice import access_practice_bid_file, practice_bid_opened
from procurement.actions.alerts import do_save_search
from procurement.feeds import feed_notices
from procurement.home_sections import buyer_dashboard, latest_open_notices
from procurement.models import Amendment, Follow, NoticePage
from procurement.models_bids import BidFile, BidStatus
from procurement.practice import (
    KEEP_AHEAD,
    PLATFORM_BODY_NAME,
    REFERENCE,
    TITLE,
    ensure_practice,
    ensure_practice_notice,
    keep_practice_notice_open,
    practice_buyer,
    practice_notice,
)
from procurement.search_hooks import drop_unpublished_notices
from procurement.transitions import announce_deadline_transitions, notices_to_announce
from tests.procurement.bids_helpers import pdf_bytes, submit

pytestmark = pytest.mark.django_db
SECOND = datetime.timedelta(seconds=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def practice(notice_index, cpv_codes):
    return ensure_practice_notice(notice_index, practice_buyer())


def client_of(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def seller(company_member):
    return client_of(company_member)


@pytest.fixture
def rival(make_org, make_user):
    company = make_org("Armor Propreté SAS", Organization.Kind.COMPANY)
    return client_of(make_user("offres@armor-proprete.fr", company, Membership.Role.MEMBER))


@pytest.fixture
def practice_admin(make_user, practice):
    """Someone who became an admin of the platform's own body: the practice notice's "buyer"."""
    return make_user("equipe@plateforme.fr", practice.buyer, Membership.Role.ORG_ADMIN)


def test_the_practice_notice_is_made_once_published_and_marked(practice, notice_index, client):
    assert ensure_practice_notice(notice_index, practice_buyer()) == practice
    assert ensure_practice() == practice
    assert NoticePage.objects.filter(practice=True).count() == 1
    assert Organization.objects.filter(name=PLATFORM_BODY_NAME).count() == 1
    practice.refresh_from_db()
    assert practice.live and practice.practice and practice_notice() == practice
    assert (practice.reference, practice.title) == (REFERENCE, TITLE)
    assert practice.buyer.name == PLATFORM_BODY_NAME and practice.buyer.is_member_body
    assert [lot.number for lot in practice.lots.order_by("number")] == [1, 2]
    assert practice.bids_deadline - timezone.now() > 300 * DAY
    assert not Amendment.objects.filter(notice=practice).exists()

    page = client.get(practice.url)
    assert page.status_code == 200
    assert "Practice consultation: nothing here is a real bid." in page.content.decode()
    assert client.get(reverse("procurement:practice"))["Location"] == practice.url


def test_a_real_notice_has_no_practice_banner(client, make_notice):
    notice = make_notice()
    assert "Practice consultation" not in client.get(notice.url).content.decode()


def test_the_deadline_is_always_at_least_a_month_ahead_without_telling_anyone(practice, make_user, notice_index):
    Follow.objects.create(notice=practice, user=make_user())
    job = next(job for job in scheduler.jobs() if job.name == "procurement.practice_deadline")
    assert job.period == "daily" and job.task is keep_practice_notice_open
    first = practice.bids_deadline
    # Just over a month ahead: kept as it is.
    with time_machine.travel(first - KEEP_AHEAD - DAY, tick=False):
        assert keep_practice_notice_open.call() is False
    practice.refresh_from_db()
    assert practice.bids_deadline == first
    # Every day for three years, the daily job: the deadline never comes closer than a month.
    moment = timezone.now()
    for _day in range(0, 3 * 365, 10):
        moment += 10 * DAY
        with time_machine.travel(moment, tick=False):
            keep_practice_notice_open.call()
            practice.refresh_from_db()
            assert practice.bids_deadline - timezone.now() >= KEEP_AHEAD
    assert practice.bids_deadline > first + 365 * DAY
    # Published as a revision (the admin's form shows the same date), as no amendment, told to nobody.
    assert practice.get_latest_revision_as_object().bids_deadline == practice.bids_deadline
    assert not Amendment.objects.filter(notice=practice).exists()
    assert not Notification.objects.exists()
    # ensure_practice_notice (seed_demo) pushes it too.
    with time_machine.travel(practice.bids_deadline - 2 * DAY, tick=False):
        ensure_practice_notice(notice_index, practice_buyer())
        practice.refresh_from_db()
        assert practice.bids_deadline - timezone.now() > 300 * DAY


def test_a_company_rehearses_and_sees_its_own_test_bid_opened_after_the_delay(
    practice, seller, rival, company_member, practice_admin, platform_admin
):
    offer, application = pdf_bytes(300_000), pdf_bytes(120_000, b"candidature ")
    bid = submit(
        seller,
        practice,
        [
            (application, {"lot": 1, "part": "application", "filename": "DC1.pdf"}),
            (offer, {"lot": 2, "part": "offer", "filename": "Offre lot 2.pdf"}),
        ],
    )
    receipt_url = reverse("procurement:bid_receipt", kwargs={"receipt_id": bid.receipt_id})
    files = {bid_file.name: bid_file for bid_file in bid.files.all()}
    url = reverse("procurement:practice_bid_file", kwargs={"file_id": files["Offre lot 2.pdf"].pk})
    opened_at = bid.confirmed_at + settings.PROCUREMENT_PRACTICE_OPENING_DELAY

    # Before the delay: the receipt says when, and nobody downloads anything.
    page = seller.get(receipt_url).content.decode()
    assert "will be opened automatically" in page and url not in page
    assert seller.get(url).status_code == 404
    assert not practice_bid_opened(bid, opened_at - SECOND)
    # Never anybody but the company: not the notice's "buyer", not a platform admin, before or after the delay.
    strangers = [rival, client_of(practice_admin), client_of(platform_admin)]
    for moment in (opened_at - SECOND, opened_at + SECOND):
        with time_machine.travel(moment, tick=False):
            for stranger in strangers:
                assert stranger.get(url).status_code == 404
                assert stranger.get(reverse("procurement:opening_register", args=[practice.pk])).status_code == 403
                opened_file = reverse("procurement:opened_bid_file", args=[practice.pk, files["DC1.pdf"].pk])
                assert stranger.get(opened_file).status_code == 403
    # The real opening's key stays refused: the practice notice is never opened.
    with pytest.raises(sealing.SealedUntilOpening):
        sealing.notice_private_key(practice)

    # After the delay: the company downloads its decrypted files, which match the receipt.
    with time_machine.travel(opened_at + SECOND, tick=False):
        assert practice_bid_opened(bid)
        download = seller.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == offer
        assert download["Cache-Control"] == "private, no-store"
        assert download["Content-Disposition"].startswith("attachment;") and "Offre" in download["Content-Disposition"]
        page = seller.get(receipt_url).content.decode()
    assert "was opened automatically" in page
    assert url in page and "Matches the receipt" in page and "<strong>NO</strong>" not in page
    assert hashlib.sha256(offer).hexdigest() in page
    assert set(BidFile.objects.filter(bid=bid).values_list("intact", flat=True)) == {True}


def test_a_tampered_test_file_does_not_match_its_receipt(practice, seller):
    bid = submit(seller, practice, [(pdf_bytes(200_000), {"lot": 1})])
    BidFile.objects.filter(bid=bid).update(sha256="0" * 64)  # the stored file no longer is what the receipt says
    with time_machine.travel(bid.confirmed_at + settings.PROCUREMENT_PRACTICE_OPENING_DELAY + SECOND, tick=False):
        page = seller.get(reverse("procurement:bid_receipt", kwargs={"receipt_id": bid.receipt_id})).content.decode()
    assert "<strong>NO</strong>" in page


def test_a_replaced_test_bid_is_never_opened(practice, seller):
    first = submit(seller, practice, [(pdf_bytes(100_000, b"premiere "), {"lot": 1})])
    second = submit(seller, practice, [(pdf_bytes(100_000, b"seconde "), {"lot": 2})])
    first.refresh_from_db()
    assert first.status == BidStatus.REPLACED
    with time_machine.travel(second.confirmed_at + settings.PROCUREMENT_PRACTICE_OPENING_DELAY + SECOND, tick=False):
        old = reverse("procurement:practice_bid_file", kwargs={"file_id": first.files.get().pk})
        assert seller.get(old).status_code == 404
        new = reverse("procurement:practice_bid_file", kwargs={"file_id": second.files.get().pk})
        assert b"seconde" in b"".join(seller.get(new).streaming_content)
        page = seller.get(reverse("procurement:bid_receipt", kwargs={"receipt_id": first.receipt_id}))
    assert "will never be opened" in page.content.decode()


def test_a_real_notices_files_stay_sealed(practice, make_notice, seller, company_member):
    notice = make_notice()
    bid = submit(seller, notice, [(pdf_bytes(100_000), {})])
    bid_file = bid.files.get()
    with time_machine.travel(bid.confirmed_at + settings.PROCUREMENT_PRACTICE_OPENING_DELAY + DAY, tick=False):
        assert not practice_bid_opened(bid)
        assert seller.get(reverse("procurement:practice_bid_file", kwargs={"file_id": bid_file.pk})).status_code == 404
        page = seller.get(reverse("procurement:bid_receipt", kwargs={"receipt_id": bid.receipt_id})).content.decode()
        assert "opened automatically" not in page
        with pytest.raises(Http404):
            access_practice_bid_file(company_member, bid_file.pk)
        # The key functions read the database, not the object: calling a real notice practice changes nothing.
        notice.practice = True
        for get_key in (sealing.notice_private_key, sealing.practice_private_key):
            with pytest.raises(sealing.SealedUntilOpening):
                get_key(notice)
        with pytest.raises(sealing.SealedUntilOpening):
            sealing.SealedReader(notice, bid_file.sealed, practice=True)


# --- kept out of every list, search, feed, alert, announcement and count ---------------------------------------


def test_the_list_shows_real_notices_and_a_link_to_the_practice_not_the_practice_itself(
    practice, make_notice, client, notice_index
):
    real = make_notice("Nettoyage des écoles")
    assert list(listing.list_queryset()) == [real]
    assert practice.buyer_id not in dict(listing.buyer_choices())
    page = client.get(notice_index.url).content.decode()
    assert "Nettoyage des écoles" in page and TITLE not in page
    assert reverse("procurement:practice") in page


def test_the_practice_notice_is_not_in_the_site_search(practice, make_notice):
    real = make_notice("Voirie")
    search_index = connections["default"].get_unified_index().get_index(NoticePage)
    assert list(search_index.index_queryset()) == [real]
    assert list(search_index.read_queryset()) == [real]
    hits = [SimpleNamespace(object=real), SimpleNamespace(object=practice)]
    assert [hit.object for hit in drop_unpublished_notices(None, hits)] == [real]


def test_the_practice_notice_is_in_no_alert_feed(practice, make_notice, company_member, client):
    alert = do_save_search(company_member, name="Tout", query="", notify=False)
    real = make_notice("Entretien des espaces verts")
    assert list(feed_notices(alert)) == [real]
    atom = client.get(reverse("procurement:alert_feed", args=[alert.feed_token])).content.decode()
    calendar = client.get(reverse("procurement:alert_calendar", args=[alert.feed_token])).content.decode()
    for text in (atom, calendar):
        assert "Entretien des espaces verts" in text and REFERENCE not in text


def test_the_practice_notice_triggers_no_alert(notice_index, cpv_codes, company_member, make_notice):
    do_save_search(company_member, name="Tout", query="")
    ensure_practice_notice(notice_index, practice_buyer())
    assert not Notification.objects.filter(verb="procurement.alert").exists()
    real = make_notice()  # the same alert is told of a real notice
    assert Notification.objects.filter(verb="procurement.alert", target_id=str(real.pk)).count() == 1


def test_the_practice_notice_is_never_announced_to_its_followers(practice, make_user):
    Follow.objects.create(notice=practice, user=make_user())
    NoticePage.objects.filter(pk=practice.pk).update(notified_status="")  # as if its closed questions were news
    assert practice not in notices_to_announce()
    assert announce_deadline_transitions.call() == 0
    assert not Notification.objects.exists()


def test_the_practice_notice_counts_in_no_statistics(practice, practice_admin, make_notice):
    real = make_notice()
    assert latest_open_notices() == [real]
    dashboard = buyer_dashboard(practice_admin)
    assert dashboard is not None
    assert dashboard.statuses == [] and dashboard.deadline_notices == []


def test_the_command_makes_it_once_and_the_training_room_links_to_its_address(notice_index, cpv_codes):
    from io import StringIO

    from django.core.management import call_command

    from knowledge.demo_content import topics
    from knowledge.demo_content.companies import PRACTICE_URL

    for _run in range(2):
        call_command("ensure_practice_notice", stdout=StringIO())
    assert NoticePage.objects.filter(practice=True, live=True).count() == 1
    # The guides and the companies' course link to the stable address, which leads to the practice notice.
    assert reverse("procurement:practice") == PRACTICE_URL
    course = next(path for path in topics.TRAINING_PATHS if path.intended_for == "companies")
    assert PRACTICE_URL in course.intro
    assert "deposer-une-offre-electronique" in [slug for slug, _title in course.steps]
