"""Signal handlers of the procurement app, connected in `ProcurementConfig.ready()`."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from intranet.models import Organization
from procurement import (
    cpv_index,  # noqa: F401 (keeps NoticePage.cpv_index filled on publication)
    transitions,  # noqa: F401 (registers the periodic jobs, in the worker too)
)
from procurement.models import NoticeIndexPage, NoticePage


@receiver(post_save, sender=NoticeIndexPage)
def give_each_body_its_section(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from procurement.setup import ensure_buyer_sections

        ensure_buyer_sections(instance)


@receiver(post_save, sender=Organization)
def give_a_new_body_its_section(sender, instance, created, raw=False, **kwargs):
    """A body's section (and its groups' rights) exists from its creation, so its buyers can publish;
    a renamed body's section takes the new name (its address stays: links to notices keep working)."""
    if raw or not instance.is_member_body:
        return
    from procurement.setup import ensure_buyer_section, rename_buyer_section

    if created:
        index = NoticeIndexPage.objects.first()
        if index is not None:
            ensure_buyer_section(instance, index)
    else:
        rename_buyer_section(instance)


@receiver(page_published, sender=NoticePage)
def record_notice_publication(sender, instance, revision=None, **kwargs):
    """Every publication that puts the notice on line (admin, scheduled, code): the announced state,
    alerts or an amendment. A publication that only schedules a go-live (Wagtail sends the signal then
    too) announces nothing: the scheduled job's publication at go-live does, once."""
    if not instance.live:
        return
    from procurement.actions.publication import do_handle_publication

    do_handle_publication(instance, actor=getattr(revision, "user", None))
