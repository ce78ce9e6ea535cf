"""Forms of the chat pages without JavaScript: post, edit, create a channel, choose its members, start a
direct conversation. They parse; workspaces.actions.chat validates again and writes."""

import uuid

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from intranet.templatetags.file_sizes import file_size
from workspaces.actions.files import accepted_extensions, max_file_size
from workspaces.models import MESSAGE_MAX_LENGTH


def message_help() -> str:
    return _(
        "Markdown is accepted: *italics*, **bold**, lists, links, `code`. To mention someone, write @ and their "
        "handle, as listed under “Mention someone”. At most %(limit)s characters."
    ) % {"limit": number_format(MESSAGE_MAX_LENGTH, force_grouping=True)}


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        strip=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "chat-composer-input"}),
        error_messages={"required": _("Write a message.")},
    )
    # A new key for each page shown: the same form sent twice (a double click, a reload) is stored once.
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    thread_root = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    attachment = forms.FileField(label=_("Attach a file"), required=False)

    def __init__(self, *args, allow_attachment=True, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("client_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = message_help()
        self.fields["body"].error_messages["max_length"] = _(
            "A message holds %(limit_value)d characters at most (this one has %(show_value)d)."
        )
        if allow_attachment:
            self.fields["body"].required = False  # a file alone is a message too (checked in clean)
            self.fields["attachment"].help_text = attachment_help()
            self.fields["attachment"].widget.attrs["accept"] = ",".join(f".{e}" for e in accepted_extensions())
        else:
            del self.fields["attachment"]

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachment") and "body" not in self.errors:
            self.add_error("body", forms.ValidationError(_("Write a message."), code="required"))
        return data


def attachment_help() -> str:
    return _("Optional. The file is added to the workspace's files. At most %(size)s; accepted: %(kinds)s.") % {
        "size": file_size(max_file_size()),
        "kinds": ", ".join(accepted_extensions()),
    }


class EditMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Text of the message"),
        strip=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write a message.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = message_help()


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, error_messages={"required": _("Give the channel a name.")})
    topic = forms.CharField(label=_("Topic"), max_length=250, required=False, help_text=_("Optional: one line."))
    restricted = forms.BooleanField(
        label=_("Restricted: only the members chosen below read it"),
        required=False,
        help_text=_("Otherwise every member of the workspace, guests included, reads the channel."),
    )
    members = forms.MultipleChoiceField(
        label=_("Members of a restricted channel"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You are one of them whatever you choose."),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(user.pk), user.display_name) for user in people]


class PersonChoiceForm(forms.Form):
    user = forms.ChoiceField(label=_("Person"))

    def __init__(self, *args, people=(), label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—")] + [(str(user.pk), user.display_name) for user in people]
        if label:
            self.fields["user"].label = label
