"""The CPV picker's JSON endpoint: codes by prefix ("4523", "45233140-2") or by words of their label, in the
reader's language (French, or English for English readers); words match whatever their case and accents."""

import re

from django.db.models import Case, Value, When
from django.db.models.functions import Length
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from procurement.models import CPVCode
from procurement.reference_data import fold

LIMIT = 20
CODE_QUERY = re.compile(r"^(\d{1,8})(?:-\d?)?$")


def search_cpv_codes(query: str, limit: int = LIMIT) -> list[CPVCode]:
    """Up to `limit` codes: by code prefix when `query` is digits, else codes whose label in the active
    language has every word (« batiment » finds « bâtiments »), the closest first."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    match = CODE_QUERY.match(query)
    if match:
        return list(CPVCode.objects.filter(digits__startswith=match.group(1)).order_by("digits")[:limit])
    column = CPVCode.search_field()
    words = fold(query).split()[:6]
    codes = CPVCode.objects.all()
    for word in words:
        codes = codes.filter(**{f"{column}__contains": word})
    # The closest labels first: those starting with what was typed, then the shortest (the most general:
    # « nettoyage » offers « Services de nettoyage » before « Services de nettoyage de fosses septiques »).
    codes = codes.annotate(
        starts=Case(When(**{f"{column}__startswith": " ".join(words)}, then=Value(0)), default=Value(1)),
        size=Length(column),
    )
    return list(codes.order_by("starts", "size", "digits")[:limit])


@require_GET
def cpv_search(request):
    results = [
        {"code": code.code, "label": code.localized_label, "prefix": code.prefix}
        for code in search_cpv_codes(request.GET.get("q", ""))
    ]
    return JsonResponse({"results": results})
