"""Where an upload's bytes go, chosen by its purpose.

An app registers a sink for each purpose it accepts, from its AppConfig.ready():

    from uploads import sinks
    sinks.register("offre", BidFileSink())

The tus views call the sink's hooks: `may_create` before an upload starts (limits, allowed types, who may
upload), `may_use` for every later request on it (anyone else gets a 404), `start` once, `append` for each piece
read from a PATCH (pieces of at most UPLOADS_READ_BYTES, in order, `final` on the last one of the upload),
`terminate` when the upload is deleted by its owner or expires. `start` and `append` return the sink's state,
stored on the upload with its offset, so that the next piece, maybe in another process, continues from it.
`append` may raise `Refused` to stop an upload (e.g. a deadline passed): the PATCH answers with its status and
message, and the offset stays where it was.
A purpose without a registered sink refuses uploads: nothing is registered by default.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

_sinks: dict = {}


class Refused(Exception):
    """Raised by a sink's `append` to refuse a piece: answered with `status` and the translated `message`."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


class Sink:
    """The hooks with their defaults: anyone logged in may upload, and only the owner may use the upload."""

    def may_create(self, request, metadata: dict, length: int) -> tuple[bool, str]:
        """(True, "") to accept a new upload, or (False, a translated message saying why not)."""
        return True, ""

    def may_use(self, request, upload) -> bool:
        return upload.owner_id == request.user.pk

    def start(self, upload) -> dict:
        raise NotImplementedError

    def append(self, upload, piece: bytes, final: bool) -> dict:
        raise NotImplementedError

    def terminate(self, upload) -> None:
        raise NotImplementedError


class PlainFileSink(Sink):
    """The bytes as they come, in a file of MEDIA_ROOT/uploads/ named after the upload's id.

    Each piece is written at the upload's offset (not appended at the end of the file): bytes that a process
    wrote before dying, without recording them in the offset, are overwritten by the retried chunk."""

    directory = "uploads"

    def _path(self, upload) -> Path:
        return Path(default_storage.path(upload.storage_name))

    def start(self, upload) -> dict:
        upload.storage_name = f"{self.directory}/{upload.pk}"
        path = self._path(upload)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, settings.FILE_UPLOAD_PERMISSIONS or 0o600)
        os.close(fd)
        return {}

    def append(self, upload, piece: bytes, final: bool) -> dict:
        with open(self._path(upload), "r+b") as file:
            file.seek(upload.offset)
            file.truncate()
            file.write(piece)
            if final:
                file.flush()
                os.fsync(file.fileno())
        return upload.sink_state

    def terminate(self, upload) -> None:
        if upload.storage_name:
            self._path(upload).unlink(missing_ok=True)


def register(purpose: str, sink: Sink) -> None:
    """Route the uploads of `purpose` to `sink` (replacing any sink registered before for it)."""
    _sinks[purpose] = sink


def unregister(purpose: str) -> None:
    _sinks.pop(purpose, None)


def get(purpose: str) -> Sink | None:
    return _sinks.get(purpose)
