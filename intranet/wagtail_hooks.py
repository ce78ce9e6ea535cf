"""The core's place in Wagtail admin: platform admins manage organizations, members and read the audit log."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

import intranet.admin_menu  # noqa: F401 (its hook: the help menu)
from intranet import admin_pages  # noqa: F401 (its hooks: the page chooser, the reports menu)
from intranet.models import AuditEvent, Invitation, Membership, Organization
from intranet.views.admin import PlatformAdminPolicy

# Superusers only, whatever Django permissions a group might hold. Memberships are never added here
# (invitations and requests do that); invitations are sent from an organization's page; the audit
# log is read-only.
# No "delete": removing an organization would silently cascade to its memberships and invitations.
register_permission_policy(Organization, PlatformAdminPolicy(Organization, ("add", "change", "view")), exact_class=True)
register_permission_policy(Membership, PlatformAdminPolicy(Membership, ("change", "delete")), exact_class=True)
register_permission_policy(Invitation, PlatformAdminPolicy(Invitation, ("view",)), exact_class=True)
register_permission_policy(AuditEvent, PlatformAdminPolicy(AuditEvent, ("view",)), exact_class=True)


@hooks.register("register_admin_viewset")
def register_platform_viewsets():
    from intranet.viewsets import PlatformViewSetGroup

    return PlatformViewSetGroup()
