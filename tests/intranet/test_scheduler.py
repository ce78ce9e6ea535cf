"""Periodic jobs: the daily digest is enqueued once a day, from the configured local hour, by one worker."""

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django_tasks_db.models import DBTaskResult

from intranet import scheduler
from intranet.models import ScheduledRun

PARIS = ZoneInfo("Europe/Paris")
DIGEST = "intranet.daily_digest"


@pytest.fixture
def stored_tasks(settings):
    """Store enqueued tasks in the database (as the worker sees them) instead of running them at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.NOTIFICATION_DIGEST_HOUR = 7


def digests_enqueued() -> int:
    return DBTaskResult.objects.filter(task_path="intranet.tasks.send_daily_digests").count()


def run_at(moment: datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return scheduler.run_due_jobs()


@pytest.mark.django_db
def test_daily_digest_is_enqueued_once_a_day_not_before_the_hour(stored_tasks):
    assert DIGEST not in run_at(datetime(2026, 12, 1, 6, 59, tzinfo=PARIS))
    assert digests_enqueued() == 0

    assert DIGEST in run_at(datetime(2026, 12, 1, 7, 0, tzinfo=PARIS))
    assert DIGEST not in run_at(datetime(2026, 12, 1, 7, 30, tzinfo=PARIS))
    assert DIGEST not in run_at(datetime(2026, 12, 1, 23, 59, tzinfo=PARIS))
    assert digests_enqueued() == 1

    assert DIGEST not in run_at(datetime(2026, 12, 2, 6, 0, tzinfo=PARIS))
    assert DIGEST in run_at(datetime(2026, 12, 2, 9, 15, tzinfo=PARIS))
    assert digests_enqueued() == 2
    assert ScheduledRun.objects.get(name=DIGEST).last_period == "2026-12-02"


@pytest.mark.django_db
def test_digest_hour_is_local_time(stored_tasks):
    # 04:30 UTC is 06:30 in Paris in summer (UTC+2): not yet; 05:30 UTC is 07:30 there: due.
    assert DIGEST not in run_at(datetime(2026, 7, 1, 4, 30, tzinfo=UTC))
    assert DIGEST in run_at(datetime(2026, 7, 1, 5, 30, tzinfo=UTC))
    # 06:30 UTC is 07:30 in Paris in winter (UTC+1): due, although the UTC hour is before 7.
    assert DIGEST in run_at(datetime(2026, 12, 1, 6, 30, tzinfo=UTC))


@pytest.mark.django_db
def test_a_period_is_claimed_by_one_caller_only():
    assert scheduler.claim("test.job", "2026-12-01") is True
    assert scheduler.claim("test.job", "2026-12-01") is False
    assert scheduler.claim("test.job", "2026-12-02") is True
    # A late caller still on the previous period never moves the row back.
    assert scheduler.claim("test.job", "2026-12-01") is False
    assert ScheduledRun.objects.get(name="test.job").last_period == "2026-12-02"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_enqueue_the_digest_once(stored_tasks):
    barrier = threading.Barrier(2)
    results, errors = [], []
    moment = datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)

    def worker():
        try:
            with time_machine.travel(moment, tick=False):
                barrier.wait(timeout=10)
                results.append(scheduler.run_due_jobs())
        except Exception as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    # On SQLite a run may find the database locked and leave the job to its next check: still never twice.
    assert sum(DIGEST in names for names in results) <= 1
    run_at(moment)  # both workers' next check
    run_at(moment)
    assert digests_enqueued() == 1


@pytest.mark.django_db
def test_apps_register_hourly_jobs():
    class CountingTask:
        calls = 0

        def enqueue(self):
            CountingTask.calls += 1

    scheduler.register("test.hourly", CountingTask(), period="hourly")
    try:
        run_at(datetime(2026, 12, 1, 10, 5, tzinfo=PARIS))
        run_at(datetime(2026, 12, 1, 10, 55, tzinfo=PARIS))
        run_at(datetime(2026, 12, 1, 11, 0, tzinfo=PARIS))
    finally:
        scheduler._jobs.pop("test.hourly")
    assert CountingTask.calls == 2


def test_register_refuses_unknown_periods():
    with pytest.raises(ValueError):
        scheduler.register("test.weekly", object(), period="weekly")
