"""Nobody of another body reads a body's unpublished notices anywhere in the Wagtail admin (issue 9).

Ville de Rennes has a draft, a scheduled notice and a live notice with a newer draft under another
title, each titled with a private word. Every admin URL pattern that names a page, found by walking
the URLconf (so that a view a later Wagtail release adds is covered, or fails the classification
test), is requested by the buyer, the organization admin and the editor of CHU de Brest for each of
them, by GET and POST: refused, with no private word in the response nor in the flash messages the
next page shows, and nothing changed. Every admin listing, report, search, chooser and the admin
API then shows them no private word either; the body's own people, and platform admins, do see them.
"""

import datetime
import json
import re
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents import get_document_model
from wagtail.models import (
    GroupApprovalTask,
    Page,
    PageViewRestriction,
    ReferenceIndex,
    Revision,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from intranet.models import BodyGroup, Membership
from procurement.setup import ensure_buyer_section

pytestmark = pytest.mark.django_db

Role = Membership.Role

# The private words: unique, ASCII (JSON and HTML leave them as they are), first in each title so
# that no truncation hides them.
DRAFT_WORD = "Zephyrinsecret"
SCHEDULED_WORD = "Quasimodosecret"
DRAFT_TITLE_WORD = "Bartholomesecret"
SECRETS = (DRAFT_WORD, SCHEDULED_WORD, DRAFT_TITLE_WORD)
LIVE_TITLE = "Entretien des parcs de Rennes"  # public: the live title of the notice with a draft
# Words of the titles that are no secret, to search with: the search screens repeat the words
# searched for, so searching for a private word would find it whatever the results.
SEARCH_WORDS = ("Rennes", "écoles", "voirie", "parcs", "jardins")

# --- the admin URLconf --------------------------------------------------------------------------

# Integer URL arguments that name a page, in any admin URL.
PAGE_KWARGS = {"page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"}
# Admin URLs whose `pk` is a page.
PAGE_PK_VIEWS = {
    "wagtailadmin_api:pages:detail",
    "wagtailadmin_api:pages:action",
    "wagtailadmin_pages:revisions_compare",
}
# Integer arguments of page URLs that name the page's own revisions, workflow, tasks (filled with the
# notice's real ones).
COMPANION_KWARGS = {
    "revision_id",
    "revision_id_a",
    "revision_id_b",
    "task_state_id",
    "task_id",
    "workflow_state_id",
    "workflow_pk",
}
# Integer arguments that name something else than a page, by view name or namespace. A pattern with
# an integer argument found neither here nor above fails the classification test: decide, then add it.
NOT_PAGES = {
    "wagtailadmin_api:documents": {"pk"},
    "wagtailadmin_api:images": {"pk"},
    "wagtailadmin_collections": {"pk", "collection_id"},
    "wagtailadmin_workflows": {"pk"},  # workflows and tasks
    "wagtailadmin_workflows:task_chosen": {"task_id"},
    "wagtailadmin_editing_sessions": {"session_id"},  # the page of `ping` is its object_id, below
    "wagtailredirects": {"redirect_id"},
    "wagtailsettings": {"pk"},
    "wagtaildocs": {"document_id", "doc_id", "uploaded_file_id"},
    "wagtailimages": {"image_id", "uploaded_file_id"},
    "wagtailimages_chooser": {"image_id"},
    "organizations": {"pk"},
    "memberships": {"pk"},
    "invitations": {"pk"},
    "audit_log": {"pk"},
    "forum_categories": {"pk"},
    "wagtailsites": {"pk"},
    "wagtailusers_users": {"pk"},
    "wagtailusers_groups": {"pk"},
    "wagtailsearchpromotions": {"query_id"},  # the searches whose results editors promote
    "exchanges_subjects": {"pk"},  # the classification of acts and the recipient authorities (platform admins)
    "exchanges_authorities": {"pk"},
}
# Admin URLs without arguments that are not a screen to read: leaving, signing in, assets, error tests.
NOT_SCREENS = {
    "wagtailadmin_logout",
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "wagtailadmin_error_test",
}
REFUSED = {302, 403, 404}
POST_DATA = {
    "title": "Titre piraté",
    "slug": "titre-pirate",
    "comment": "Vu.",
    "action-publish": "action-publish",
    "new_title": "Copie pirate",
    "new_slug": "copie-pirate",
    "is_editing": "1",
    "restriction_type": "password",
    "password": "pirate-pirate",
}
INT_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def _int_kwargs(pattern) -> set[str]:
    if isinstance(pattern, RegexPattern):
        return {name for name, body in INT_GROUP.findall(pattern._regex) if r"\d" in body}
    return {name for name, converter in pattern.converters.items() if isinstance(converter, IntConverter)}


def admin_patterns() -> list[SimpleNamespace]:
    """Every URL pattern under the admin's prefix: its view name, argument names, integer ones."""
    prefix = reverse("wagtailadmin_home")
    found = []

    def walk(resolver, route, namespaces, int_kwargs):
        for entry in resolver.url_patterns:
            here = route + str(entry.pattern).lstrip("^")
            ints = int_kwargs | _int_kwargs(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, here, (*namespaces, entry.namespace) if entry.namespace else namespaces, ints)
            elif ("/" + here).startswith(prefix):
                name = ":".join((*namespaces, entry.name)) if entry.name else None
                found.append(
                    SimpleNamespace(
                        route=here,
                        name=name,
                        kwargs=set(entry.pattern.regex.groupindex),
                        ints=ints,
                        callback=entry.callback,
                    )
                )

    walk(get_resolver(), "", (), set())
    return found


def page_kwargs_of(pattern) -> set[str]:
    """The arguments naming a page; raises on an integer argument nobody classified."""
    pages = {k for k in pattern.kwargs if k in PAGE_KWARGS or (k == "pk" and pattern.name in PAGE_PK_VIEWS)}
    if {"app_label", "model_name", "object_id"} <= pattern.kwargs:
        pages.add("object_id")  # a generic per-object URL (editing sessions): asked about a page
    namespace = (pattern.name or "").rpartition(":")[0]
    not_pages = NOT_PAGES.get(pattern.name, set()) | NOT_PAGES.get(namespace, set())
    unclassified = pattern.ints - pages - not_pages - (COMPANION_KWARGS if pages else set())
    if unclassified or (pattern.ints and pattern.name is None):
        raise LookupError(
            f"admin URL {pattern.route!r} ({pattern.name}) has integer arguments {sorted(unclassified)} that "
            "this test does not know: a page id (add it to PAGE_KWARGS or PAGE_PK_VIEWS, and to "
            "intranet.admin_pages) or something else (NOT_PAGES)"
        )
    return pages


def page_patterns() -> list[SimpleNamespace]:
    return [p for p in admin_patterns() if page_kwargs_of(p)]


def page_bulk_actions() -> list[tuple[str, str, str]]:
    """(app_label, model_name, action) of every registered bulk action on a page model."""
    bulk_action_registry.get_bulk_actions_for_model("wagtailcore", "page")  # scans the hooks
    return [
        (app_label, model_name, action)
        for app_label, models in bulk_action_registry.actions.items()
        for model_name, actions in models.items()
        if issubclass(apps.get_model(app_label, model_name), Page)
        for action in actions
    ]


def test_every_admin_url_with_an_integer_argument_is_classified():
    patterns = admin_patterns()
    pages = [p for p in patterns if page_kwargs_of(p)]

    names = {p.name for p in pages}
    # The views of issue 9 among them, so that the walk itself cannot silently find nothing.
    assert {
        "wagtailadmin_explore",
        "wagtailadmin_explore_results",
        "wagtailadmin_choose_page_child",
        "wagtailadmin_pages:move_confirm",
        "wagtailadmin_pages:workflow_action",
        "wagtailadmin_pages:collect_workflow_action_data",
        "wagtailadmin_pages:workflow_preview",
        "wagtailadmin_pages:confirm_workflow_cancellation",
        "wagtailadmin_pages:revisions_compare",
        "wagtailadmin_api:pages:detail",
        "wagtailadmin_editing_sessions:ping",
    } <= names
    assert {"delete", "publish", "unpublish", "move"} <= {
        a for app, _m, a in page_bulk_actions() if app == "wagtailcore"
    }


# --- the world ----------------------------------------------------------------------------------


def _log_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def world(body, other_body, buyer, notice_index, make_notice):
    """Rennes's three private notices (one locked, two in a workflow, one linking to a document and to
    a CHU page), and a CHU draft of its own."""
    own_section = ensure_buyer_section(other_body, notice_index)
    own_draft = make_notice(title="Brouillon du CHU de Brest", buyer=other_body, live=False)
    document = get_document_model().objects.create(title="CCTP type", file=ContentFile(b"%PDF-1.4", name="cctp.pdf"))
    draft = make_notice(
        title=f"{DRAFT_WORD} nettoyage des écoles de Rennes",
        live=False,
        description=(
            f'<p>Voir le <a linktype="document" id="{document.pk}">CCTP</a> et '
            f'<a linktype="page" id="{own_draft.pk}">l\'avis du CHU</a>.</p>'
        ),
    )
    ReferenceIndex.create_or_update_for_object(draft)

    scheduled = make_notice(title=f"{SCHEDULED_WORD} voirie de Rennes", live=False)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=10)
    scheduled.save_revision(user=buyer).publish(user=buyer)
    scheduled.refresh_from_db()
    Page.objects.filter(pk=scheduled.pk).update(locked=True, locked_by=buyer, locked_at=timezone.now())

    with_draft = make_notice(title=LIVE_TITLE, live=True)
    with_draft.title = f"{DRAFT_TITLE_WORD} entretien des jardins de Rennes"
    with_draft.save_revision(user=buyer)

    section = ensure_buyer_section(body, notice_index)
    publishers = BodyGroup.objects.get(organization=body, kind=BodyGroup.Kind.PUBLISHERS).group
    task = GroupApprovalTask.objects.create(name="Relecture par les acheteurs")
    task.groups.set([publishers])
    workflow = Workflow.objects.create(name="Validation des avis")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=section)
    workflow.start(draft, buyer)
    workflow.start(with_draft, buyer)

    notices = [Page.objects.get(pk=n.pk) for n in (draft, scheduled, with_draft)]
    assert not notices[0].live
    assert not notices[1].live and notices[1].latest_revision.approved_go_live_at
    assert notices[2].live and notices[2].has_unpublished_changes and notices[2].title == LIVE_TITLE
    assert TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).count() == 2

    assert ReferenceIndex.get_references_to(document).exists()
    return SimpleNamespace(
        document=document,
        notices=notices,
        section=section,
        index=notice_index,
        workflow=workflow,
        task=task,
        own_section=own_section,
        own_draft=own_draft,
    )


@pytest.fixture
def stranger(request, make_user, other_body):
    """A buyer, organization admin or editor of CHU de Brest (the test's parameter)."""
    return make_user(f"{request.param}@chu-brest.fr", other_body, request.param)


STRANGERS = pytest.mark.parametrize("stranger", [Role.BUYER, Role.ORG_ADMIN, Role.EDITOR], indirect=True)


# --- checking a response ------------------------------------------------------------------------


def content_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def leaks(text: str) -> list[str]:
    return [word for word in SECRETS if word.lower() in text.lower()]


def messages_pending(client) -> bool:
    cookie = client.cookies.get("messages")
    return bool(cookie and cookie.value) or "_messages" in client.session


def is_refusal(response) -> bool:
    if response.status_code not in REFUSED:
        return False
    if response.status_code == 302:
        # Wagtail's refusal: back to the dashboard (saying so), or to the login page.
        target = urlsplit(response["Location"]).path
        return target in (reverse("wagtailadmin_home"), reverse("wagtailadmin_login"))
    return True


class Findings:
    """Failures collected over many requests, reported together."""

    def __init__(self):
        self.items = []

    def add(self, method, url, status, problem):
        self.items.append(f"{method} {url} -> {status}: {problem}")

    def check(self, client, method, url, response, must_refuse=True):
        status = response.status_code
        if must_refuse and not is_refusal(response):
            self.add(method, url, status, "not refused" + (f" (to {response['Location']})" if status == 302 else ""))
        elif not must_refuse and status not in REFUSED | {200, 400, 405}:
            self.add(method, url, status, "neither shown nor refused")
        if found := leaks(content_of(response)):
            self.add(method, url, status, f"names {found}")
        # A message the view left (a refusal naming the page...) shows on the next page: read it there.
        if messages_pending(client):
            after = client.get(reverse("wagtailadmin_home"))
            if found := leaks(after.content.decode(errors="replace")):
                self.add(method, url, status, f"flash messages on the next page name {found}")

    def assert_none(self, what):
        assert not self.items, f"{len(self.items)} {what}:\n" + "\n".join(self.items)


def state_of(world) -> tuple:
    """Everything a refused request must leave as it was (the stranger's own draft aside, which
    their own rights let them change), and no private word in their own draft."""
    ids = [n.pk for n in world.notices]
    own = Page.objects.get(pk=world.own_draft.pk)
    own_revision = own.get_latest_revision()
    return (
        leaks(f"{own.title} {own.draft_title} {own_revision.content if own_revision else ''}"),
        list(
            Page.objects.filter(pk__in=ids)
            .order_by("pk")
            .values_list(
                "pk",
                "title",
                "draft_title",
                "slug",
                "live",
                "path",
                "latest_revision_id",
                "has_unpublished_changes",
                "locked",
                "locked_by_id",
                "go_live_at",
            )
        ),
        Page.objects.exclude(pk=own.pk).count(),
        Revision.objects.exclude(object_id=str(own.pk)).count(),
        Revision.objects.filter(approved_go_live_at__isnull=False).count(),
        list(WorkflowState.objects.order_by("pk").values_list("pk", "status")),
        list(TaskState.objects.order_by("pk").values_list("pk", "status")),
        WorkflowPage.objects.count(),
        PageViewRestriction.objects.count(),
        EditingSession.objects.count(),
    )


# --- 1. every admin URL naming a page -----------------------------------------------------------


def companion_values(notice, world) -> dict:
    revisions = list(
        Revision.page_revisions.filter(object_id=str(notice.pk)).order_by("pk").values_list("pk", flat=True)
    )
    workflow_state = WorkflowState.objects.filter(object_id=str(notice.pk)).first() or WorkflowState.objects.first()
    return {
        "revision_id": revisions[-1],
        "revision_id_a": revisions[0],
        "revision_id_b": revisions[-1],
        "task_state_id": workflow_state.current_task_state_id,
        "workflow_state_id": workflow_state.pk,
        "task_id": world.task.pk,
        "workflow_pk": world.workflow.pk,
        "action_name": "approve",
        "content_type_app_name": "procurement",
        "content_type_model_name": "noticepage",
        "app_label": "wagtailcore",
        "model_name": "page",
        "session_id": 1,
    }


# Arguments naming an object of the notice's own (its revisions, its moderation).
PRIVATE_COMPANIONS = {"revision_id", "revision_id_a", "revision_id_b", "task_state_id", "workflow_state_id"}


def page_urls(pattern, notice, world) -> list[tuple[str, bool]]:
    """(url, must be refused) for the pattern: `notice` once in each page argument, the others naming
    the stranger's own pages; then, if the pattern takes the notice's revisions or moderation, only
    the stranger's own pages with the notice's revision, task state or workflow state (their own
    page may open; the notice's objects must not show through it)."""
    values = companion_values(notice, world)
    if pattern.name == "wagtailadmin_api:pages:action":
        values["action_name"] = "publish"
    own = {"parent_page_id": world.own_section.pk, "destination_id": world.own_section.pk}
    pages = page_kwargs_of(pattern)

    def url(target):
        kwargs = {}
        for name in pattern.kwargs:
            if name == target:
                kwargs[name] = notice.pk
            elif name in pages:
                kwargs[name] = own.get(name, world.own_draft.pk)
            elif name in values:
                kwargs[name] = values[name]
            else:
                raise LookupError(f"no value for {name!r} in {pattern.route!r} ({pattern.name}): add one")
        return reverse(pattern.name, kwargs=kwargs)

    urls = [(url(target), True) for target in sorted(pages)]
    if pattern.kwargs & PRIVATE_COMPANIONS:
        urls.append((url(None), False))
    return urls


def bulk_urls(notice, world) -> list[str]:
    urls = []
    for app_label, model_name, action in page_bulk_actions():
        base = reverse("wagtail_bulk_action", args=[app_label, model_name, action])
        urls.append(f"{base}?{urlencode({'id': notice.pk, 'next': '/admin/'})}")
        urls.append(f"{base}?{urlencode([('id', world.own_draft.pk), ('id', notice.pk)])}")
        urls.append(f"{base}?{urlencode({'id': 'all', 'childOf': world.section.pk})}")
    chosen = reverse("wagtailadmin_choose_page_chosen_multiple")
    urls.append(f"{chosen}?{urlencode({'id': notice.pk})}")
    urls.append(f"{chosen}?{urlencode([('id', world.own_draft.pk), ('id', notice.pk)])}")
    return urls


@STRANGERS
def test_no_admin_url_naming_another_bodys_private_notice_answers_nor_acts(client, stranger, world):
    _log_in(client, stranger)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200  # they are admin users
    patterns = page_patterns()
    findings = Findings()
    requests = 0

    data = {**POST_DATA, "chooser": world.own_section.pk, "new_parent_page": world.own_section.pk}

    state = state_of(world)
    for notice in world.notices:
        urls = [url for pattern in patterns for url in page_urls(pattern, notice, world)]
        urls += [(url, True) for url in bulk_urls(notice, world)]
        for url, must_refuse in dict.fromkeys(urls):
            for method in ("GET", "POST"):
                response = client.get(url) if method == "GET" else client.post(url, data)
                findings.check(client, method, url, response, must_refuse)
                if (after := state_of(world)) != state:
                    findings.add(method, url, "-", "changed Rennes's notices, their revisions or moderation")
                    state = after
                requests += 1

    assert requests > 200
    findings.assert_none(f"leaks or actions among {requests} requests")


# --- 2. listings, reports, searches, choosers, the admin API -------------------------------------


def listing_urls(world) -> list[str]:
    """Every admin screen without argument (reports, dashboard, listings...), their exports, and the
    searches, choosers, explorer pages and API queries that could list Rennes's notices."""
    urls = []
    for pattern in admin_patterns():
        if pattern.kwargs or pattern.name is None or pattern.name in NOT_SCREENS:
            continue
        url = reverse(pattern.name)
        urls.append(url)
        view_class = getattr(pattern.callback, "view_class", None)
        if getattr(view_class, "list_export", None):
            urls.append(f"{url}?export=csv")
    api = reverse("wagtailadmin_api:pages:listing")
    for word in SEARCH_WORDS:
        q = urlencode({"q": word})
        urls += [
            f"{reverse('wagtailadmin_pages:search')}?{q}",
            f"{reverse('wagtailadmin_pages:search_results')}?{q}",
            f"{reverse('wagtailadmin_choose_page_search')}?{q}",
            f"{reverse('wagtailadmin_choose_page')}?{q}",
            f"{reverse('wagtailadmin_explore', args=[world.index.pk])}?{q}",
            f"{api}?{urlencode({'search': word, 'fields': '*'})}",
        ]
    # The API does not repeat what is searched for.
    urls += [f"{api}?{urlencode({'search': word})}" for word in SECRETS]
    urls += [
        f"{api}?{urlencode({'child_of': world.section.pk})}",
        f"{api}?{urlencode({'child_of': world.index.pk, 'fields': '*'})}",
        f"{api}?{urlencode({'descendant_of': world.index.pk, 'fields': '*'})}",
        f"{api}?{urlencode({'fields': '*', 'limit': 20})}",
        f"{reverse('wagtailadmin_api:pages:find')}?{urlencode({'html_path': world.notices[2].url})}",
        reverse("wagtailadmin_explore", args=[world.index.pk]),
        reverse("wagtailadmin_explore_results", args=[world.index.pk]),
        reverse("wagtailadmin_choose_page_child", args=[world.index.pk]),
        # Rennes's section is public: the link chooser may browse it, showing public notices only.
        reverse("wagtailadmin_choose_page_child", args=[world.section.pk]),
        f"{reverse('wagtailadmin_choose_page_child', args=[world.section.pk])}?page_type=procurement.noticepage",
        f"{reverse('wagtailadmin_choose_page_child', args=[world.index.pk])}?q=Rennes",
        f"{reverse('wagtailadmin_pages:search')}?q=Rennes&content_type=procurement.noticepage",
        # Usage of what a private notice links to: a document anybody may use, the stranger's own notice.
        reverse("wagtaildocs:document_usage", args=[world.document.pk]),
        f"{reverse('wagtaildocs:document_usage', args=[world.document.pk])}?describe_on_delete=1",
        reverse("wagtaildocs:delete", args=[world.document.pk]),
        reverse("wagtailadmin_pages:usage", args=[world.own_draft.pk]),
        reverse("wagtailadmin_pages:delete", args=[world.own_draft.pk]),
        reverse("wagtailadmin_pages:type_use", args=["procurement", "noticepage"]),
        reverse("wagtailadmin_pages:type_use_results", args=["procurement", "noticepage"]),
        reverse("wagtailadmin_pages:choose_parent", args=["procurement", "noticepage"]),
        reverse("wagtailadmin_workflows:usage", args=[world.workflow.pk]),
        reverse("wagtailadmin_workflows:edit", args=[world.workflow.pk]),
        f"{reverse('wagtailadmin_reports:site_history')}?{urlencode({'object_type': ''})}",
    ]
    return urls


@STRANGERS
def test_no_admin_listing_report_search_nor_api_names_another_bodys_private_notice(client, stranger, world):
    _log_in(client, stranger)
    findings = Findings()
    urls = listing_urls(world)

    for url in urls:
        findings.check(client, "GET", url, client.get(url, follow=False), must_refuse=False)
    # The API's find redirects to the page's detail: followed, it is refused too.
    find = f"{reverse('wagtailadmin_api:pages:find')}?{urlencode({'id': world.notices[0].pk})}"
    findings.check(client, "GET", find, client.get(find, follow=True))

    findings.assert_none(f"leaks among {len(urls) + 1} admin screens")


# --- 3. the body's own people and platform admins -------------------------------------------------


def test_the_bodys_buyer_and_admin_see_and_open_their_private_notices(client, buyer, org_admin, world):
    scheduled = world.notices[1]
    for person in (buyer, org_admin):
        _log_in(client, person)
        explorer = client.get(reverse("wagtailadmin_explore", args=[world.section.pk]))
        assert explorer.status_code == 200
        assert not set(SECRETS) - set(leaks(explorer.content.decode())), person
        for notice in world.notices:
            assert client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk])).status_code == 200
            assert client.get(reverse("wagtailadmin_pages:history", args=[notice.pk])).status_code == 200
        search = client.get(reverse("wagtailadmin_pages:search"), {"q": "Rennes"}).content.decode()
        assert not set(SECRETS) - set(leaks(search)), person
        # The workflow reports are meaningful: they list the body's notices in moderation.
        for name in ("workflow", "workflow_tasks"):
            report = client.get(reverse(f"wagtailadmin_reports:{name}")).content.decode()
            assert {DRAFT_WORD, DRAFT_TITLE_WORD} <= set(leaks(report)), (person, name)
        assert scheduled.permissions_for_user(person).can_publish()
    # The buyer who locked the notice finds it on their dashboard.
    _log_in(client, buyer)
    assert SCHEDULED_WORD in leaks(client.get(reverse("wagtailadmin_home")).content.decode())


def test_the_bodys_editor_opens_its_notices_but_cannot_publish(client, editor, world):
    _log_in(client, editor)
    for notice in world.notices:
        assert client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk])).status_code == 200
        assert not notice.specific.permissions_for_user(editor).can_publish()


def test_a_platform_admin_sees_every_bodys_private_notices(client, platform_admin, world):
    _log_in(client, platform_admin)
    for url in (
        reverse("wagtailadmin_explore", args=[world.section.pk]),
        f"{reverse('wagtailadmin_pages:search')}?q=Rennes",
    ):
        assert set(leaks(client.get(url).content.decode())) == set(SECRETS), url
    assert client.get(reverse("wagtailadmin_reports:page_types_usage")).status_code == 200
    assert DRAFT_WORD in leaks(client.get(reverse("wagtailadmin_reports:workflow")).content.decode())
    assert SCHEDULED_WORD in leaks(client.get(reverse("wagtailadmin_reports:locked_pages")).content.decode())
    # What the draft links to knows it: the usage screens the strangers saw without its title.
    for url in (
        reverse("wagtaildocs:document_usage", args=[world.document.pk]),
        reverse("wagtailadmin_pages:usage", args=[world.own_draft.pk]),
    ):
        assert DRAFT_WORD in leaks(client.get(url).content.decode()), url
    for notice in world.notices:
        assert client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk])).status_code == 200


@STRANGERS
def test_pasting_another_bodys_notice_address_in_the_link_form_keeps_its_draft_title_secret(client, stranger, world):
    """Wagtail's external-link form turns a pasted address of a site page into a page link named by the
    page's draft title: for another body's live notice with a draft waiting, it stays an external link."""
    notice = world.notices[2]
    url = reverse("wagtailadmin_choose_page_external_link")
    data = {"external-link-chooser-url": f"http://localhost{notice.url}", "external-link-chooser-link_text": ""}

    _log_in(client, stranger)
    stranger_answer = client.post(url, data)
    assert stranger_answer.status_code == 200 and leaks(content_of(stranger_answer)) == []
    result = json.loads(stranger_answer.content)["result"]
    assert "id" not in result and result["url"].endswith(notice.url)

    # The notice's own buyer (who may see its draft) gets the page link, as Wagtail gives it.
    owner = Membership.objects.get(organization=notice.specific.buyer, role=Role.BUYER).user
    _log_in(client, owner)
    owner_answer = json.loads(client.post(url, data).content)
    assert (owner_answer.get("result") or owner_answer.get("internal"))["id"] == notice.pk
