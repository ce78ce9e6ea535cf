"""The tus 1.0.0 server: core protocol, creation, termination and expiration (https://tus.io/protocols/resumable-upload).

The bytes of a PATCH are read from the request in pieces of at most UPLOADS_READ_BYTES and handed to the
purpose's sink one by one, never as a whole body, and a PATCH may carry at most UPLOADS_MAX_CHUNK_BYTES (some
ASGI servers, Daphne among them, hold a whole request body in memory before the view runs). The offset is
recorded after every piece, so that a connection dropped mid-PATCH resumes from what was really written.

Two PATCHes never append to the same upload at once: a PATCH first claims the upload with a conditional UPDATE
(only at the offset it names, only if no other PATCH holds it), without holding a database transaction or lock
while the bytes arrive. A claim whose PATCH died is taken over after UPLOADS_WRITER_TIMEOUT without a piece.

The views are called by a same-origin script with the session cookie: Django's CSRF protection applies, with
the token in the X-CSRFToken header. Anyone but the owner (as the sink's `may_use` decides) gets a 404.
"""

import base64
import binascii
import re
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, UnreadablePostError
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views import View

from uploads import sinks
from uploads.models import Upload

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,expiration"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
_DIGITS = re.compile(r"^[0-9]{1,18}$")
_METADATA_KEY = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class BadMetadata(ValueError):
    pass


def parse_metadata(header: str) -> dict:
    """Upload-Metadata ("key base64value,key2 base64value,flag") as a dict of text values (None for a flag)."""
    metadata = {}
    if not header.strip():
        return metadata
    for pair in header.split(","):
        parts = pair.strip().split(" ")
        if len(parts) > 2 or not _METADATA_KEY.match(parts[0]) or parts[0] in metadata:
            raise BadMetadata(pair)
        if len(parts) == 1:
            metadata[parts[0]] = None
            continue
        try:
            metadata[parts[0]] = base64.b64decode(parts[1], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise BadMetadata(pair) from exc
    return metadata


def format_metadata(metadata: dict) -> str:
    """The Upload-Metadata header for `metadata`, as the client sent it (keys in the same order)."""
    return ",".join(
        key if value is None else f"{key} {base64.b64encode(value.encode()).decode()}"
        for key, value in metadata.items()
    )


def _response(status: int, message: str = "", **headers) -> HttpResponse:
    """A tus response: its status says what happened; the short text body says it to a person."""
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = str(value)
    return response


def _expiry_headers(upload: Upload) -> dict:
    if upload.is_complete or upload.expires_at is None:
        return {}
    return {"Upload_Expires": http_date(upload.expires_at.timestamp())}


def _header_int(request, name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if _DIGITS.match(value) else None


def _not_found() -> HttpResponse:
    return _response(404, _("No such upload."))


class TusView(View):
    """The checks every tus request goes through, and the discovery answer to OPTIONS."""

    http_method_names = ["options"]

    def dispatch(self, request, *args, **kwargs):
        if request.method != "OPTIONS":
            if request.method.lower() not in self.http_method_names:
                return self.http_method_not_allowed(request, *args, **kwargs)
            if request.headers.get("Tus-Resumable") != TUS_VERSION:
                response = _response(412, _("This server speaks version %s of the tus protocol.") % TUS_VERSION)
                response["Tus-Version"] = TUS_VERSION
                return response
            if not request.user.is_authenticated:
                return _response(403, _("Log in to upload files."))
        return super().dispatch(request, *args, **kwargs)

    def options(self, request, *args, **kwargs):
        return _response(
            204,
            Tus_Version=TUS_VERSION,
            Tus_Extension=TUS_EXTENSIONS,
            Tus_Max_Size=settings.UPLOADS_MAX_SIZE,
            Allow=", ".join(method.upper() for method in self.http_method_names),
        )


class CreationView(TusView):
    """POST /televersements/<purpose>/: a new upload of Upload-Length bytes; 201 with its address."""

    http_method_names = ["post", "options"]

    def post(self, request, purpose):
        sink = sinks.get(purpose)
        if sink is None:
            return _not_found()
        if "Upload-Defer-Length" in request.headers:
            return _response(400, _("The size of the file must be known before the upload starts."))
        length = _header_int(request, "Upload-Length")
        if length is None:
            return _response(400, _("The size of the file is missing or invalid."))
        if length > settings.UPLOADS_MAX_SIZE:
            return _response(413, _("The file is larger than the largest upload allowed."))
        try:
            metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
        except BadMetadata:
            return _response(400, _("The file's description (Upload-Metadata) is invalid."))
        allowed, message = sink.may_create(request, metadata, length)
        if not allowed:
            return _response(403, message)
        now = timezone.now()
        with transaction.atomic():
            upload = Upload.objects.create(
                owner=request.user,
                purpose=purpose,
                length=length,
                metadata=metadata,
                created_at=now,
                updated_at=now,
                expires_at=now + settings.UPLOADS_EXPIRE_AFTER,
            )
            upload.sink_state = sink.start(upload)
            if length == 0:
                upload.sink_state = sink.append(upload, b"", True)
                upload.state = Upload.State.COMPLETE
            upload.save(update_fields=["storage_name", "sink_state", "state"])
        location = reverse("uploads:upload", kwargs={"purpose": purpose, "upload_id": upload.pk})
        return _response(201, Location=location, Upload_Offset=upload.offset, **_expiry_headers(upload))


class UploadView(TusView):
    """HEAD (where to resume), PATCH (append bytes at Upload-Offset), DELETE (give up) on one upload."""

    http_method_names = ["head", "patch", "delete", "options"]

    def _upload(self, request, purpose, upload_id) -> tuple[Upload | None, sinks.Sink | None]:
        sink = sinks.get(purpose)
        upload = Upload.objects.filter(pk=upload_id, purpose=purpose).first()
        if sink is None or upload is None or not sink.may_use(request, upload):
            return None, None
        if upload.expires_at is not None and upload.expires_at <= timezone.now():
            return None, None
        return upload, sink

    def head(self, request, purpose, upload_id):
        upload, sink = self._upload(request, purpose, upload_id)
        if upload is None:
            return _response(404)
        headers = {"Upload_Offset": upload.offset, "Upload_Length": upload.length, **_expiry_headers(upload)}
        if upload.metadata:
            headers["Upload_Metadata"] = format_metadata(upload.metadata)
        return _response(200, **headers)

    def delete(self, request, purpose, upload_id):
        upload, sink = self._upload(request, purpose, upload_id)
        if upload is None:
            return _not_found()
        deleted, _counts = _unclaimed(Upload.objects.filter(pk=upload.pk)).delete()
        if not deleted:
            return _response(423, _("This upload is receiving data; try again in a moment."))
        sink.terminate(upload)
        return _response(204)

    def patch(self, request, purpose, upload_id):
        upload, sink = self._upload(request, purpose, upload_id)
        if upload is None:
            return _not_found()
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != OFFSET_CONTENT_TYPE:
            return _response(415, _("Upload data must be sent as %s.") % OFFSET_CONTENT_TYPE)
        offset = _header_int(request, "Upload-Offset")
        if offset is None:
            return _response(400, _("The offset of the data (Upload-Offset) is missing or invalid."))
        size = _header_int(request, "Content-Length")
        if size is None:
            return _response(411, _("The size of the data (Content-Length) is missing."))
        if size > settings.UPLOADS_MAX_CHUNK_BYTES:
            message = _("A request may carry at most %(size)s bytes: send the file in smaller parts.")
            return _response(413, message % {"size": settings.UPLOADS_MAX_CHUNK_BYTES})
        if offset != upload.offset:
            return _offset_conflict(upload)
        if offset + size > upload.length:
            return _response(413, _("The data goes beyond the size announced for the file."))
        if size == 0:
            return _response(204, Upload_Offset=upload.offset, **_expiry_headers(upload))
        writer = uuid.uuid4()
        claimed = _unclaimed(Upload.objects.filter(pk=upload.pk, offset=offset, state=Upload.State.RECEIVING)).update(
            writer=writer, writer_seen_at=timezone.now()
        )
        if not claimed:
            upload = Upload.objects.filter(pk=upload.pk).first()
            if upload is None:
                return _not_found()
            if upload.offset != offset:
                return _offset_conflict(upload)
            return _response(423, _("This upload is receiving data; try again in a moment."))
        try:
            received, kept = _receive(request, upload, sink, writer, size)
        except sinks.Refused as refusal:
            return _response(refusal.status, refusal.message, Upload_Offset=upload.offset)
        finally:
            Upload.objects.filter(pk=upload.pk, writer=writer).update(writer=None, writer_seen_at=None)
        if not kept:
            return _response(409, _("Another request took this upload over."))
        if received < size:
            message = _("The data stopped before its announced size: resume from Upload-Offset.")
            return _response(400, message, Upload_Offset=upload.offset)
        return _response(204, Upload_Offset=upload.offset, **_expiry_headers(upload))


def _unclaimed(uploads):
    """The uploads no PATCH is writing to (or whose PATCH died: nothing received for UPLOADS_WRITER_TIMEOUT)."""
    stale = timezone.now() - settings.UPLOADS_WRITER_TIMEOUT
    return uploads.filter(Q(writer__isnull=True) | Q(writer_seen_at__lt=stale))


def _offset_conflict(upload: Upload) -> HttpResponse:
    message = _("These data do not start where the upload stands: resume from Upload-Offset.")
    return _response(409, message, Upload_Offset=upload.offset)


def _receive(request, upload: Upload, sink: sinks.Sink, writer: uuid.UUID, size: int) -> tuple[int, bool]:
    """Read up to `size` bytes piece by piece into the sink, recording the offset after each piece.

    Returns (bytes received, whether the claim was kept throughout); `upload` is left as recorded."""
    received = 0
    mine = Upload.objects.filter(pk=upload.pk, writer=writer)
    while received < size:
        try:
            piece = request.read(min(settings.UPLOADS_READ_BYTES, size - received))
        except UnreadablePostError:
            break  # the connection dropped: what was written stays, the client resumes from HEAD
        if not piece:
            break
        now = timezone.now()
        # Still ours? A claim is only taken over after a long silence, which the read just above has ended.
        if not mine.update(writer_seen_at=now):
            return received, False
        final = upload.offset + len(piece) == upload.length
        upload.sink_state = sink.append(upload, piece, final)
        upload.offset += len(piece)
        upload.updated_at = now
        upload.expires_at = now + settings.UPLOADS_EXPIRE_AFTER
        if final:
            upload.state = Upload.State.COMPLETE
        mine.update(
            offset=upload.offset,
            sink_state=upload.sink_state,
            state=upload.state,
            updated_at=now,
            expires_at=upload.expires_at,
            writer_seen_at=now,
        )
        received += len(piece)
    return received, True
