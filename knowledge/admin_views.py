"""The editors' "Guides to review" report in Wagtail admin: review dates, owners, readers' feedback."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, Length, Substr
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from knowledge.access import REVIEWER_GROUPS, can_view_review_report  # noqa: F401 (importable from here too)
from knowledge.models import GuideFeedback, GuidePage, OutdatedReport


def _count_per_guide(model, **filters):
    """A correlated COUNT: several counts as joins would multiply each other's rows."""
    counts = (
        model.objects.filter(guide=OuterRef("pk"), **filters)
        .order_by()
        .values("guide")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _topic_title():
    """The parent page's title: a guide's path is its topic's path plus one step."""
    parent = Page.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen))
    return Subquery(parent.values("title")[:1])


class GuidesToReviewFilterSet(WagtailFilterSet):
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = GuidePage
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        if value:
            return queryset.filter(review_by__lt=today)
        return queryset.filter(Q(review_by__isnull=True) | Q(review_by__gte=today))


class ReviewDateColumn(Column):
    """The review date, flagged in words (not colour alone) when it has passed."""

    cell_template_name = "knowledge/admin/review_date_cell.html"


class GuidesToReviewView(ReportView):
    page_title = _("Guides to review")
    header_icon = "time"
    index_url_name = "knowledge_guides_to_review"
    index_results_url_name = "knowledge_guides_to_review_results"
    filterset_class = GuidesToReviewFilterSet
    verbose_name_plural = _("guides")
    export_filename = "guides-to-review"
    # The columns' sort keys are the only orderings accepted from the query string.
    default_ordering = "review_by"
    ORDER_BY = {
        "review_by": (F("review_by").asc(nulls_last=True), "title", "pk"),
        "owner": (
            F("owner_user__last_name").asc(nulls_last=True),
            F("owner_user__first_name").asc(nulls_last=True),
            F("review_by").asc(nulls_last=True),
            "pk",
        ),
        "topic": ("topic_title", F("review_by").asc(nulls_last=True), "pk"),
        "title": ("title", "pk"),
    }
    columns = [
        TitleColumn("title", label=_("Guide"), url_name="wagtailadmin_pages:edit", sort_key="title"),
        Column("topic_title", label=_("Topic"), sort_key="topic"),
        Column("owner_name", label=_("Content owner"), sort_key="owner"),
        ReviewDateColumn("review_by", label=_("Review by"), sort_key="review_by"),
        ReviewDateColumn("last_reviewed_on", label=_("Last reviewed on")),
        NumberColumn("helpful_yes", label=_("Helpful")),
        NumberColumn("helpful_no", label=_("Not helpful")),
        NumberColumn("open_outdated_reports", label=_("Open outdated reports")),
    ]
    list_export = [
        "title",
        "topic_title",
        "owner_name",
        "review_by",
        "last_reviewed_on",
        "helpful_yes",
        "helpful_no",
        "open_outdated_reports",
        "url_path",
    ]
    export_headings = {
        "title": _("Guide"),
        "topic_title": _("Topic"),
        "owner_name": _("Content owner"),
        "review_by": _("Review by"),
        "last_reviewed_on": _("Last reviewed on"),
        "helpful_yes": _("Helpful"),
        "helpful_no": _("Not helpful"),
        "open_outdated_reports": _("Open outdated reports"),
        "url_path": _("Address"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_view_review_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_valid_orderings(self):
        return [*self.ORDER_BY, *(f"-{key}" for key in self.ORDER_BY)]

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        descending = ordering.startswith("-")
        expressions = [self._expression(part) for part in self.ORDER_BY[ordering.lstrip("-")]]
        if descending:
            # Reverse the main key only (guides without a date stay last); ties keep their natural order.
            main = expressions[0]
            expressions[0] = OrderBy(main.expression, descending=True, nulls_last=main.nulls_last)
        return queryset.order_by(*expressions)

    @staticmethod
    def _expression(part):
        return F(part).asc() if isinstance(part, str) else part

    def get_queryset(self):
        # Live guides: drafts are read by nobody, so there is nothing to keep up to date yet.
        self.queryset = (
            GuidePage.objects.live()
            .defer_streamfields()
            .select_related("owner_user")
            .annotate(
                topic_title=_topic_title(),
                helpful_yes=_count_per_guide(GuideFeedback, helpful=True),
                helpful_no=_count_per_guide(GuideFeedback, helpful=False),
                open_outdated_reports=_count_per_guide(OutdatedReport, resolved_at__isnull=True),
            )
        )
        return super().get_queryset()

    def decorate_paginated_queryset(self, object_list):
        today = timezone.localdate()
        for guide in object_list:
            guide.owner_name = guide.owner_user.display_name if guide.owner_user else ""
            guide.review_is_overdue = guide.review_by is not None and guide.review_by < today
        return object_list

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate().isoformat()}"


class GuidesToReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_review_report(request.user)


@hooks.register("register_reports_menu_item")
def register_guides_to_review_menu_item():
    return GuidesToReviewMenuItem(
        _("Guides to review"),
        reverse("knowledge_guides_to_review"),
        name="guides-to-review",
        icon_name="time",
        order=1050,
    )


@hooks.register("register_admin_urls")
def register_guides_to_review_urls():
    return [
        path("reports/guides-to-review/", GuidesToReviewView.as_view(), name="knowledge_guides_to_review"),
        path(
            "reports/guides-to-review/results/",
            GuidesToReviewView.as_view(results_only=True),
            name="knowledge_guides_to_review_results",
        ),
    ]
