"""The hash-chained, append-only logs (`intranet.models.chain`): the only way to write and read them.

    entry = chain.append("exchanges:7", kind="act", reference="ACT-2026-001", digest=chain.canonical_digest(act))
    chain.verify("exchanges:7")  # Verification(ok=True, length=1, broken_at=None, truncated=False)

An append locks the chain's row (made by the first append), so appends to one chain are serialized and each gets
the next position; appends to other chains do not wait. Entries are never changed or deleted here.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from intranet.models.chain import CHAIN_V1, RECEIPT_REGISTER_V1, SCHEMES, Chain, ChainEntry, entry_hash, scope_of

__all__ = [
    "CHAIN_V1",
    "ChainEntry",
    "RECEIPT_REGISTER_V1",
    "SCHEMES",
    "Verification",
    "append",
    "canonical_digest",
    "canonical_json",
    "entries",
    "entry_hash",
    "find",
    "verify",
]

APPEND_ATTEMPTS = 5


def canonical_json(payload) -> bytes:
    """The canonical JSON of a payload: keys sorted, no spaces, UTF-8 (no \\u escapes)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def canonical_digest(payload: dict) -> str:
    """The SHA-256 (hex) of a payload's canonical JSON: what an entry's digest is for a receipt or an act."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def append(key: str, *, kind: str, reference: str, digest: str, at=None, scheme: str = CHAIN_V1) -> ChainEntry:
    """Append an entry to the chain `key` (made by its first append, with `scheme`) and return it.

    `at` (the entry's time) defaults to the clock read once the chain is locked. Inside the caller's transaction
    if there is one: the entry exists only if it commits. A chain keeps the scheme it was made with: appending
    with another one is refused (ValueError)."""
    scope = scope_of(scheme, key)  # refuses an unknown scheme or a key it is not for
    for attempt in range(APPEND_ATTEMPTS):
        try:
            with transaction.atomic():
                return _append(key, scope, kind=kind, reference=reference, digest=digest, at=at, scheme=scheme)
        except IntegrityError:
            # Two appends took the same position at once (SQLite has no row locks): the savepoint is rolled back,
            # the next attempt reads the chain again.
            if attempt == APPEND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _append(key: str, scope: str, *, kind, reference, digest, at, scheme) -> ChainEntry:
    chain, _created = Chain.objects.get_or_create(key=key, defaults={"scheme": scheme})
    chain = Chain.objects.select_for_update().get(pk=chain.pk)
    if chain.scheme != scheme:
        raise ValueError(f"the chain {key!r} uses the scheme {chain.scheme!r}, not {scheme!r}")
    at = at or timezone.now()
    position = chain.length + 1
    previous = chain.head or SCHEMES[scheme].genesis
    entry = ChainEntry.objects.create(
        chain=chain,
        position=position,
        kind=kind,
        reference=reference,
        recorded_at=at,
        digest=digest,
        previous_hash=previous,
        entry_hash=entry_hash(scheme, scope, position, kind, reference, at, digest, previous),
    )
    Chain.objects.filter(pk=chain.pk).update(length=position, head=entry.entry_hash)
    return entry


def entries(key: str) -> QuerySet[ChainEntry]:
    """The chain's entries, in order (none if no entry was ever appended)."""
    return ChainEntry.objects.filter(chain__key=key).select_related("chain").order_by("position")


def find(key: str, reference: str) -> QuerySet[ChainEntry]:
    """The chain's entries with this reference, in order."""
    return entries(key).filter(reference=reference)


@dataclass(frozen=True)
class Verification:
    """What `verify` found. `length`: the entries read. `broken_at`: the position of the first entry whose hash
    is not the one its fields give, whose previous hash is not the preceding entry's, or which follows a gap or
    lies past the chain's recorded length (None: none). `truncated`: entries are missing at the end (fewer than
    the chain's recorded length, or the last one's hash is not the chain's head)."""

    ok: bool
    length: int
    broken_at: int | None
    truncated: bool


def verify(key: str) -> Verification:
    """Recompute the chain `key`: every entry's hash and link, and its end against the chain's row."""
    chain = Chain.objects.filter(key=key).first()
    if chain is None:
        return Verification(ok=True, length=0, broken_at=None, truncated=False)
    scope = scope_of(chain.scheme, chain.key)
    previous = SCHEMES[chain.scheme].genesis
    last_hash = ""
    broken_at = None
    count = 0
    for count, entry in enumerate(chain.entries.order_by("position").iterator(chunk_size=2000), start=1):
        if broken_at is None and (
            entry.position != count
            or entry.position > chain.length
            or entry.previous_hash != previous
            or entry.entry_hash
            != entry_hash(
                chain.scheme,
                scope,
                entry.position,
                entry.kind,
                entry.reference,
                entry.recorded_at,
                entry.digest,
                entry.previous_hash,
            )
        ):
            broken_at = entry.position
        previous = last_hash = entry.entry_hash
    truncated = count < chain.length or last_hash != chain.head
    return Verification(ok=broken_at is None and not truncated, length=count, broken_at=broken_at, truncated=truncated)
