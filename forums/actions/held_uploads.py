"""Files kept across a failed submission, so that nobody has to choose them again.

When a new topic, reply or edit comes back with an error, each uploaded file that passes its own checks
(forums.actions.posting.check_file) is stored under forums/held/<random hex> in the default storage and
remembered in the person's session. The form lists them; the next submission hands them back to the
posting action, which validates them again and attaches them. They are never served from there: no URL
leads to the holding area and only their owner's session knows them. Held files older than a day are
removed whenever new files are held.
"""

import logging
import secrets
import time
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.actions.posting import MAX_ATTACHMENTS, check_file, file_size_label

logger = logging.getLogger(__name__)

SESSION_KEY = "forum_held_uploads"
FOLDER = "forums/held"
MAX_AGE = timedelta(days=1)


class HeldFile(File):
    """A held file opened from storage, named as the person named it."""

    def __init__(self, file, *, name: str, token: str):
        super().__init__(file, name=name)
        self.token = token


def _entries(session) -> dict:
    entries = session.get(SESSION_KEY)
    return dict(entries) if isinstance(entries, dict) else {}


def _store(session, entries: dict) -> None:
    if entries:
        session[SESSION_KEY] = entries
    else:
        session.pop(SESSION_KEY, None)


def _delete(path: str) -> None:
    if not path.startswith(f"{FOLDER}/"):
        return
    try:
        default_storage.delete(path)
    except OSError:
        logger.warning("Could not delete the held upload %s", path, exc_info=True)


def _own(entries: dict, user, tokens) -> list[str]:
    """The tokens, in order and once each, that are in this session and belong to `user`."""
    wanted = []
    for token in tokens or ():
        entry = entries.get(token)
        if entry and entry.get("user_id") == user.pk and token not in wanted:
            wanted.append(token)
    return wanted


def describe(session, user, tokens) -> list[dict]:
    """What the form lists: token, original name and size of each of the person's held files."""
    entries = _entries(session)
    return [
        {"token": token, "name": entries[token]["name"], "size": file_size_label(entries[token]["size"])}
        for token in _own(entries, user, tokens)
    ]


def open_held(session, user, tokens) -> list[HeldFile]:
    """Open the person's held files for the posting action; other tokens are ignored. Close them after."""
    entries = _entries(session)
    opened = []
    for token in _own(entries, user, tokens):
        entry = entries[token]
        try:
            handle = default_storage.open(entry["path"], "rb")
        except OSError:
            entries.pop(token)  # gone from the storage: forget it
            continue
        opened.append(HeldFile(handle, name=entry["name"], token=token))
    _store(session, entries)
    return opened


def release(session, user, tokens) -> None:
    """Forget the person's held files (attached, or left out) and delete them from the holding area."""
    entries = _entries(session)
    for token in _own(entries, user, tokens):
        _delete(entries.pop(token)["path"])
    _store(session, entries)


def _sweep(entries: dict) -> None:
    """Remove held files older than a day: this session's, then any left in the folder by other sessions."""
    limit = time.time() - MAX_AGE.total_seconds()
    for token, entry in list(entries.items()):
        if entry.get("held_at", 0) < limit:
            _delete(entries.pop(token)["path"])
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except (OSError, NotImplementedError):
        return
    cutoff = timezone.now() - MAX_AGE
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                _delete(path)
        except (OSError, NotImplementedError):
            continue


def hold(session, user, uploads, keep=()) -> tuple[list[dict], list[ValidationError]]:
    """Hold the `uploads` that pass their own checks, next to the held files in `keep`.

    Returns what the form lists (as `describe`) and one error per file not held, saying why.
    At most MAX_ATTACHMENTS files are held per session: older held files of other forms make room first.
    """
    entries = _entries(session)
    _sweep(entries)
    kept = _own(entries, user, keep)
    errors = []
    for upload in [upload for upload in uploads or () if upload]:
        try:
            checked = check_file(upload)
        except ValidationError as error:
            errors.append(error)
            continue
        if len(kept) >= MAX_ATTACHMENTS:
            errors.append(
                ValidationError(
                    _("“%(name)s” was not kept: at most %(limit)s files per message.")
                    % {"name": checked.name, "limit": MAX_ATTACHMENTS},
                    code="too_many",
                )
            )
            continue
        others = sorted((entry["held_at"], token) for token, entry in entries.items() if token not in kept)
        while len(entries) >= MAX_ATTACHMENTS and others:
            _delete(entries.pop(others.pop(0)[1])["path"])
        upload.seek(0)
        path = default_storage.save(f"{FOLDER}/{secrets.token_hex(16)}", upload)
        token = secrets.token_hex(16)
        entries[token] = {
            "name": checked.name,
            "path": path,
            "size": checked.size,
            "content_type": checked.content_type,
            "user_id": user.pk,
            "held_at": time.time(),
        }
        kept.append(token)
    _store(session, entries)
    return describe(session, user, kept), errors
