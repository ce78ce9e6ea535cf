"""Writes about workspace notes: Markdown pages written by the members, each save a numbered revision.

Saving is optimistic: the edit form carries the version it was based on (`base_version`); if someone saved
the note in between, `do_save_note` raises `NoteConflict` carrying the note as they saved it, and nothing is
written. Nobody's text is ever silently overwritten.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intranet.access import can_act
from intranet.text import render_markdown
from workspaces import access
from workspaces.actions.activity import record_activity
from workspaces.models import Activity, Note, NoteRevision, Workspace

TITLE_MAX_LENGTH = Note._meta.get_field("title").max_length
BODY_MAX_LENGTH = 100_000


class NoteConflict(ValidationError):
    """Someone saved the note since the version the edit was based on. `current` is the note as they saved it."""

    def __init__(self, current: Note):
        self.current = current
        name = current.updated_by.display_name if current.updated_by else _("someone")
        super().__init__(
            _(
                "%(name)s saved this note (version %(version)s) while you were editing it. Your text has not been "
                "saved: it is kept in the form below. Compare it with theirs, then save again."
            )
            % {"name": name, "version": current.version},
            code="conflict",
        )


def _clean(title, body) -> tuple[str, str]:
    errors = {}
    title = " ".join((title or "").split())
    body = (body or "").replace("\r\n", "\n").rstrip()
    if not title:
        errors["title"] = ValidationError(_("Give the note a title."), code="required")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = ValidationError(
            _("This title is too long: at most %(limit)s characters, you typed %(typed)s.")
            % {"limit": TITLE_MAX_LENGTH, "typed": number_format(len(title), force_grouping=True)},
            code="max_length",
        )
    if len(body) > BODY_MAX_LENGTH:
        errors["body"] = ValidationError(
            _("This text is too long: at most %(limit)s characters, you typed %(typed)s.")
            % {
                "limit": number_format(BODY_MAX_LENGTH, force_grouping=True),
                "typed": number_format(len(body), force_grouping=True),
            },
            code="max_length",
        )
    if errors:
        raise ValidationError(errors)
    return title, body


def _note_url(note: Note) -> str:
    return reverse("workspaces:note", args=[note.workspace.slug, note.pk])


def can_edit_note(user, note: Note) -> bool:
    return note.deleted_at is None and access.can_write(user, note.workspace)


def can_delete_note(user, note: Note) -> bool:
    """Its author or the workspace's admins, in an active workspace."""
    if note.deleted_at is not None or not access.can_write(user, note.workspace):
        return False
    return note.created_by_id == user.pk or access.is_workspace_admin(user, note.workspace_id)


def do_create_note(workspace: Workspace, user, *, title, body) -> Note:
    if not access.can_write(user, workspace):
        raise PermissionDenied(_("You cannot write notes in this workspace."))
    title, body = _clean(title, body)
    now = timezone.now()
    with transaction.atomic():
        note = Note.objects.create(
            workspace=workspace,
            title=title,
            body=body,
            body_html=render_markdown(body),
            version=1,
            created_by=user,
            created_at=now,
            updated_by=user,
            updated_at=now,
        )
        NoteRevision.objects.create(note=note, version=1, title=title, body=body, author=user, created_at=now)
        record_activity(workspace, user, Activity.Verb.NOTE, label=title, url=_note_url(note))
    return note


def do_save_note(note: Note, user, *, title, body, base_version) -> Note:
    """Save a new version of the note, based on version `base_version`; `NoteConflict` (nothing written) if it
    is not the note's current version any more. Saving the title and text it was based on writes nothing."""
    workspace = note.workspace
    if not can_edit_note(user, note):
        raise PermissionDenied(_("You cannot edit this note."))
    title, body = _clean(title, body)
    try:
        base_version = int(base_version)
    except (TypeError, ValueError):
        raise ValidationError(_("This form is out of date: open the note again."), code="invalid") from None
    if note.version == base_version and note.title == title and note.body == body:
        return note  # nothing to save: the text is the one it was based on
    body_html = render_markdown(body)
    now = timezone.now()
    with transaction.atomic():
        # Compare and swap: the first statement writes, only if the note is still at the version the edit
        # was based on (on every database, without relying on row locks).
        saved = Note.objects.filter(pk=note.pk, version=base_version, deleted_at__isnull=True).update(
            version=base_version + 1, title=title, body=body, body_html=body_html, updated_by=user, updated_at=now
        )
        if not saved:
            current = Note.objects.select_related("updated_by").filter(pk=note.pk).first()
            if current is None or current.deleted_at is not None:
                raise ValidationError(_("This note has been deleted."), code="deleted")
            current.workspace = workspace
            raise NoteConflict(current)
        note.version, note.title, note.body, note.body_html = base_version + 1, title, body, body_html
        note.updated_by, note.updated_at = user, now
        # Saved again through the model (same values, same transaction) so that the save signals run: the
        # search index is updated after commit.
        note.save(update_fields=["version", "title", "body", "body_html", "updated_by", "updated_at"])
        NoteRevision.objects.create(
            note=note, version=note.version, title=title, body=body, author=user, created_at=now
        )
        record_activity(workspace, user, Activity.Verb.NOTE_EDIT, label=title, url=_note_url(note))
    return note


def do_delete_note(note: Note, user) -> Note:
    """Soft deletion: the note leaves the listings and its pages answer 404; its revisions stay stored."""
    if not can_act(user) or not can_delete_note(user, note):
        raise PermissionDenied(_("You cannot delete this note."))
    note.deleted_at = timezone.now()
    note.save(update_fields=["deleted_at"])  # the save signals take it out of the search index
    return note
