"""Periodic jobs, enqueued once per period however many worker processes run the scheduler.

Each job has a row in ScheduledRun holding the last period it was enqueued for; a worker enqueues a job
only if its conditional UPDATE moved that row to the current period, so two workers never both do.
Apps register their own jobs from `AppConfig.ready()`:

    from intranet import scheduler
    scheduler.register("procurement.close_deadlines", close_deadlines, period="hourly")
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import OperationalError, close_old_connections, transaction
from django.utils import timezone
from django_tasks_db.utils import is_locked_database_exception

from intranet.models import ScheduledRun

logger = logging.getLogger(__name__)

PERIODS = ("daily", "hourly", "minutely")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object  # a django_tasks Task (anything with .enqueue())
    period: str
    hour: int | Callable[[], int]  # daily jobs: the local hour from which they are due

    def period_key(self, now: datetime) -> str | None:
        """The period `now` falls in, or None if the job is not due yet today. Keys sort like time."""
        local = timezone.localtime(now)
        if self.period == "minutely":
            return local.strftime("%Y-%m-%dT%H:%M")
        if self.period == "hourly":
            return local.strftime("%Y-%m-%dT%H")
        hour = self.hour() if callable(self.hour) else self.hour
        if local.hour < hour:
            return None
        return local.date().isoformat()


_jobs: dict[str, PeriodicJob] = {}


def register(name: str, task, period: str = "daily", hour: int | Callable[[], int] = 0) -> PeriodicJob:
    """Add (or replace, by name) a periodic job; `hour` applies to daily jobs, in local time."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    job = PeriodicJob(name=name, task=task, period=period, hour=hour)
    _jobs[name] = job
    return job


def jobs() -> list[PeriodicJob]:
    return list(_jobs.values())


def claim(name: str, period_key: str) -> bool:
    """Move the job's row to `period_key`; True for exactly one caller per period, across processes."""
    ScheduledRun.objects.get_or_create(name=name)
    # Keys sort like time and "" sorts first: the UPDATE matches only if no one has claimed this period yet.
    return bool(ScheduledRun.objects.filter(name=name, last_period__lt=period_key).update(last_period=period_key))


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due and not yet enqueued for its current period; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        key = job.period_key(now)
        if key is None:
            continue
        # Claim and enqueue together: if enqueueing fails, the claim is rolled back and retried next time.
        try:
            with transaction.atomic():
                if not claim(job.name, key):
                    continue
                job.task.enqueue()
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise
            # SQLite: another worker holds the write lock, probably claiming this very job. Next round decides.
            logger.info("Database locked while claiming %s; retrying at the next check", job.name)
            continue
        logger.info("Enqueued periodic job %s for %s", job.name, key)
        enqueued.append(job.name)
    return enqueued


def start(interval: float = 30.0, stop: threading.Event | None = None) -> threading.Thread:
    """Run `run_due_jobs` every `interval` seconds in a daemon thread until `stop` is set."""
    stop = stop or threading.Event()

    def loop():
        while not stop.is_set():
            try:
                close_old_connections()
                run_due_jobs()
            except Exception:
                logger.exception("Periodic jobs failed; retrying in %s s", interval)
            finally:
                close_old_connections()
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="scheduler", daemon=True)
    thread.start()
    return thread


def _register_core_jobs() -> None:
    from intranet.search import reconcile_search_index
    from intranet.tasks import prune_content_changes, send_daily_digests

    # The hour is read when due, so that settings overridden in tests or by environment apply.
    register("intranet.daily_digest", send_daily_digests, hour=lambda: settings.NOTIFICATION_DIGEST_HOUR)
    register("intranet.prune_content_changes", prune_content_changes, hour=4)
    # The search index against the database, at night (the one worker writes the index).
    register("intranet.reconcile_search_index", reconcile_search_index, hour=3)


_register_core_jobs()
