"""Django's ASGI handler, serving each request's middleware chain and view as a WSGI worker thread would.

Django's own handler (a) builds the middleware chain for async: since the inner middleware (clickjacking, redirects,
axes) can run async and ours cannot (they read the database), every request that passed the page cache left its
thread for the event loop and came back to a thread for the view: two more thread switches, each waiting for an
event loop busy with the other connections; and (b) runs that synchronous work in a new thread for each request,
so each request opened a new database connection (CONN_MAX_AGE cannot keep it: the thread ends with the request;
on SQLite the PRAGMAs, the SQL functions and a schema of 400 objects are read again; on PostgreSQL a connection is
made and the old one waits for the garbage collector).

Here the whole chain is synchronous (as under WSGI) and runs in one call, in a fixed pool of REQUEST_THREADS
threads that keep their database connection between requests (CONN_MAX_AGE applies, checked before and after each
request as Django's request signals do for a WSGI thread). A request's code runs in one thread from its first
middleware to its response, so the ORM and the request's state stay together; an async view would still work
(Django runs it with async_to_sync). Everything else (reading the body, request signals, streaming the response,
disconnects) is Django's handler unchanged.
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.db import close_old_connections


class PooledSyncASGIHandler(ASGIHandler):
    def __init__(self):
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.executor = ThreadPoolExecutor(max_workers=settings.REQUEST_THREADS, thread_name_prefix="request")

    def _respond(self, request):
        close_old_connections()  # as request_started does: drop a connection past its age or broken
        try:
            return self.get_response(request)
        finally:
            close_old_connections()  # as request_finished does

    async def get_response_async(self, request):
        return await sync_to_async(self._respond, thread_sensitive=False, executor=self.executor)(request)


def get_asgi_application() -> PooledSyncASGIHandler:
    """As django.core.asgi.get_asgi_application(), with the handler above."""
    import django

    django.setup(set_prefix=False)
    return PooledSyncASGIHandler()
