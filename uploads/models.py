"""An upload in progress (or complete, until its consumer takes it over), as the tus protocol sees it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Upload(models.Model):
    class State(models.TextChoices):
        RECEIVING = "receiving", _("Receiving")
        COMPLETE = "complete", _("Complete")

    # The id is the upload's address: random, so that it reveals nothing and cannot be guessed.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads")
    # The registered sink that receives the bytes (uploads.sinks.register).
    purpose = models.CharField(max_length=64)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    # Upload-Metadata, decoded: {"filename": "offre.pdf", ...}; a key sent without a value maps to None.
    metadata = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RECEIVING)
    # Where the sink keeps the bytes (a name in the default storage for the plain sink).
    storage_name = models.CharField(max_length=255, blank=True)
    # The sink's own state between chunks (an encrypting sink's nonce counter, a running hash...).
    sink_state = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Pushed back by every chunk; `clean_uploads` removes what is past it. A consumer that takes a complete
    # upload over (a bid's file) sets it to None so that the cleanup leaves it alone.
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set while one PATCH writes (a conditional UPDATE claims it), so that two never append at once.
    writer = models.UUIDField(null=True, blank=True)
    writer_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offset__gte=0, offset__lte=models.F("length")), name="upload_offset_in_range"
            )
        ]

    def __str__(self):
        return f"{self.purpose} {self.pk} ({self.offset}/{self.length})"

    @property
    def is_complete(self) -> bool:
        return self.state == self.State.COMPLETE
