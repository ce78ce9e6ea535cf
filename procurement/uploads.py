"""Upload handler for consultation documents: streams to a temporary file, hashes while streaming,
and stops reading the request as soon as a file passes `PROCUREMENT_DCE_MAX_FILE_SIZE`.

Installed only on the DCE upload views (`install(request)`, before anything reads `request.POST`).
The form's other fields must come before the file in the page, so that they are already parsed
(and can be shown again) when a too large file stops the upload.
"""

import hashlib

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

# What may travel with the file in the same request: the other fields and multipart headers.
_OTHER_FIELDS_MARGIN = 64 * 1024


def max_file_size() -> int:
    return settings.PROCUREMENT_DCE_MAX_FILE_SIZE


class DceUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler (files go to disk, never to memory), plus a size guard and
    a SHA-256 computed chunk by chunk. After parsing, `too_large` says whether a file was refused;
    accepted files carry their `sha256`."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = max_file_size() if limit is None else limit
        self.too_large = False
        self._received = 0
        self._hash = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.content_length = content_length
        return None

    def new_file(self, *args, **kwargs):
        # A request far larger than the limit cannot hold an acceptable file: stop before writing a byte.
        margin = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + _OTHER_FIELDS_MARGIN
        if self.content_length and self.content_length > self.limit + margin:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        super().new_file(*args, **kwargs)
        self._received = 0
        self._hash = hashlib.sha256()

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large = True
            # Closing the temporary file deletes it; the rest of the request is not read.
            self.file.close()
            raise StopUpload(connection_reset=True)
        self._hash.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self._hash.hexdigest()
        return uploaded


def install(request) -> DceUploadHandler:
    """Make `request` parse its files with a `DceUploadHandler` (only), and return it."""
    handler = DceUploadHandler(request)
    request.upload_handlers = [handler]
    return handler
