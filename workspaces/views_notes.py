"""The workspace notes: list, read, write, edit (with conflicts shown, never lost), history, diff, deletion.

Thin views: `workspaces.access` fetches and checks (404 for anyone but the workspace's members), the
actions in `workspaces.actions.notes` validate and write. A save based on an outdated version comes back
with the other person's text beside the person's own, which stays in the form.
"""

import difflib
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from workspaces import access
from workspaces.actions import notes as note_actions
from workspaces.forms_notes import NoteForm
from workspaces.models import Note

NOTES_PER_PAGE = 100
# Unchanged runs longer than this many lines are shortened to their first and last CONTEXT_LINES lines.
CONTEXT_LINES = 2
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _apply(form, write):
    """Run the action; its validation errors go onto the form. Returns the action's result or None."""
    try:
        return write()
    except ValidationError as error:
        _add_errors(form, error)
        return None


def _access_note(request, slug, note_id):
    note = access.access_note(request.user, note_id)
    if note.workspace.slug != slug:
        raise Http404
    return note, access.membership(request.user, note.workspace)


def _note_url(note) -> str:
    return reverse("workspaces:note", args=[note.workspace.slug, note.pk])


# Diff ---------------------------------------------------------------------------------------------


def _merge(segments):
    merged = []
    for kind, text in segments:
        if not text:
            continue
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


def _words(before: str, after: str):
    """A word-level diff of two short texts: (kind, text) with kind "equal", "insert" or "delete"."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    segments = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        segments.append(("delete", "".join(a[i1:i2])))
        segments.append(("insert", "".join(b[j1:j2])))
    return segments


def _shorten(text: str, first: bool, last: bool, starts_mid_line: bool):
    """An unchanged run, shortened to its context: [(kind, text)], kind "equal" or "skip" (text = line count).
    A run that starts or ends inside a changed line keeps that part of the line besides its context lines."""
    lines = text.splitlines(keepends=True)
    keep_before = 0 if first else CONTEXT_LINES + int(starts_mid_line)
    keep_after = 0 if last else CONTEXT_LINES + int(not text.endswith("\n"))
    if len(lines) <= keep_before + keep_after + 1:
        return [("equal", text)]
    segments = []
    if keep_before:
        segments.append(("equal", "".join(lines[:keep_before])))
    segments.append(("skip", str(len(lines) - keep_before - keep_after)))
    if keep_after:
        segments.append(("equal", "".join(lines[-keep_after:])))
    return segments


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """What changed from `before` to `after`: lines first, then words inside replaced lines. Returns
    (kind, text) pairs: "equal", "insert", "delete", or "skip" (unchanged lines left out, text = how many).
    The template escapes every text."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    segments = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
        elif tag == "delete":
            segments.append(("delete", "".join(a[i1:i2])))
        elif tag == "insert":
            segments.append(("insert", "".join(b[j1:j2])))
        else:
            segments.extend(_words("".join(a[i1:i2]), "".join(b[j1:j2])))
    segments = _merge(segments)
    shortened = []
    for index, (kind, text) in enumerate(segments):
        if kind == "equal":
            starts_mid_line = index > 0 and not segments[index - 1][1].endswith("\n")
            shortened.extend(_shorten(text, index == 0, index == len(segments) - 1, starts_mid_line))
        else:
            shortened.append((kind, text))
    return shortened


# Views --------------------------------------------------------------------------------------------


@login_required
@require_GET
def notes(request, slug):
    workspace, member = access.access_workspace(request.user, slug)
    listed = (
        Note.objects.filter(workspace=workspace, deleted_at__isnull=True)
        .select_related("updated_by")
        .order_by(Lower("title"), "pk")
    )
    page = Paginator(listed, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "workspace": workspace,
        "member": member,
        "page_obj": page,
        "notes": page.object_list,
        "can_write": access.can_write(request.user, workspace),
    }
    return render(request, "workspaces/notes_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def note_create(request, slug):
    workspace, member = access.access_workspace(request.user, slug)
    if not access.can_write(request.user, workspace):
        raise PermissionDenied
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        note = _apply(
            form,
            lambda: note_actions.do_create_note(workspace, request.user, title=data["title"], body=data["body"]),
        )
        if note is not None:
            messages.success(request, _("The note “%(title)s” has been created.") % {"title": note.title})
            return HttpResponseRedirect(_note_url(note))
    context = {"workspace": workspace, "member": member, "form": form, "note": None}
    return render(request, "workspaces/notes_form.html", context)


@login_required
@require_GET
def note(request, slug, note_id):
    note, member = _access_note(request, slug, note_id)
    context = {
        "workspace": note.workspace,
        "member": member,
        "note": note,
        "updated_by": note.updated_by,
        "can_edit": note_actions.can_edit_note(request.user, note),
        "can_delete": note_actions.can_delete_note(request.user, note),
    }
    return render(request, "workspaces/notes_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request, slug, note_id):
    """Edit from the version shown; a save over a newer version shows both texts and saves nothing."""
    note, member = _access_note(request, slug, note_id)
    if not note_actions.can_edit_note(request.user, note):
        raise PermissionDenied
    conflict = None
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            saved = None
            try:
                saved = note_actions.do_save_note(
                    note, request.user, title=data["title"], body=data["body"], base_version=data["base_version"]
                )
            except note_actions.NoteConflict as error:
                conflict = error.current
                # The person's text stays; the form is now based on the version they have seen, so saving
                # again is their decision, taken with the other text before their eyes.
                form = NoteForm({"title": data["title"], "body": data["body"], "base_version": conflict.version})
                form.is_valid()
                form.add_error(None, error)
            except ValidationError as error:
                _add_errors(form, error)
            if saved is not None:
                if saved.version == int(data["base_version"] or 0):
                    messages.info(request, _("Nothing has changed: the note is as it was."))
                else:
                    messages.success(
                        request, _("The note has been saved (version %(version)s).") % {"version": saved.version}
                    )
                return HttpResponseRedirect(_note_url(saved))
    else:
        form = NoteForm(initial={"title": note.title, "body": note.body, "base_version": note.version})
    context = {"workspace": note.workspace, "member": member, "form": form, "note": note, "conflict": conflict}
    status = 409 if conflict is not None else 200
    return render(request, "workspaces/notes_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def note_delete(request, slug, note_id):
    note, member = _access_note(request, slug, note_id)
    if not note_actions.can_delete_note(request.user, note):
        raise PermissionDenied
    if request.method == "POST":
        note_actions.do_delete_note(note, request.user)
        messages.success(request, _("The note “%(title)s” has been deleted.") % {"title": note.title})
        return HttpResponseRedirect(reverse("workspaces:notes", args=[note.workspace.slug]))
    return render(
        request, "workspaces/notes_delete.html", {"workspace": note.workspace, "member": member, "note": note}
    )


@login_required
@require_GET
def note_history(request, slug, note_id):
    note, member = _access_note(request, slug, note_id)
    revisions = note.revisions.select_related("author").defer("body")
    context = {"workspace": note.workspace, "member": member, "note": note, "revisions": revisions}
    return render(request, "workspaces/notes_history.html", context)


@login_required
@require_GET
def note_diff(request, slug, note_id, version):
    """What version `version` changed from the one before it (from nothing for the first)."""
    note, member = _access_note(request, slug, note_id)
    revisions = {
        r.version: r for r in note.revisions.filter(version__in=[version - 1, version]).select_related("author")
    }
    revision = revisions.get(version)
    if revision is None:
        raise Http404
    previous = revisions.get(version - 1)
    context = {
        "workspace": note.workspace,
        "member": member,
        "note": note,
        "revision": revision,
        "previous": previous,
        "title_changed": previous is not None and previous.title != revision.title,
        "segments": text_diff(previous.body if previous else "", revision.body),
    }
    return render(request, "workspaces/notes_diff.html", context)
