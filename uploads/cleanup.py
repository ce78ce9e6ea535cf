"""Removing expired uploads: abandoned ones (no data for UPLOADS_EXPIRE_AFTER) and complete ones nobody took over."""

import logging

from django.utils import timezone

from uploads import sinks
from uploads.models import Upload

logger = logging.getLogger(__name__)


def clean_expired_uploads(now=None) -> int:
    """Delete every upload past its expiry, row and bytes; returns how many were removed."""
    now = now or timezone.now()
    removed = 0
    for upload in Upload.objects.filter(expires_at__lte=now).order_by("expires_at").iterator():
        sink = sinks.get(upload.purpose)
        if sink is None:
            # Its bytes are the sink's to remove: keep the row until the purpose is registered again.
            logger.warning("Expired upload %s kept: no sink is registered for %r", upload.pk, upload.purpose)
            continue
        # Only if still expired and no PATCH writes to it (a chunk arriving now pushed its expiry back).
        deleted, _counts = Upload.objects.filter(pk=upload.pk, expires_at__lte=now, writer__isnull=True).delete()
        if deleted:
            sink.terminate(upload)
            removed += 1
    if removed:
        logger.info("Removed %s expired uploads", removed)
    return removed
