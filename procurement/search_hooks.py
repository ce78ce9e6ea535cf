"""Notices in the site search: a hit is kept only if the notice is live now (the index may lag behind), and never
the practice consultation (reached by its own link)."""

from django.dispatch import receiver
from wagtail import hooks
from wagtail.signals import page_unpublished

from intranet.search import reindex_on_commit
from procurement.models import NoticePage


@hooks.register("filter_search_results")
def drop_unpublished_notices(request, results):
    """Keep other apps' hits as they are; keep a notice only if it is live (loaded from the database now) and not
    the practice consultation."""
    for result in results:
        notice = result.object
        if not isinstance(notice, NoticePage):
            yield result
        elif notice.live and not notice.practice:
            yield result


@receiver(page_unpublished, dispatch_uid="procurement.search_hooks.unpublished")
def reindex_unpublished_notice(sender, instance, **kwargs):
    """Unpublishing may save a plain Page (no NoticePage post_save): ask the worker to drop the notice anyway."""
    if not issubclass(sender, NoticePage):
        return
    reindex_on_commit(NoticePage, instance.pk)
