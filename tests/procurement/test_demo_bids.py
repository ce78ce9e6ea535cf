"""The demo's bids: past calls for tender with opened bids awarded lot by lot, one due tomorrow with sealed bids."""

import hashlib
import io

import pytest
from django.utils import timezone
from django.utils.html import escape

from intranet import chain
from intranet.models import ChainEntry
from procurement import sealing
from procurement.actions.bids import receipt_digest
from procurement.demo_bids import BID_STORIES, bid_slug, seed_bids, seed_bids_summary
from procurement.models import NoticePage, Outcome
from procurement.models_bids import Bid, BidFile, BidLog, BidStatus, LotAward, register_key
from procurement.practice import ensure_practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_people):
    """seed_demo's organizations and people, then the demo bids (their three notices only: quick)."""
    practice = ensure_practice()
    lines = seed_bids_summary()
    notices = {n.slug: n for n in NoticePage.objects.filter(slug__in=[bid_slug(s) for s in BID_STORIES])}
    return [notices[bid_slug(s)] for s in BID_STORIES], lines, practice


def _counts():
    return (
        NoticePage.objects.count(),
        Bid.objects.count(),
        BidFile.objects.count(),
        ChainEntry.objects.count(),
        BidLog.objects.count(),
        LotAward.objects.count(),
    )


def test_past_notices_have_opened_bids_matching_their_receipts_and_lot_awards(seeded, client):
    (awarded, opened, _due), _lines, _practice = seeded
    now = timezone.now()
    for notice, story in zip((awarded, opened), BID_STORIES, strict=False):
        assert notice.opened_at and notice.bids_deadline <= notice.opened_at <= now
        bids = list(Bid.objects.filter(notice=notice).select_related("company"))
        assert len(bids) == len(story.offers) == 4
        assert len({bid.company_id for bid in bids}) == len({offer.company for offer in story.offers}) >= 3
        assert all(bid.confirmed_at < notice.bids_deadline for bid in bids)
        assert all(bid.receipt_digest == receipt_digest(bid.receipt) for bid in bids)
        entries = list(chain.entries(register_key(notice.pk)))
        assert [e.reference for e in entries] == [b.receipt_id for b in sorted(bids, key=lambda b: b.confirmed_at)]
        assert [e.recorded_at for e in entries] == sorted(b.confirmed_at for b in bids)
        assert chain.verify(register_key(notice.pk)).ok
        submitted = [bid for bid in bids if bid.status == BidStatus.SUBMITTED]
        files = BidFile.objects.filter(bid__in=submitted)
        assert files.exists() and set(files.values_list("intact", flat=True)) == {True}
        for bid_file in files:
            data = b"".join(sealing.SealedReader(notice, bid_file.sealed).chunks())
            assert data.startswith(b"%PDF-1.7") and hashlib.sha256(data).hexdigest() == bid_file.sha256
            assert {"name": bid_file.name, "sha256": bid_file.sha256, "size": bid_file.size} in [
                {key: f[key] for key in ("name", "sha256", "size")} for f in bid_file.bid.receipt["files"]
            ]
        assert BidLog.objects.filter(notice=notice, kind=BidLog.Kind.OPENED).count() == len(submitted)
        assert any(set(bid.lots) != {1, 2, 3} for bid in submitted)  # some answer only some lots

    # One company replaced its bid: the first one stays, replaced, and the later receipt says so.
    replaced = Bid.objects.get(notice=awarded, status=BidStatus.REPLACED)
    assert replaced.replaced_by.receipt["replaces"] == replaced.receipt_id
    assert not BidFile.objects.filter(bid=replaced, intact__isnull=False).exists()  # never checked: not opened

    lots = {a.lot_number: a for a in LotAward.objects.filter(notice=awarded)}
    assert set(lots) == {1, 2, 3} and lots[3].outcome == LotAward.Outcome.UNSUCCESSFUL
    assert lots[1].bid.company != lots[2].bid.company and lots[1].amount > 0
    assert all(award.bid.status == BidStatus.SUBMITTED for award in lots.values() if award.bid)
    assert awarded.outcome == Outcome.AWARDED and awarded.outcome_at <= now
    assert all(awarded.opened_at < award.decided_at <= now for award in lots.values())
    assert set(LotAward.objects.filter(notice=opened).values_list("lot_number", flat=True)) == {1, 2}
    assert not opened.outcome  # lot 3 is left for the buyer

    page = client.get(awarded.url).content.decode()
    assert escape(lots[1].bid.company.name) in page and escape(lots[2].bid.company.name) in page
    assert "notice-lot-awards" in page and "Vidéoprojecteurs interactifs" in page
    assert client.get(opened.url).content.decode().count("notice-lot-awards") >= 1


def test_the_notice_due_tomorrow_has_sealed_bids_nobody_can_read(seeded):
    (_awarded, _opened, due), lines, practice = seeded
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    assert timezone.localdate(due.bids_deadline) == tomorrow and due.opened_at is None
    bids = list(Bid.objects.filter(notice=due))
    assert len(bids) == 2 and {bid.status for bid in bids} == {BidStatus.SUBMITTED}
    assert all(bid.confirmed_at < due.bids_deadline and bid.receipt_id for bid in bids)
    assert chain.verify(register_key(due.pk)) == chain.Verification(ok=True, length=2, broken_at=None, truncated=False)
    with pytest.raises(sealing.SealedUntilOpening):
        sealing.notice_private_key(due)
    bid_file = BidFile.objects.filter(bid__notice=due).first()
    with pytest.raises(sealing.SealedUntilOpening):
        sealing.SealedReader(due, bid_file.sealed)
    # The console names the notice and counts its bids, never the bidders.
    summary = "\n".join(lines)
    assert f"{due.reference} " in summary and "with 2 bids" in summary
    assert not any(bid.company.name in summary for bid in bids)
    # The practice consultation has no demo bid.
    assert practice is None or not Bid.objects.filter(notice=practice).exists()


def test_a_second_seed_adds_nothing(seeded):
    before = _counts()
    assert seed_bids() == {"notices": 0, "bids": 0}
    assert _counts() == before


def test_without_a_master_key_the_bids_are_skipped_with_a_warning(demo_people, settings, tmp_path, monkeypatch):
    monkeypatch.delenv(sealing.ENV_MASTER_KEY, raising=False)
    settings.SEALING_MASTER_KEY_FILE = tmp_path / "missing.key"
    lines = seed_bids_summary()
    assert len(lines) == 1 and lines[0].startswith("Warning: bids not seeded")
    assert not Bid.objects.exists()


def test_seed_demo_prints_the_bids_line(demo_people):
    from intranet.management.commands.seed_demo import Command
    from procurement.demo import seed_procurement

    command = Command(stdout=io.StringIO())
    seed_procurement(command)
    output = command.stdout.getvalue()
    assert "Bids: 3 calls for tender with 10 sealed bids added." in output
    assert "Bids still sealed:" in output
