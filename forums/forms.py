"""Forms of people writing in the forums: new topic, reply, edit.

They parse what people type; forums.actions.posting validates again and writes. Errors say the limit
and what was typed; the text typed is never lost (the views re-render the bound form). Browsers do not
refill file inputs: the views hold the files that passed their checks (forums.actions.held_uploads)
and list them on the form; the others are named in an error, to be chosen again.
"""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from forums.actions.posting import ALLOWED_EXTENSIONS, MAX_ATTACHMENTS, attachment_max_bytes
from forums.models import POST_MAX_LENGTH


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the checks of size and type are the action's."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def message_help() -> str:
    return _(
        "Markdown is accepted: *italics*, **bold**, lists, links, > quotes. To mention someone, type @ and the "
        "first letters of their name and choose in the list; without JavaScript, write @[Their name](#mention-N) "
        "where N is the number of their account. At most %(limit)s characters."
    ) % {"limit": number_format(POST_MAX_LENGTH, force_grouping=True)}


def files_help() -> str:
    return _("Optional. Up to %(count)s files of %(size)s MB at most each: %(kinds)s.") % {
        "count": MAX_ATTACHMENTS,
        "size": number_format(attachment_max_bytes() / (1024 * 1024), 0),
        "kinds": ", ".join(sorted(ALLOWED_EXTENSIONS)),
    }


def _accept() -> str:
    return ",".join(f".{extension}" for extension in sorted(ALLOWED_EXTENSIONS))


class _MessageForm(forms.Form):
    source = forms.CharField(
        label=_("Your message"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "forum-editor", "data-mentions": ""}),
        error_messages={"required": _("Please write your message.")},
    )
    files = MultipleFileField(label=_("Attached files"))

    def __init__(self, *args, mentions_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].help_text = message_help()
        self.fields["files"].help_text = files_help()
        self.fields["files"].widget.attrs["accept"] = _accept()
        if mentions_url:
            self.fields["source"].widget.attrs["data-mentions"] = mentions_url


class NewTopicForm(_MessageForm):
    prefix = "topic"
    field_order = ["title", "source", "files"]

    title = forms.CharField(
        label=_("Title"),
        max_length=None,
        error_messages={"required": _("Please give the topic a title.")},
        widget=forms.TextInput(attrs={"maxlength": 200, "autocomplete": "off"}),
    )


class ReplyForm(_MessageForm):
    prefix = "reply"
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditPostForm(_MessageForm):
    prefix = "edit"

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"] = forms.TypedMultipleChoiceField(
            label=_("Remove attached files"),
            required=False,
            coerce=int,
            choices=[(a.pk, a.original_name) for a in attachments],
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["source", "remove", "files"])
        if not attachments:
            del self.fields["remove"]
