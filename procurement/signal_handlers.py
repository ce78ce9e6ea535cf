"""Signal handlers of the procurement app, connected in `ProcurementConfig.ready()`."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from procurement.models import NoticeIndexPage


@receiver(post_save, sender=NoticeIndexPage)
def give_buyers_the_notice_list(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from procurement.setup import grant_buyer_permissions

        grant_buyer_permissions(instance)
