"""Site-wide search: the engine filters by what the reader may see, each hit shown is re-checked from the database.

- Every app's `narrow_search_query(request, sqs)` hook filters its documents at the engine by the reader's access
  (readable forum categories, guide audiences, workspaces and restricted channels; notices are indexed only when
  public), so the count, the facets and the pages are exact whatever the number of hits: no cap on candidates.
- The hits of the page shown are loaded from the database and passed through every app's
  `filter_search_results(request, results)` hook (haystack's `load_all` ignores `index_queryset`, and the index
  may lag behind the worker): a hit the reader may no longer see is left out of the page.
- Facets (type, organization, year) are Whoosh's own counts over the filtered hits; each facet chosen narrows the
  others, the type facet counts every type for the other choices.
"""

import functools
import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.template.loader import select_template
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from haystack.exceptions import HaystackError
from haystack.inputs import Raw
from haystack.query import SQ, SearchQuerySet
from haystack.utils import get_model_ct
from wagtail import hooks

from intranet import fragments, page_cache
from intranet.models import Organization
from intranet.search import excerpt, query_terms

logger = logging.getLogger(__name__)

RESULTS_PER_PAGE = 20
QUERY_MAX_LENGTH = 200
SORTS = {"": None, "date": "-date"}
FACET_LIMIT = 12  # organizations and years listed at most (the most frequent first)
SUGGESTIONS = 8  # titles suggested as one types in the header's search box


def reader_keys(request) -> list[str]:
    """The access keys the reader holds: "public" and those the apps' `search_access_keys` hooks give (readable
    forum categories, guide audiences, workspaces and channels). A document is found only by a reader holding
    one of its keys (`intranet.search.SiteDocument.access`). Asked once per request and reader, and kept in the
    cache for that reader until the content's generation changes (`intranet.page_cache`: any committed write to
    memberships, groups, categories, workspaces or channels makes a new one, so a right withdrawn is withdrawn
    at the next request); each hit shown is re-checked against the database anyway (`visible_results`)."""

    def ask_the_apps() -> list[str]:
        keys = ["public"]
        for give in hooks.get_hooks("search_access_keys"):
            keys.extend(give(request))
        return keys

    return list(page_cache.for_reader(request, "search-keys", ask_the_apps, settings.SEARCH_KEYS_CACHE_SECONDS))


def for_reader(request, sqs: SearchQuerySet) -> SearchQuerySet:
    """`sqs` restricted at the engine to what the reader may find: one positive condition on the documents' access
    keys, then any app's `narrow_search_query` hook."""
    sqs = sqs.filter(access__in=reader_keys(request))
    for narrow in hooks.get_hooks("narrow_search_query"):
        sqs = narrow(request, sqs)
    return sqs


def reader_query(request, query: str) -> SearchQuerySet:
    """The index's hits for `query` that the reader may see, as far as the engine can tell."""
    return for_reader(request, SearchQuerySet().auto_query(query))


def visible_results(request, results: list) -> list:
    """Drop hits whose object is gone, then let each app's `filter_search_results` hook drop the rest.

    load_all() ignores index_queryset() (haystack issue 239), so the index alone is never trusted.
    """
    results = [result for result in results if result is not None and result.object is not None]
    for filter_results in hooks.get_hooks("filter_search_results"):
        results = list(filter_results(request, results))
    return results


def dropped_from_page(page, results: list) -> int:
    """How many of the engine's hits for this page are not shown: their object is gone (haystack's `load_all`
    leaves such hits out of the page) or an app's database check dropped them."""
    on_page = page.end_index() - page.start_index() + 1 if page.paginator.count else 0
    return max(0, on_page - len(results))


class _OnePass:
    """A SearchQuerySet for Django's Paginator that runs the engine once for the page asked for: the page is read
    first, and its search gives the count. (The Paginator counts first, which would run the search twice.)"""

    def __init__(self, sqs):
        self.sqs = sqs
        self.requested = 1

    def ask(self, number) -> None:
        try:
            self.requested = max(1, int(number))
        except (TypeError, ValueError):
            self.requested = 1

    def count(self) -> int:
        if self.sqs._result_count is None:
            start = (self.requested - 1) * RESULTS_PER_PAGE
            self.sqs[start : start + RESULTS_PER_PAGE]  # runs the search; the count comes with it
            if not self.sqs.count() and self.requested > 1:
                # haystack answers "no hits" for a page past the end: ask for the first page (the Paginator
                # then shows the last one).
                self.sqs, self.requested = self.sqs._clone(), 1
                self.sqs[:RESULTS_PER_PAGE]
        return self.sqs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return self.sqs[item]


class _Found:
    """The page of hits `FrenchWhooshSearchBackend.find` read, for Django's Paginator: its count is the exact count
    of every hit, and any slice the Paginator asks for is that page (it asks for the page `find` served)."""

    def __init__(self, count: int, results: list):
        self._count, self.results = count, results

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        return self.results


def _loaded(results: list) -> list:
    """`results` with their objects loaded, in one query per model through each index's `read_queryset` (what
    haystack's `load_all` does); a hit whose object is gone is left out."""
    from haystack import connections

    unified = connections["default"].get_unified_index()
    by_model = {}
    for result in results:
        by_model.setdefault(result.model, []).append(result.pk)
    objects = {model: unified.get_index(model).read_queryset().in_bulk(pks) for model, pks in by_model.items()}
    kept = []
    for result in results:
        loaded = objects.get(result.model, {})
        key = type(next(iter(loaded)))(result.pk) if loaded else None
        if key in loaded:
            result.pk, result._object = key, loaded[key]
            kept.append(result)
    return kept


class _Promoted:
    """A promoted page shaped like a search hit, so that the apps' `filter_search_results` hooks check it."""

    def __init__(self, page):
        self.object = page


def searchable_types() -> dict[str, object]:
    """`app_label.model_name` → model, for every model of the site search."""
    from haystack import connections

    try:
        models = connections["default"].get_unified_index().get_indexed_models()
    except HaystackError:
        return {}
    return {get_model_ct(model): model for model in models}


# A facet value from the address: words, digits, spaces and a few signs, never a quote (it goes in a quoted term).
FACET_VALUE = re.compile(r"[\w .'’&()/:«»+°-]{1,100}")


def registered_facets() -> list:
    """The facets the apps add (`register_search_facets` hooks), in the apps' order."""
    return [facet for register in hooks.get_hooks("register_search_facets") for facet in register()]


def _query_string(condition) -> str:
    """The engine's query string of a haystack condition (SQ): what `SearchQuerySet().filter(condition)` would
    search, built on the engine's query object alone (a page builds one per facet choice: the search query set
    around it cost three times as much)."""
    from haystack import connections

    query = connections["default"].get_query()
    query.add_filter(SQ(condition))
    return query.build_query()


def facet_counts(base, narrowed, type_chosen: bool, extra_facets: list, options=None) -> dict[str, dict]:
    """{facet: {value: count}} for the type (counted on `base`: every type for the other choices), organization,
    year and the apps' facets (counted on `narrowed`). With Whoosh in one or two searches (`facet_counts` of
    intranet.search_backends); with another engine through haystack's facets and a count per choice. `options`
    gives a facet's choices (the view's, asked once per request), else `facet.choices()`."""
    from haystack import connections

    options = options or (lambda facet: facet.choices())
    fields = {"organization": False, "year": False, **{facet.field: True for facet in extra_facets if facet.field}}
    choices = {facet.param: options(facet) for facet in extra_facets if facet.choices}
    backend = connections["default"].get_backend()
    if hasattr(backend, "facet_counts"):
        queries = {
            param: {value: _query_string(condition) for value, (_label, condition) in options.items()}
            for param, options in choices.items()
        }
        wanted = fields if type_chosen else {"django_ct": False, **fields}
        counts = backend.facet_counts(narrowed.query.build_query(), wanted, queries)
        if type_chosen:
            counts.update(backend.facet_counts(base.query.build_query(), {"django_ct": False}, {}))
        return counts
    sqs = narrowed
    for field in fields:
        sqs = sqs.facet(field)
    found = sqs.facet_counts().get("fields", {})
    counts = {field: dict(found.get(field, [])) for field in fields}
    counts["django_ct"] = dict(base.facet("django_ct").facet_counts().get("fields", {}).get("django_ct", []))
    for param, options in choices.items():
        counts[param] = {value: narrowed.filter(condition).count() for value, (_label, condition) in options.items()}
    return counts


def _exact(value: str) -> Raw:
    return Raw(f'"{value}"')


@functools.lru_cache(maxsize=64)
def _result_template(app_label: str, model_name: str) -> str:
    """The template showing a hit's details: its type's own, else the default one (chosen once per type)."""
    names = [f"search/results/{app_label}/{model_name}.html", "search/results/default.html"]
    return select_template(names).template.name


def hit_url(obj, request=None) -> str:
    """A hit's address: a page's URL, the `url` an app's hook set (workspace content) or `get_absolute_url()`."""
    if hasattr(obj, "get_url"):
        return obj.get_url(request) or ""
    url = getattr(obj, "url", None)
    if url:
        return url
    return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""


def suggestions(request):
    """JSON for the header's search box: up to SUGGESTIONS titles whose words start with the words typed, among
    what the reader may see (the same engine filters as the search page, then the database re-check)."""
    query = request.GET.get("q", "").strip()
    results = []
    if 2 <= len(query) <= QUERY_MAX_LENGTH:
        try:
            sqs = for_reader(request, SearchQuerySet().autocomplete(title_auto=query))
            hits = list(sqs.load_all()[: SUGGESTIONS * 2])
        except (HaystackError, OSError, ValueError) as error:
            logger.warning("Search is unavailable: %s", error)
            hits = []
        for result in visible_results(request, hits)[:SUGGESTIONS]:
            url = hit_url(result.object, request)
            if url:
                results.append({"title": str(result.object), "type": str(result.object._meta.verbose_name), "url": url})
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


class SearchView(TemplateView):
    template_name = "intranet/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        raw_query = params.get("q", "").strip()
        context["query"] = raw_query
        context["query_max_length"] = QUERY_MAX_LENGTH
        if not raw_query:
            return context
        if len(raw_query) > QUERY_MAX_LENGTH:
            context["query_error"] = _(
                "Your search is %(length)s characters long: shorten it to %(max)s characters or fewer."
            ) % {"length": len(raw_query), "max": QUERY_MAX_LENGTH}
            return context
        terms = query_terms(raw_query)
        if not terms:
            context["query_error"] = _(
                "Your search holds only very common words (such as « le », « de », « pour ») or punctuation: "
                "add a more specific word."
            )
            return context
        types = searchable_types()
        choice = {
            "type": params.get("type", "") if params.get("type", "") in types else "",
            "organization": params.get("organization", "") if params.get("organization", "").isdigit() else "",
            "year": params.get("year", "") if params.get("year", "").isdigit() else "",
            "sort": params.get("sort", "") if params.get("sort", "") in SORTS else "",
        }
        facets = registered_facets()
        for facet in facets:
            value = params.get(facet.param, "")
            valid = value in self.options(facet) if facet.choices else bool(FACET_VALUE.fullmatch(value))
            choice[facet.param] = value if valid else ""
        context.update(self.search(raw_query, terms, choice, types, facets))
        return context

    def options(self, facet) -> dict:
        """A facet's `choices()` ({value: (label, condition)}), asked once per request (conditions on the time
        of day, such as « open for bids », are the same throughout the page)."""
        known = self.__dict__.setdefault("_options", {})
        if facet.param not in known:
            known[facet.param] = facet.choices()
        return known[facet.param]

    def condition(self, facet, value: str):
        """The engine condition (SQ) of choosing `value` in `facet`."""
        return self.options(facet)[value][1] if facet.choices else SQ(**{facet.field: _exact(value)})

    def search(self, query: str, terms, choice: dict, types: dict, extra_facets: list) -> dict:
        try:
            found = self.find(query, choice, extra_facets)
            if found is not None:
                page, hits, counts = found
            else:
                base = reader_query(self.request, query)
                if choice["organization"]:
                    base = base.filter(SQ(organization=_exact(choice["organization"])))
                if choice["year"]:
                    base = base.filter(SQ(year=_exact(choice["year"])))
                for facet in extra_facets:
                    if choice[facet.param]:
                        base = base.filter(self.condition(facet, choice[facet.param]))
                narrowed = base.filter(django_ct=_exact(choice["type"])) if choice["type"] else base
                sqs = narrowed.order_by(SORTS[choice["sort"]]) if SORTS[choice["sort"]] else narrowed
                one_pass = _OnePass(sqs.load_all())
                one_pass.ask(self.request.GET.get("page"))
                page = Paginator(one_pass, RESULTS_PER_PAGE).get_page(self.request.GET.get("page"))
                hits = list(page.object_list)
                counts = (
                    facet_counts(base, narrowed, bool(choice["type"]), extra_facets, self.options)
                    if page.paginator.count
                    else {}
                )
            type_counts = counts.get("django_ct", {})
            facets = {name: sorted(values.items(), key=lambda item: -item[1]) for name, values in counts.items()}
            extra = self.extra_facets(query, choice, extra_facets, counts)
        except (HaystackError, OSError, ValueError) as error:
            # No search index yet, or the Whoosh directory is missing or unwritable: the page still answers.
            logger.warning("Search is unavailable: %s", error)
            return {"result_count": 0, "results": [], "hits": [], "choice": choice, "extra_facets": []}
        results = visible_results(self.request, hits)
        suggestion = self.spelling_suggestion(query) if not page.paginator.count and not any(choice.values()) else ""
        promoted = self.promotions(query) if page.number == 1 and not any(choice.values()) else []
        # The index may lag a few seconds behind a change (the worker updates it after commit): hits of this page
        # that the database check dropped are not counted either.
        result_count = page.paginator.count - dropped_from_page(page, results)
        state = {key: value for key, value in choice.items() if value}
        return {
            "choice": choice,
            "page_obj": page,
            "result_count": result_count,
            "results": results,
            "promoted": promoted,
            "suggestion": suggestion,
            "suggestion_url": self._link(suggestion, {}) if suggestion else "",
            "hits": [self.describe(result, terms) for result in results],
            "query_prefix": urlencode({"q": query, **state}) + "&",
            "type_facet": self.type_facet(query, state, type_counts, types),
            "organization_facet": self.organization_facet(query, state, facets.get("organization", [])),
            "year_facet": self.value_facet(
                query, state, "year", sorted((item for item in facets.get("year", []) if item[0]), reverse=True)
            ),
            "sort_links": self.sort_links(query, state),
            "extra_facets": extra,
        }

    def extra_facets(self, query: str, choice: dict, facets: list, counts: dict) -> list:
        """The apps' facets with their counts (`facet_counts`), as the template lists them."""
        state = {key: value for key, value in choice.items() if value}
        shown = []
        for facet in facets:
            if facet.choices:
                found = counts.get(facet.param, {})
                options = self.options(facet).items()
                pairs = [(value, label, found.get(value, 0)) for value, (label, _condition) in options]
            else:
                found = counts.get(facet.field, {})
                values = sorted(((str(value), count) for value, count in found.items() if value), key=lambda i: -i[1])
                values = values[: facet.limit]
                labels = facet.labels([value for value, _count in values]) if facet.labels else {}
                pairs = [(value, labels.get(value, value), count) for value, count in values]
            entries = [
                {
                    "label": str(label),
                    "count": count,
                    "selected": choice[facet.param] == value,
                    "url": self._toggle(query, state, facet.param, value),
                }
                for value, label, count in pairs
                if count or choice[facet.param] == value
            ]
            if entries:
                shown.append({"param": facet.param, "title": str(facet.label), "entries": entries})
        return shown

    def find(self, query: str, choice: dict, extra_facets: list):
        """With Whoosh, the page, its hits (objects loaded) and the facets' counts in one pass over the index
        (`FrenchWhooshSearchBackend.find`: the same conditions as the haystack query `search` builds, checked on
        the index's columns); None with another engine, or when an app narrows the query with a hook."""
        from haystack import connections

        backend = connections["default"].get_backend()
        if not hasattr(backend, "find") or hooks.get_hooks("narrow_search_query"):
            return None
        conditions = [
            _query_string(self.condition(facet, choice[facet.param])) for facet in extra_facets if choice[facet.param]
        ]
        try:
            number = max(1, int(self.request.GET.get("page") or 1))
        except ValueError:
            number = 1
        found = backend.find(
            SearchQuerySet().auto_query(query).query.build_query(),
            reader_keys(self.request),
            registered=frozenset(searchable_types()),
            columns={name: choice[name] for name in ("organization", "year") if choice[name]},
            conditions=conditions,
            content_type=choice["type"],
            sort_by=SORTS[choice["sort"]],
            page=number,
            page_length=RESULTS_PER_PAGE,
            fields={"organization": False, "year": False, **{f.field: True for f in extra_facets if f.field}},
            queries={
                facet.param: {value: _query_string(option[1]) for value, option in self.options(facet).items()}
                for facet in extra_facets
                if facet.choices
            },
        )
        if found is None:
            return None
        page = Paginator(_Found(found["hits"], found["results"]), RESULTS_PER_PAGE).get_page(found["page"])
        return page, _loaded(found["results"]), found["counts"] if found["hits"] else {}

    def spelling_suggestion(self, query: str) -> str:
        """« Did you mean … ? » when nothing was found: the query with its unknown words replaced by the closest
        words of the titles' dictionary, offered only if it finds something this reader may see (the same
        engine filters), so that a suggestion never tells of a document the reader could not find."""
        from haystack import connections

        backend = connections["default"].get_backend()
        if not hasattr(backend, "corrections"):
            return ""
        words = query.split()
        try:
            corrected = " ".join(backend.corrections(words))
            if corrected.lower() == " ".join(words).lower() or not reader_query(self.request, corrected).count():
                return ""
        except (HaystackError, OSError, ValueError) as error:
            logger.warning("Search is unavailable: %s", error)
            return ""
        return corrected

    def promotions(self, query: str) -> list[dict]:
        """The editors' promoted results for this exact search (Wagtail's search promotions), in their order: a
        page only if it is live, has no view restriction and the apps' hooks let the reader see it."""
        from wagtail.contrib.search_promotions.models import SearchPromotion
        from wagtail.models import Page
        from wagtail.search.utils import normalise_query_string

        normalised = normalise_query_string(query)
        # The searches that have promoted results, kept until the content changes (few: only those are asked).
        promoted = fragments.cached_fragment(
            self.request,
            "search-promoted-queries",
            (),
            lambda: frozenset(SearchPromotion.objects.values_list("query__query_string", flat=True)),
        )
        if normalised not in promoted:
            return []
        picks = list(SearchPromotion.objects.filter(query__query_string=normalised).order_by("sort_order"))
        if not picks:
            return []
        page_ids = [pick.page_id for pick in picks if pick.page_id]
        pages = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).live().public().specific()}
        readable = {
            candidate.object.pk
            for candidate in visible_results(self.request, [_Promoted(page) for page in pages.values()])
        }
        entries = []
        for pick in picks:
            if pick.page_id:
                if pick.page_id in readable:
                    page = pages[pick.page_id]
                    entries.append(
                        {"title": page.title, "url": page.get_url(self.request), "description": pick.description}
                    )
            elif pick.external_link_url:
                entries.append(
                    {
                        "title": pick.external_link_text or pick.external_link_url,
                        "url": pick.external_link_url,
                        "description": pick.description,
                    }
                )
        return entries

    def describe(self, result, terms) -> dict:
        """What the list shows of one hit: its type, link, title, highlighted excerpt and its type's details."""
        obj = result.object
        app_label, model_name = result.app_label, result.model_name
        template = _result_template(app_label, model_name)
        return {
            "result": result,
            "object": obj,
            "type": str(obj._meta.verbose_name).capitalize(),
            "url": hit_url(obj, self.request),
            # From the words as they are now (`search_text`, set by the apps' hooks from the database: a post hidden
            # or a message edited since the index was written never shows); else the document's stored words.
            "excerpt": excerpt(getattr(obj, "search_text", None) or getattr(result, "text", "") or "", terms),
            "template": template,
        }

    @staticmethod
    def _link(query: str, state: dict, **changes) -> str:
        state = {**state, **changes}
        return "?" + urlencode({"q": query, **{key: value for key, value in state.items() if value}})

    def _toggle(self, query: str, state: dict, name: str, value: str) -> str:
        """The link that chooses `value` for the facet `name`, or, when it is chosen, the one that removes it."""
        return self._link(query, state, **{name: "" if state.get(name) == value else value, "page": ""})

    def type_facet(self, query: str, state: dict, counts: dict, types: dict) -> list[dict]:
        entries = [
            {
                "label": str(model._meta.verbose_name_plural).capitalize(),
                "count": counts.get(content_type, 0),
                "selected": state.get("type") == content_type,
                "url": self._toggle(query, state, "type", content_type),
            }
            for content_type, model in types.items()
            if counts.get(content_type) or state.get("type") == content_type
        ]
        return sorted(entries, key=lambda entry: (-entry["count"], entry["label"]))

    def organization_facet(self, query: str, state: dict, counts: list) -> list[dict]:
        ids = [int(value) for value, _count in counts if value and str(value).isdigit()]
        names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        return [
            {
                "label": names[int(value)],
                "count": count,
                "selected": state.get("organization") == str(value),
                "url": self._toggle(query, state, "organization", str(value)),
            }
            for value, count in counts
            if value and str(value).isdigit() and int(value) in names
        ][:FACET_LIMIT]

    def value_facet(self, query: str, state: dict, name: str, counts: list) -> list[dict]:
        return [
            {
                "label": str(value),
                "count": count,
                "selected": state.get(name) == str(value),
                "url": self._toggle(query, state, name, str(value)),
            }
            for value, count in counts
            if value
        ]

    def sort_links(self, query: str, state: dict) -> list[dict]:
        labels = {"": _("Relevance"), "date": _("Most recent first")}
        return [
            {"label": labels[key], "selected": state.get("sort", "") == key, "url": self._link(query, state, sort=key)}
            for key in SORTS
        ]
