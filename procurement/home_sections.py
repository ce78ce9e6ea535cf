"""The home page's procurement sections: the latest calls for tender, and the buyer's dashboard of
their own notices (counts by status, questions waiting, this week's deadlines, "publish a notice")."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case, Count, F, Min, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from intranet import access as core_access
from intranet.models import Membership, Organization
from procurement import access
from procurement.models import BuyerNoticesPage, NoticeIndexPage, NoticePage, Question, Status, status_q
from procurement.views_lists import own_notice_status_q

HOME_NOTICES = 5


def latest_open_notices(limit: int = HOME_NOTICES) -> list:
    now = timezone.now()
    return list(
        access.visible_notices()
        .exclude(practice=True)
        .filter(status_q(Status.PUBLISHED, now) | status_q(Status.QUESTIONS_CLOSED, now))
        .select_related("buyer")
        .order_by("-first_published_at", "-pk")[:limit]
    )


@hooks.register("register_home_section")
def latest_notices_section(request):
    """The same for everyone (public notices): kept per content generation (HomePage.get_context)."""
    return {
        "title": _("Latest calls for tender"),
        "template": "procurement/includes/home_section.html",
        "vary": (),
        "context": lambda: {
            "latest_notices": latest_open_notices(),
            "notice_index": NoticeIndexPage.objects.live().first(),
            "now": timezone.now(),
        },
        "order": 20,
    }


# --- the buyer's dashboard ------------------------------------------------------------------------

DASHBOARD_ROLES = (Membership.Role.BUYER, Membership.Role.ORG_ADMIN, Membership.Role.EDITOR)
DASHBOARD_ROWS = 10  # notices listed under "questions" and "deadlines"; "My notices" has them all
DEADLINE_WINDOW = timedelta(days=7)


@dataclass
class PublishLink:
    organization: Organization
    url: str


@dataclass
class BuyerDashboard:
    """What the home page tells the people of a member body about their notices."""

    organizations: list[Organization]
    statuses: list[dict] = field(default_factory=list)  # {"status", "label", "count"}, in lifecycle order
    may_answer: bool = False  # buyers answer questions; editors only help edit notices
    waiting_questions: int = 0
    notices_with_questions: int = 0
    question_notices: list = field(default_factory=list)  # the first DASHBOARD_ROWS, oldest question first
    deadline_notices: list = field(default_factory=list)  # each with `deadlines`: [(label, moment)]
    more_deadlines: bool = False
    publish_links: list[PublishLink] = field(default_factory=list)


def dashboard_organizations(user) -> tuple[list[Organization], set[int]]:
    """The member bodies whose notices `user` works on (buyer, organization admin, editor), and among
    them those `user` publishes for."""
    organizations = [
        organization
        for organization in core_access.organizations_of(user)
        if organization.is_member_body and core_access.role_in(user, organization) in DASHBOARD_ROLES
    ]
    publishing = {o.pk for o in organizations if core_access.can_publish_for(user, o)}
    return organizations, publishing


def buyer_dashboard(user, now=None) -> BuyerDashboard | None:
    """The dashboard of `user`'s bodies, or None for anybody else. Its queries do not depend on how
    many notices, questions or bodies there are: counts are aggregates and lists are cut."""
    organizations, publishing = dashboard_organizations(user)
    if not organizations:
        return None
    now = now or timezone.now()
    # The practice consultation is nobody's work: it counts in no statistics.
    notices = NoticePage.objects.filter(buyer_id__in=[o.pk for o in organizations], practice=False)
    dashboard = BuyerDashboard(organizations=organizations, may_answer=bool(publishing))

    counts = notices.aggregate(
        **{status: Count("pk", filter=own_notice_status_q(status, now)) for status in Status.values}
    )
    dashboard.statuses = [
        {"status": status, "label": Status(status).label, "count": counts[status]}
        for status in Status.values
        if counts[status]
    ]

    if publishing:
        answerable = NoticePage.objects.filter(buyer_id__in=publishing, practice=False)
        waiting = Question.objects.filter(notice__in=answerable, answered_at__isnull=True).aggregate(
            questions=Count("pk"), notices=Count("notice", distinct=True)
        )
        dashboard.waiting_questions = waiting["questions"]
        dashboard.notices_with_questions = waiting["notices"]
        if waiting["questions"]:
            unanswered = Q(questions__answered_at__isnull=True, questions__isnull=False)
            dashboard.question_notices = list(
                answerable.annotate(
                    waiting=Count("questions", filter=unanswered),
                    oldest=Min("questions__asked_at", filter=unanswered),
                )
                .filter(waiting__gt=0)
                .order_by("oldest", "pk")
                .only("pk", "title", "reference")[:DASHBOARD_ROWS]
            )
        sections = dict(
            BuyerNoticesPage.objects.filter(organization_id__in=publishing).values_list("organization_id", "pk")
        )
        dashboard.publish_links = [
            PublishLink(o, reverse("wagtailadmin_pages:add", args=["procurement", "noticepage", sections[o.pk]]))
            for o in organizations
            if o.pk in sections
        ]

    week_end = now + DEADLINE_WINDOW
    due = Q(questions_deadline__gte=now, questions_deadline__lt=week_end) | Q(
        bids_deadline__gte=now, bids_deadline__lt=week_end
    )
    # Open notices only (questions or bids still to come): a draft has announced nothing yet.
    still_open = own_notice_status_q(Status.PUBLISHED, now) | own_notice_status_q(Status.QUESTIONS_CLOSED, now)
    rows = list(
        notices.filter(still_open & due)
        .annotate(
            next_deadline=Case(
                When(questions_deadline__gte=now, then=F("questions_deadline")), default=F("bids_deadline")
            )
        )
        .order_by("next_deadline", "pk")[: DASHBOARD_ROWS + 1]
    )
    dashboard.more_deadlines = len(rows) > DASHBOARD_ROWS
    dashboard.deadline_notices = rows[:DASHBOARD_ROWS]
    for notice in dashboard.deadline_notices:
        notice.deadlines = [
            (label, moment)
            for label, moment in (
                (_("Deadline for questions"), notice.questions_deadline),
                (_("Deadline for bids"), notice.bids_deadline),
            )
            if now <= moment < week_end
        ]
    return dashboard


@hooks.register("register_home_section")
def buyer_dashboard_section(request):
    """First on the home page of a member body's buyers, organization admins and editors. The same for everyone
    working on the same bodies with the same publishing rights: kept per content generation for them."""
    user = request.user
    organizations, publishing = dashboard_organizations(user)
    if not organizations:
        return None
    return {
        "title": _("Your calls for tender"),
        "template": "procurement/home/buyer_dashboard.html",
        "vary": (tuple(o.pk for o in organizations), tuple(sorted(publishing))),
        "context": lambda: {"dashboard": buyer_dashboard(user)},
        "order": 10,
    }


# --- group purchases -----------------------------------------------------------------------------

HOME_GROUPS = 5


@dataclass
class GroupsToDo:
    """What waits for a member body's people in group purchases, each list cut at HOME_GROUPS."""

    to_sign: list = field(default_factory=list)  # invitations their organization admin may sign
    to_declare: list = field(default_factory=list)  # groups whose declarations are open, deadline first
    to_decide: list = field(default_factory=list)  # coordinated groups with requests to join
    open_calls: int = 0  # open calls none of their bodies answered yet


def groups_to_do(user, now=None) -> GroupsToDo:
    """A fixed number of queries whatever the number of groups (lists are cut, the open calls counted)."""
    from procurement import access_groups
    from procurement.models_groups import GroupMember, GroupPurchase

    now = now or timezone.now()
    bodies = access_groups.body_ids(user)
    admin = access_groups.admin_body_ids(user)
    buying = access_groups.buying_body_ids(user)
    todo = GroupsToDo()
    if admin:
        todo.to_sign = list(
            GroupPurchase.objects.filter(members__organization_id__in=admin, members__status=GroupMember.Status.INVITED)
            .select_related("coordinator")
            .distinct()
            .order_by("declaration_deadline", "pk")[:HOME_GROUPS]
        )
    if buying:
        todo.to_declare = list(
            GroupPurchase.objects.filter(
                members__organization_id__in=buying,
                members__status=GroupMember.Status.JOINED,
                declaration_deadline__gt=now,
                notice__isnull=True,
            )
            .select_related("coordinator")
            .distinct()
            .order_by("declaration_deadline", "pk")[:HOME_GROUPS]
        )
        todo.to_decide = list(
            GroupPurchase.objects.filter(coordinator_id__in=buying, members__status=GroupMember.Status.REQUESTED)
            .annotate(requests=Count("members", filter=Q(members__status=GroupMember.Status.REQUESTED)))
            .order_by("declaration_deadline", "pk")[:HOME_GROUPS]
        )
    known = GroupMember.objects.filter(organization_id__in=bodies).values("group_id")
    todo.open_calls = (
        GroupPurchase.objects.filter(admission=GroupPurchase.Admission.OPEN, declaration_deadline__gt=now)
        .exclude(coordinator_id__in=bodies)
        .exclude(pk__in=known)
        .count()
    )
    return todo


@hooks.register("register_home_section")
def group_purchases_section(request):
    """A member body's people: invitations to sign, declarations open, requests to decide, open calls. The same for
    everyone of the same bodies with the same roles: kept per content generation for them."""
    from procurement import access_groups

    user = request.user
    bodies = access_groups.body_ids(user)
    if not bodies:
        return None
    admin, buying = access_groups.admin_body_ids(user), access_groups.buying_body_ids(user)
    return {
        "title": _("Group purchases"),
        "template": "procurement/home/groups.html",
        "vary": (tuple(sorted(bodies)), tuple(sorted(admin)), tuple(sorted(buying))),
        "context": lambda: {"groups_todo": groups_to_do(user)},
        "order": 15,
    }
