"""Who may see or do what with notices. Every view, feed, export and admin screen asks here.

- Published notices (and their answered questions, amendments, DCE) are public.
- Editing a notice and reading its drafts is Wagtail's page permissions: each body's notices live
  in its section of the list page, where its groups hold their rights (its buyers and organization
  admins add, edit and publish; its editors help edit), kept in sync with memberships by the core;
  platform admins are superusers. Nobody of another body holds any right there.
- A notice's buyers (the buyers and organization admins of its body) also answer questions, manage
  its DCE, see the download log, open, award and cancel; the download log and the questions'
  askers stay with them.
- Company users (confirmed, active) ask questions; any confirmed account may follow a notice and
  download identified; anyone downloads anonymously.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from wagtail.models import PagePermissionTester
from wagtail.permissions import page_permission_policy

from intranet import access as core_access
from procurement.models import NoticePage, SavedSearch, Status


def is_notice_buyer(user, notice: NoticePage) -> bool:
    """A buyer or organization admin of the notice's buyer organization."""
    if not user.is_authenticated or notice.buyer_id is None:  # a notice being created has no buyer yet
        return False
    return core_access.can_publish_for(user, notice.buyer_id)


def can_edit_notice(user, notice: NoticePage) -> bool:
    """Edit in the Wagtail admin, and so read its drafts: what Wagtail's page permissions say (the
    body's groups on its section: its buyers, its editors helping; platform admins as superusers)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return notice.permissions_for_user(user).can_edit()


def publishing_organization_ids(user) -> list[int]:
    """The organizations `user` may create notices for (buyer or org admin of a member body)."""
    if not user.is_authenticated:
        return []
    return [org_id for org_id in core_access.organization_ids_of(user) if core_access.can_publish_for(user, org_id)]


def editable_notices(user, queryset: QuerySet | None = None) -> QuerySet:
    """Notices (drafts included) `user` may edit, by Wagtail's page permissions: for "my notices"."""
    queryset = NoticePage.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    editable = page_permission_policy.instances_user_has_permission_for(user, "change")
    return queryset.filter(pk__in=editable.values("pk"))


def is_public(notice: NoticePage) -> bool:
    """Live notices are public; so are notices once published then withdrawn by cancellation."""
    return notice.live


def visible_notices(user=None) -> QuerySet:
    """Notices anyone may read: live ones. Use it for every list, feed, search and export."""
    return NoticePage.objects.live()


def can_read_notice(user, notice: NoticePage) -> bool:
    return is_public(notice) or can_edit_notice(user, notice)


def access_notice(user, notice_id) -> NoticePage:
    """A notice `user` may read, or 404 (drafts of other organizations do not exist for them)."""
    try:
        notice = NoticePage.objects.select_related("buyer").get(pk=notice_id)
    except (NoticePage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_read_notice(user, notice):
        raise Http404
    return notice


def access_notice_for_buyer(user, notice_id) -> NoticePage:
    """A notice whose buyer `user` is (answer questions, manage the DCE, see the download log,
    open, award, cancel). Others who may read it get 403; others get 404."""
    notice = access_notice(user, notice_id)
    if not is_notice_buyer(user, notice) or not core_access.can_act(user):
        raise PermissionDenied
    return notice


def can_see_download_log(user, notice: NoticePage) -> bool:
    return is_notice_buyer(user, notice)


def can_ask_question(user, notice: NoticePage) -> bool:
    """Company users, on a notice accepting questions. The deadline is checked by the action too."""
    return (
        core_access.is_company_user(user)
        and core_access.can_act(user)
        and notice.live
        and notice.status == Status.PUBLISHED
    )


def can_follow(user) -> bool:
    return core_access.can_act(user)


def can_download_identified(user) -> bool:
    return core_access.can_act(user)


def access_saved_search(user, alert_id) -> SavedSearch:
    """`user`'s own alert, or 404 (other people's alerts do not exist for them)."""
    search = SavedSearch.objects.filter(pk=alert_id, user_id=user.pk).first() if user.is_authenticated else None
    if search is None:
        raise Http404
    return search


class NoticePermissionTester(PagePermissionTester):
    """Wagtail's page permissions (which the body's groups hold on its section only), less what a
    published notice never undergoes: it is part of the legal record, so it is never deleted,
    unpublished or moved; it is cancelled, through `procurement.actions`."""

    def can_delete(self, ignore_bulk=False):
        if self.page.first_published_at is not None:
            return False
        return super().can_delete(ignore_bulk)

    def can_unpublish(self):
        return False

    def can_view_revisions(self):
        # Wagtail lets anybody with admin access see any page's revisions: a draft's are its body's.
        return super().can_view_revisions() and (self.user.is_superuser or bool(self.permissions))

    def can_move(self):
        return False
