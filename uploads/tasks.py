"""The periodic cleanup of expired uploads (the worker's scheduler runs it every hour)."""

from django_tasks import task

from intranet import scheduler
from uploads.cleanup import clean_expired_uploads


@task()
def clean_uploads() -> int:
    return clean_expired_uploads()


scheduler.register("uploads.clean_uploads", clean_uploads, period="hourly")
