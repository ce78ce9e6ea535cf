"""Checking one act against the sending body's hash chain, for anyone holding its identifier.

For every step of the act: its chain entry exists at the recorded position, names the act and the step, and its
digest equals the one recomputed from the database (fields, message, files' fingerprints); every stored file still
has the SHA-256 taken on arrival; and the chain itself is whole (each entry's hash recomputed, linked to the
previous and to the next, the chain's last entry still its recorded head). Only the act's entries and their
neighbours are read, so checking one act costs the same in a register of ten acts or of a million; the whole chain
is recomputed by `intranet.chain.verify`. Any difference is named: the page says which step or file was altered."""

import hashlib
from dataclasses import dataclass, field

from exchanges.actions.acts import chain_key, event_payload
from exchanges.models import Act, ActEvent, ActFile
from intranet import chain
from intranet.models.chain import SCHEMES, Chain, ChainEntry, scope_of


@dataclass
class StepCheck:
    event: ActEvent
    entry: object | None
    in_chain: bool
    unaltered: bool


@dataclass
class FileCheck:
    file: ActFile
    stored_sha256: str | None
    unaltered: bool


@dataclass
class ActVerification:
    act: Act
    steps: list[StepCheck] = field(default_factory=list)
    files: list[FileCheck] = field(default_factory=list)
    chain_whole: bool = False

    @property
    def ok(self) -> bool:
        return (
            bool(self.steps)
            and all(step.in_chain and step.unaltered for step in self.steps)
            and all(check.unaltered for check in self.files)
            and self.chain_whole
        )


def _file_sha256(stored: ActFile) -> str | None:
    try:
        digest = hashlib.sha256()
        with stored.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except (FileNotFoundError, OSError, ValueError):
        return None


def find_act(identifier: str) -> Act | None:
    identifier = (identifier or "").strip()
    if not identifier or len(identifier) > 60:
        return None
    return (
        Act.objects.exclude(status=Act.Status.DRAFT)
        .select_related("sender", "authority__organization", "subject")
        .filter(identifier=identifier)
        .exclude(identifier="")  # the unique index's own condition: the database reads it, not every act
        .first()
    )


def _linked(key: str, positions: set[int]) -> tuple[dict[int, ChainEntry], set[int], bool]:
    """The entries at `positions`, which of them are intact and linked on both sides, and whether the chain's end
    is still its recorded head."""
    row = Chain.objects.filter(key=key).first()
    if row is None:
        return {}, set(), False
    wanted = {p + offset for p in positions for offset in (-1, 0, 1)} | {row.length}
    rows = {entry.position: entry for entry in ChainEntry.objects.filter(chain=row, position__in=wanted)}
    scope, genesis = scope_of(row.scheme, key), SCHEMES[row.scheme].genesis
    intact = set()
    for position in positions:
        entry = rows.get(position)
        if entry is None or entry.entry_hash != chain.entry_hash(
            row.scheme,
            scope,
            position,
            entry.kind,
            entry.reference,
            entry.recorded_at,
            entry.digest,
            entry.previous_hash,
        ):
            continue
        before, after = rows.get(position - 1), rows.get(position + 1)
        linked_before = entry.previous_hash == (genesis if position == 1 else before and before.entry_hash)
        linked_after = (
            entry.entry_hash == row.head
            if position == row.length
            else bool(after) and after.previous_hash == entry.entry_hash
        )
        if linked_before and linked_after:
            intact.add(position)
    end = rows.get(row.length)
    return rows, intact, end is not None and end.entry_hash == row.head


def verify_act(act: Act) -> ActVerification:
    key = chain_key(act)
    events = list(act.events.order_by("at", "pk"))
    entries, intact, end_ok = _linked(key, {e.chain_position for e in events if e.chain_position})
    result = ActVerification(act=act, chain_whole=end_ok)
    files = list(act.files.exclude(event=None).order_by("pk"))
    by_event: dict[int, list[ActFile]] = {}
    for stored in files:
        by_event.setdefault(stored.event_id, []).append(stored)
    for event in events:
        entry = entries.get(event.chain_position)
        in_chain = (
            entry is not None
            and entry.kind == event.kind
            and entry.reference == act.identifier
            and event.chain_position in intact
        )
        digest = chain.canonical_digest(event_payload(act, event, by_event.get(event.pk, [])))
        unaltered = in_chain and entry.digest == digest == event.digest
        result.steps.append(StepCheck(event=event, entry=entry, in_chain=in_chain, unaltered=unaltered))
    for stored in files:
        actual = _file_sha256(stored)
        result.files.append(FileCheck(file=stored, stored_sha256=actual, unaltered=actual == stored.sha256))
    return result
