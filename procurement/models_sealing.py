"""Sealed bids: one key pair per notice (procurement.sealing does all the cryptography).

The public key is stored in clear (anyone may seal a file to the notice); the private key only wrapped
with the platform master key, which lives outside the database and the media folder. `master_key_id`
names which master key wrapped it (a short hash of the key, never the key)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKey(models.Model):
    notice = models.OneToOneField(
        "procurement.NoticePage", on_delete=models.CASCADE, related_name="sealing_key", verbose_name=_("notice")
    )
    # Bound (with the notice id) into the wrapping's associated data: a wrapped key copied onto another
    # row or notice does not unwrap.
    key_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    public_key = models.BinaryField(max_length=32, editable=False)
    wrapped_private_key = models.BinaryField(editable=False)
    master_key_id = models.CharField(max_length=16, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notice key")
        verbose_name_plural = _("notice keys")

    def __str__(self):
        return f"NoticeKey {self.key_uuid} (notice {self.notice_id})"
