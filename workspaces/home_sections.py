"""The workspaces in the core's pages: the home page's "My workspaces" (with unread counts), the profile's
workspaces and pending invitations, and the header's unread badge beside "Workspaces"."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks

from workspaces import access
from workspaces.actions.members import pending_invitations_for

HOME_LIMIT = 8


def _unread_by_workspace(user) -> dict:
    try:
        from workspaces.unread import unread_by_workspace
    except ImportError:  # the chat's unread counts are not installed yet
        return {}
    return unread_by_workspace(user)


def _is_person(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.closed_at is None)


@hooks.register("register_home_section")
def my_workspaces_section(request):
    """ "My workspaces": the person's workspaces, most unread first, with their counts and open invitations."""
    user = request.user
    if not _is_person(user):
        return None
    workspaces = list(access.my_workspaces(user).filter(archived_at__isnull=True).order_by("name"))
    invitations = list(pending_invitations_for(user))
    if not workspaces and not invitations:
        return None
    unread = _unread_by_workspace(user)
    for workspace in workspaces:
        workspace.unread = unread.get(workspace.pk, 0)
    workspaces.sort(key=lambda workspace: -workspace.unread)  # stable: by name otherwise
    return {
        "title": _("My workspaces"),
        "template": "workspaces/workspace_home_section.html",
        "context": {
            "home_workspaces": workspaces[:HOME_LIMIT],
            "more_workspaces": max(0, len(workspaces) - HOME_LIMIT),
            "home_invitations": invitations,
        },
        "order": 30,
    }


@hooks.register("register_profile_section")
def my_workspaces_profile_section(request):
    """The person's workspaces with their role, and the invitations waiting for an answer."""
    user = request.user
    if not _is_person(user):
        return None
    workspaces = list(
        access.my_workspaces(user).annotate(member_count=Count("members", distinct=True)).order_by("name")
    )
    invitations = list(pending_invitations_for(user))
    if not workspaces and not invitations:
        return None
    for workspace in workspaces:
        workspace.my_member = access.membership(user, workspace)
    return {
        "title": _("My workspaces"),
        "template": "workspaces/workspace_profile_section.html",
        "context": {"profile_workspaces": workspaces, "profile_invitations": invitations},
        "order": 30,
    }


@hooks.register("register_header_badge")
def unread_messages_badge(request):
    """The count of unread messages (all workspaces and direct conversations) beside "Workspaces"."""
    user = getattr(request, "user", None)
    if user is None or not _is_person(user):
        return None
    try:
        from workspaces.unread import total_unread
    except ImportError:  # the chat's unread counts are not installed yet
        return None
    count = total_unread(user)
    if not count:
        return None
    return {
        "url": reverse("workspaces:index"),
        "count": count,
        "label": ngettext("%(count)d unread message", "%(count)d unread messages", count) % {"count": count},
    }
