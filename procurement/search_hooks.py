"""Notices in the site search: a hit is kept only if the notice is live now (the index may lag behind), and never
the practice consultation (reached by its own link)."""

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.signals import page_unpublished

from intranet.search import SearchFacet, reindex_on_commit
from procurement.models import CPVCode, NoticePage, Status


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


# The status facet's values in the address (French, as the site's addresses are) and what each means.
STATUS_VALUES = {
    "ouverts": "open",
    "publie": Status.PUBLISHED,
    "questions-closes": Status.QUESTIONS_CLOSED,
    "depot-clos": Status.BIDS_CLOSED,
    "plis-ouverts": Status.OPENED,
    "attribue": Status.AWARDED,
    "infructueux": Status.UNSUCCESSFUL,
    "annule": Status.CANCELLED,
}


# The statuses a notice's lifecycle sets whatever the time (`NoticePageIndex.stage`).
STAGES = (Status.OPENED, Status.AWARDED, Status.UNSUCCESSFUL, Status.CANCELLED)


def status_choices() -> dict[str, tuple[str, object]]:
    """The notice list's statuses as engine conditions at this moment: the index holds the deadlines and the
    lifecycle's stage (`NoticePageIndex.stage`), so a deadline passing moves a notice without any write, exactly
    as `procurement.models.status_q` does in SQL. « Open for bids » is « open, questions accepted or closed »."""
    from haystack.query import SQ

    from procurement.search_indexes import RUNNING

    now = timezone.now()
    running = SQ(stage=RUNNING)
    conditions = {
        "open": (_("Open for bids"), running & SQ(bids_deadline__gt=now)),
        Status.PUBLISHED: (Status.PUBLISHED.label, running & SQ(questions_deadline__gt=now)),
        Status.QUESTIONS_CLOSED: (
            Status.QUESTIONS_CLOSED.label,
            running & SQ(bids_deadline__gt=now) & SQ(questions_deadline__lte=now),
        ),
        Status.BIDS_CLOSED: (Status.BIDS_CLOSED.label, running & SQ(bids_deadline__lte=now)),
        **{stage: (stage.label, SQ(stage=stage.value)) for stage in STAGES},
    }
    return {value: conditions[status] for value, status in STATUS_VALUES.items()}


@hooks.register("register_search_facets")
def notice_facets():
    return [
        SearchFacet(param="statut", label=_("Status of calls for tender"), choices=status_choices),
        SearchFacet(param="cpv", label=_("CPV division"), field="cpv_division", labels=_division_labels),
    ]
