"""Hash-chained, append-only logs shared by the apps: the receipt register of each call for tender's bids, the
acts and acknowledgements exchanged with the State. Written and read only through `intranet.chain`.

A chain is named by its key ("bids:42", "exchanges:7"); each entry's hash covers its fields and the previous
entry's hash, so no entry can be changed, removed or inserted without breaking the chain, and the chain's row
(`Chain.length`, `Chain.head`) shows entries cut off its end. The hash's recipe is the chain's scheme
(`SCHEMES`): it never changes once entries exist, since receipts and acknowledgements given out carry the hashes.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Scheme:
    label: str  # the first line hashed
    genesis: str  # the previous hash of a chain's first entry
    whole_key: bool  # the scope hashed: the whole key, or what follows "<prefix>:"
    prefix: str = ""  # the keys the scheme is for ("" for any)


CHAIN_V1 = "chain-v1"
RECEIPT_REGISTER_V1 = "receipt-register-v1"
SCHEMES = {
    CHAIN_V1: Scheme(label="marches-partage chain v1", genesis="", whole_key=True),
    # The bids' receipt register as procurement first built it (its entries were copied here verbatim):
    # the notice id as scope and 64 zeros before the first entry.
    RECEIPT_REGISTER_V1: Scheme(
        label="marches-partage receipt register v1", genesis="0" * 64, whole_key=False, prefix="bids"
    ),
}


def scheme_of(name: str) -> Scheme:
    try:
        return SCHEMES[name]
    except KeyError:
        raise ValueError(f"unknown chain scheme {name!r}") from None


def scope_of(scheme: str, key: str) -> str:
    """What the scheme hashes of a chain's key: the whole key, or the part after "<prefix>:"."""
    spec = scheme_of(scheme)
    prefix, separator, rest = key.partition(":")
    if spec.prefix and (prefix != spec.prefix or not separator or not rest):
        raise ValueError(f"the scheme {scheme!r} is for keys {spec.prefix}:<id>, not {key!r}")
    return key if spec.whole_key else rest


def entry_hash(
    scheme: str,
    scope: str,
    position: int,
    kind: str,
    reference: str,
    recorded_at: datetime.datetime,
    digest: str,
    previous: str,
) -> str:
    """The SHA-256 (hex) of one entry's lines joined by line feeds: the scheme's label, the scope, the position,
    the kind, the reference, the time in UTC (YYYY-MM-DDTHH:MM:SS.ffffffZ), the digest and the previous hash."""
    fields = [
        scheme_of(scheme).label,
        scope,
        str(position),
        kind,
        reference,
        recorded_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        digest,
        previous,
    ]
    return hashlib.sha256("\n".join(fields).encode()).hexdigest()


class Chain(models.Model):
    """One hash chain: its key, scheme, number of entries and last entry's hash. Appends lock this row."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    length = models.PositiveIntegerField(_("length"), default=0)
    head = models.CharField(_("head"), max_length=64, blank=True, default="")  # "" while empty
    scheme = models.CharField(_("scheme"), max_length=40, default=CHAIN_V1)

    class Meta:
        verbose_name = _("hash chain")
        verbose_name_plural = _("hash chains")
        ordering = ["key"]

    def __str__(self):
        return self.key


class ChainEntry(models.Model):
    """One entry of a chain: what it vouches for (`digest`, the SHA-256 of a receipt, an act...), under a kind
    and a reference the app chooses, chained to the previous entry by its hash."""

    chain = models.ForeignKey(Chain, on_delete=models.PROTECT, related_name="entries", verbose_name=_("chain"))
    position = models.PositiveIntegerField(_("position"))  # from 1
    kind = models.CharField(_("kind"), max_length=40)
    reference = models.CharField(_("reference"), max_length=100)
    recorded_at = models.DateTimeField(_("recorded at"))
    digest = models.CharField(_("digest"), max_length=64)
    previous_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("entry hash"), max_length=64)

    class Meta:
        verbose_name = _("chain entry")
        verbose_name_plural = _("chain entries")
        ordering = ["chain", "position"]
        constraints = [models.UniqueConstraint(fields=["chain", "position"], name="one_chain_entry_per_position")]
        indexes = [models.Index(fields=["chain", "reference"], name="intranet_chainentry_reference")]

    def __str__(self):
        return f"{self.chain_id}#{self.position} {self.reference}"

    def computed_hash(self) -> str:
        """The hash this entry's fields give (its chain's scheme and key read from `chain`)."""
        chain = self.chain
        return entry_hash(
            chain.scheme,
            scope_of(chain.scheme, chain.key),
            self.position,
            self.kind,
            self.reference,
            self.recorded_at,
            self.digest,
            self.previous_hash,
        )
