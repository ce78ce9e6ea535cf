"""Who may read which guide, comment, vote or follow a course.

Audience: everyone; members (people of member bodies, whatever their role); buyers (the buyer
and organization admin roles of member bodies). Editors and platform admins read everything.
Companies' people are not members of member bodies: they read guides for everyone only.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from intranet import access as core_access
from intranet.actions.accounts import EDITORS_GROUP
from intranet.models import Membership
from knowledge.models import Audience, GuideComment, GuidePage, TrainingPathPage

BUYER_ROLES = (Membership.Role.BUYER, Membership.Role.ORG_ADMIN)
# Wagtail's approvers (the "Moderators approval" workflow) review guides as much as editors do.
REVIEWER_GROUPS = (EDITORS_GROUP, "Moderators")


def audiences_for(user) -> list[str]:
    """The audiences whose guides `user` may read."""
    if core_access.is_editor(user):
        return [Audience.EVERYONE, Audience.MEMBERS, Audience.BUYERS]
    memberships = core_access._active_memberships(user).values()
    body_roles = {m.role for m in memberships if m.organization.is_member_body}
    allowed = [Audience.EVERYONE]
    if body_roles:
        allowed.append(Audience.MEMBERS)
    if body_roles & set(BUYER_ROLES):
        allowed.append(Audience.BUYERS)
    return allowed


def can_read_guide(user, guide: GuidePage) -> bool:
    return guide.audience in audiences_for(user)


def visible_guides(user, queryset: QuerySet | None = None) -> QuerySet:
    """Live guides `user` may read: use it for every listing, feed, related list and search."""
    queryset = GuidePage.objects.live() if queryset is None else queryset
    return queryset.filter(audience__in=audiences_for(user))


def check_guide_readable(user, guide: GuidePage) -> None:
    """404, not 403: a reader must not learn that a guide exists if they may not read it."""
    if not can_read_guide(user, guide):
        raise Http404


def access_guide(user, guide_id) -> GuidePage:
    """A live guide `user` may read, or 404."""
    try:
        guide = GuidePage.objects.live().get(pk=guide_id)
    except (GuidePage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    check_guide_readable(user, guide)
    return guide


def can_contribute(user) -> bool:
    """Voting, commenting, reporting and following courses need a confirmed, open account."""
    return core_access.can_act(user)


def access_guide_for_contribution(user, guide_id) -> GuidePage:
    guide = access_guide(user, guide_id)
    if not can_contribute(user):
        raise PermissionDenied
    return guide


def can_moderate_comments(user) -> bool:
    return core_access.is_editor(user)


def access_comment_for_edit(user, comment_id) -> GuideComment:
    """The author edits their comment; nobody else does (editors remove, they don't rewrite)."""
    comment = _comment(user, comment_id)
    if comment.author_id != user.pk or not can_contribute(user):
        raise PermissionDenied
    return comment


def access_comment_for_removal(user, comment_id) -> GuideComment:
    comment = _comment(user, comment_id)
    if not (can_moderate_comments(user) or (comment.author_id == user.pk and can_contribute(user))):
        raise PermissionDenied
    return comment


def _comment(user, comment_id) -> GuideComment:
    try:
        comment = GuideComment.objects.select_related("guide").get(pk=comment_id, removed_at__isnull=True)
    except (GuideComment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not comment.guide.live:
        raise Http404
    check_guide_readable(user, comment.guide)
    return comment


def visible_training_paths(user) -> QuerySet:
    """Courses shown to `user`: companies' people see the companies' course, buyers theirs."""
    paths = TrainingPathPage.objects.live()
    if core_access.is_editor(user):
        return paths
    allowed = [TrainingPathPage.For.EVERYONE]
    if core_access.is_buyer(user):
        allowed.append(TrainingPathPage.For.BUYERS)
    if core_access.is_company_user(user) or not getattr(user, "is_authenticated", False):
        allowed.append(TrainingPathPage.For.COMPANIES)
    return paths.filter(Q(intended_for__in=allowed))


def access_training_step_for_progress(user, step_id):
    """A step `user` may mark done: its course is shown to them and its guide is live and theirs to read.

    404 otherwise, like the guide itself; 403 for an account that may not contribute (unconfirmed, closed).
    """
    from knowledge.models import TrainingStep

    try:
        step = TrainingStep.objects.select_related("path", "guide").get(pk=step_id)
    except (TrainingStep.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not step.guide.live or not visible_training_paths(user).filter(pk=step.path_id).exists():
        raise Http404
    check_guide_readable(user, step.guide)
    if not can_contribute(user):
        raise PermissionDenied
    return step


def can_view_review_report(user) -> bool:
    """The editors' "Guides to review" report: editors (the role, or Wagtail's Editors or Moderators
    group) and platform admins."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if core_access.is_editor(user):
        return True
    cached = getattr(user, "_is_guide_reviewer", None)
    if cached is None:
        cached = user._is_guide_reviewer = user.groups.filter(name__in=REVIEWER_GROUPS).exists()
    return cached
