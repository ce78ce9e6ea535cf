"""Writing the search index: one task per transaction, retried when the index cannot be written, and a nightly
reconciliation that adds what is missing and removes what should not be there (what became private included)."""

import threading

import pytest
from django.db import transaction
from haystack import connections
from haystack.query import SearchQuerySet

from forums.models import Category, Topic
from intranet import search
from intranet.models import AuditEvent
from knowledge.models import Audience, GuidePage
from tests.forums.conftest import _add_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_search_index")]


def indexed(model) -> set[int]:
    return {int(pk) for pk in search.indexed_ids(model)}


@pytest.fixture
def enqueued(monkeypatch):
    """The batches the transactions send to the worker, run as the worker would."""
    sent = []
    real = search.update_search_index_batch

    class Spy:
        def enqueue(self, updates, removals, *args):
            sent.append((sorted(map(tuple, updates)), sorted(removals)))
            return real.enqueue(updates, removals, *args)

    monkeypatch.setattr(search, "update_search_index_batch", Spy())
    return sent


def now():
    return search.timezone.now()


def test_one_transaction_saving_an_object_many_times_sends_one_batch(
    enqueued, buyer, django_capture_on_commit_callbacks
):
    category = Category.objects.create(name="Général", slug="general-w")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        topic = Topic.objects.create(category=category, author=buyer, title="Ardoise", last_post_at=now())
        _add_post(topic, buyer, "Ardoise de Bretagne.", 1, topic.last_post_at)
        for title in ("Ardoise 1", "Ardoise 2", "Ardoise 3"):
            topic.title = title
            topic.save()
        assert enqueued == []  # nothing before the commit
    assert enqueued == [([("forums.Topic", str(topic.pk))], [])]
    assert indexed(Topic) == {topic.pk}
    assert [r.title for r in SearchQuerySet().models(Topic).auto_query("ardoise")] == ["Ardoise 3"]


def test_a_rolled_back_transaction_sends_nothing_and_the_next_one_still_sends(
    enqueued, buyer, django_capture_on_commit_callbacks
):
    category = Category.objects.create(name="Général", slug="general-r")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            lost = Topic.objects.create(category=category, author=buyer, title="Perdu", last_post_at=now())
            raise RuntimeError
    assert callbacks == [] and enqueued == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        kept = Topic.objects.create(category=category, author=buyer, title="Gardé", last_post_at=now())
    # The rolled-back ask is dropped (SQLite may give the rolled-back topic's id to the kept one).
    assert enqueued == [([("forums.Topic", str(kept.pk))], [])]
    assert indexed(Topic) == {kept.pk} and lost.title == "Perdu"


def test_an_ask_in_a_rolled_back_savepoint_goes_with_its_transaction(
    enqueued, buyer, django_capture_on_commit_callbacks
):
    category = Category.objects.create(name="Général", slug="general-s")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = Topic.objects.create(category=category, author=buyer, title="Premier", last_post_at=now())
        with pytest.raises(RuntimeError), transaction.atomic():
            Topic.objects.create(category=category, author=buyer, title="Annulé", last_post_at=now())
            raise RuntimeError
        third = Topic.objects.create(category=category, author=buyer, title="Troisième", last_post_at=now())
    assert len(enqueued) == 1
    assert {("forums.Topic", str(first.pk)), ("forums.Topic", str(third.pk))} <= set(enqueued[0][0])
    assert indexed(Topic) == {first.pk, third.pk}


def test_a_deletion_in_the_batch_removes_the_document(enqueued, make_guide, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        guide = make_guide("Schiste")
    assert indexed(GuidePage) == {guide.pk}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        GuidePage.objects.get(pk=guide.pk).delete()
    assert indexed(GuidePage) == set()


def test_a_batch_that_fails_is_retried_and_nothing_is_lost(monkeypatch, make_guide, caplog):
    guide = make_guide("Granite")  # not indexed: the test's transaction never commits
    backend = connections["default"].get_backend()
    real_update, failures = backend.update, []

    def locked_twice(index, iterable, commit=True):
        if len(failures) < 2:
            failures.append(1)
            raise OSError("index locked by another writer")
        return real_update(index, iterable, commit=commit)

    monkeypatch.setattr(backend, "update", locked_twice)
    result = search.update_search_index_batch.call([[GuidePage._meta.label, str(guide.pk)]], [])
    assert result == {"updated": 0, "removed": 0, "retried": 2}
    assert len(failures) == 2 and indexed(GuidePage) == {guide.pk}
    assert backend.silently_fail is True  # restored for the searches
    assert "attempt 2" in caplog.text


def test_two_writers_at_once_lose_no_update(transactional_db, make_guide):
    """Two threads (as two processes would) write batches at the same moment: both documents are there after."""
    guides = [make_guide(f"Quartzite {n}") for n in range(2)]
    connections["default"].get_backend().clear()
    errors = []
    start = threading.Barrier(2)

    def write(guide):
        try:
            start.wait()
            search.update_search_index_batch.call([[GuidePage._meta.label, str(guide.pk)]], [])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(guide,)) for guide in guides]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Whoosh's AsyncWriter waits for the lock in a thread of its own when the index is busy.
    for _ in range(50):
        if indexed(GuidePage) == {guide.pk for guide in guides}:
            break
        threading.Event().wait(0.1)
    assert indexed(GuidePage) == {guide.pk for guide in guides}


def _write_in_a_process(batches, start, errors):
    """A forked process's work: the index updates of `batches`, one task each, once both processes are ready."""
    from django.db import connections as databases

    for database in databases.all():
        if database.vendor != "sqlite":
            # The parent's connection is the parent's: connect anew (closing it would end the parent's session).
            # SQLite's test database lives in this process's memory, copied by the fork: it is used as it is.
            database.connection = None
    try:
        start.wait(timeout=60)
        for updates in batches:
            search.update_search_index_batch.call(updates, [])
    except BaseException as error:  # noqa: BLE001 - reported to the parent
        errors.put(f"{type(error).__name__}: {error}")


def test_two_processes_writing_at_once_lose_no_update_and_raise_nothing(transactional_db, make_guide):
    """Two processes (two workers, or `update_index` run by hand beside the worker) write the index at the same
    moment, each a task per guide, adding some and removing others: Whoosh lets one writer in at a time; nobody
    gets a LockError (additions wait in Whoosh's AsyncWriter, removals for the lock: `remove_documents`) and
    every update is there after."""
    import multiprocessing

    guides = [make_guide(f"Obsidienne {n}") for n in range(24)]
    backend = connections["default"].get_backend()
    backend.clear()
    search_index = connections["default"].get_unified_index().get_index(GuidePage)
    backend.update(search_index, guides[:4])
    GuidePage.objects.filter(pk__in=[guide.pk for guide in guides[:4]]).update(live=False)  # to be removed
    label = GuidePage._meta.label

    def tasks(chosen):
        return [[[label, str(guide.pk)]] for guide in chosen]

    context = multiprocessing.get_context("fork")
    start, errors = context.Barrier(2), context.Queue()
    processes = [
        context.Process(target=_write_in_a_process, args=(tasks(guides[0:2] + guides[4:14]), start, errors)),
        context.Process(target=_write_in_a_process, args=(tasks(guides[2:4] + guides[14:24]), start, errors)),
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert reported == [] and [process.exitcode for process in processes] == [0, 0]
    assert indexed(GuidePage) == {guide.pk for guide in guides[4:]}


def test_a_removal_waits_for_the_lock_another_writer_holds(make_guide):
    """A removal while another writer holds the index waits for it instead of failing at once (haystack's own
    `remove` raises LockError, or with `silently_fail` logs it and loses the removal)."""
    from whoosh.index import LockError

    guide = make_guide("Obsidienne seule")
    backend = connections["default"].get_backend()
    backend.update(connections["default"].get_unified_index().get_index(GuidePage), [guide])
    holder = backend.index.writer()
    with pytest.raises(LockError):
        backend.index.writer()  # what haystack's remove() meets
    released = threading.Timer(0.5, holder.cancel)
    released.start()
    try:
        backend.remove_documents([f"knowledge.guidepage.{guide.pk}"])
    finally:
        released.join()
    assert indexed(GuidePage) == set()


def test_the_nightly_reconciliation_adds_the_missing_removes_the_stale_and_reports(
    make_guide, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        present, lost = make_guide("Basalte présent"), make_guide("Basalte perdu")
        unpublished = make_guide("Basalte dépublié")
    backend = connections["default"].get_backend()
    backend.remove(f"knowledge.guidepage.{lost.pk}")  # an update lost
    # Unpublished without the worker hearing of it: still in the index, no longer in the queryset.
    GuidePage.objects.filter(pk=unpublished.pk).update(live=False)
    category = Category.objects.create(name="Général", slug="general-n")
    with django_capture_on_commit_callbacks(execute=True):
        hidden = Topic.objects.create(category=category, author=buyer, title="Caché", last_post_at=now())
    Topic.objects.filter(pk=hidden.pk).update(is_hidden=True)  # hidden behind the worker's back
    assert indexed(GuidePage) == {present.pk, unpublished.pk} and indexed(Topic) == {hidden.pk}

    report = search.reconcile_search_index.call()
    assert report == {
        "knowledge.GuidePage": {"added": 1, "removed": 1},
        "forums.Topic": {"added": 0, "removed": 1},
    }
    assert indexed(GuidePage) == {present.pk, lost.pk} and indexed(Topic) == set()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH_INDEX_RECONCILED)
    assert event.details["fixed"] == report
    # Nothing left to fix: nothing reported.
    assert search.reconcile_search_index.call() == {}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH_INDEX_RECONCILED).count() == 1


def test_a_guide_made_private_stays_private_in_the_index_after_the_worker(
    client, make_guide, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        guide = make_guide("Obsidienne", Audience.EVERYONE)
    assert SearchQuerySet().models(GuidePage).filter(audience=Audience.EVERYONE).count() == 1
    guide.audience = Audience.BUYERS
    with django_capture_on_commit_callbacks(execute=True):
        guide.save_revision().publish()
    assert SearchQuerySet().models(GuidePage).filter(audience=Audience.BUYERS).count() == 1
    response = client.get("/recherche/", {"q": "obsidienne"})
    assert "Obsidienne" not in response.content.decode()
    # Not even counted at the engine: no result, no type in the facets.
    assert response.context["result_count"] == 0 and response.context.get("type_facet", []) == []


def test_rebuild_index_shows_a_progress_bar_per_model(make_guide):
    import io

    from django.core.management import call_command

    for n in range(3):
        make_guide(f"Calcaire {n}")
    out = io.StringIO()
    call_command("rebuild_index", interactive=False, verbosity=1, batchsize=2, stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.strip().startswith("Guides [")]
    assert len(lines) == 2  # one line per batch of two when the output is not a terminal
    assert " 67 % 2/3" in lines[0] and "100 % 3/3" in lines[1] and "documents/s" in lines[1]
    assert indexed(GuidePage) == {guide.pk for guide in GuidePage.objects.all()}


def test_the_nightly_reconciliation_refreshes_documents_whose_access_changed_behind_the_worker(
    rf, make_guide, django_capture_on_commit_callbacks
):
    """An update lost after a guide became buyers-only: its document still says « everyone », so a visitor's
    count and facets would still find it. The reconciliation compares the stored access keys with the guide's."""
    from django.contrib.auth.models import AnonymousUser

    from intranet.views.search import reader_query

    with django_capture_on_commit_callbacks(execute=True):
        guide = make_guide("Dolomie", Audience.EVERYONE)
    GuidePage.objects.filter(pk=guide.pk).update(audience=Audience.BUYERS)  # the worker never heard of it
    request = rf.get("/recherche/")
    request.user = AnonymousUser()
    assert reader_query(request, "dolomie").count() == 1

    report = search.reconcile_search_index.call()
    assert report == {"knowledge.GuidePage": {"added": 0, "removed": 0, "access_refreshed": 1}}
    assert reader_query(request, "dolomie").count() == 0


def test_with_the_database_queue_a_failed_batch_waits_before_its_retry(monkeypatch, make_guide, settings):
    """With the worker's database queue (django-tasks-db, as `make run` and production use), the retry is
    queued 10 s later, then 20 s... rather than at once; the worker runs it when its time has come."""
    import datetime

    import time_machine
    from django_tasks_db.models import DBTaskResult

    guide = make_guide("Gneiss")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert not DBTaskResult.objects.exists()
    backend = connections["default"].get_backend()
    real_update, failures = backend.update, []

    def locked_once(index, iterable, commit=True):
        if not failures:
            failures.append(1)
            raise OSError("index locked by another writer")
        return real_update(index, iterable, commit=commit)

    monkeypatch.setattr(backend, "update", locked_once)
    before = now()
    assert search.update_search_index_batch.call([[GuidePage._meta.label, str(guide.pk)]], [])["retried"] == 2
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"][2] == 2
    assert before + datetime.timedelta(seconds=9) <= queued.run_after <= now() + datetime.timedelta(seconds=11)
    assert not DBTaskResult.objects.ready().exists()  # what the worker would take now: not yet
    with time_machine.travel(now() + datetime.timedelta(seconds=12)):
        ready = DBTaskResult.objects.ready().get()
        ready.task.call(*ready.args_kwargs["args"], **ready.args_kwargs["kwargs"])  # as the worker runs it
    assert indexed(GuidePage) == {guide.pk}


def test_a_save_made_by_another_commit_callback_is_indexed_too(transactional_db, enqueued, buyer):
    """A commit callback registered before ours that saves an indexed object (in autocommit, since the
    transaction is over): its ask is not taken for one of a rolled-back transaction, and both objects are
    indexed."""
    category = Category.objects.create(name="Général", slug="general-cb")

    def save_another():
        Topic.objects.create(category=category, author=buyer, title="Dolomite rappel", last_post_at=now())

    with transaction.atomic():
        transaction.on_commit(save_another)
        first = Topic.objects.create(category=category, author=buyer, title="Dolomite", last_post_at=now())
    second = Topic.objects.get(title="Dolomite rappel")
    assert indexed(Topic) == {first.pk, second.pk}
    assert sum(len(updates) for updates, _removals in enqueued) == 2


def _segments() -> list:
    backend = connections["default"].get_backend()
    return backend.index._read_toc().segments


def test_update_index_writes_its_whole_run_in_one_commit_that_plain_whoosh_reads(make_guide, buyer):
    """Batches of one, two models: one segment at the end (haystack committed each batch, and Whoosh merged the
    small segments each time), which Whoosh alone opens and searches, without this project's classes."""
    from django.core.management import call_command
    from whoosh import index as whoosh_index
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.qparser import QueryParser

    guides = [make_guide(f"Calcaire {n}") for n in range(3)]
    category = Category.objects.create(name="Général", slug="general-u")
    topic = Topic.objects.create(category=category, author=buyer, title="Calcaire du forum", last_post_at=now())
    call_command("update_index", verbosity=0, batchsize=1)

    assert len(_segments()) == 1 and type(_segments()[0].codec()) is W3Codec
    assert indexed(GuidePage) == {guide.pk for guide in guides} and indexed(Topic) == {topic.pk}
    plain = whoosh_index.open_dir(connections["default"].get_backend().path)
    with plain.searcher() as searcher:
        query = QueryParser("text", schema=plain.schema).parse("calcaire")
        assert len(searcher.search(query, limit=None)) == 4


def test_update_index_failing_midway_leaves_the_index_as_it_was(monkeypatch, make_guide):
    """Nothing of a run that fails is written: the index keeps what it held, and its lock is released."""
    from django.core.management import call_command

    from knowledge.search_indexes import GuidePageIndex

    kept = make_guide("Calcaire gardé")
    call_command("update_index", verbosity=0)
    others = [make_guide(f"Calcaire {n}") for n in range(3)]
    real = GuidePageIndex.prepare_text

    def broken(self, guide):
        if guide.pk == others[2].pk:
            raise RuntimeError("a template that fails")
        return real(self, guide)

    monkeypatch.setattr(GuidePageIndex, "prepare_text", broken)
    with pytest.raises(RuntimeError):
        call_command("update_index", verbosity=0, batchsize=1, max_retries=1)
    assert indexed(GuidePage) == {kept.pk}
    monkeypatch.setattr(GuidePageIndex, "prepare_text", real)
    call_command("update_index", verbosity=0)  # the lock was released
    assert indexed(GuidePage) == {kept.pk, *(guide.pk for guide in others)}


def test_a_worker_task_writes_its_updates_and_removals_in_one_commit(make_guide, buyer):
    gone, changed = make_guide("Calcaire ancien"), make_guide("Calcaire changé")
    backend = connections["default"].get_backend()
    backend.update(connections["default"].get_unified_index().get_index(GuidePage), [gone, changed])
    category = Category.objects.create(name="Général", slug="general-t")
    topic = Topic.objects.create(category=category, author=buyer, title="Calcaire du forum", last_post_at=now())
    generation = backend.index.latest_generation()

    search.update_search_index_batch.call(
        [[GuidePage._meta.label, str(changed.pk)], [Topic._meta.label, str(topic.pk)]],
        [f"knowledge.guidepage.{gone.pk}"],
    )
    assert backend.index.latest_generation() == generation + 1
    assert indexed(GuidePage) == {changed.pk} and indexed(Topic) == {topic.pk}
