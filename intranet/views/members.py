"""Organization admins manage their organization's members: roles, removals, requests and invitations."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View

from intranet import access
from intranet.actions import accounts
from intranet.forms import InviteForm, RoleForm
from intranet.models import Invitation, Membership


def _report(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back_to_members(request, organization_id: int):
    """Back to the members page, unless the person just lost the right to see it (e.g. removed themselves)."""
    access.forget_memberships(request.user)
    if access.can_manage_members(request.user, organization_id):
        return redirect("organization_members", organization_id)
    return redirect("profile")


class MembersView(LoginRequiredMixin, View):
    """The members, pending requests and open invitations of one organization, and the invitation form."""

    template_name = "intranet/members/list.html"

    def dispatch(self, request, *args, organization_id, **kwargs):
        if request.user.is_authenticated:
            self.organization = access.access_organization_for_admin(request.user, organization_id)
        return super().dispatch(request, *args, organization_id=organization_id, **kwargs)

    def get(self, request, organization_id):
        return self._render(InviteForm(organization=self.organization))

    def post(self, request, organization_id):
        form = InviteForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                invitation = accounts.do_invite(
                    organization=self.organization,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
                )
                return redirect("organization_members", self.organization.pk)
        return self._render(form)

    def _render(self, invite_form):
        organization = self.organization
        memberships = list(
            Membership.objects.filter(organization=organization)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user__email")
        )
        invitations = list(
            Invitation.objects.filter(organization=organization, accepted_at__isnull=True, revoked_at__isnull=True)
            .select_related("invited_by")
            .order_by("-created_at")
        )
        context = {
            "organization": organization,
            "active_members": [m for m in memberships if m.status == Membership.Status.ACTIVE],
            "pending_members": [m for m in memberships if m.status == Membership.Status.PENDING],
            "invitations": invitations,
            "role_choices": Membership.roles_for(organization),
            "invite_form": invite_form,
            "now": timezone.now(),
        }
        return render(self.request, self.template_name, context)


class _MembershipActionView(LoginRequiredMixin, View):
    """A POST on one membership by an admin of its organization (403 for anyone else)."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, membership_id, **kwargs):
        if request.user.is_authenticated:
            self.membership = access.access_membership_for_admin(request.user, membership_id)
        return super().dispatch(request, *args, membership_id=membership_id, **kwargs)

    def post(self, request, membership_id):
        try:
            self.act()
        except ValidationError as error:
            _report(request, error)
        return _back_to_members(request, self.membership.organization_id)

    def act(self) -> None:
        raise NotImplementedError


class ChangeRoleView(_MembershipActionView):
    def act(self):
        membership = self.membership
        form = RoleForm(self.request.POST, organization=membership.organization)
        if not form.is_valid():
            raise ValidationError(_("Choose one of the roles offered."), code="bad_role")
        role = form.cleaned_data["role"]
        if role == membership.role:
            return
        accounts.do_change_role(membership, role, actor=self.request.user, request=self.request)
        messages.success(
            self.request,
            _("%(name)s is now %(role)s.")
            % {"name": membership.user.display_name, "role": Membership.Role(role).label},
        )


class RemoveMemberView(_MembershipActionView):
    """GET asks for confirmation; POST removes."""

    http_method_names = ["get", "post"]
    template_name = "intranet/members/remove_confirm.html"

    def get(self, request, membership_id):
        return render(
            request, self.template_name, {"membership": self.membership, "organization": self.membership.organization}
        )

    def act(self):
        accounts.do_remove_member(self.membership, actor=self.request.user, request=self.request)
        messages.success(
            self.request,
            _("%(name)s is no longer a member of %(org)s.")
            % {"name": self.membership.user.display_name, "org": self.membership.organization.name},
        )


class ApproveMemberView(_MembershipActionView):
    def act(self):
        accounts.do_approve_membership(self.membership, actor=self.request.user, request=self.request)
        messages.success(self.request, _("%(name)s is now a member.") % {"name": self.membership.user.display_name})


class RejectMemberView(_MembershipActionView):
    def act(self):
        accounts.do_reject_membership(self.membership, actor=self.request.user, request=self.request)
        messages.success(
            self.request, _("The request of %(name)s was declined.") % {"name": self.membership.user.display_name}
        )


class RevokeInvitationView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, invitation_id):
        invitation = get_object_or_404(Invitation.objects.select_related("organization"), pk=invitation_id)
        access.access_organization_for_admin(request.user, invitation.organization_id)
        accounts.do_revoke_invitation(invitation, actor=request.user, request=request)
        messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
        return redirect("organization_members", invitation.organization_id)
