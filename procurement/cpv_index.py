"""Keeps `NoticePage.cpv_index` (main, additional and lots' CPV codes) in step with each published revision.

Publishing a revision saves the page from the revision's content, so a `page_published` handler sees the
final codes and lots; it writes the one column with `.update()` (no second save, no extra revision).
`procurement.bulk` fills the column itself.
"""

from django.dispatch import receiver
from wagtail.signals import page_published

from procurement.bulk import cpv_index_for
from procurement.filters import notice_cpv_codes
from procurement.models import Lot, NoticePage


def refresh_cpv_index(notice: NoticePage) -> str:
    """Recompute and store the notice's `cpv_index`; returns it."""
    lot_codes = Lot.objects.filter(notice_id=notice.pk).exclude(cpv="").values_list("cpv", flat=True)
    value = cpv_index_for(dict.fromkeys(notice_cpv_codes(notice, lot_codes)))
    if value != notice.cpv_index:
        NoticePage.objects.filter(pk=notice.pk).update(cpv_index=value)
        notice.cpv_index = value
    return value


@receiver(page_published, dispatch_uid="procurement.cpv_index.on_publish")
def index_cpv_codes_on_publish(sender, instance, **kwargs):
    if issubclass(sender, NoticePage):
        refresh_cpv_index(instance)
