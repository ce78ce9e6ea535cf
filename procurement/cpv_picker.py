"""The CPV picker's JSON endpoint: codes by prefix ("4523", "45233140-2") or by words of their label."""

import re

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from procurement.models import CPVCode

LIMIT = 20
CODE_QUERY = re.compile(r"^(\d{1,8})(?:-\d?)?$")


def search_cpv_codes(query: str, limit: int = LIMIT) -> list[CPVCode]:
    """Up to `limit` codes: by code prefix when `query` is digits, else codes whose label has every word."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    match = CODE_QUERY.match(query)
    if match:
        return list(CPVCode.objects.filter(digits__startswith=match.group(1)).order_by("digits")[:limit])
    codes = CPVCode.objects.all()
    for word in query.split()[:6]:
        codes = codes.filter(label__icontains=word)
    return list(codes.order_by("digits")[:limit])


@require_GET
def cpv_search(request):
    results = [
        {"code": code.code, "label": code.label, "prefix": code.prefix}
        for code in search_cpv_codes(request.GET.get("q", ""))
    ]
    return JsonResponse({"results": results})
