"""Wagtail admin viewsets for platform admins: users, organizations, memberships, invitations, audit log."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from intranet.admin_forms import IntranetUserCreationForm, IntranetUserEditForm, MembershipRoleForm, OrganizationForm
from intranet.models import AuditEvent, Invitation, Membership, Organization
from intranet.views import admin as views


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin with our forms: e-mail login (no username), job title."""

    create_template_name = "intranet/admin/users/create.html"
    edit_template_name = "intranet/admin/users/edit.html"

    def get_form_class(self, for_update=False):
        return IntranetUserEditForm if for_update else IntranetUserCreationForm


class OrganizationViewSet(ModelViewSet):
    model = Organization
    icon = "group"
    menu_order = 100
    add_view_class = views.OrganizationCreateView
    edit_view_class = views.OrganizationEditView
    index_view_class = views.OrganizationIndexView
    list_display = ["name", "kind", "siret", "department", "created_at"]
    list_filter = ["kind", "department"]
    search_fields = ["name", "siret"]
    search_backend_name = None
    ordering = ["name"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return OrganizationForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(invite_url_name=self.get_url_name("invite"), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(invite_url_name=self.get_url_name("invite"), **kwargs)

    @property
    def invite_view(self):
        return views.InviteFirstAdminView.as_view(
            index_url_name=self.get_url_name("index"), edit_url_name=self.get_url_name("edit")
        )

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("invite/<int:pk>/", self.invite_view, name="invite")]


class MembershipViewSet(ModelViewSet):
    """Memberships are created by invitations and requests; here only the role changes, through the action."""

    model = Membership
    icon = "user"
    menu_order = 200
    edit_view_class = views.MembershipEditView
    delete_view_class = views.MembershipDeleteView
    list_display = ["user", "organization", "role", "status", "created_at"]
    list_filter = ["organization", "role", "status"]
    search_fields = ["user__email", "user__last_name", "organization__name"]
    search_backend_name = None
    ordering = ["organization__name", "user__last_name"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return MembershipRoleForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Membership.objects.select_related("user", "organization"), **kwargs
        )


class InvitationViewSet(ModelViewSet):
    """Invitations are sent from an organization's page ("Invite the first administrator"); listed here."""

    model = Invitation
    icon = "mail"
    menu_order = 300
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["organization", "role"]
    search_fields = ["email", "organization__name"]
    search_backend_name = None
    ordering = ["-created_at"]
    form_fields = []  # never used: the policy grants no add or change
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["token_hash"]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=Invitation.objects.select_related("organization"), **kwargs)


class AuditEventViewSet(ModelViewSet):
    """The audit log: read-only, for platform admins only."""

    model = AuditEvent
    icon = "history"
    menu_order = 400
    list_display = ["created_at", "action", "actor_label", "subject_user", "organization", "ip_address"]
    filterset_class = views.AuditEventFilterSet
    search_fields = ["actor_label", "ip_address"]
    search_backend_name = None
    ordering = ["-created_at", "-id"]
    form_fields = []  # never used: the policy grants no add or change
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=AuditEvent.objects.select_related("subject_user", "organization"), **kwargs
        )


class PlatformViewSetGroup(ModelViewSetGroup):
    menu_label = _("Platform")
    menu_icon = "site"
    menu_order = 150
    items = [
        OrganizationViewSet("organizations"),
        MembershipViewSet("memberships"),
        InvitationViewSet("invitations"),
        AuditEventViewSet("audit_log"),
    ]
