"""Search index updates go through the background worker, never the web process.

Whoosh allows one writer at a time (a second raises LockError and haystack's remove() then
fails silently), so saves and deletes only enqueue a task after the transaction commits; the
single worker writes the index. Indexes say which objects belong in the index with
`index_queryset()`: an object saved out of it (unpublished, hidden) is removed. An app that stores many small
objects may index new ones in batches itself: it marks the instance `search_indexed_in_batch = True` before
creating it (later saves and deletes still go through here).
"""

import logging

from django.apps import apps
from django.db import models, transaction
from django_tasks import task
from haystack import connections, signals
from haystack.exceptions import NotHandled
from haystack.utils import get_identifier

logger = logging.getLogger(__name__)


def _indexed_models():
    try:
        return connections["default"].get_unified_index().get_indexed_models()
    except Exception:  # noqa: BLE001 - no index configured yet
        return []


class QueuedSignalProcessor(signals.BaseSignalProcessor):
    """Enqueue index updates on commit instead of writing the index during the request."""

    def setup(self):
        models.signals.post_save.connect(self.handle_save)
        models.signals.post_delete.connect(self.handle_delete)

    def teardown(self):
        models.signals.post_save.disconnect(self.handle_save)
        models.signals.post_delete.disconnect(self.handle_delete)

    def handle_save(self, sender, instance, created=False, **kwargs):
        if sender not in _indexed_models():
            return
        if created and getattr(instance, "search_indexed_in_batch", False):
            # Its app indexes such new objects in batches (chat messages: one task per burst, not per message).
            return
        label, pk = sender._meta.label, instance.pk
        transaction.on_commit(lambda: update_search_index.enqueue(label, str(pk)))

    def handle_delete(self, sender, instance, **kwargs):
        if sender not in _indexed_models():
            return
        label, identifier = sender._meta.label, get_identifier(instance)
        transaction.on_commit(lambda: remove_from_search_index.enqueue(label, identifier))


@task()
def update_search_index(model_label: str, pk: str) -> str:
    """Index the object if its index's queryset holds it, else remove it from the index."""
    model = apps.get_model(model_label)
    try:
        search_index = connections["default"].get_unified_index().get_index(model)
    except NotHandled:
        return "not indexed"
    instance = search_index.index_queryset().filter(pk=pk).first()
    backend = connections["default"].get_backend()
    if instance is None:
        backend.remove(f"{model._meta.app_label}.{model._meta.model_name}.{pk}")
        return "removed"
    backend.update(search_index, [instance])
    return "updated"


@task()
def remove_from_search_index(model_label: str, identifier: str) -> str:
    connections["default"].get_backend().remove(identifier)
    return "removed"
