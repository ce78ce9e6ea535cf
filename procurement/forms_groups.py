"""Forms of group purchases. They check the shape of what is typed; the rules (who, when, uniqueness) are the
actions' (`procurement.actions.groups`), whose errors come back onto these forms."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from intranet.models import Organization
from procurement.actions.groups import GROUP_FIELDS
from procurement.models_groups import PRICE_DIGITS, PRICE_PLACES, QUANTITY_DIGITS, QUANTITY_PLACES, GroupPurchase
from procurement.widgets import CPVCodesTextarea, CPVPickerInput

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class GroupForm(forms.ModelForm):
    coordinator = forms.ModelChoiceField(
        label=_("Coordinating body"), queryset=Organization.objects.none(), empty_label=None
    )
    declaration_deadline = forms.DateTimeField(
        label=_("Deadline for members' declarations"),
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=_("Paris time. After it, declarations are locked; you may reopen them by moving the deadline."),
    )

    class Meta:
        model = GroupPurchase
        fields = list(GROUP_FIELDS)
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 5}),
            "main_cpv": CPVPickerInput(),
            "additional_cpv": CPVCodesTextarea(attrs={"rows": 2}),
            "admission": forms.RadioSelect,
        }
        help_texts = {
            "reminder_days": _("The members' buyers are reminded this many days before the deadline."),
            "share_details": _("Otherwise each member sees its own declarations and the totals only."),
            "additional_cpv": _("Separated by spaces or commas."),
        }

    def __init__(self, *args, coordinators=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["coordinator"]
        else:
            self.fields["coordinator"].queryset = Organization.objects.filter(pk__in=[o.pk for o in coordinators])
            if len(coordinators) == 1:
                self.fields["coordinator"].initial = coordinators[0].pk


class AgreementForm(forms.Form):
    agreement = forms.FileField(
        label=_("Agreement (convention constitutive), PDF"),
        help_text=_("A PDF of at most 20 MB. Members sign up to this version; a new version replaces it."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class LotForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    number = forms.IntegerField(label=_("Lot number"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Title"), max_length=255)


LotFormSet = formset_factory(LotForm, extra=1, can_delete=True)


def price_field(label) -> forms.DecimalField:
    """An optional unit price in euros, as stored (four decimals), typed in the reader's language."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=PRICE_DIGITS,
        decimal_places=PRICE_PLACES,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )


class ItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    designation = forms.CharField(label=_("Designation"), max_length=255)
    unit = forms.CharField(label=_("Unit"), max_length=40, help_text=_("For example: ream, box, kg, unit."))
    lot = forms.TypedChoiceField(label=_("Lot"), required=False, coerce=int, empty_value=None)
    unit_price_estimate = price_field(_("Estimated unit price (€ excl. VAT)"))

    def __init__(self, *args, lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = [("", _("No lot"))] + [(lot.pk, str(lot)) for lot in lots]


ItemFormSet = formset_factory(ItemForm, extra=3, can_delete=True)


class InviteForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Member bodies to invite"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their organization admins sign up to the agreement; their buyers are told too."),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["organizations"].queryset = candidates


class DeclarationForm(forms.Form):
    """One item's line. Fields show their loaded value in a hidden input too (`show_hidden_initial`), so that
    only the lines this buyer changed are written."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        min_value=0,
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        localize=True,
        show_hidden_initial=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )
    delivery_site = forms.CharField(label=_("Delivery site"), required=False, max_length=255, show_hidden_initial=True)
    wanted_from = forms.DateField(
        label=_("Wanted from"), required=False, show_hidden_initial=True, widget=forms.DateInput(attrs={"type": "date"})
    )
    wanted_until = forms.DateField(
        label=_("Wanted until"),
        required=False,
        show_hidden_initial=True,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000, show_hidden_initial=True)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("wanted_from"), cleaned.get("wanted_until")
        if start and end and end < start:
            self.add_error("wanted_until", _("This date is before the “wanted from” date."))
        return cleaned


class AwardedPriceForm(forms.Form):
    price = price_field(_("Awarded unit price (€ excl. VAT)"))
