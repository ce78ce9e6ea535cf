"""Notices in the Wagtail admin: other organizations' notices stay out of buyers' listings, choosers
and search; short MAPA periods get a warning after saving."""

from django.contrib import messages
from django.db.models import Q
from wagtail import hooks
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy

from procurement.access import draft_filter
from procurement.forms import short_period_warning
from procurement.models import NoticePage


def hide_other_organizations_notices(pages, user):
    """`pages` without the notices `user` may not edit (their own organizations' notices stay)."""
    allowed = draft_filter(user)
    if allowed == Q():
        return pages
    hidden = NoticePage.objects.exclude(allowed).values("pk")
    return pages.exclude(pk__in=hidden)


class NoticeAwarePagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, minus other organizations' notices in what a user may explore: the
    admin page search and listings offer no hook of their own for it."""

    def explorable_instances(self, user):
        return hide_other_organizations_notices(super().explorable_instances(user), user)


register_permission_policy(Page, NoticeAwarePagePermissionPolicy(Page), exact_class=True)


@hooks.register("construct_explorer_page_queryset")
def explorer_without_other_organizations_notices(parent_page, pages, request):
    return hide_other_organizations_notices(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def chooser_without_other_organizations_notices(pages, request):
    return hide_other_organizations_notices(pages, request.user)


def warn_about_short_period(request, page):
    if isinstance(page, NoticePage):
        warning = short_period_warning(page)
        if warning:
            messages.warning(request, warning)


@hooks.register("after_create_page")
def warn_after_create(request, page):
    warn_about_short_period(request, page)


@hooks.register("after_edit_page")
def warn_after_edit(request, page):
    warn_about_short_period(request, page)
