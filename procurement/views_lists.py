"""Personal lists of notices: "my notices" (a buyer's organizations' notices, drafts included) and followed ones."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import render
from django.utils import timezone

from intranet import access as core_access
from procurement import access
from procurement.listing import PER_PAGE, with_cpv_labels
from procurement.models import NoticeIndexPage, Status, status_q


def own_notice_status_q(status: str, now) -> Q:
    """`status_q` for lists that include drafts: a notice never published is a draft, whatever its dates."""
    if status == Status.DRAFT:
        return status_q(status, now)
    return (Q(live=True) | Q(first_published_at__isnull=False)) & status_q(status, now)


def may_list_own_notices(user) -> bool:
    return bool(
        access.publishing_organization_ids(user) or core_access.is_editor(user) or core_access.is_platform_admin(user)
    )


@login_required
def my_notices(request):
    if not may_list_own_notices(request.user):
        raise PermissionDenied
    now = timezone.now()
    notices = (
        access.editable_notices(request.user)
        .select_related("buyer")
        .annotate(unanswered=Count("questions", filter=Q(questions__answered_at__isnull=True)))
        .order_by(F("latest_revision_created_at").desc(nulls_last=True), "-pk")
    )
    # ?status=draft...: the home page's buyer dashboard links each of its counts here.
    status = request.GET.get("status", "")
    status_filter = Status(status) if status in Status.values else None
    if status_filter:
        notices = notices.filter(own_notice_status_q(status, now))
    page_obj = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "notices": list(page_obj.object_list),
        "now": now,
        "status_filter": status_filter,
        "query_prefix": urlencode({"status": status}) + "&" if status_filter else "",
        **_index_context(),
    }
    return render(request, "procurement/lists/my_notices.html", context)


@login_required
def followed_notices(request):
    notices = (
        access.visible_notices(request.user)
        .filter(follows__user_id=request.user.pk)
        .select_related("buyer")
        .order_by("bids_deadline", "pk")
    )
    page_obj = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/lists/followed_notices.html",
        {
            "page_obj": page_obj,
            "notices": with_cpv_labels(list(page_obj.object_list)),
            "now": timezone.now(),
            **_index_context(),
        },
    )


def _index_context() -> dict:
    index = NoticeIndexPage.objects.live().first()
    return {"index_page": index}
