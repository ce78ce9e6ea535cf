"""Open data views (/donnees/...): OCDS release packages of published notices, for anyone."""

import json

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views import View

from procurement import ocds
from procurement.access import visible_notices

NOTICES_PER_PAGE = 100


def _json_response(package: dict, *, links: dict | None = None) -> HttpResponse:
    response = HttpResponse(
        # Compact: the C encoder (indent falls back to the pure-Python one, several times slower).
        json.dumps(package, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json; charset=utf-8",
    )
    # Open data: any site may read it from a browser (no cookie is involved, all of it is public).
    response["Access-Control-Allow-Origin"] = "*"
    if links:
        # OCDS 1.1's package schema has no "links": pagination goes in the HTTP Link header (RFC 8288).
        response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class NoticeReleasePackageView(View):
    """/donnees/ocds/avis/<id>.json: every release of one published notice."""

    def get(self, request, notice_id: int):
        notice = ocds.export_queryset(visible_notices().filter(pk=notice_id)).first()
        if notice is None or not notice.first_published_at:
            raise Http404
        releases = ocds.releases_for(notice, _base_url(request))
        return _json_response(ocds.release_package(releases, uri=request.build_absolute_uri()))


class ReleasePackageListView(View):
    """/donnees/ocds/releases.json?page=N: the releases of all published notices, by first
    publication, NOTICES_PER_PAGE notices a page."""

    def get(self, request):
        try:
            page = int(request.GET.get("page", "1"))
        except ValueError:
            raise Http404 from None
        if page < 1:
            raise Http404
        queryset = ocds.export_queryset()
        offset = (page - 1) * NOTICES_PER_PAGE
        # One more than a page tells whether a next page exists without counting.
        notices = list(queryset[offset : offset + NOTICES_PER_PAGE + 1])
        has_next = len(notices) > NOTICES_PER_PAGE
        notices = notices[:NOTICES_PER_PAGE]
        if not notices and page > 1:
            raise Http404
        base_url = _base_url(request)
        lookups = ocds.Lookups.load(notices, base_url)
        releases = [release for notice in notices for release in ocds.releases_for(notice, base_url, lookups=lookups)]
        page_url = request.build_absolute_uri(reverse("opendata:releases"))
        links = {}
        if has_next:
            links["next"] = f"{page_url}?page={page + 1}"
        if page > 1:
            links["prev"] = f"{page_url}?page={page - 1}"
        package = ocds.release_package(releases, uri=f"{page_url}?page={page}")
        return _json_response(package, links=links)
