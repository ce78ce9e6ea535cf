"""One rule for every Wagtail admin URL that names a page: the person may explore that page.

Wagtail's page permissions (groups holding rights on subtrees: each body's groups on its own
sections) decide what each admin listing, report, chooser and bulk action shows. A few admin views
still render the page they are given before asking anything (the explorer's header, the chooser's
parent, the move confirmation, workflow actions that set a message naming the page, the bulk
actions' "no permission" list...). This middleware answers 404 there for any page outside what
Wagtail itself calls explorable for the person (the pages under their groups' permissions and the
ancestors leading there), before the view runs. It reads the page ids from the URL's own keyword
arguments (and from the selection of bulk actions, and the object of editing sessions, on any page
model), so a view a later Wagtail release adds under these names is covered too; the tests list
every admin URL pattern with an integer argument and fail on one they cannot classify.

The link chooser shows other people's pages only as the public sees them: published, with no
unpublished change (its draft title could be a secret); so does its external-link form, which would
otherwise name a pasted page by its draft title (`ExternalLinkView`, routed in `intranet/urls.py`).
Reports that summarise the whole tree whatever the reader's rights (page types usage names the last
edited page of each type) are for platform admins only.
"""

import json

from django.apps import apps
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.views import chooser as chooser_views
from wagtail.models import Page
from wagtail.permissions import page_permission_policy

# URL keyword arguments that are page ids, in every admin URL that has them.
PAGE_ID_KWARGS = frozenset({"page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"})
# Admin URLs whose `pk` is a page id.
PAGE_PK_VIEWS = frozenset(
    {
        "wagtailadmin_api:pages:detail",
        "wagtailadmin_api:pages:action",
        "wagtailadmin_pages:revisions_compare",
    }
)
# Admin URLs that take page ids as `id` query parameters.
PAGE_ID_QUERY_VIEWS = frozenset({"wagtailadmin_choose_page_chosen_multiple"})
# Chooser URLs: a page anybody may read (live, nothing unpublished) may be browsed and chosen.
CHOOSER_VIEWS = frozenset({"wagtailadmin_choose_page_child", "wagtailadmin_choose_page_chosen_multiple"})
# Whole-tree summaries that ignore the reader's rights.
PLATFORM_ADMIN_VIEWS = frozenset(
    {"wagtailadmin_reports:page_types_usage", "wagtailadmin_reports:page_types_usage_results"}
)


def _ids(values) -> set[int]:
    ids = set()
    for value in values:
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def _names_page_model(kwargs: dict) -> bool:
    """Whether a generic admin URL (bulk actions, editing sessions) is about a page model."""
    try:
        model = apps.get_model(kwargs.get("app_label"), kwargs.get("model_name"))
    except (LookupError, ValueError, TypeError):
        return False
    return issubclass(model, Page)


def page_ids_in_request(view_name: str, kwargs: dict, query) -> set[int]:
    """The page ids an admin request names: URL arguments, bulk action and chooser selections, and
    the object of a generic per-object URL (editing sessions) about a page model."""
    ids = _ids(value for name, value in kwargs.items() if name in PAGE_ID_KWARGS)
    if view_name in PAGE_PK_VIEWS:
        ids |= _ids([kwargs.get("pk")])
    if view_name in PAGE_ID_QUERY_VIEWS:
        ids |= _ids(query.getlist("id"))
    if "app_label" in kwargs and "model_name" in kwargs and _names_page_model(kwargs):
        if view_name == "wagtail_bulk_action":
            ids |= _ids([*query.getlist("id"), query.get("childOf")])
        if "object_id" in kwargs:
            ids |= _ids([unquote(str(kwargs["object_id"]))])
    return ids


def choosable(user) -> Q:
    """The pages `user` may see in the link chooser: those they may explore, and pages whose admin title
    is public (live, with no draft waiting: their draft title is their live title). Expressed on `id`
    alone, so that the chooser's search backend can apply it too."""
    explorable = page_permission_policy.explorable_instances(user).values("pk")
    public = Page.objects.filter(live=True, has_unpublished_changes=False).values("pk")
    return Q(id__in=explorable) | Q(id__in=public)


def visible_pages(user, view_name: str):
    """The pages `user` may name in `view_name`: explorable ones, and in the chooser public ones."""
    if view_name in CHOOSER_VIEWS:
        return Page.objects.filter(choosable(user))
    return page_permission_policy.explorable_instances(user)


class AdminPageGuardMiddleware:
    """404 for an admin URL naming a page its reader may not explore (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def __call__(self, request):
        return self.get_response(request)

    @property
    def admin_prefix(self) -> str:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("wagtailadmin_home")
        return self._admin_prefix

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(self.admin_prefix):
            return None
        user = request.user
        if not user.is_authenticated or user.is_superuser:
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name in PLATFORM_ADMIN_VIEWS:
            raise Http404
        ids = page_ids_in_request(view_name, view_kwargs, request.GET)
        if ids and visible_pages(user, view_name).filter(pk__in=ids).count() != len(ids):
            raise Http404
        return None


@hooks.register("construct_page_chooser_queryset")
def chooser_shows_others_pages_as_published(pages, request):
    """The link chooser (browse and search) lists the pages one may explore, and others' pages only
    as the public sees them: a draft, or a draft title waiting on a live page, stays its owners'."""
    if request.user.is_superuser:
        return pages
    return pages.filter(choosable(request.user))


@hooks.register("construct_reports_menu")
def reports_menu_without_platform_summaries(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


class ExternalLinkView(chooser_views.ExternalLinkView):
    """Wagtail's external-link chooser turns a pasted address of one of the site's pages into a link to that
    page, named by its draft title. For a page its reader may not see in the chooser (another body's notice
    with a draft waiting), the address stays an external link: the draft title is its owners'."""

    def post(self, request):
        response = super().post(request)
        if request.user.is_superuser or response.get("Content-Type", "").split(";")[0] != "application/json":
            return response
        data = json.loads(response.content)
        internal = data.get("internal") or data.get("result") or {}
        if "id" in internal and not Page.objects.filter(choosable(request.user), pk=internal["id"]).exists():
            return self.render_chosen_response(self.get_result_data())
        return response
