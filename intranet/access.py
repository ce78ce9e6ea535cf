"""Who may see or do what: the role checks every app uses.

Checks that guard one object fetch it and check in one call (`access_*`), raising
PermissionDenied (403) or Http404 where even existence must not leak.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from intranet.models import Membership, Organization

Role = Membership.Role


def _active_memberships(user) -> dict[int, Membership]:
    """The user's active memberships by organization id, cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_active_memberships_cache", None)
    if cached is None:
        cached = {
            m.organization_id: m
            for m in Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).select_related(
                "organization"
            )
        }
        user._active_memberships_cache = cached
    return cached


def forget_memberships(user) -> None:
    """Drop the cache after a membership change within the same request."""
    if hasattr(user, "_active_memberships_cache"):
        del user._active_memberships_cache


def is_platform_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def organizations_of(user) -> list[Organization]:
    return sorted((m.organization for m in _active_memberships(user).values()), key=lambda o: o.name)


def organization_ids_of(user) -> set[int]:
    return set(_active_memberships(user))


def role_in(user, organization: Organization | int) -> str | None:
    org_id = organization if isinstance(organization, int) else organization.pk
    membership = _active_memberships(user).get(org_id)
    return membership.role if membership else None


def is_member_of(user, organization: Organization | int) -> bool:
    return role_in(user, organization) is not None


def is_buyer(user) -> bool:
    """A member of at least one member body (any role there)."""
    return any(m.organization.is_member_body for m in _active_memberships(user).values())


def is_company_user(user) -> bool:
    return any(m.organization.is_company for m in _active_memberships(user).values())


def is_editor(user) -> bool:
    """May write and publish guides: the editor role in a member body, or a platform admin."""
    if is_platform_admin(user):
        return True
    return any(m.role == Role.EDITOR for m in _active_memberships(user).values())


def buyer_organization_ids(user) -> set[int]:
    return {org_id for org_id, m in _active_memberships(user).items() if m.organization.is_member_body}


def can_publish_for(user, organization: Organization | int) -> bool:
    """Buyers and organization admins publish notices for their own body only."""
    return role_in(user, organization) in (Role.BUYER, Role.ORG_ADMIN) and _is_body(user, organization)


def _is_body(user, organization) -> bool:
    org_id = organization if isinstance(organization, int) else organization.pk
    return _active_memberships(user)[org_id].organization.is_member_body


def can_manage_members(user, organization: Organization | int) -> bool:
    if is_platform_admin(user):
        return True
    return role_in(user, organization) in Membership.ADMIN_ROLES


def administered_organizations(user) -> list[Organization]:
    return [m.organization for m in _active_memberships(user).values() if m.is_admin]


def access_organization_for_admin(user, organization_id: int) -> Organization:
    """The organization whose members `user` manages; 404 if unknown, 403 if not theirs."""
    try:
        organization = Organization.objects.get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_manage_members(user, organization):
        raise PermissionDenied
    return organization


def access_membership_for_admin(user, membership_id: int) -> Membership:
    try:
        membership = Membership.objects.select_related("organization", "user").get(pk=membership_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_manage_members(user, membership.organization):
        raise PermissionDenied
    return membership


def can_act(user) -> bool:
    """Logged in with a confirmed e-mail and an open account: may write anything."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.closed_at is None
        and (user.email_confirmed_at is not None or user.is_superuser)
    )
