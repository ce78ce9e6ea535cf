"""Views of the workspaces themselves: index and directory, creation, overview, settings, members, invitations,
joining, requests, leaving, archiving. Thin: access_* to fetch and check, do_* to write, then a redirect with a
message; a ValidationError goes back onto the form with what the person typed."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View

from intranet.access import can_act, is_buyer
from intranet.forms import InvitationSignupForm
from intranet.models import User
from workspaces import access
from workspaces.actions import members as member_actions
from workspaces.actions.workspaces import do_create_workspace, do_update_workspace
from workspaces.forms_workspaces import InviteForm, JoinRequestForm, RoleForm, WorkspaceForm
from workspaces.models import (
    PRESENCE_TIMEOUT_SECONDS,
    ChannelMember,
    File,
    Invitation,
    JoinRequest,
    Member,
    Message,
    Note,
    Presence,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ACTIVITY_LIMIT = 20
PINNED_LIMIT = 10
RECENT_LIMIT = 5
DIRECT_LIMIT = 10


def _report(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _on_form(form, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: on its fields when it names fields the form has."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def unread_by_channel(user, channels) -> dict:
    """Unread counts per channel id (from `workspaces.unread`, written with the chat); zeros until it exists."""
    try:
        from workspaces.unread import unread_by_channel as compute
    except ImportError:
        return {channel.pk: 0 for channel in channels}
    return compute(user, channels)


def unread_by_workspace(user) -> dict:
    try:
        from workspaces.unread import unread_by_workspace as compute
    except ImportError:
        return {}
    return compute(user)


# Index, creation ----------------------------------------------------------------------------------


class IndexView(LoginRequiredMixin, View):
    """My workspaces (with unread counts), my pending invitations, and the directory of those I may join."""

    def get(self, request):
        user = request.user
        mine = list(access.my_workspaces(user).annotate(member_count=Count("members", distinct=True)).order_by("name"))
        unread = unread_by_workspace(user)
        for workspace in mine:
            workspace.unread = unread.get(workspace.pk, 0)
            workspace.my_role = access.membership(user, workspace)
        directory = []
        if is_buyer(user):  # guests and companies never see the directory
            pending = JoinRequest.objects.filter(workspace=OuterRef("pk"), user=user, status=JoinRequest.Status.PENDING)
            directory = list(
                access.discoverable_workspaces(user)
                .annotate(request_pending=Exists(pending))
                .select_related("organization")
                .order_by("name")
            )
        context = {
            "workspaces": mine,
            "invitations": list(member_actions.pending_invitations_for(user)),
            "directory": directory,
            "can_create": access.can_create_workspace(user),
        }
        return render(request, "workspaces/workspace_index.html", context)


class CreateView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.can_create_workspace(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(WorkspaceForm(user=request.user))

    def post(self, request):
        form = WorkspaceForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                workspace = do_create_workspace(request.user, **form.cleaned_data)
            except ValidationError as error:
                _on_form(form, error)
            else:
                messages.success(request, _("The workspace “%(name)s” is created.") % {"name": workspace.name})
                return redirect("workspaces:detail", workspace.slug)
        return self._render(form)

    def _render(self, form):
        return render(self.request, "workspaces/workspace_create.html", {"form": form})


# Overview -----------------------------------------------------------------------------------------


def _direct_conversations(user, workspace):
    """The person's direct conversations with people of this workspace, latest first, with the other person."""
    in_workspace = Member.objects.filter(workspace=workspace, user_id=OuterRef("user_id"))
    others = ChannelMember.objects.exclude(user=user).filter(Exists(in_workspace)).select_related("user")
    channels = (
        access.direct_channels(user)
        .filter(
            Exists(ChannelMember.objects.filter(channel=OuterRef("pk")).exclude(user=user).filter(Exists(in_workspace)))
        )
        .order_by("-last_message_at", "-id")
        .prefetch_related(Prefetch("channel_members", queryset=others, to_attr="others"))[:DIRECT_LIMIT]
    )
    conversations = []
    for channel in channels:
        if channel.others:
            channel.other = channel.others[0].user
            conversations.append(channel)
    return conversations


class DetailView(LoginRequiredMixin, View):
    """The overview for members; a preview with the join (or request) button for those who may join; 404 else."""

    def get(self, request, slug):
        user = request.user
        try:
            workspace, member = access.access_workspace(user, slug)
        except Http404:
            return self._preview(request, slug)
        return render(request, "workspaces/workspace_detail.html", self._overview(user, workspace, member))

    def _preview(self, request, slug):
        workspace = access.access_workspace_preview(request.user, slug)
        context = {
            "workspace": workspace,
            "member_count": workspace.members.count(),
            "can_join": access.can_join_freely(request.user, workspace),
            "can_request": access.can_request_to_join(request.user, workspace),
            "request_pending": JoinRequest.objects.filter(
                workspace=workspace, user=request.user, status=JoinRequest.Status.PENDING
            ).exists(),
            "form": JoinRequestForm(),
        }
        return render(request, "workspaces/workspace_preview.html", context)

    def _overview(self, user, workspace, member):
        channels = list(access.readable_channels(user, workspace))
        unread = unread_by_channel(user, channels)
        for channel in channels:
            channel.workspace = workspace
            channel.unread = unread.get(channel.pk, 0)
        readable_ids = [channel.pk for channel in channels]
        by_id = {channel.pk: channel for channel in channels}
        pinned = list(
            Message.objects.filter(channel_id__in=readable_ids, pinned_at__isnull=False, deleted_at__isnull=True)
            .select_related("author")
            .order_by("-pinned_at")[:PINNED_LIMIT]
        )
        for message in pinned:
            message.channel = by_id[message.channel_id]
        since = timezone.now() - timedelta(seconds=PRESENCE_TIMEOUT_SECONDS)
        online = [
            presence.user
            for presence in Presence.objects.filter(workspace=workspace, last_seen__gte=since)
            .filter(Exists(Member.objects.filter(workspace=workspace, user_id=OuterRef("user_id"))))
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        ]
        return {
            "workspace": workspace,
            "member": member,
            "channels": channels,
            "direct_conversations": _direct_conversations(user, workspace),
            "activities": list(access.visible_activity(user, workspace).select_related("actor")[:ACTIVITY_LIMIT]),
            "pinned": pinned,
            "online": online,
            "member_count": workspace.members.count(),
            "recent_files": list(
                File.objects.filter(workspace=workspace, deleted_at__isnull=True).order_by("-updated_at", "-id")[
                    :RECENT_LIMIT
                ]
            ),
            "recent_notes": list(
                Note.objects.filter(workspace=workspace, deleted_at__isnull=True)
                .only("id", "title", "updated_at", "workspace_id")
                .order_by("-updated_at", "-id")[:RECENT_LIMIT]
            ),
            "can_write": access.can_write(user, workspace),
        }


# Settings, archive --------------------------------------------------------------------------------


class SettingsView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, slug, **kwargs):
        if request.user.is_authenticated:
            self.workspace, self.member = access.access_workspace_admin(request.user, slug)
        return super().dispatch(request, *args, slug=slug, **kwargs)

    def get(self, request, slug):
        form = WorkspaceForm(
            user=request.user, workspace=self.workspace, initial=WorkspaceForm.initial_for(self.workspace)
        )
        return self._render(form)

    def post(self, request, slug):
        form = WorkspaceForm(request.POST, user=request.user, workspace=self.workspace)
        if form.is_valid():
            try:
                do_update_workspace(self.workspace, request.user, **form.cleaned_data)
            except ValidationError as error:
                _on_form(form, error)
            else:
                messages.success(request, _("The settings are saved."))
                return redirect("workspaces:settings", self.workspace.slug)
        # What failed must not show as saved: the page shows the workspace as stored.
        self.workspace.refresh_from_db()
        return self._render(form)

    def _render(self, form):
        context = {
            "workspace": self.workspace,
            "member": self.member,
            "form": form,
            "pending_requests": JoinRequest.objects.filter(
                workspace=self.workspace, status=JoinRequest.Status.PENDING
            ).count(),
        }
        return render(self.request, "workspaces/workspace_settings.html", context)


class ArchiveView(LoginRequiredMixin, View):
    def post(self, request, slug):
        workspace, _member = access.access_workspace_admin(request.user, slug)
        archived = request.POST.get("archived") == "1"
        member_actions.do_archive(workspace, request.user, archived)
        if archived:
            messages.success(request, _("The workspace is archived: it is read-only now."))
        else:
            messages.success(request, _("The workspace is reopened."))
        return redirect("workspaces:settings", workspace.slug)


# Members ------------------------------------------------------------------------------------------


class MembersView(LoginRequiredMixin, View):
    """Every member sees who belongs; admins also change roles, remove, invite and see open invitations."""

    def get(self, request, slug):
        workspace, member = access.access_workspace(request.user, slug)
        members = list(
            workspace.members.select_related("user").order_by("user__last_name", "user__first_name", "user__email")
        )
        order = {role: index for index, role in enumerate(Member.Role.values)}
        members.sort(key=lambda m: order[m.role])
        context = {
            "workspace": workspace,
            "member": member,
            "members": members,
            "role_choices": Member.Role.choices,
            "can_act": can_act(request.user),
        }
        if member.is_admin:
            context["invitations"] = list(
                Invitation.objects.filter(workspace=workspace, status=Invitation.Status.PENDING)
                .select_related("invited_by")
                .order_by("-created_at")
            )
            context["pending_requests"] = JoinRequest.objects.filter(
                workspace=workspace, status=JoinRequest.Status.PENDING
            ).count()
        return render(request, "workspaces/members_list.html", context)


def _member_of(workspace, member_id) -> Member:
    return get_object_or_404(Member.objects.select_related("user"), pk=member_id, workspace=workspace)


class MemberRoleView(LoginRequiredMixin, View):
    def post(self, request, slug, member_id):
        workspace, _member = access.access_workspace_admin(request.user, slug)
        target = _member_of(workspace, member_id)
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a role."))
            return redirect("workspaces:members", workspace.slug)
        try:
            member_actions.do_change_role(workspace, request.user, target, form.cleaned_data["role"])
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": target.user.display_name, "role": str(target.get_role_display()).lower()},
            )
        if not access.is_workspace_admin(request.user, workspace):
            return redirect("workspaces:detail", workspace.slug)
        return redirect("workspaces:members", workspace.slug)


class MemberRemoveView(LoginRequiredMixin, View):
    """A confirmation page, then the removal."""

    def dispatch(self, request, *args, slug, member_id, **kwargs):
        if request.user.is_authenticated:
            self.workspace, self.member = access.access_workspace_admin(request.user, slug)
            self.target = _member_of(self.workspace, member_id)
        return super().dispatch(request, *args, slug=slug, member_id=member_id, **kwargs)

    def get(self, request, slug, member_id):
        context = {"workspace": self.workspace, "member": self.member, "target": self.target}
        return render(request, "workspaces/members_remove.html", context)

    def post(self, request, slug, member_id):
        try:
            member_actions.do_remove_member(self.workspace, request.user, self.target)
        except ValidationError as error:
            _report(request, error)
            return redirect("workspaces:members", self.workspace.slug)
        if self.target.user_id == request.user.pk:
            messages.success(request, _("You left the workspace “%(name)s”.") % {"name": self.workspace.name})
            return redirect("workspaces:index")
        messages.success(
            request,
            _("%(name)s no longer belongs to the workspace.") % {"name": self.target.user.display_name},
        )
        return redirect("workspaces:members", self.workspace.slug)


class InviteView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, slug, **kwargs):
        if request.user.is_authenticated:
            self.workspace, self.member = access.access_workspace_admin(request.user, slug)
        return super().dispatch(request, *args, slug=slug, **kwargs)

    def get(self, request, slug):
        return self._render(InviteForm(inviter=request.user, workspace=self.workspace))

    def post(self, request, slug):
        form = InviteForm(request.POST, inviter=request.user, workspace=self.workspace)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation, _token = member_actions.do_invite(
                    self.workspace, request.user, email=data["email"], user=data["user"], role=data["role"]
                )
            except ValidationError as error:
                _on_form(form, error)
            else:
                messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email})
                return redirect("workspaces:members", self.workspace.slug)
        return self._render(form)

    def _render(self, form):
        context = {"workspace": self.workspace, "member": self.member, "form": form}
        return render(self.request, "workspaces/members_invite.html", context)


class InvitationRevokeView(LoginRequiredMixin, View):
    def post(self, request, slug, invitation_id):
        workspace, _member = access.access_workspace_admin(request.user, slug)
        invitation = get_object_or_404(Invitation, pk=invitation_id, workspace=workspace)
        try:
            member_actions.do_revoke_invitation(invitation, request.user)
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
        return redirect("workspaces:members", workspace.slug)


# Invitations (the invited person's side) ----------------------------------------------------------


class InvitationView(View):
    """The e-mailed link: accept or decline as the invited account, or create the account of an invited
    address; anyone else gets a clear refusal."""

    def dispatch(self, request, *args, token, **kwargs):
        self.invitation = member_actions.get_invitation(token)
        if self.invitation is None:
            return render(
                request,
                "workspaces/invitation_invalid.html",
                {"errors": [_("This invitation link is not valid.")]},
                status=404,
            )
        try:
            member_actions.check_invitation_open(self.invitation)
        except ValidationError as error:
            if (
                self.invitation.status == Invitation.Status.ACCEPTED
                and member_actions.invitation_is_for(self.invitation, request.user)
                and access.is_workspace_member(request.user, self.invitation.workspace)
            ):
                return redirect("workspaces:detail", self.invitation.workspace.slug)
            return render(
                request,
                "workspaces/invitation_invalid.html",
                {"errors": error.messages, "code": error.code},
                status=410,
            )
        return super().dispatch(request, *args, token=token, **kwargs)

    def _situation(self) -> str:
        user = self.request.user
        if user.is_authenticated:
            return "respond" if member_actions.invitation_is_for(self.invitation, user) else "other_account"
        if self.invitation.user_id is not None or User.objects.filter(email__iexact=self.invitation.email).exists():
            return "log_in"
        return "sign_up"

    def _render(self, situation, form=None, status=200):
        context = {
            "invitation": self.invitation,
            "workspace": self.invitation.workspace,
            "role": str(self.invitation.get_role_display()).lower(),
            "situation": situation,
            "form": form,
            "login_url": reverse("login") + "?" + urlencode({"next": self.request.get_full_path()}),
        }
        return render(self.request, "workspaces/invitation_detail.html", context, status=status)

    def get(self, request, token):
        situation = self._situation()
        form = InvitationSignupForm(email=self.invitation.email) if situation == "sign_up" else None
        return self._render(situation, form, status=403 if situation == "other_account" else 200)

    def post(self, request, token):
        situation = self._situation()
        if situation == "respond":
            return _respond(request, self.invitation, accept=request.POST.get("decision") != "decline")
        if situation == "sign_up":
            form = InvitationSignupForm(request.POST, email=self.invitation.email)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    user, member = member_actions.do_accept_invitation_with_new_account(
                        self.invitation,
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        job_title=data["job_title"],
                        password=data["password1"],
                    )
                except ValidationError as error:
                    _on_form(form, error)
                else:
                    login(request, user, backend=MODEL_BACKEND)
                    return _welcome(request, member)
            return self._render(situation, form)
        return self._render(situation, status=403 if situation == "other_account" else 200)


def _welcome(request, member):
    messages.success(
        request,
        _("Welcome to the workspace “%(name)s”: you joined as %(role)s.")
        % {"name": member.workspace.name, "role": member.get_role_display().lower()},
    )
    return redirect("workspaces:detail", member.workspace.slug)


def _respond(request, invitation, *, accept: bool):
    try:
        if accept:
            member = member_actions.do_accept_invitation(invitation, request.user)
        else:
            member_actions.do_decline_invitation(invitation, request.user)
    except ValidationError as error:
        _report(request, error)
        return redirect("workspaces:index")
    if accept:
        return _welcome(request, member)
    messages.success(request, _("You declined the invitation to “%(name)s”.") % {"name": invitation.workspace.name})
    return redirect("workspaces:index")


class InvitationRespondView(LoginRequiredMixin, View):
    """Accept or decline from the index (an invitation to this account or to its address); 404 for others."""

    def post(self, request, invitation_id):
        invitation = get_object_or_404(Invitation.objects.select_related("workspace"), pk=invitation_id)
        if not member_actions.invitation_is_for(invitation, request.user):
            raise Http404
        return _respond(request, invitation, accept=request.POST.get("decision") != "decline")


# Joining, requests, leaving ------------------------------------------------------------------------


class JoinView(LoginRequiredMixin, View):
    """Join at once, or send a request (with its message) where an admin approves."""

    def post(self, request, slug):
        joined = access.joined_workspace(request.user, slug)
        if joined is not None:
            # A second click on "Join" (or a page left open): already in, nothing to do.
            return redirect("workspaces:detail", joined.slug)
        workspace = access.access_workspace_preview(request.user, slug)
        if access.can_request_to_join(request.user, workspace):
            form = JoinRequestForm(request.POST)
            if form.is_valid():
                try:
                    member_actions.do_request_to_join(workspace, request.user, form.cleaned_data["message"])
                except ValidationError as error:
                    _on_form(form, error)
                else:
                    messages.success(request, _("Your request is sent: the workspace's admins will answer."))
                    return redirect("workspaces:index")
            context = {
                "workspace": workspace,
                "member_count": workspace.members.count(),
                "can_join": False,
                "can_request": True,
                "request_pending": False,
                "form": form,
            }
            return render(request, "workspaces/workspace_preview.html", context)
        try:
            member_actions.do_join(workspace, request.user)
        except ValidationError as error:
            _report(request, error)
            return redirect("workspaces:detail", workspace.slug)
        messages.success(request, _("Welcome to the workspace “%(name)s”.") % {"name": workspace.name})
        return redirect("workspaces:detail", workspace.slug)


class WithdrawRequestView(LoginRequiredMixin, View):
    def post(self, request, slug):
        join_request = get_object_or_404(
            JoinRequest, workspace__slug=slug, user=request.user, status=JoinRequest.Status.PENDING
        )
        member_actions.do_withdraw_request(join_request, request.user)
        messages.success(request, _("Your request is withdrawn."))
        return redirect("workspaces:index")


class RequestsView(LoginRequiredMixin, View):
    """The pending requests, for admins to approve or refuse."""

    def get(self, request, slug):
        workspace, member = access.access_workspace_admin(request.user, slug)
        context = {
            "workspace": workspace,
            "member": member,
            "requests": list(
                JoinRequest.objects.filter(workspace=workspace, status=JoinRequest.Status.PENDING)
                .select_related("user")
                .order_by("created_at")
            ),
        }
        return render(request, "workspaces/members_requests.html", context)

    def post(self, request, slug):
        workspace, _member = access.access_workspace_admin(request.user, slug)
        request_id = request.POST.get("request", "")
        join_request = get_object_or_404(
            JoinRequest.objects.select_related("user", "workspace"),
            pk=int(request_id) if request_id.isdigit() else 0,
            workspace=workspace,
        )
        approve = request.POST.get("decision") == "approve"
        try:
            member_actions.do_decide_request(join_request, request.user, approve)
        except ValidationError as error:
            _report(request, error)
        else:
            name = join_request.user.display_name
            if approve:
                messages.success(request, _("%(name)s is now a member.") % {"name": name})
            else:
                messages.success(request, _("The request of %(name)s is declined.") % {"name": name})
        return redirect("workspaces:requests", workspace.slug)


class LeaveView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, slug, **kwargs):
        if request.user.is_authenticated:
            self.workspace, self.member = access.access_workspace(request.user, slug)
        return super().dispatch(request, *args, slug=slug, **kwargs)

    def get(self, request, slug):
        return render(request, "workspaces/members_leave.html", {"workspace": self.workspace, "member": self.member})

    def post(self, request, slug):
        try:
            member_actions.do_leave(self.workspace, request.user)
        except ValidationError as error:
            _report(request, error)
            return redirect("workspaces:leave", self.workspace.slug)
        messages.success(request, _("You left the workspace “%(name)s”.") % {"name": self.workspace.name})
        return redirect("workspaces:index")
