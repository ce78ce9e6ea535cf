"""The ASGI entry point: HTTP requests served by a pool of threads that keep their database connection; the objects
loaded at start-up kept out of the garbage collector's full passes.

Without it a full collection walked Django's, Wagtail's and the apps' few hundred thousand start-up objects and
stopped the event loop for ~70 ms every few seconds under chat load (bench/chat.py: p99 82 ms, 13 ms with).
"""

import asyncio
import gc
import threading
import weakref

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.db import connections
from django.db.backends.signals import connection_created
from django.urls import reverse

import intranet.asgi
from intranet.asgi_http import PooledSyncASGIHandler


def test_start_up_objects_are_frozen_and_later_cycles_still_collected():
    assert intranet.asgi.application is not None
    assert gc.get_freeze_count() > 50_000  # the frameworks' modules, classes and functions

    class Node:
        pass

    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle, created after the freeze
    watcher = weakref.ref(first)
    del first, second
    gc.collect()
    assert watcher() is None


# --- HTTP requests: one pooled thread each, keeping its database connection (intranet/asgi_http.py) -------------


@pytest.fixture
def one_thread_handler(settings):
    """A handler of its own with one request thread; its thread's connection is closed at the end (a kept
    connection would stop the test database from being dropped on PostgreSQL)."""
    settings.REQUEST_THREADS = 1
    handler = PooledSyncASGIHandler()
    yield handler
    handler.executor.submit(connections.close_all).result()
    handler.executor.shutdown()


def get(application, path):
    communicator = HttpCommunicator(application, "GET", path, headers=[(b"host", b"testserver")])
    response = async_to_sync(communicator.get_response)()
    return response["status"]


def count_connections(handler, requests=3):
    made = []

    def record(sender, connection, **kwargs):
        made.append(threading.current_thread().name)

    connection_created.connect(record)
    try:
        statuses = [get(handler, reverse("login")) for _ in range(requests)]
    finally:
        connection_created.disconnect(record)
    assert statuses == [200] * requests
    return made


@pytest.mark.django_db(transaction=True)
def test_requests_reuse_their_threads_database_connection(one_thread_handler, monkeypatch):
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 600)

    made = count_connections(one_thread_handler)

    assert len(made) == 1, "each request opened its own database connection"
    assert made[0].startswith("request")  # in the pool, not in a thread made for the request


@pytest.mark.django_db(transaction=True)
def test_a_connection_past_its_age_is_closed_between_requests(one_thread_handler, monkeypatch):
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)

    assert len(count_connections(one_thread_handler)) == 3  # as Django's request signals do for a WSGI thread


def test_the_middleware_chain_is_synchronous_from_end_to_end():
    """No async middleware between ours and the view: no thread switch inside a request."""
    handler = intranet.asgi.django_asgi_app
    assert isinstance(handler, PooledSyncASGIHandler)
    assert not asyncio.iscoroutinefunction(handler._middleware_chain)
