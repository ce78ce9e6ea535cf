"""Forms of the core: logging in, registering, invitations, profile, members; and Wagtail's user forms.

The forms only parse and validate what people type; the actions in `intranet.actions` do the writes.
"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intranet.models import Membership, Organization, User
from intranet.validators import DEPARTMENT_CHOICES, normalize_siret, validate_siren_or_siret


def apply_action(form, write):
    """Run `write` (an action); the ValidationError it raises goes onto `form`, each message beside its field when
    the form has that field, else at the top of the form. Returns the action's result, or None when refused (the
    form, still bound, shows again with what was typed)."""
    try:
        return write()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


def _text(autocomplete: str = "", **attrs) -> forms.TextInput:
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.TextInput(attrs=attrs)


def _email(autocomplete: str = "email") -> forms.EmailInput:
    return forms.EmailInput(attrs={"autocomplete": autocomplete, "spellcheck": "false"})


def _current_password_field(label) -> forms.CharField:
    return forms.CharField(
        label=label, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with an e-mail address; says so when the address has not been confirmed yet."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "inactive": _("This account is not active yet: confirm your e-mail address first with the link we sent you."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("E-mail address")
        username.max_length = 254
        username.widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "spellcheck": "false", "maxlength": 254}
        )
        self.fields["password"].label = _("Password")

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid_login" and self._is_unconfirmed_account():
                raise forms.ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise

    def _is_unconfirmed_account(self) -> bool:
        """The right password for an account whose e-mail address is still unconfirmed."""
        if self.request is not None and getattr(self.request, "axes_locked_out", False):
            return False
        email = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password") or ""
        user = User.objects.filter(email__iexact=email, is_active=False, closed_at__isnull=True).first()
        return bool(user and user.email_confirmed_at is None and user.check_password(password))


class CompanyRegistrationForm(SetPasswordMixin, forms.Form):
    """A company user's sign-up: the person, their company, a password and the terms."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254, widget=_email())
    first_name = forms.CharField(label=_("First name"), max_length=150, widget=_text("given-name"))
    last_name = forms.CharField(label=_("Last name"), max_length=150, widget=_text("family-name"))
    siret = forms.CharField(
        label=_("SIRET number"),
        max_length=20,
        validators=[validate_siren_or_siret],
        help_text=_("14 digits (or the 9-digit SIREN), as on your Kbis extract."),
        widget=_text("off", inputmode="numeric"),
    )
    company_name = forms.CharField(label=_("Company name"), max_length=255, widget=_text("organization"))
    department = forms.ChoiceField(
        label=_("Département"),
        required=False,
        choices=[("", _("— Not specified —")), *DEPARTMENT_CHOICES],
        help_text=_("Where the company is based."),
    )
    password1, password2 = SetPasswordMixin.create_password_fields()
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of use and the processing of my personal data to manage my account"),
        error_messages={"required": _("You must accept the terms of use to create an account.")},
    )

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account already exists with this e-mail address. Log in, or reset your password."),
                code="email_taken",
            )
        return email

    def clean_siret(self):
        return normalize_siret(self.cleaned_data["siret"])

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        user = User(
            email=cleaned.get("email") or "",
            first_name=cleaned.get("first_name") or "",
            last_name=cleaned.get("last_name") or "",
        )
        self.validate_password_for_user(user)
        return cleaned


class InvitationSignupForm(SetPasswordMixin, forms.Form):
    """Creates the invited person's account: their name, job title and a password."""

    first_name = forms.CharField(label=_("First name"), max_length=150, widget=_text("given-name"))
    last_name = forms.CharField(label=_("Last name"), max_length=150, widget=_text("family-name"))
    job_title = forms.CharField(
        label=_("Job title"), max_length=200, required=False, widget=_text("organization-title")
    )
    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        user = User(
            email=self.email, first_name=cleaned.get("first_name") or "", last_name=cleaned.get("last_name") or ""
        )
        self.validate_password_for_user(user)
        return cleaned


class ProfileForm(forms.Form):
    """What a person may change about themselves (the e-mail address is their login: not here)."""

    first_name = forms.CharField(label=_("First name"), max_length=150, widget=_text("given-name"))
    last_name = forms.CharField(label=_("Last name"), max_length=150, widget=_text("family-name"))
    job_title = forms.CharField(
        label=_("Job title"), max_length=200, required=False, widget=_text("organization-title")
    )
    email_frequency = forms.ChoiceField(
        label=_("E-mail notifications"),
        choices=User.EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Notifications always appear on the site; this sets when they are also e-mailed to you."),
    )

    @classmethod
    def initial_for(cls, user: User) -> dict:
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "job_title": user.job_title,
            "email_frequency": user.email_frequency,
        }


class CloseAccountForm(forms.Form):
    password = _current_password_field(_("Your current password"))
    confirm = forms.BooleanField(
        label=_("I understand that closing my account is final."),
        error_messages={"required": _("Tick this box to confirm that you want to close your account.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not correct."), code="password_incorrect")
        return password


class InviteForm(forms.Form):
    """An organization admin invites someone by e-mail, with a role that exists for this organization."""

    email = forms.EmailField(label=_("E-mail address of the person to invite"), max_length=254, widget=_email("off"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Membership.roles_for(organization)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Membership.roles_for(organization)
