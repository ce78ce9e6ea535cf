"""The background worker: django_tasks_db's db_worker plus the periodic-job scheduler thread."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from intranet import scheduler


class Command(BaseCommand):
    help = "Run background tasks (search indexing, e-mails) and enqueue periodic jobs such as the daily digest."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument(
            "--scheduler-interval", type=float, default=30.0, help="Seconds between checks for due periodic jobs."
        )
        parser.add_argument("--no-scheduler", action="store_true", help="Run tasks only; enqueue no periodic job.")
        parser.add_argument("--batch", action="store_true", help="Run the outstanding tasks, then exit.")

    def handle(self, *args, interval, scheduler_interval, no_scheduler, batch, verbosity=1, **options):
        if not no_scheduler:
            # Several workers may run this: ScheduledRun's conditional update enqueues each period once.
            scheduler.start(interval=scheduler_interval)
        # No autoreload: it would fork a child and leave this process (and its scheduler) waiting on it,
        # and Ctrl-C would have to cross two processes.
        call_command(
            "db_worker", interval=interval, batch=batch, reload=False, startup_delay=False, verbosity=verbosity
        )
