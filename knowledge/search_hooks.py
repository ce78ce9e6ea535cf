"""Guides in the site search: hits are re-checked against the database for who may read them."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page
from wagtail.signals import page_unpublished

from intranet.fragments import cached_fragment
from intranet.search import SearchFacet, reindex_on_commit
from knowledge.access import audiences_for, can_read_guide
from knowledge.models import GuidePage
from knowledge.search_indexes import guide_body_text


@hooks.register("filter_search_results")
def drop_unreadable_guides(request, results):
    """Keep other apps' hits as they are; keep a guide only if it is live and the reader may read it.

    The object was loaded from the database just now, so its audience and live flag are current even
    if the index lags behind (the worker updates it after the change commits). Kept guides get their topic's
    title as `search_topic` (one query for the page of hits).
    """

    def readable(obj) -> bool:
        return not isinstance(obj, GuidePage) or (obj.live and can_read_guide(request.user, obj))

    kept = [result for result in results if readable(result.object)]
    guides = [result.object for result in kept if isinstance(result.object, GuidePage)]
    if guides:
        parent_paths = {guide.path[: -Page.steplen] for guide in guides}
        titles = dict(Page.objects.filter(path__in=parent_paths).values_list("path", "title"))
        for guide in guides:
            guide.search_topic = titles.get(guide.path[: -Page.steplen], "")
            guide.search_text = f"{guide.title} {guide.summary} {_body_text(request, guide)}"
    return kept


def _body_text(request, guide: GuidePage) -> str:
    """The words of the guide's body as it is now (`guide_body_text`: its blocks walked one by one, a few
    milliseconds for a long guide), kept for every reader until the content changes (intranet/fragments.py)."""
    return cached_fragment(request, "guide-body-text", guide.pk, lambda: guide_body_text(guide))


@hooks.register("search_access_keys")
def readable_audiences(request) -> list[str]:
    """At the engine: a guide (key "aud-<audience>") is a hit only for the audiences allowed to read it (exact
    counts and facets); the read-time filter above still decides from the database."""
    return [f"aud-{audience}" for audience in audiences_for(request.user)]


@receiver(page_unpublished)
def reindex_unpublished_guide(sender, instance, **kwargs):
    """Unpublishing may save a plain Page (no GuidePage post_save): ask the worker to drop the guide anyway."""
    if not issubclass(sender, GuidePage):
        return
    reindex_on_commit(GuidePage, instance.pk)


@hooks.register("register_search_facets")
def guide_facets():
    return [SearchFacet(param="etiquette", label=_("Tag"), field="tags")]
