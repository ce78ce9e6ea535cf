"""Writes about workspace files: folders, uploads (a name already in the folder becomes a new version, the old
ones are kept), explicit new versions, soft deletion.

Every upload is checked here (size, extension, content against the extension through `intranet.uploads`),
whoever calls: the files pages, chat attachments, the demo. The browser's content type is never trusted; the
stored name is random (`workspaces.models.file_version_path`); the SHA-256 of each version is kept.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.access import can_act
from intranet.templatetags.file_sizes import file_size
from intranet.uploads import content_ok, extension_of, file_types, upload_name
from workspaces import access
from workspaces.actions.activity import record_activity
from workspaces.models import Activity, File, FileVersion, Folder, Workspace

DEFAULT_FILE_MAX_SIZE = 50_000_000  # 50 MB, decimal as the pages show it
FOLDER_NAME_MAX_LENGTH = Folder._meta.get_field("name").max_length
# Office documents, images and ZIP archives; the content of each is checked against its extension.
ALLOWED_EXTENSIONS = file_types(
    "pdf", "odt", "ods", "odp", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "txt", "md",
    "png", "jpg", "jpeg", "gif", "webp", "zip",
)  # fmt: skip


def max_file_size() -> int:
    return getattr(settings, "WORKSPACES_FILE_MAX_SIZE", DEFAULT_FILE_MAX_SIZE)


def accepted_extensions() -> list[str]:
    return sorted(ALLOWED_EXTENSIONS)


@dataclass
class CheckedUpload:
    file: object
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def _sha256(upload) -> str:
    known = getattr(upload, "sha256", "")
    if known:
        return known
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_workspace_file(upload) -> CheckedUpload:
    """A file fit for a workspace: present, not empty, within the size limit, of an accepted type, and whose
    content is what its extension says. Raises a ValidationError on the `file` field, in words."""
    if not upload:
        raise ValidationError({"file": ValidationError(_("Please choose a file."), code="required")})
    name = "".join(ch for ch in upload_name(upload) if ch.isprintable()).strip() or "fichier"
    extension = extension_of(name)
    limit = max_file_size()
    if upload.size > limit:
        message = _("“%(name)s” is too big (%(size)s): at most %(limit)s per file.") % {
            "name": name,
            "size": file_size(upload.size),
            "limit": file_size(limit),
        }
        raise ValidationError({"file": ValidationError(message, code="too_big")})
    if upload.size == 0:
        message = _("“%(name)s” is empty.") % {"name": name}
        raise ValidationError({"file": ValidationError(message, code="empty")})
    if extension not in ALLOWED_EXTENSIONS:
        message = _("“%(name)s” cannot be added: accepted files are %(kinds)s.") % {
            "name": name,
            "kinds": ", ".join(accepted_extensions()),
        }
        raise ValidationError({"file": ValidationError(message, code="bad_extension")})
    content_type, kind = ALLOWED_EXTENSIONS[extension]
    if not content_ok(upload, extension, kind):
        message = _("“%(name)s” is not a real .%(extension)s file: its content does not match its name.") % {
            "name": name,
            "extension": extension,
        }
        raise ValidationError({"file": ValidationError(message, code="bad_content")})
    return CheckedUpload(upload, name, extension, content_type, upload.size, _sha256(upload))


def _check_can_write(user, workspace: Workspace) -> None:
    if not access.can_write(user, workspace):
        raise PermissionDenied(_("You cannot add files to this workspace."))


def _check_folder(workspace: Workspace, folder: Folder | None) -> None:
    if folder is not None and folder.workspace_id != workspace.pk:
        raise ValidationError({"folder": ValidationError(_("This folder is not in this workspace."), code="invalid")})


def _store_version(file: File, user, checked: CheckedUpload) -> FileVersion:
    """The next version of `file` (whose row the caller holds locked), stored under a random name."""
    number = (file.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = FileVersion(
        file=file,
        number=number,
        original_name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    checked.file.seek(0)
    version.blob.save(checked.name, checked.file, save=False)
    try:
        version.save()
        file.current_version = version
        file.updated_at = version.uploaded_at
        file.save(update_fields=["current_version", "updated_at"])
    except Exception:
        version.blob.delete(save=False)
        raise
    return version


def _file_url(file: File) -> str:
    return reverse("workspaces:file_detail", args=[file.workspace.slug, file.pk])


def do_create_folder(workspace: Workspace, user, *, name, parent: Folder | None = None) -> Folder:
    """A folder in the workspace (at its root or inside `parent`); two folders of one parent have different
    names."""
    _check_can_write(user, workspace)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": ValidationError(_("Give the folder a name."), code="required")})
    if len(name) > FOLDER_NAME_MAX_LENGTH:
        message = _("This name is too long: at most %(limit)s characters.") % {"limit": FOLDER_NAME_MAX_LENGTH}
        raise ValidationError({"name": ValidationError(message, code="max_length")})
    if parent is not None and parent.workspace_id != workspace.pk:
        raise ValidationError({"parent": ValidationError(_("This folder is not in this workspace."), code="invalid")})
    with transaction.atomic():
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        if Folder.objects.filter(workspace=workspace, parent=parent, name__iexact=name).exists():
            message = _("A folder named “%(name)s” already exists here.") % {"name": name}
            raise ValidationError({"name": ValidationError(message, code="exists")})
        return Folder.objects.create(workspace=workspace, parent=parent, name=name, created_by=user)


def do_upload_file(workspace: Workspace, user, upload, *, folder: Folder | None = None) -> File:
    """Add a file to the workspace (in `folder`, or at its root). If a file of the same name is already
    there, the upload becomes its new version and the old ones are kept. Returns the file."""
    _check_can_write(user, workspace)
    _check_folder(workspace, folder)
    checked = check_workspace_file(upload)
    with transaction.atomic():
        # One upload at a time per workspace: two people adding the same name make one file with two versions.
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        file = (
            File.objects.select_for_update()
            .filter(workspace=workspace, folder=folder, name__iexact=checked.name, deleted_at__isnull=True)
            .order_by("pk")
            .first()
        )
        is_new = file is None
        if is_new:
            now = timezone.now()
            file = File.objects.create(
                workspace=workspace, folder=folder, name=checked.name, created_by=user, created_at=now, updated_at=now
            )
        file.workspace = workspace
        _store_version(file, user, checked)
        verb = Activity.Verb.FILE if is_new else Activity.Verb.FILE_VERSION
        record_activity(workspace, user, verb, label=file.name, url=_file_url(file))
    return file


def do_upload_version(file: File, user, upload) -> FileVersion:
    """A new version of `file`, whatever the new file's name (the file keeps its own); the old ones are kept."""
    workspace = file.workspace
    _check_can_write(user, workspace)
    if file.deleted_at is not None:
        raise ValidationError(_("This file has been deleted."), code="deleted")
    checked = check_workspace_file(upload)
    with transaction.atomic():
        locked = File.objects.select_for_update().filter(pk=file.pk, deleted_at__isnull=True).first()
        if locked is None:
            raise ValidationError(_("This file has been deleted."), code="deleted")
        locked.workspace = workspace
        version = _store_version(locked, user, checked)
        record_activity(workspace, user, Activity.Verb.FILE_VERSION, label=locked.name, url=_file_url(locked))
    file.current_version = version
    file.updated_at = locked.updated_at
    return version


def can_delete_file(user, file: File) -> bool:
    """The person who added the file, or the workspace's admins; never in an archived workspace."""
    if not can_act(user) or file.deleted_at is not None or file.workspace.is_archived:
        return False
    if not access.is_workspace_member(user, file.workspace_id):
        return False
    return file.created_by_id == user.pk or access.is_workspace_admin(user, file.workspace_id)


def do_delete_file(file: File, user) -> File:
    """Soft deletion: the file leaves the listings and its downloads answer 404; its versions stay stored."""
    if not can_delete_file(user, file):
        raise PermissionDenied(_("You cannot delete this file."))
    file.deleted_at = timezone.now()
    file.save(update_fields=["deleted_at"])  # the save signals take it out of the search index
    return file
