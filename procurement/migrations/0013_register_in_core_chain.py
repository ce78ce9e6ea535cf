"""The bids' public receipt registers move into the core's hash chains (`intranet.chain`): each notice's entries
are copied verbatim into the chain "bids:<notice id>" (scheme "receipt-register-v1", whose hashes are the
register's own), then the register's table is dropped. Backwards, the entries are copied back and the "bids:"
chains removed."""

from django.db import migrations

SCHEME = "receipt-register-v1"
PREFIX = "bids:"
BATCH = 1000


def copy_to_chains(apps, schema_editor):
    RegisterEntry = apps.get_model("procurement", "RegisterEntry")
    Chain = apps.get_model("intranet", "Chain")
    ChainEntry = apps.get_model("intranet", "ChainEntry")
    notice_ids = RegisterEntry.objects.order_by("notice_id").values_list("notice_id", flat=True).distinct()
    for notice_id in list(notice_ids):
        entries = RegisterEntry.objects.filter(notice_id=notice_id).order_by("position")
        last = entries.last()
        chain = Chain.objects.create(
            key=f"{PREFIX}{notice_id}", scheme=SCHEME, length=last.position, head=last.entry_hash
        )
        batch = []
        for entry in entries.iterator(chunk_size=BATCH):
            batch.append(
                ChainEntry(
                    chain=chain,
                    position=entry.position,
                    kind=entry.kind,
                    reference=entry.receipt_id,
                    recorded_at=entry.recorded_at,
                    digest=entry.receipt_digest,
                    previous_hash=entry.previous_hash,
                    entry_hash=entry.entry_hash,
                )
            )
            if len(batch) == BATCH:
                ChainEntry.objects.bulk_create(batch)
                batch = []
        ChainEntry.objects.bulk_create(batch)


def copy_back(apps, schema_editor):
    RegisterEntry = apps.get_model("procurement", "RegisterEntry")
    Chain = apps.get_model("intranet", "Chain")
    ChainEntry = apps.get_model("intranet", "ChainEntry")
    chains = Chain.objects.filter(key__startswith=PREFIX, scheme=SCHEME).order_by("pk")
    for chain in chains:
        notice_id = int(chain.key.removeprefix(PREFIX))
        batch = []
        for entry in ChainEntry.objects.filter(chain=chain).order_by("position").iterator(chunk_size=BATCH):
            batch.append(
                RegisterEntry(
                    notice_id=notice_id,
                    position=entry.position,
                    kind=entry.kind,
                    receipt_id=entry.reference,
                    recorded_at=entry.recorded_at,
                    receipt_digest=entry.digest,
                    previous_hash=entry.previous_hash,
                    entry_hash=entry.entry_hash,
                )
            )
            if len(batch) == BATCH:
                RegisterEntry.objects.bulk_create(batch)
                batch = []
        RegisterEntry.objects.bulk_create(batch)
    ChainEntry.objects.filter(chain__in=chains).delete()
    chains.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("intranet", "0017_chain"),
        ("procurement", "0012_group_purchases"),
    ]

    operations = [
        migrations.RunPython(copy_to_chains, copy_back),
        migrations.DeleteModel(name="RegisterEntry"),
    ]
