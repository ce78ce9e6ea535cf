"""Wagtail admin views for platform admins whose writes go through the core's actions (and so are audited)."""

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy

from intranet import access
from intranet.actions.accounts import (
    ORGANIZATION_FIELDS,
    do_change_role,
    do_create_organization,
    do_invite,
    do_remove_member,
    do_update_organization,
)
from intranet.admin_forms import FirstAdminInvitationForm
from intranet.models import AuditEvent, Membership, Organization


class PlatformAdminPolicy(BasePermissionPolicy):
    """Only platform admins (active superusers), and only for the listed actions."""

    def __init__(self, model, actions=("add", "change", "delete", "view")):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and access.is_platform_admin(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not self.actions.intersection(actions):
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


def _form_error(form, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: on the named fields if they exist, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ActionErrorsMixin:
    """Wagtail create/edit views whose save_instance calls an action: its ValidationError becomes form errors."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            _form_error(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


# --- organizations ---------------------------------------------------------------------------


def _invite_menu_item(url: str) -> MenuItem:
    return MenuItem(_("Invite the first administrator"), url=url, icon_name="mail", priority=15)


class OrganizationIndexView(generic.IndexView):
    invite_url_name = ""

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.invite_url_name and access.is_platform_admin(self.request.user):
            buttons.append(_invite_menu_item(reverse(self.invite_url_name, args=[instance.pk])))
        return buttons


class OrganizationEditView(ActionErrorsMixin, generic.EditView):
    """Changing an organization goes through do_update_organization."""

    invite_url_name = ""

    def save_instance(self):
        # The bound ModelForm already wrote the new values on self.object: start again from the database.
        organization = Organization.objects.get(pk=self.object.pk)
        data = self.form.cleaned_data
        organization = do_update_organization(
            organization,
            **{field: data[field] for field in ORGANIZATION_FIELDS if field in data},
            actor=self.request.user,
            request=self.request,
        )
        log(instance=organization, action="wagtail.edit", user=self.request.user)
        return organization

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.invite_url_name:
            buttons.append(
                Button(
                    _("Invite the first administrator"),
                    url=reverse(self.invite_url_name, args=[self.object.pk]),
                    icon_name="mail",
                    priority=5,
                )
            )
        return buttons


class OrganizationCreateView(ActionErrorsMixin, generic.CreateView):
    """Creating an organization goes through do_create_organization (audited)."""

    def save_instance(self):
        data = self.form.cleaned_data
        organization = do_create_organization(
            name=data["name"],
            kind=data["kind"],
            siret=data["siret"],
            department=data.get("department", ""),
            address=data.get("address", ""),
            website=data.get("website", ""),
            actor=self.request.user,
            request=self.request,
        )
        log(instance=organization, action="wagtail.create", user=self.request.user)
        return organization


class InviteFirstAdminView(WagtailAdminTemplateMixin, FormView):
    """Invite an organization's (first) administrator by e-mail, through do_invite."""

    form_class = FirstAdminInvitationForm
    template_name = "intranet/admin/invite_first_admin.html"
    header_icon = "mail"
    page_title = gettext_lazy("Invite the first administrator")
    index_url_name = ""
    edit_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not access.is_platform_admin(request.user):
            raise PermissionDenied
        self.organization = get_object_or_404(Organization, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.organization.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Organization._meta.verbose_name_plural},
            {"url": reverse(self.edit_url_name, args=[self.organization.pk]), "label": self.organization.name},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            organization=self.organization,
            action_url=self.request.path,
            submit_button_label=_("Send the invitation"),
            existing_admins=Membership.objects.filter(
                organization=self.organization, role__in=Membership.ADMIN_ROLES
            ).select_related("user"),
        )
        return context

    def form_valid(self, form):
        try:
            invitation = do_invite(
                organization=self.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=self.request.user,
                request=self.request,
            )
        except ValidationError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invitation sent to %(email)s for %(org)s.") % {"email": invitation.email, "org": self.organization.name},
        )
        return redirect(self.edit_url_name, self.organization.pk)


# --- memberships -----------------------------------------------------------------------------


class MembershipEditView(ActionErrorsMixin, generic.EditView):
    """Only the role is editable, and the change goes through do_change_role (audited, notified)."""

    def save_instance(self):
        # The bound ModelForm already wrote the new role on self.object: start again from the database.
        membership = Membership.objects.select_related("organization", "user").get(pk=self.object.pk)
        membership = do_change_role(
            membership, self.form.cleaned_data["role"], actor=self.request.user, request=self.request
        )
        log(instance=membership, action="wagtail.edit", user=self.request.user)
        return membership


class MembershipDeleteView(generic.DeleteView):
    """Removing a member goes through do_remove_member (audited, keeps one admin)."""

    def delete_action(self):
        do_remove_member(self.object, actor=self.request.user, request=self.request)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.index_url_name)


# --- audit log -------------------------------------------------------------------------------


class AuditEventFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label=gettext_lazy("Action"), choices=AuditEvent.Action.choices)
    created_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Date"), widget=DateRangePickerWidget)
    organization = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Organization"), queryset=Organization.objects.order_by("name")
    )

    class Meta:
        model = AuditEvent
        fields = ["action", "created_at", "organization"]
