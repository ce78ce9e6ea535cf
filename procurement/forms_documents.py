"""Forms of the buyers' DCE page: add, replace, remove a document.

They parse what buyers type; procurement.actions.documents validates again and writes. The file
field comes last in each form: when a too large file stops the upload, the fields before it are
already read and shown again (browsers never refill a file input).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.actions.documents import (
    ALLOWED_EXTENSIONS,
    REASON_REQUIRED,
    TITLE_MAX_LENGTH,
    TITLE_REQUIRED,
    needs_reason,
    size_label,
)
from procurement.uploads import max_file_size


def _file_field() -> forms.FileField:
    accept = ",".join(f".{extension}" for extension in sorted(ALLOWED_EXTENSIONS))
    return forms.FileField(
        label=_("File"),
        required=False,  # the action says what is missing or wrong, with the other errors
        allow_empty_file=True,
        help_text=_("At most %(limit)s. Accepted: %(kinds)s.")
        % {"limit": size_label(max_file_size()), "kinds": ", ".join(sorted(ALLOWED_EXTENSIONS))},
        widget=forms.ClearableFileInput(attrs={"accept": accept}),
    )


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        required=True,
        error_messages={"required": REASON_REQUIRED},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The notice is published: this change is an amendment, sent with its reason to the companies."),
    )


class _DocumentForm(forms.Form):
    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        if needs_reason(notice):
            self.fields["reason"] = _reason_field()
        # Last, whatever was declared above (see the module's docstring).
        self.fields["file"] = _file_field()


class AddDocumentForm(_DocumentForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": TITLE_REQUIRED},
        help_text=_("For example: Règlement de la consultation, CCAP, CCTP, BPU."),
    )
    lot = forms.TypedChoiceField(label=_("Lot concerned"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, notice, lots=None, **kwargs):
        super().__init__(*args, notice=notice, **kwargs)
        lots = list(notice.lots.all()) if lots is None else lots
        self.fields["lot"].choices = [("", _("The whole notice"))] + [
            (lot.number, _("Lot %(number)s: %(title)s") % {"number": lot.number, "title": lot.title})
            for lot in sorted(lots, key=lambda lot: lot.number)
        ]
        if not lots:
            self.fields["lot"].widget = forms.HiddenInput()


class ReplaceDocumentForm(_DocumentForm):
    pass


class RemoveDocumentForm(forms.Form):
    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_reason(notice):
            self.fields["reason"] = _reason_field()
