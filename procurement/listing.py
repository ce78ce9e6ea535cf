"""The notice list page (salle des marchés): filters, sort, pagination, in a fixed number of queries."""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import formats, timezone

from intranet import access as core_access
from intranet.models import Organization
from procurement import access
from procurement.filters import NoticeFilterForm
from procurement.models import CPVCode

PER_PAGE = 20


def buyer_choices() -> list[tuple[int, str]]:
    """Organizations with at least one live notice, by name (one query). EXISTS per organization walks
    the buyer index and stops at the first live notice, instead of reading every notice. The practice
    consultation's body is no buyer to filter on."""
    live = access.visible_notices().filter(buyer_id=OuterRef("pk"), practice=False)
    return list(Organization.objects.filter(Exists(live)).order_by("name").values_list("pk", "name"))


def with_cpv_labels(notices: list) -> list:
    """Set `main_cpv_label` (in the reader's language) on each notice, with one query for the page."""
    labels = CPVCode.labels(notice.main_cpv for notice in notices)
    for notice in notices:
        notice.main_cpv_label = labels.get(notice.main_cpv, "")
    return notices


def list_queryset(user=None) -> QuerySet:
    """The live notices the list shows: not the practice consultation (reached by its own link)."""
    return access.visible_notices(user).exclude(practice=True).select_related("buyer")


def notice_list_context(request, index_page) -> dict:
    form = NoticeFilterForm(request.GET, buyer_choices=buyer_choices())
    form.is_valid()  # invalid fields are reported beside them and left out; the others apply
    criteria = form.criteria()
    now = timezone.now()
    queryset = criteria.apply(list_queryset(request.user), now)
    page_obj = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    notices = with_cpv_labels(list(page_obj.object_list))
    querystring = criteria.querystring()
    return {
        "filter_form": form,
        "criteria": criteria,
        "page_obj": page_obj,
        "notices": notices,
        "now": now,
        "result_count": page_obj.paginator.count,
        "result_count_display": formats.number_format(page_obj.paginator.count, 0, force_grouping=True),
        "query_prefix": f"{querystring}&" if querystring else "",
        "search_query": querystring,
        "can_save_search": core_access.can_act(request.user),
    }
