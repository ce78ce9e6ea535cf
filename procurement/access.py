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


# --- bids: before the deadline, only the submitting company learns that a bid exists ---------------------------


def bidding_companies(user) -> list:
    """The companies `user` may bid for: active membership of a company, an account that may act."""
    if not core_access.can_act(user):
        return []
    return [organization for organization in core_access.organizations_of(user) if organization.is_company]


def can_prepare_bid(user, notice: NoticePage) -> bool:
    """A company user, on a live notice of the platform (the deadline is checked by the actions, to the second)."""
    return bool(bidding_companies(user)) and notice.live and not notice.cancelled_at and not notice.opened_at


def company_bids(user, notice: NoticePage) -> QuerySet:
    """`user`'s companies' bids on `notice` (all states): what their bid page lists."""
    from procurement.models_bids import Bid

    company_ids = [company.pk for company in bidding_companies(user)]
    return Bid.objects.filter(notice=notice, company_id__in=company_ids).select_related("company", "submitted_by")


def access_company_bid(user, bid_id, notice: NoticePage | None = None):
    """A bid of one of `user`'s companies (on `notice` when given), or 404: other companies' bids do not exist."""
    from procurement.models_bids import Bid

    company_ids = [company.pk for company in bidding_companies(user)]
    bid = (
        Bid.objects.select_related("notice", "company", "submitted_by")
        .filter(pk=bid_id if str(bid_id).isdigit() else None, company_id__in=company_ids)
        .first()
    )
    if bid is None or (notice is not None and bid.notice_id != notice.pk):
        raise Http404
    return bid


def access_receipt(user, receipt_id: str):
    """The submitted (or replaced, withdrawn) bid whose receipt this is, for its own company only; else 404."""
    from procurement.models_bids import Bid

    company_ids = [company.pk for company in bidding_companies(user)]
    bid = (
        Bid.objects.select_related("notice", "company", "submitted_by")
        .filter(receipt_id=receipt_id, company_id__in=company_ids)
        .first()
    )
    if bid is None:
        raise Http404
    return bid


def register_is_public(notice: NoticePage, now=None) -> bool:
    """The public receipt register of a live notice, from its deadline on (server clock)."""
    from django.utils import timezone

    return notice.live and (now or timezone.now()) >= notice.bids_deadline and not notice.practice


def can_read_opened_bids(user, notice: NoticePage) -> bool:
    """The notice's buyers, once they opened the bids (after the deadline), and nobody else: platform admins
    neither (the opening is the buyers' act, and `procurement.sealing` reads the opening from the database)."""
    return bool(notice.opened_at) and is_notice_buyer(user, notice) and core_access.can_act(user)


def access_opened_notice(user, notice_id) -> NoticePage:
    """A notice whose opened bids `user` reads (its buyers after the opening): 403 to other readers, 404 else."""
    notice = access_notice(user, notice_id)
    if not can_read_opened_bids(user, notice):
        raise PermissionDenied
    return notice


def opened_bids(user, notice: NoticePage) -> QuerySet:
    """Every confirmed bid of an opened notice (submitted, replaced, withdrawn: the opening register lists them
    all; only submitted ones are read), for its buyers only."""
    from procurement.models_bids import Bid, BidStatus

    if not can_read_opened_bids(user, notice):
        return Bid.objects.none()
    return (
        Bid.objects.filter(notice=notice)
        .exclude(status=BidStatus.DRAFT)
        .select_related("company", "submitted_by")
        .prefetch_related("files")
        .order_by("confirmed_at", "pk")
    )


def access_opened_bid_file(user, notice: NoticePage, file_id):
    """A file of a submitted bid of an opened notice, for its buyers; replaced and withdrawn bids are never
    opened (404), nor anything before the opening (403 from access_opened_notice first)."""
    from procurement.models_bids import BidFile, BidStatus

    if not can_read_opened_bids(user, notice):
        raise PermissionDenied
    bid_file = (
        BidFile.objects.select_related("bid", "bid__company")
        .filter(pk=file_id if str(file_id).isdigit() else None, bid__notice=notice, bid__status=BidStatus.SUBMITTED)
        .first()
    )
    if bid_file is None:
        raise Http404
    return bid_file
