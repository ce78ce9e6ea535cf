"""Guides in the site search: hits are re-checked against the database for who may read them."""

from django.conf import settings
from django.core.cache import cache
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page
from wagtail.signals import page_unpublished

from intranet import page_cache
from intranet.search import SearchFacet, reindex_on_commit
from knowledge.access import audiences_for
from knowledge.models import GuidePage
from knowledge.search_indexes import guide_body_text


@hooks.register("filter_search_results")
def drop_unreadable_guides(request, results):
    """Keep other apps' hits as they are; keep a guide only if it is live and the reader may read it.

    The object was loaded from the database just now, so its audience and live flag are current even
    if the index lags behind (the worker updates it after the change commits). Kept guides get their topic's
    title as `search_topic` (one query for the page of hits).
    """

    results = list(results)
    if not any(isinstance(result.object, GuidePage) for result in results):
        return results
    audiences = audiences_for(request.user)  # what `can_read_guide` asks, once for the page

    def readable(obj) -> bool:
        return not isinstance(obj, GuidePage) or (obj.live and obj.audience in audiences)

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
    milliseconds for a long guide), kept until the content changes (any committed write makes a new generation,
    `intranet.page_cache`), at most PAGE_CACHE_SECONDS, as the parts of pages kept for every reader are."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return guide_body_text(guide)
    key = f"guide-body-text:{page_cache.request_generation(request)}:{guide.pk}"
    text = cache.get(key)
    if text is None:
        text = guide_body_text(guide)
        cache.set(key, text, settings.PAGE_CACHE_SECONDS)
    return text


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
