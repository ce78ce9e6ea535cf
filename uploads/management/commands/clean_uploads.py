"""Remove the expired uploads now (the worker also does it every hour)."""

from django.core.management.base import BaseCommand

from uploads.cleanup import clean_expired_uploads


class Command(BaseCommand):
    help = "Remove expired resumable uploads (abandoned, or complete and never taken over), rows and bytes."

    def handle(self, *args, **options):
        removed = clean_expired_uploads()
        self.stdout.write(f"{removed} expired upload(s) removed.")
