"""Who may see or do what with group purchases. Every view, export and action asks here.

- The coordinator's buyers (buyers and organization admins of the coordinating body) manage the group: its
  catalogue, its members, the deadline, the consolidated table and its exports, the notice, the awarded prices.
- A body invited to, asking to join or member of a group sees it; its organization admins sign the agreement (or
  decline); once it is a member, its buyers and organization admins declare its needs until the deadline. A member
  sees its own declarations and the totals, the other members' detail only if the coordinator shares it.
- An open call is seen by every person of a member body (so that their body may ask to join); a group by
  invitation does not exist for other bodies (404). Companies and visitors see no group.
- Platform admins read every group; they do not manage them.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from intranet import access as core_access
from intranet.models import Membership
from procurement.models_groups import GroupMember, GroupPurchase

Status = GroupMember.Status
# The states in which a body knows of a group (a declined invitation is still shown to it: it may change its mind).
KNOWN_STATUSES = (Status.INVITED, Status.REQUESTED, Status.JOINED, Status.DECLINED)


def body_ids(user) -> set[int]:
    """The member bodies `user` belongs to (any body role)."""
    return core_access.buyer_organization_ids(user)


def buying_body_ids(user) -> set[int]:
    """The member bodies `user` may commit: buyer or organization admin, with an account that may act."""
    if not core_access.can_act(user):
        return set()
    return {org_id for org_id in body_ids(user) if core_access.can_publish_for(user, org_id)}


def admin_body_ids(user) -> set[int]:
    """The member bodies whose organization admin `user` is (they sign agreements for their body)."""
    if not core_access.can_act(user):
        return set()
    return {org_id for org_id in body_ids(user) if core_access.role_in(user, org_id) == Membership.Role.ORG_ADMIN}


def visible_groups(user) -> QuerySet:
    """The group purchases `user` may see (a list, a search, an export)."""
    groups = GroupPurchase.objects.all()
    if core_access.is_platform_admin(user):
        return groups
    bodies = body_ids(user)
    if not bodies:
        return groups.none()
    known = GroupMember.objects.filter(organization_id__in=bodies, status__in=KNOWN_STATUSES).values("group_id")
    return groups.filter(
        Q(coordinator_id__in=bodies) | Q(pk__in=known) | Q(admission=GroupPurchase.Admission.OPEN)
    ).distinct()


def can_see(user, group: GroupPurchase) -> bool:
    if core_access.is_platform_admin(user):
        return True
    bodies = body_ids(user)
    if not bodies:
        return False
    if group.coordinator_id in bodies or group.admission == GroupPurchase.Admission.OPEN:
        return True
    return GroupMember.objects.filter(group=group, organization_id__in=bodies, status__in=KNOWN_STATUSES).exists()


def access_group(user, group_id) -> GroupPurchase:
    """A group `user` may see, or 404 (a private group of other bodies does not exist for them)."""
    try:
        group = GroupPurchase.objects.select_related("coordinator", "notice", "workspace").get(pk=group_id)
    except (GroupPurchase.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_see(user, group):
        raise Http404
    return group


def can_manage(user, group: GroupPurchase) -> bool:
    """The coordinator's buyers and organization admins."""
    return group.coordinator_id in buying_body_ids(user)


def access_group_for_coordinator(user, group_id) -> GroupPurchase:
    """A group `user` manages; 403 to others who may see it, 404 to the rest."""
    group = access_group(user, group_id)
    if not can_manage(user, group):
        raise PermissionDenied
    return group


def can_create(user) -> bool:
    return bool(buying_body_ids(user))


def coordinating_bodies(user) -> list:
    """The bodies `user` may create a group purchase for."""
    ids = buying_body_ids(user)
    return [org for org in core_access.organizations_of(user) if org.pk in ids]


def memberships_of(user, group: GroupPurchase) -> list[GroupMember]:
    """The rows of `user`'s bodies in this group (usually one; a person may belong to several bodies)."""
    bodies = body_ids(user)
    if not bodies:
        return []
    return list(group.members.filter(organization_id__in=bodies).select_related("organization"))


def may_declare_for(user, member: GroupMember) -> bool:
    """A joined member's buyers and organization admins (the deadline is the action's check)."""
    return member.is_joined and member.organization_id in buying_body_ids(user)


def access_member_declarations(user, group: GroupPurchase, member_id) -> GroupMember:
    """A member row whose declarations `user` may read (its own body's, or any for the coordinator and, when the
    detail is shared, for the members); 404 otherwise. Writing is `may_declare_for`."""
    member = None
    if str(member_id).isdigit():
        member = group.members.select_related("organization").filter(pk=member_id).first()
    if member is None or not can_see_member_detail(user, group, member):
        raise Http404
    return member


def may_sign_for(user, member: GroupMember) -> bool:
    """The body's organization admins sign the agreement (or decline) for it."""
    return member.organization_id in admin_body_ids(user)


def can_see_member_detail(user, group: GroupPurchase, member: GroupMember) -> bool:
    """A member's declarations line by line: the coordinator, the member itself, and the other members when the
    coordinator shares the detail."""
    if can_manage(user, group) or core_access.is_platform_admin(user):
        return True
    bodies = body_ids(user)
    if member.organization_id in bodies:
        return True
    if not group.share_details:
        return False
    return group.members.filter(organization_id__in=bodies, status=Status.JOINED).exists()


def can_see_totals(user, group: GroupPurchase) -> bool:
    """The totals per item: the coordinator and the joined members."""
    if can_manage(user, group) or core_access.is_platform_admin(user):
        return True
    return any(member.is_joined for member in memberships_of(user, group))


def can_see_all_details(user, group: GroupPurchase) -> bool:
    """Every member's declarations (the consolidated table by member, the exports)."""
    if can_manage(user, group) or core_access.is_platform_admin(user):
        return True
    return group.share_details and any(member.is_joined for member in memberships_of(user, group))
