"""Notices in the site search: a hit is kept only if the notice is live now (the index may lag behind), and never
the practice consultation (reached by its own link)."""

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.signals import page_unpublished

from intranet.search import SearchFacet, reindex_on_commit
from procurement.models import CPVCode, NoticePage


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


def _division_labels(values: list[str]) -> dict[str, str]:
    """« 45 – Travaux de construction » for "45": the division's own entry of the CPV list (`45000000-7`)."""
    rows = CPVCode.objects.filter(digits__in=[f"{value}000000" for value in values]).values_list("digits", "label")
    return {digits[:2]: f"{digits[:2]} – {label}" for digits, label in rows}


def _bid_status_choices() -> dict[str, tuple[str, object]]:
    """Open for bids: the deadline is ahead and the notice was not cancelled, opened or decided early."""
    from haystack.query import SQ

    now = timezone.now()
    open_for_bids = SQ(bids_deadline__gt=now) & SQ(closed_early=False)
    return {
        "ouverts": (_("Open for bids"), open_for_bids),
        "clos": (_("Closed"), SQ(bids_deadline__lte=now) | SQ(closed_early=True)),
    }


@hooks.register("register_search_facets")
def notice_facets():
    return [
        SearchFacet(param="statut", label=_("Calls for tender"), choices=_bid_status_choices),
        SearchFacet(param="cpv", label=_("CPV division"), field="cpv_division", labels=_division_labels),
    ]
