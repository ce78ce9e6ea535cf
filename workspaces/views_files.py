"""The workspace files: folder listing, upload, a file's versions (and a new one), download, folders, deletion.

Thin views: `workspaces.access` fetches and checks (404 for anyone but the workspace's members, guests
included), `workspaces.actions.files` checks the upload and writes, then a redirect with a message. A refused
file goes back onto the form with the other fields as they were. Downloads are always attachments, streamed
from storage after the access check, never from MEDIA_URL.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from intranet.forms import apply_action
from workspaces import access
from workspaces.actions import files as file_actions
from workspaces.forms_files import FolderForm, UploadForm, VersionForm
from workspaces.models import File, Folder

FILES_PER_PAGE = 100


def _folders(workspace) -> list[Folder]:
    """All the workspace's folders in one query (the tree is built in Python, whatever its depth)."""
    return list(Folder.objects.filter(workspace=workspace).order_by(Lower("name"), "pk"))


def _trail(folder: Folder | None, folders: list[Folder]) -> list[Folder]:
    """The folder's ancestors from the root down to itself."""
    by_id = {f.pk: f for f in folders}
    trail, seen = [], set()
    while folder is not None and folder.pk not in seen:
        seen.add(folder.pk)
        trail.append(folder)
        folder = by_id.get(folder.parent_id)
    return list(reversed(trail))


def _folder_from(value, folders: list[Folder]) -> Folder | None:
    """The folder named by a `?dossier=` value among the workspace's folders; 404 if it is not one of them."""
    if value in (None, ""):
        return None
    try:
        folder_id = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    for folder in folders:
        if folder.pk == folder_id:
            return folder
    raise Http404


def files_url(workspace, folder=None) -> str:
    url = reverse("workspaces:files", args=[workspace.slug])
    return f"{url}?dossier={folder.pk}" if folder is not None else url


def _access_file(request, slug, file_id):
    """A file of the workspace `slug` and the reader's membership; 404 unless they are a member."""
    file = access.access_file(request.user, file_id)
    if file.workspace.slug != slug:
        raise Http404
    return file, access.membership(request.user, file.workspace)


@login_required
@require_GET
def files(request, slug):
    """One folder of the workspace (its root by default): its sub-folders and files, with upload forms."""
    workspace, member = access.access_workspace(request.user, slug)
    folders = _folders(workspace)
    folder = _folder_from(request.GET.get("dossier"), folders)
    current_id = folder.pk if folder is not None else None
    listed = (
        File.objects.filter(workspace=workspace, folder=folder, deleted_at__isnull=True)
        .select_related("current_version", "current_version__uploaded_by")
        .order_by(Lower("name"), "pk")
    )
    page = Paginator(listed, FILES_PER_PAGE).get_page(request.GET.get("page"))
    can_write = access.can_write(request.user, workspace)
    context = {
        "workspace": workspace,
        "member": member,
        "folder": folder,
        "trail": _trail(folder, folders),
        "subfolders": [f for f in folders if f.parent_id == current_id],
        "page_obj": page,
        "files": page.object_list,
        "query_prefix": f"dossier={folder.pk}&" if folder is not None else "",
        "can_write": can_write,
    }
    if can_write:
        context["upload_form"] = UploadForm(folders=folders, initial={"folder": current_id or ""})
        context["folder_form"] = FolderForm(folders=folders, initial={"parent": current_id or ""})
    return render(request, "workspaces/files_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def file_upload(request, slug):
    """The upload page (also the target of the listing's upload form)."""
    workspace, member = access.access_workspace(request.user, slug)
    if not access.can_write(request.user, workspace):
        raise PermissionDenied
    folders = _folders(workspace)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, folders=folders)
        if form.is_valid():
            folder = form.cleaned_data["folder"]
            upload = form.cleaned_data["file"]
            file = apply_action(
                form, lambda: file_actions.do_upload_file(workspace, request.user, upload, folder=folder)
            )
            if file is not None:
                number = file.current_version.number
                if number > 1:
                    message = _("“%(name)s” was already in this folder: your file is its new version %(number)s.")
                    messages.success(request, message % {"name": file.name, "number": number})
                else:
                    messages.success(request, _("“%(name)s” has been added.") % {"name": file.name})
                return HttpResponseRedirect(files_url(workspace, folder))
    else:
        folder = _folder_from(request.GET.get("dossier"), folders)
        form = UploadForm(folders=folders, initial={"folder": folder.pk if folder else ""})
    context = {"workspace": workspace, "member": member, "form": form}
    return render(request, "workspaces/files_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def folder_create(request, slug):
    workspace, member = access.access_workspace(request.user, slug)
    if not access.can_write(request.user, workspace):
        raise PermissionDenied
    folders = _folders(workspace)
    if request.method == "POST":
        form = FolderForm(request.POST, folders=folders)
        if form.is_valid():
            data = form.cleaned_data
            created = apply_action(
                form,
                lambda: file_actions.do_create_folder(
                    workspace, request.user, name=data["name"], parent=data["parent"]
                ),
            )
            if created is not None:
                messages.success(request, _("The folder “%(name)s” has been created.") % {"name": created.name})
                return HttpResponseRedirect(files_url(workspace, created))
    else:
        parent = _folder_from(request.GET.get("dossier"), folders)
        form = FolderForm(folders=folders, initial={"parent": parent.pk if parent else ""})
    return render(request, "workspaces/files_folder.html", {"workspace": workspace, "member": member, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def file_detail(request, slug, file_id):
    """A file's versions (who uploaded what, when, how big) and the form for a new version."""
    file, member = _access_file(request, slug, file_id)
    workspace = file.workspace
    can_write = access.can_write(request.user, workspace)
    form = None
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        form = VersionForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            version = apply_action(form, lambda: file_actions.do_upload_version(file, request.user, upload))
            if version is not None:
                messages.success(
                    request,
                    _("Version %(number)s of “%(name)s” has been added.")
                    % {"number": version.number, "name": file.name},
                )
                return HttpResponseRedirect(reverse("workspaces:file_detail", args=[workspace.slug, file.pk]))
    elif can_write:
        form = VersionForm()
    folders = _folders(workspace) if file.folder_id else []
    folder = next((f for f in folders if f.pk == file.folder_id), None)
    context = {
        "workspace": workspace,
        "member": member,
        "file": file,
        "versions": file.versions.select_related("uploaded_by"),
        "trail": _trail(folder, folders),
        "folder": folder,
        "form": form,
        "can_write": can_write,
        "can_delete": file_actions.can_delete_file(request.user, file),
        "back_url": files_url(workspace, folder),
    }
    return render(request, "workspaces/files_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def file_delete(request, slug, file_id):
    """Confirm, then delete (soft): by the person who added the file or the workspace's admins."""
    file, member = _access_file(request, slug, file_id)
    if not file_actions.can_delete_file(request.user, file):
        raise PermissionDenied
    if request.method == "POST":
        file_actions.do_delete_file(file, request.user)
        messages.success(request, _("“%(name)s” has been deleted.") % {"name": file.name})
        return HttpResponseRedirect(files_url(file.workspace, file.folder))
    return render(
        request, "workspaces/files_delete.html", {"workspace": file.workspace, "member": member, "file": file}
    )


@login_required
@require_GET
def file_download(request, file_id):
    """The current version (or `?version=<n>`) as an attachment, for the workspace's members only."""
    file = access.access_file(request.user, file_id)
    version = file.current_version
    requested = request.GET.get("version")
    if requested:
        try:
            version = file.versions.filter(number=int(requested)).first()
        except (TypeError, ValueError):
            raise Http404 from None
    if version is None:
        raise Http404
    try:
        handle = version.blob.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=version.original_name, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
