"""Forms of the workspaces themselves and their membership: they only parse what people type; the actions in
`workspaces.actions.workspaces` and `workspaces.actions.members` check the rules and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.access import organizations_of
from intranet.models import Membership, User
from workspaces.actions.members import INVITABLE_ROLES
from workspaces.models import JoinRequest, Member, Workspace

PEOPLE_CHOICES_LIMIT = 300


class WorkspaceForm(forms.Form):
    """Creation and settings: name, description, who may see it and join, how they join."""

    name = forms.CharField(label=_("Name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the workspace is for, shown to its members and to those who may join it."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it and join"),
        choices=Workspace.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Workspace.Visibility.PRIVATE,
    )
    organization = forms.TypedChoiceField(
        label=_("Body"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For the “organization” visibility: the body whose members may join."),
    )
    join_policy = forms.ChoiceField(
        label=_("Joining"),
        choices=Workspace.JoinPolicy.choices,
        widget=forms.RadioSelect,
        initial=Workspace.JoinPolicy.FREE,
        help_text=_("For the “organization” and “open” visibilities; a private workspace admits by invitation."),
    )

    def __init__(self, *args, user, workspace: Workspace | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = [o for o in organizations_of(user) if o.is_member_body]
        choices = [(o.pk, o.name) for o in bodies]
        if workspace is not None and workspace.organization_id and workspace.organization_id not in dict(choices):
            choices.insert(0, (workspace.organization_id, workspace.organization.name))
        self.fields["organization"].choices = [("", _("— None —")), *choices]
        if len(choices) == 1 and not self.is_bound and workspace is None:
            self.fields["organization"].initial = choices[0][0]

    @classmethod
    def initial_for(cls, workspace: Workspace) -> dict:
        return {
            "name": workspace.name,
            "description": workspace.description,
            "visibility": workspace.visibility,
            "organization": workspace.organization_id,
            "join_policy": workspace.join_policy,
        }


def people_to_invite(inviter, workspace: Workspace):
    """People who share a body with the inviter and are not members yet: the person picker's choices."""
    body_ids = [o.pk for o in organizations_of(inviter)]
    if not body_ids:
        return User.objects.none()
    return (
        User.objects.filter(
            memberships__organization_id__in=body_ids,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
            closed_at__isnull=True,
        )
        .exclude(workspace_memberships__workspace=workspace)
        .distinct()
        .order_by("last_name", "first_name", "email")
        .only("id", "email", "first_name", "last_name", "closed_at")[:PEOPLE_CHOICES_LIMIT]
    )


class InviteForm(forms.Form):
    """Invite a person chosen among the inviter's colleagues, or anyone by e-mail address."""

    person = forms.TypedChoiceField(
        label=_("A person of your organizations"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Or give an e-mail address below."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Someone with no account receives a link to create one."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(value, label) for value, label in Member.Role.choices if value in INVITABLE_ROLES],
        initial=Member.Role.MEMBER,
        help_text=_(
            "A guest (a consultant, a company's contact) sees this workspace and nothing else of the members' areas."
        ),
    )

    def __init__(self, *args, inviter, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people_to_invite(inviter, workspace)}
        self.fields["person"].choices = [
            ("", _("— Choose a person —")),
            *[(p.pk, f"{p.display_name} ({p.email})") for p in self.people.values()],
        ]

    def clean(self):
        cleaned = super().clean()
        person_id, email = cleaned.get("person"), cleaned.get("email")
        if not person_id and not email and not self.has_error("email"):
            raise forms.ValidationError(_("Choose a person or give an e-mail address."), code="required")
        if person_id and email and self.people[person_id].email.lower() != email.lower():
            raise forms.ValidationError(_("Choose a person or give an e-mail address, not both."), code="both")
        cleaned["user"] = self.people.get(person_id) if person_id else None
        return cleaned


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the admins"),
        required=False,
        max_length=JoinRequest._meta.get_field("message").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: who you are and why you would like to join."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Member.Role.choices)
