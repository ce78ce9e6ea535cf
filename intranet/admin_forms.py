"""Forms of the Wagtail admin for platform admins: user accounts, role changes, first-admin invitations."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from intranet.models import Membership, Organization, User
from intranet.validators import normalize_siret


class _EmailLoginMixin:
    """Our users log in with their e-mail address, stored in lower case (see UserManager)."""

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class IntranetUserCreationForm(_EmailLoginMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"job_title"}

    def save(self, commit=True):
        user = super().save(commit=False)
        # A platform admin creating the account vouches for the address: no confirmation link.
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
        if commit:
            user.save()
            self.save_m2m()
        return user


class IntranetUserEditForm(_EmailLoginMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"job_title"}


class OrganizationForm(forms.ModelForm):
    """Accepts a SIRET typed with spaces or dots: normalized before the model's 14-character limit applies."""

    website = forms.URLField(
        label=Organization._meta.get_field("website").verbose_name, required=False, assume_scheme="https"
    )

    class Meta:
        model = Organization
        fields = ["name", "kind", "siret", "department", "address", "website"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siret"].max_length = 20
        self.fields["siret"].widget.attrs["maxlength"] = "20"
        self.fields["siret"].validators = [
            v for v in self.fields["siret"].validators if not isinstance(v, MaxLengthValidator)
        ]

    def clean_siret(self):
        return normalize_siret(self.cleaned_data["siret"])


class MembershipRoleForm(forms.ModelForm):
    """Only the role is editable in the admin; saving goes through actions.do_change_role (audited)."""

    class Meta:
        model = Membership
        fields = ["role"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].choices = Membership.roles_for(self.instance.organization)


class FirstAdminInvitationForm(forms.Form):
    """A platform admin invites the first administrator of a member body or a company."""

    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Membership.roles_for(organization)
        self.fields["role"].initial = (
            Membership.Role.COMPANY_ADMIN if organization.is_company else Membership.Role.ORG_ADMIN
        )
