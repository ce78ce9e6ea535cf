"""Forms of the workspace files: upload, new version, new folder.

They parse what people send; `workspaces.actions.files` checks again (size, type, content) and writes. The
limits are announced on the form; a refused file is named in an error while the other fields keep their value.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from intranet.templatetags.file_sizes import file_size
from workspaces.actions.files import FOLDER_NAME_MAX_LENGTH, accepted_extensions, max_file_size


def limits_help() -> str:
    """The limits in words, shown under every file field (no user input in it: the template marks help safe)."""
    return _(
        "At most %(size)s per file. Accepted: %(kinds)s. A file with the name of one already in the folder "
        "becomes its new version; the old ones are kept."
    ) % {
        "size": file_size(max_file_size()),
        "kinds": ", ".join(accepted_extensions()),
    }


def _accept() -> str:
    return ",".join(f".{extension}" for extension in accepted_extensions())


class _FileField(forms.FileField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_lazy("File"),
            error_messages={"required": _lazy("Please choose a file."), "empty": _lazy("This file is empty.")},
            **kwargs,
        )


def folder_choices(folders) -> list[tuple[str, str]]:
    """The workspace's folders as (id, "Parent / Child") choices, in tree order; the root first."""
    by_parent = {}
    for folder in folders:
        by_parent.setdefault(folder.parent_id, []).append(folder)
    choices = [("", _("(root of the files)"))]

    def walk(parent_id, prefix):
        for folder in sorted(by_parent.get(parent_id, []), key=lambda f: f.name.lower()):
            label = f"{prefix}{folder.name}"
            choices.append((str(folder.pk), label))
            walk(folder.pk, f"{label} / ")

    walk(None, "")
    return choices


class UploadForm(forms.Form):
    folder = forms.ChoiceField(label=_lazy("Folder"), required=False)
    file = _FileField()

    def __init__(self, *args, folders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.folders = {str(folder.pk): folder for folder in folders}
        self.fields["folder"].choices = folder_choices(folders)
        self.fields["file"].help_text = limits_help()
        self.fields["file"].widget.attrs["accept"] = _accept()

    def clean_folder(self):
        value = self.cleaned_data.get("folder") or ""
        return self.folders.get(value)


class VersionForm(forms.Form):
    prefix = "version"
    file = _FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("New version")
        self.fields["file"].help_text = _("At most %(size)s. Accepted: %(kinds)s. The old versions are kept.") % {
            "size": file_size(max_file_size()),
            "kinds": ", ".join(accepted_extensions()),
        }
        self.fields["file"].widget.attrs["accept"] = _accept()


class FolderForm(forms.Form):
    prefix = "folder"
    name = forms.CharField(
        label=_lazy("Name of the new folder"),
        max_length=FOLDER_NAME_MAX_LENGTH,
        error_messages={"required": _lazy("Give the folder a name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    parent = forms.ChoiceField(label=_lazy("Inside"), required=False)

    def __init__(self, *args, folders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.folders = {str(folder.pk): folder for folder in folders}
        self.fields["parent"].choices = folder_choices(folders)

    def clean_parent(self):
        return self.folders.get(self.cleaned_data.get("parent") or "")
