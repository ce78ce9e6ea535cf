"""Electronic bids: submitting through the resumable uploads, receipts, the deadline to the second, replacing and
withdrawing, the register and its verification, the opening and who reads what before and after it."""

import datetime
import hashlib
import threading

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intranet import chain
from intranet.models import AuditEvent, Chain, ChainEntry, Membership, Organization
from procurement.actions import bids as bid_actions
from procurement.actions import lifecycle
from procurement.models_bids import Bid, BidFile, BidLog, BidStatus, register_key
from procurement.models_sealing import NoticeKey
from tests.procurement.bids_helpers import (
    SECRET,
    confirm,
    create,
    patch,
    pdf_bytes,
    start,
    stored_bytes,
    submit,
    upload,
)

pytestmark = pytest.mark.django_db
SECOND = datetime.timedelta(seconds=1)
HOUR = datetime.timedelta(hours=1)
LOTS = [(1, "Lot 1 : vitrerie", "90911300-9", None), (2, "Lot 2 : locaux", "90919200-4", None)]


@pytest.fixture
def notice(make_notice):
    """Bids due in two hours (sessions outlive a jump to the deadline: no new login)."""
    now = timezone.now()
    return make_notice(questions_deadline=now + HOUR, bids_deadline=now + 2 * HOUR)


@pytest.fixture
def lots_notice(make_notice):
    now = timezone.now()
    return make_notice(lots=LOTS, questions_deadline=now + HOUR, bids_deadline=now + 2 * HOUR)


@pytest.fixture
def seller(login, company_member):
    return login(company_member)


@pytest.fixture
def rival(make_org, make_user):
    company = make_org("Armor Propreté SAS", Organization.Kind.COMPANY)
    user = make_user("offres@armor-proprete.fr", company, Membership.Role.MEMBER)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the tests read the English msgids
    return client


def two_lot_bid(client, notice, marker=SECRET):
    return submit(
        client,
        notice,
        [
            (pdf_bytes(200_000, marker), {"lot": 1, "part": "application", "filename": "DC1 candidature.pdf"}),
            (pdf_bytes(300_000, marker), {"lot": 2, "part": "offer", "filename": "Offre lot 2.pdf"}),
        ],
    )


def past_deadline(notice):
    return time_machine.travel(notice.bids_deadline + datetime.timedelta(minutes=5), tick=False)


# --- submitting -------------------------------------------------------------------------------------------------


def test_a_company_submits_two_files_on_two_lots_and_gets_its_receipt(seller, lots_notice, company, company_member):
    files = [pdf_bytes(200_000), pdf_bytes(300_000, b"autre contenu ")]
    bid = submit(
        seller,
        lots_notice,
        [
            (files[0], {"lot": 1, "part": "application", "filename": "DC1 candidature.pdf"}),
            (files[1], {"lot": 2, "part": "offer", "filename": "Offre lot 2.pdf"}),
        ],
    )
    assert bid.company == company and bid.submitted_by == company_member
    assert bid.lots == [1, 2]
    assert bid.receipt["files"] == [
        {
            "lot": 1,
            "part": "application",
            "name": "DC1 candidature.pdf",
            "size": 200_000,
            "sha256": hashlib.sha256(files[0]).hexdigest(),
        },
        {
            "lot": 2,
            "part": "offer",
            "name": "Offre lot 2.pdf",
            "size": 300_000,
            "sha256": hashlib.sha256(files[1]).hexdigest(),
        },
    ]
    assert bid.receipt_digest == bid_actions.receipt_digest(bid.receipt)
    page = seller.get(reverse("procurement:bid_receipt", kwargs={"receipt_id": bid.receipt_id}))
    assert page.status_code == 200
    text = page.content.decode()
    assert bid.receipt_id in text and hashlib.sha256(files[1]).hexdigest() in text
    (entry,) = chain.entries(register_key(lots_notice.pk))
    assert (entry.position, entry.reference, entry.digest) == (1, bid.receipt_id, bid.receipt_digest)
    assert (entry.kind, entry.recorded_at, entry.previous_hash) == ("receipt", bid.confirmed_at, "0" * 64)


def test_the_receipt_is_emailed_with_its_pdf(seller, notice, company_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bid = submit(seller, notice, [(pdf_bytes(), {})])
    sent = [message for message in mail.outbox if bid.receipt_id in message.subject]
    assert len(sent) == 1 and sent[0].to == [company_member.email]
    assert bid.receipt_id in sent[0].body and bid.receipt_digest in sent[0].body
    name, content, mimetype = sent[0].attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_stored_files_hold_no_plaintext_and_the_database_no_clear_key(seller, notice):
    bid = submit(seller, notice, [(pdf_bytes(400_000), {})])
    bid_file = bid.files.get()
    raw = stored_bytes(bid_file)
    assert len(raw) > 400_000
    twice = SECRET * 2  # every 24-byte run of the repeated plaintext, wherever a segment may have cut it
    for start_at in range(0, len(SECRET), 7):
        assert twice[start_at : start_at + 24] not in raw
    assert b"%PDF" not in raw
    # Nothing in the database unwraps without the master key: the private key is only wrapped, the upload's copy
    # of the data key is gone once the file is complete.
    assert "upload_key" not in bid_file.sealed
    key = NoticeKey.objects.get(notice=notice)
    assert len(bytes(key.wrapped_private_key)) > 32
    dump = repr(list(BidFile.objects.values())) + repr(list(NoticeKey.objects.values()))
    assert SECRET.decode()[:20] not in dump


def test_bad_files_are_refused_with_a_reason_before_anything_is_kept(seller, notice, settings):
    bid = start(seller, notice)
    empty = create(seller, bid.pk, 0)
    assert empty.status_code == 403 and "empty" in empty.content.decode()
    settings.PROCUREMENT_BID_MAX_FILE_SIZE = 1000
    large = create(seller, bid.pk, 1001)
    assert large.status_code == 403 and "larger than" in large.content.decode()
    settings.PROCUREMENT_BID_MAX_FILE_SIZE = 10_000_000
    exe = create(seller, bid.pk, 100, filename="setup.exe")
    assert exe.status_code == 403 and "not accepted" in exe.content.decode()
    wrong_lot = create(seller, bid.pk, 100, lot=7)
    assert wrong_lot.status_code == 403
    # The content must be what the extension says: checked on the first bytes, before they are kept.
    fake = create(seller, bid.pk, 1000, filename="offre.pdf")
    refused = patch(seller, fake["Location"], b"MZ" + b"\x00" * 998, 0)
    assert refused.status_code == 415 and "does not match" in refused.content.decode()
    assert not bid.files.exists()
    settings.PROCUREMENT_BID_MAX_SIZE = 150_000
    upload(seller, bid.pk, pdf_bytes(100_000))
    over = create(seller, bid.pk, 60_000, filename="annexe.pdf")
    assert over.status_code == 403 and "weigh more" in over.content.decode()


def test_a_bid_without_files_is_not_submitted(seller, notice):
    bid = start(seller, notice)
    response = confirm(seller, bid)
    assert response.status_code == 400 and "at least one file" in response.content.decode()
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT and not ChainEntry.objects.exists()


def test_a_double_click_on_submit_gives_one_receipt(seller, notice):
    bid = start(seller, notice)
    upload(seller, bid.pk, pdf_bytes())
    first, second = confirm(seller, bid), confirm(seller, bid)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert chain.entries(register_key(notice.pk)).count() == 1


def test_a_connection_dropped_mid_file_resumes_and_the_hash_matches(seller, notice):
    bid = start(seller, notice)
    data = pdf_bytes(500_000)
    created = create(seller, bid.pk, len(data))
    url = created["Location"]
    assert patch(seller, url, data[:200_000], 0).status_code == 204
    # A replayed chunk (the client did not see the answer) and one from the future are refused without harm.
    assert patch(seller, url, data[:100_000], 0).status_code == 409
    assert patch(seller, url, data[300_000:], 300_000).status_code == 409
    resumed_at = int(seller.head(url, HTTP_TUS_RESUMABLE="1.0.0")["Upload-Offset"])
    assert resumed_at == 200_000
    assert patch(seller, url, data[resumed_at:], resumed_at).status_code == 204
    assert bid.files.get().sha256 == hashlib.sha256(data).hexdigest()


# --- the deadline, by the server clock -------------------------------------------------------------------------


def test_confirmed_one_second_before_the_deadline_is_accepted_at_the_deadline_refused(seller, rival, notice):
    mine, theirs = start(seller, notice), start(rival, notice)
    upload(seller, mine.pk, pdf_bytes())
    upload(rival, theirs.pk, pdf_bytes())
    with time_machine.travel(notice.bids_deadline - SECOND, tick=False):
        assert confirm(seller, mine).status_code == 302
    with time_machine.travel(notice.bids_deadline, tick=False):
        late = confirm(rival, theirs)
    assert late.status_code == 400 and "has passed" in late.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == BidStatus.SUBMITTED and mine.confirmed_at == notice.bids_deadline - SECOND
    assert theirs.status == BidStatus.DRAFT and theirs.receipt_id is None
    assert BidLog.objects.filter(company=theirs.company, kind=BidLog.Kind.LATE_SUBMISSION_REFUSED).count() == 1


def test_an_upload_still_arriving_at_the_deadline_is_refused_and_logged(seller, notice):
    bid = start(seller, notice)
    data = pdf_bytes(300_000)
    url = create(seller, bid.pk, len(data))["Location"]
    assert patch(seller, url, data[:100_000], 0).status_code == 204
    with time_machine.travel(notice.bids_deadline, tick=False):
        late = patch(seller, url, data[100_000:], 100_000)
    assert late.status_code == 403 and "too late" in late.content.decode()
    assert not bid.files.exists()
    assert BidLog.objects.filter(bid=bid, kind=BidLog.Kind.LATE_UPLOAD_REFUSED).exists()


def test_late_uploads_may_be_accepted_by_setting_within_the_grace(seller, notice, settings):
    settings.PROCUREMENT_BID_ACCEPT_LATE_UPLOADS = True
    bid = start(seller, notice)
    data = pdf_bytes(300_000)
    url = create(seller, bid.pk, len(data))["Location"]
    assert patch(seller, url, data[:100_000], 0).status_code == 204
    with time_machine.travel(notice.bids_deadline + datetime.timedelta(minutes=1), tick=False):
        assert patch(seller, url, data[100_000:], 100_000).status_code == 204
        assert confirm(seller, bid).status_code == 302
    with time_machine.travel(notice.bids_deadline + datetime.timedelta(minutes=2), tick=False):
        # A file begun after the deadline is refused even so.
        assert create(seller, start_draft_again(seller, notice), 1000).status_code == 403


def start_draft_again(client, notice):
    return Bid.objects.filter(notice=notice).latest("pk").pk


# --- replacing and withdrawing ----------------------------------------------------------------------------------


def test_a_new_bid_replaces_the_previous_which_is_never_opened(seller, notice, buyer, login):
    first = submit(seller, notice, [(pdf_bytes(100_000, b"premiere version "), {})])
    second = submit(seller, notice, [(pdf_bytes(100_000, b"seconde version "), {})])
    first.refresh_from_db()
    assert first.status == BidStatus.REPLACED and first.replaced_by == second
    assert second.receipt["replaces"] == first.receipt_id
    with past_deadline(notice):
        lifecycle.do_open_bids(buyer, notice)
        client = login(buyer)
        replaced_file = first.files.get()
        response = client.get(reverse("procurement:opened_bid_file", args=[notice.pk, replaced_file.pk]))
        assert response.status_code == 404
        kept = client.get(reverse("procurement:opened_bid_file", args=[notice.pk, second.files.get().pk]))
        assert kept.status_code == 200 and b"seconde version" in b"".join(kept.streaming_content)


def test_a_company_withdraws_before_the_deadline_not_after(seller, notice):
    bid = submit(seller, notice, [(pdf_bytes(), {})])
    url = reverse("procurement:withdraw_bid", args=[notice.pk, bid.pk])
    assert seller.post(url).status_code == 302
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN
    register = chain.entries(register_key(notice.pk))
    assert list(register.values_list("kind", "reference")) == [
        ("receipt", bid.receipt_id),
        ("withdrawal", bid.receipt_id),
    ]
    again = submit(seller, notice, [(pdf_bytes(), {})])
    with past_deadline(notice):
        refused = seller.post(reverse("procurement:withdraw_bid", args=[notice.pk, again.pk]))
    assert refused.status_code == 400
    again.refresh_from_db()
    assert again.status == BidStatus.SUBMITTED


# --- secrecy before the deadline, reading after the opening ----------------------------------------------------


def test_other_people_learn_nothing_of_a_bid(seller, rival, notice, login, buyer, platform_admin, client):
    bid = submit(seller, notice, [(pdf_bytes(), {"filename": "Mémoire technique unique-7731.pdf"})])
    receipt_url = reverse("procurement:bid_receipt", kwargs={"receipt_id": bid.receipt_id})
    assert rival.get(receipt_url).status_code == 404
    assert rival.get(reverse("procurement:confirm_bid", args=[notice.pk, bid.pk])).status_code == 404
    their_page = rival.get(reverse("procurement:bid", args=[notice.pk])).content.decode()
    assert bid.receipt_id not in their_page and "unique-7731" not in their_page
    for person in (buyer, platform_admin):
        browser = Client()
        browser.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert browser.get(receipt_url).status_code == 404
        assert browser.get(reverse("procurement:opening_register", args=[notice.pk])).status_code == 403
        register = browser.get(reverse("procurement:receipt_register", args=[notice.pk])).content.decode()
        assert bid.receipt_id not in register and "published after the deadline" in register
        urls = [
            notice.url,
            "/",
            "/recherche/?q=offre",
            "/notifications/",
            "/donnees/ocds/releases.json",
            f"/donnees/ocds/avis/{notice.pk}.json",
            f"/avis/{notice.pk}/telechargements/",
            f"/avis/{notice.pk}/telechargements.csv",
            "/admin/",
            f"/admin/pages/{notice.pk}/edit/",
            f"/admin/pages/{notice.pk}/history/",
            "/admin/reports/site-history/",
            "/admin/audit_log/",
        ]
        for url in urls:
            response = browser.get(url, follow=True)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode()
            assert bid.receipt_id not in text and "unique-7731" not in text, url
            assert "numberOfTenderers" not in text and "offres reçues" not in text, url
    assert not AuditEvent.objects.filter(details__icontains=bid.receipt_id).exists()


def test_the_opening_is_the_notices_buyers_after_the_deadline_only(
    seller, lots_notice, buyer, other_admin, platform_admin, login, django_capture_on_commit_callbacks
):
    notice = lots_notice
    bid = two_lot_bid(seller, notice)
    with pytest.raises(Exception):
        lifecycle.do_open_bids(buyer, notice)  # before the deadline
    with past_deadline(notice):
        for stranger in (other_admin, platform_admin):
            with pytest.raises(Exception):
                lifecycle.do_open_bids(stranger, notice)
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.do_open_bids(buyer, notice)
        assert AuditEvent.objects.filter(details__verb="bids_opened", actor=buyer).count() == 1
        notice.refresh_from_db()
        files = list(bid.files.all())
        assert {bid_file.intact for bid_file in files} == {True}  # checked against the receipt at the opening
        client = login(buyer)
        register = client.get(reverse("procurement:opening_register", args=[notice.pk]))
        assert register.status_code == 200 and bid.receipt_id in register.content.decode()
        download = client.get(reverse("procurement:opened_bid_file", args=[notice.pk, files[0].pk]))
        assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == files[0].sha256
        csv_text = client.get(reverse("procurement:opening_register_csv", args=[notice.pk])).content.decode()
        assert files[1].sha256 in csv_text and bid.receipt_id in csv_text
        for stranger in (other_admin, platform_admin):
            refused = login(stranger).get(reverse("procurement:opened_bid_file", args=[notice.pk, files[0].pk]))
            assert refused.status_code == 403
        assert seller.get(reverse("procurement:opening_register", args=[notice.pk])).status_code == 403


def test_a_tampered_sealed_file_is_flagged_at_the_opening(seller, notice, buyer, django_capture_on_commit_callbacks):
    bid = submit(seller, notice, [(pdf_bytes(), {})])
    bid_file = bid.files.get()
    path = stored_bytes(bid_file)
    from pathlib import Path

    from django.core.files.storage import default_storage

    altered = bytearray(path)
    altered[-40] ^= 0x01
    Path(default_storage.path(bid_file.sealed["name"])).write_bytes(bytes(altered))
    with past_deadline(notice), django_capture_on_commit_callbacks(execute=True):
        lifecycle.do_open_bids(buyer, notice)
    bid_file.refresh_from_db()
    assert bid_file.intact is False


# --- the public register ---------------------------------------------------------------------------------------


def test_the_register_is_published_after_the_deadline_and_verifies_a_receipt(seller, rival, notice, client):
    mine = submit(seller, notice, [(pdf_bytes(), {"filename": "secret-name-1.pdf"})])
    submit(rival, notice, [(pdf_bytes(), {"filename": "secret-name-2.pdf"})])
    url = reverse("procurement:receipt_register", args=[notice.pk])
    with past_deadline(notice):
        page = client.get(url).content.decode()
        assert mine.receipt_id in page and mine.receipt_digest in page
        assert "secret-name" not in page and "Bretagne Nettoyage" not in page and "Armor" not in page
        checked = client.get(url, {"receipt": mine.receipt_id, "digest": mine.receipt_digest}).content.decode()
        assert "Receipt found at entry 1" in checked and "the chain is whole" in checked
        wrong = client.get(url, {"receipt": mine.receipt_id, "digest": "0" * 64}).content.decode()
        assert "was altered" in wrong
        # Someone edits an entry in the database: the chain shows where.
        ChainEntry.objects.filter(chain__key=register_key(notice.pk), position=1).update(
            recorded_at=mine.confirmed_at - SECOND
        )
        broken = client.get(url, {"receipt": mine.receipt_id}).content.decode()
        assert "broken at entry 1" in broken


def test_the_registers_show_entries_cut_off_their_end(seller, rival, notice, client, login, buyer):
    mine = submit(seller, notice, [(pdf_bytes(), {})])
    theirs = submit(rival, notice, [(pdf_bytes(), {})])
    key = register_key(notice.pk)
    head = Chain.objects.get(key=key).head
    assert head == chain.entries(key).last().entry_hash
    url = reverse("procurement:receipt_register", args=[notice.pk])
    with past_deadline(notice):
        page = client.get(url).content.decode()
        assert "Bid received" in page and head in page and "removed from the end" not in page
        lifecycle.do_open_bids(buyer, notice)
        opening_url = reverse("procurement:opening_register", args=[notice.pk])
        assert head in login(buyer).get(opening_url).content.decode()
        # Someone deletes the last entry in the database: every link left holds, the chain's row tells.
        ChainEntry.objects.filter(chain__key=key, reference=theirs.receipt_id).delete()
        page = client.get(url).content.decode()
        assert "Entries were removed from the end of the register" in page and head not in page
        checked = client.get(url, {"receipt": mine.receipt_id, "digest": mine.receipt_digest}).content.decode()
        assert "removed from the end" in checked and "the chain is whole" not in checked
        opening = login(buyer).get(opening_url).content.decode()
        assert "removed from the end" in opening and "Head of the register" not in opening


@pytest.mark.django_db(transaction=True)
def test_many_bids_confirmed_at_once_get_distinct_receipts_and_one_chain(notice, make_org, make_user):
    clients = []
    for index in range(6):
        company = make_org(f"Entreprise {index}", Organization.Kind.COMPANY)
        user = make_user(f"depot{index}@entreprise.fr", company, Membership.Role.MEMBER)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        bid = start(client, notice)
        upload(client, bid.pk, pdf_bytes(20_000))
        clients.append((client, bid))
    barrier = threading.Barrier(len(clients))
    results = []

    def go(client, bid):
        try:
            barrier.wait()
            results.append(confirm(client, bid).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302] * len(clients)
    entries = list(chain.entries(register_key(notice.pk)))
    assert [entry.position for entry in entries] == list(range(1, len(clients) + 1))
    assert chain.verify(register_key(notice.pk)).ok
    receipts = set(Bid.objects.filter(notice=notice, status=BidStatus.SUBMITTED).values_list("receipt_id", flat=True))
    assert len(receipts) == len(clients) == len({entry.reference for entry in entries})


def test_an_abandoned_upload_is_cleaned_up_after_a_day_and_a_finished_file_kept(seller, notice):
    from pathlib import Path

    from django.core.files.storage import default_storage

    from uploads.cleanup import clean_expired_uploads
    from uploads.models import Upload

    bid = start(seller, notice)
    data = pdf_bytes(300_000)
    upload(seller, bid.pk, data, filename="gardé.pdf")
    abandoned_url = create(seller, bid.pk, len(data), filename="abandonné.pdf")["Location"]
    assert patch(seller, abandoned_url, data[:100_000], 0).status_code == 204
    abandoned = Upload.objects.get(pk=abandoned_url.rstrip("/").rsplit("/", 1)[1])
    sealed_path = Path(default_storage.path(abandoned.storage_name))
    assert sealed_path.exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=23), tick=False):
        clean_expired_uploads()
    assert sealed_path.exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1), tick=False):
        clean_expired_uploads()
    assert not sealed_path.exists() and not Upload.objects.filter(pk=abandoned.pk).exists()
    kept = bid.files.get()
    assert kept.name == "gardé.pdf" and Path(default_storage.path(kept.sealed["name"])).exists()


def test_only_company_users_reach_a_bid_page(client, login, notice, buyer, platform_admin):
    url = reverse("procurement:bid", args=[notice.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/compte/connexion/" in anonymous["Location"]
    for person in (buyer, platform_admin):
        assert login(person).get(url).status_code == 403
        assert login(person).post(url).status_code == 403
    assert not Bid.objects.exists()
