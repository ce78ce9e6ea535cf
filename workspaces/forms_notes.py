"""The form of a workspace note. `workspaces.actions.notes` validates again and writes; `base_version` is the
version the text was based on, so that a save over someone else's newer version is refused, not lost."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from workspaces.actions.notes import BODY_MAX_LENGTH, TITLE_MAX_LENGTH


class NoteForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=None,
        error_messages={"required": _("Give the note a title.")},
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH, "autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "note-editor"}),
    )
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _(
            "Markdown is accepted: # headings, *italics*, **bold**, lists, links, tables. At most %(limit)s characters."
        ) % {"limit": number_format(BODY_MAX_LENGTH, force_grouping=True)}
