"""Signal handlers of the procurement app, connected in `ProcurementConfig.ready()`."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from procurement import (
    cpv_index,  # noqa: F401 (keeps NoticePage.cpv_index filled on publication)
    transitions,  # noqa: F401 (registers the periodic jobs, in the worker too)
)
from procurement.models import NoticeIndexPage, NoticePage


@receiver(post_save, sender=NoticeIndexPage)
def give_buyers_the_notice_list(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from procurement.setup import grant_buyer_permissions

        grant_buyer_permissions(instance)


@receiver(page_published, sender=NoticePage)
def record_notice_publication(sender, instance, revision=None, **kwargs):
    """Every publication (admin, scheduled, code): the announced state, alerts or an amendment."""
    from procurement.actions.publication import do_handle_publication

    do_handle_publication(instance, actor=getattr(revision, "user", None))
