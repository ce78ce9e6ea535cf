"""manage.py ensure_practice_notice: make (once) the practice consultation, or push its deadline if it came close."""

from django.core.management.base import BaseCommand, CommandError

from procurement.practice import ensure_practice


class Command(BaseCommand):
    help = (
        "Create and publish the practice consultation (consultation de test) under the platform's own body if "
        "there is none, and keep its bids deadline at least 30 days ahead. Safe to run any number of times."
    )

    def handle(self, *args, **options):
        notice = ensure_practice()
        if notice is None:
            raise CommandError("There is no notice list page (Appels d'offres) yet: create it first.")
        self.stdout.write(
            f"Practice consultation {notice.reference} (page {notice.pk}, {notice.url}): bids until "
            f"{notice.bids_deadline.isoformat()}."
        )
