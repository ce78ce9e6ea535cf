"""The shared hash chains (`intranet.chain`): the hash of the bids' register kept to the bit, appends, their
verification, tampering found, two appends at once."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connections

from intranet import chain
from intranet.models import Chain, ChainEntry

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
RECEIPT = "AR-ABCD-EFGH-JKLM-NPQR"


def test_the_receipt_register_scheme_gives_the_hashes_procurement_gave():
    """Known answers, computed with procurement's own `entry_hash` before the register moved here: receipts
    already given to companies carry these hashes."""
    assert (
        chain.entry_hash("receipt-register-v1", "42", 3, "receipt", RECEIPT, AT, "a" * 64, "0" * 64)
        == "7cfdd615e41e6ca3b5bbf2e8f48c4645bbda3c98779db6e491bdc7db5f8ad815"
    )
    assert (
        chain.entry_hash("receipt-register-v1", "42", 1, "withdrawal", "AR-2345-6789-ABCD-EFGH", AT, "b" * 64, "c" * 64)
        == "9834d3a5b4da8471521bc518dcceea07010dce7837f4e16e5f48a08e5c3bbd06"
    )


def test_the_chain_scheme_hashes_the_whole_key_under_its_own_label():
    # sha256("marches-partage chain v1\nexchanges:7\n1\nact\nACT-2026-001\n2026-03-14T14:09:26.535897Z\nddd...\n")
    assert (
        chain.entry_hash("chain-v1", "exchanges:7", 1, "act", "ACT-2026-001", AT, "d" * 64, "")
        == "380ec731ccfbea166a7927280b70cdfe95bdb3a38d31952f16adbc314d0bd7f4"
    )
    with pytest.raises(ValueError):
        chain.entry_hash("chain-v2", "exchanges:7", 1, "act", "ACT-2026-001", AT, "d" * 64, "")


def test_the_canonical_digest_is_the_receipts_one():
    """Known answer of procurement's receipt digest (canonical JSON: sorted keys, no spaces, UTF-8 as is)."""
    payload = {
        "receipt": RECEIPT,
        "company": {"name": "Bretagne Nettoyage SARL", "siret": None},
        "lots": [0, 2],
        "title": "Nettoyage des bâtiments — « été »",
        "size": 1.5,
    }
    assert chain.canonical_digest(payload) == "b66f336ad75ff0a25de906ab6c7e08d5b8e99cddbdcf9beb51a7b0470991925a"
    assert chain.canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_a_bids_register_appended_here_hashes_as_before():
    first = chain.append(
        "bids:42", kind="receipt", reference=RECEIPT, digest="a" * 64, at=AT, scheme="receipt-register-v1"
    )
    later = datetime.datetime(2026, 3, 14, 14, 10, tzinfo=datetime.UTC)
    second = chain.append(
        "bids:42", kind="withdrawal", reference=RECEIPT, digest="a" * 64, at=later, scheme="receipt-register-v1"
    )
    # Known answers from procurement's former `entry_hash` (notice 42, positions 1 and 2).
    assert (first.position, first.previous_hash) == (1, "0" * 64)
    assert first.entry_hash == "f73b26164a8029a6617540379964845e1c96957df99b0a2c346cbcc8000b144d"
    assert (second.position, second.previous_hash) == (2, first.entry_hash)
    assert second.entry_hash == "dc3003ef4109a6f67e66bd19dba149e85f5233e53429f536eb88a944a2f83c5b"
    stored = Chain.objects.get(key="bids:42")
    assert (stored.scheme, stored.length, stored.head) == ("receipt-register-v1", 2, second.entry_hash)
    assert chain.verify("bids:42") == chain.Verification(ok=True, length=2, broken_at=None, truncated=False)


def test_append_and_verify_a_fresh_chain():
    assert chain.verify("exchanges:7") == chain.Verification(ok=True, length=0, broken_at=None, truncated=False)
    assert not chain.entries("exchanges:7").exists()
    act = chain.append("exchanges:7", kind="act", reference="ACT-2026-001", digest="d" * 64, at=AT)
    assert (act.position, act.previous_hash, act.recorded_at) == (1, "", AT)
    assert act.entry_hash == "380ec731ccfbea166a7927280b70cdfe95bdb3a38d31952f16adbc314d0bd7f4"
    ack = chain.append("exchanges:7", kind="acknowledgement", reference="ACT-2026-001", digest="e" * 64)
    other = chain.append("exchanges:8", kind="act", reference="ACT-2026-002", digest="f" * 64)
    assert (ack.position, ack.previous_hash) == (2, act.entry_hash)
    assert ack.recorded_at > AT and other.position == 1  # the clock by default; each chain its own positions
    assert list(chain.entries("exchanges:7")) == [act, ack]
    assert list(chain.find("exchanges:7", "ACT-2026-001")) == [act, ack]
    assert not chain.find("exchanges:7", "ACT-2026-002").exists()
    assert all(entry.computed_hash() == entry.entry_hash for entry in ChainEntry.objects.all())
    result = chain.verify("exchanges:7")
    assert result.ok and result.length == 2 and result.broken_at is None and not result.truncated


def test_a_chain_keeps_its_scheme_and_a_scheme_its_keys():
    chain.append("exchanges:7", kind="act", reference="A", digest="d" * 64)
    with pytest.raises(ValueError):
        chain.append("exchanges:7", kind="act", reference="B", digest="d" * 64, scheme="receipt-register-v1")
    for key in ("exchanges:9", "bids:", "bids"):
        with pytest.raises(ValueError):
            chain.append(key, kind="receipt", reference="C", digest="d" * 64, scheme="receipt-register-v1")
    with pytest.raises(ValueError):
        chain.append("exchanges:7", kind="act", reference="B", digest="d" * 64, scheme="nope")
    assert list(chain.entries("exchanges:7").values_list("reference", flat=True)) == ["A"]
    assert not Chain.objects.exclude(key="exchanges:7").exists()


@pytest.fixture
def three():
    for number in range(1, 4):
        chain.append("exchanges:7", kind="act", reference=f"ACT-{number}", digest=f"{number}" * 64)
    assert chain.verify("exchanges:7").ok


def test_an_edited_entry_breaks_the_chain_there(three):
    ChainEntry.objects.filter(chain__key="exchanges:7", position=2).update(digest="9" * 64)
    assert chain.verify("exchanges:7") == chain.Verification(ok=False, length=3, broken_at=2, truncated=False)


def test_an_entry_rehashed_after_its_edit_breaks_the_link_of_the_next(three):
    entry = ChainEntry.objects.get(chain__key="exchanges:7", position=2)
    entry.reference = "ACT-X"
    entry.entry_hash = entry.computed_hash()
    entry.save()
    assert chain.verify("exchanges:7").broken_at == 3


def test_a_removed_entry_inside_the_chain_is_a_gap(three):
    ChainEntry.objects.filter(chain__key="exchanges:7", position=2).delete()
    result = chain.verify("exchanges:7")
    assert (result.ok, result.length, result.broken_at, result.truncated) == (False, 2, 3, True)


def test_a_removed_last_entry_shows_the_chain_truncated(three):
    ChainEntry.objects.filter(chain__key="exchanges:7", position=3).delete()
    assert chain.verify("exchanges:7") == chain.Verification(ok=False, length=2, broken_at=None, truncated=True)


def test_an_altered_head_shows_the_chain_truncated(three):
    Chain.objects.filter(key="exchanges:7").update(head="0" * 64)
    assert chain.verify("exchanges:7") == chain.Verification(ok=False, length=3, broken_at=None, truncated=True)


def test_a_last_entry_cut_off_with_the_chain_row_rewound_still_shows(three):
    """Cutting the end and rewinding length and head to match is the one change only a copy of the head kept
    elsewhere (a receipt, an acknowledgement) reveals: the chain itself verifies."""
    second = ChainEntry.objects.get(chain__key="exchanges:7", position=2)
    ChainEntry.objects.filter(chain__key="exchanges:7", position=3).delete()
    Chain.objects.filter(key="exchanges:7").update(length=2, head=second.entry_hash)
    assert chain.verify("exchanges:7").ok


def test_an_entry_added_behind_the_chains_back_breaks_it(three):
    stored = Chain.objects.get(key="exchanges:7")
    entry = ChainEntry(
        chain=stored,
        position=4,
        kind="act",
        reference="ACT-4",
        recorded_at=AT,
        digest="4" * 64,
        previous_hash=stored.head,
    )
    entry.entry_hash = entry.computed_hash()
    entry.save()
    result = chain.verify("exchanges:7")
    assert (result.ok, result.length, result.broken_at, result.truncated) == (False, 4, 4, True)


def test_an_append_retries_after_a_position_conflict(monkeypatch):
    chain.append("exchanges:7", kind="act", reference="A", digest="d" * 64)
    real_create = ChainEntry.objects.create
    calls = []

    def conflicting_create(**fields):
        calls.append(fields["position"])
        if len(calls) == 1:  # another append took the position meanwhile
            real_create(**{**fields, "reference": "OTHER"})
        return real_create(**fields)

    monkeypatch.setattr(ChainEntry.objects, "create", conflicting_create)
    entry = chain.append("exchanges:7", kind="act", reference="B", digest="d" * 64)
    assert calls == [2, 2] and entry.position == 2 and entry.reference == "B"
    assert list(chain.entries("exchanges:7").values_list("reference", flat=True)) == ["A", "B"]
    assert chain.verify("exchanges:7").ok


def test_an_append_gives_up_after_repeated_conflicts(monkeypatch):
    def always_conflicting(**fields):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(ChainEntry.objects, "create", always_conflicting)
    with pytest.raises(IntegrityError):
        chain.append("exchanges:7", kind="act", reference="A", digest="d" * 64)


@pytest.mark.django_db(transaction=True)
def test_two_appends_at_once_on_one_chain_both_land():
    barrier = threading.Barrier(2)
    errors = []

    def go(reference):
        try:
            barrier.wait()
            chain.append("exchanges:7", kind="act", reference=reference, digest="d" * 64)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(reference,)) for reference in ("ACT-A", "ACT-B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = list(chain.entries("exchanges:7"))
    assert [entry.position for entry in stored] == [1, 2]
    assert {entry.reference for entry in stored} == {"ACT-A", "ACT-B"}
    assert stored[1].previous_hash == stored[0].entry_hash
    assert chain.verify("exchanges:7") == chain.Verification(ok=True, length=2, broken_at=None, truncated=False)
    assert Chain.objects.get(key="exchanges:7").length == 2
