"""Site-wide search: haystack finds candidates, each app's hook re-checks who may see them."""

import logging
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.views.generic import TemplateView
from haystack.exceptions import HaystackError
from haystack.query import SearchQuerySet
from wagtail import hooks

logger = logging.getLogger(__name__)

# Candidates read from the index per query. Permissions are re-checked on each of them before
# counting or paginating, so that the number of hits never reveals documents the reader may not see.
MAX_CANDIDATES = 500
RESULTS_PER_PAGE = 20


def search_candidates(query: str, request=None) -> list:
    """The index's hits for `query` with their objects loaded; [] when the index is not usable yet.

    With a request, each app's `narrow_search_query(request, sqs)` hook may exclude at the engine what the
    reader can never see (e.g. the documents of workspaces they are not in), so that such documents do not
    fill the candidates and push out what the reader may see. The read-time filter still decides."""
    try:
        sqs = SearchQuerySet().auto_query(query)
        if request is not None:
            for narrow in hooks.get_hooks("narrow_search_query"):
                sqs = narrow(request, sqs)
        return list(sqs.load_all()[:MAX_CANDIDATES])
    except (HaystackError, OSError) as error:
        # No search index registered yet, or the Whoosh directory is missing or unwritable:
        # the search page still works and shows no results.
        logger.warning("Search is unavailable: %s", error)
        return []


def visible_results(request, results: list) -> list:
    """Drop hits whose object is gone, then let each app's `filter_search_results` hook drop the rest.

    load_all() ignores index_queryset() (haystack issue 239), so the index alone is never trusted.
    """
    results = [result for result in results if result.object is not None]
    for filter_results in hooks.get_hooks("filter_search_results"):
        results = list(filter_results(request, results))
    return results


class SearchView(TemplateView):
    template_name = "intranet/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:200]
        context["query"] = query
        if query:
            results = visible_results(self.request, search_candidates(query, self.request))
            page = Paginator(results, RESULTS_PER_PAGE).get_page(self.request.GET.get("page"))
            context.update(
                page_obj=page,
                results=page.object_list,
                result_count=len(results),
                query_prefix=urlencode({"q": query}) + "&",
            )
        return context
