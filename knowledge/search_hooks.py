"""Guides in the site search: hits are re-checked against the database for who may read them."""

from django.db import transaction
from django.dispatch import receiver
from wagtail import hooks
from wagtail.signals import page_unpublished

from intranet.search import update_search_index
from knowledge.access import can_read_guide
from knowledge.models import GuidePage


@hooks.register("filter_search_results")
def drop_unreadable_guides(request, results):
    """Keep other apps' hits as they are; keep a guide only if it is live and the reader may read it.

    The object was loaded from the database just now, so its audience and live flag are current even
    if the index lags behind (the worker updates it after the change commits).
    """
    for result in results:
        guide = result.object
        if not isinstance(guide, GuidePage):
            yield result
        elif guide.live and can_read_guide(request.user, guide):
            yield result


@receiver(page_unpublished)
def reindex_unpublished_guide(sender, instance, **kwargs):
    """Unpublishing may save a plain Page (no GuidePage post_save): ask the worker to drop the guide anyway."""
    if not issubclass(sender, GuidePage):
        return
    label, pk = GuidePage._meta.label, str(instance.pk)
    transaction.on_commit(lambda: update_search_index.enqueue(label, pk))
