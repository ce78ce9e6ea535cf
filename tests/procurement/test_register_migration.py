"""procurement 0013: the bids' registers copied verbatim into the core's chains, and back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from intranet import chain
from intranet.models import Chain, ChainEntry
from procurement.models_bids import REGISTER_SCHEME, register_key

BEFORE = ("procurement", "0012_group_purchases")
AT = datetime.datetime(2026, 3, 14, 14, 9, 26, 535897, tzinfo=datetime.UTC)
FIELDS = ("position", "kind", "reference", "recorded_at", "digest", "previous_hash", "entry_hash")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader


def _chains():
    return {
        stored.key: (
            stored.scheme,
            stored.length,
            stored.head,
            list(ChainEntry.objects.filter(chain=stored).order_by("position").values_list(*FIELDS)),
        )
        for stored in Chain.objects.order_by("key")
    }


@pytest.mark.django_db(transaction=True)
def test_the_registers_move_into_chains_with_their_hashes_and_back(make_notice):
    first, second = make_notice(), make_notice()
    for index in range(3):
        chain.append(
            register_key(first.pk),
            kind="withdrawal" if index == 2 else "receipt",
            reference=f"AR-AAAA-AAAA-AAAA-AAA{index + 2}",
            digest=f"{index}" * 64,
            at=AT + datetime.timedelta(seconds=index),
            scheme=REGISTER_SCHEME,
        )
    chain.append(register_key(second.pk), kind="receipt", reference="AR-BBBB", digest="b" * 64, scheme=REGISTER_SCHEME)
    chain.append("exchanges:7", kind="act", reference="ACT-1", digest="e" * 64)
    registers = _chains()
    try:
        loader = _migrate([BEFORE])
        # Back at 0012: the register's table again, holding the entries; the "bids:" chains gone, others kept.
        RegisterEntry = loader.project_state(BEFORE).apps.get_model("procurement", "RegisterEntry")
        assert list(Chain.objects.values_list("key", flat=True)) == ["exchanges:7"]
        for notice in (first, second):
            rows = RegisterEntry.objects.filter(notice_id=notice.pk).order_by("position")
            old_fields = ("position", "kind", "receipt_id", "recorded_at", "receipt_digest", "previous_hash")
            assert list(rows.values_list(*old_fields, "entry_hash")) == registers[register_key(notice.pk)][3]
        # An entry written by the former code (hash computed by its `entry_hash`, see tests/intranet/test_chain.py).
        ChainEntry.objects.all().delete()
        Chain.objects.all().delete()
        RegisterEntry.objects.filter(notice_id=second.pk).delete()
        former = RegisterEntry.objects.create(
            notice_id=second.pk,
            position=1,
            kind="receipt",
            receipt_id="AR-ABCD-EFGH-JKLM-NPQR",
            recorded_at=AT,
            receipt_digest="a" * 64,
            previous_hash="0" * 64,
            entry_hash=chain.entry_hash(
                REGISTER_SCHEME, str(second.pk), 1, "receipt", "AR-ABCD-EFGH-JKLM-NPQR", AT, "a" * 64, "0" * 64
            ),
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert Chain.objects.count() == 2
    assert _chains()[register_key(first.pk)] == registers[register_key(first.pk)]
    moved = Chain.objects.get(key=register_key(second.pk))
    assert (moved.scheme, moved.length, moved.head) == (REGISTER_SCHEME, 1, former.entry_hash)
    (entry,) = chain.entries(register_key(second.pk))
    assert (entry.reference, entry.digest, entry.recorded_at, entry.entry_hash) == (
        "AR-ABCD-EFGH-JKLM-NPQR",
        "a" * 64,
        AT,
        former.entry_hash,
    )
    for notice in (first, second):
        assert chain.verify(register_key(notice.pk)).ok
    # The registers go on from where they were.
    appended = chain.append(
        register_key(second.pk), kind="receipt", reference="AR-C", digest="c" * 64, scheme=REGISTER_SCHEME
    )
    assert (appended.position, appended.previous_hash) == (2, former.entry_hash)
    assert chain.verify(register_key(second.pk)).ok
