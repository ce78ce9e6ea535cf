"""What an uploaded file really is: its extension, the content type we store for it, and whether its content
matches that extension (magic bytes, or a real image, or text). The browser's content type is never trusted.

Each app chooses which of these extensions it accepts (forum attachments, workspace files) and its own size
limit; the checks of the content are the same for everyone.
"""

import zipfile

# Extension -> (stored content type, kind of check).
FILE_TYPES = {
    "png": ("image/png", "image"),
    "jpg": ("image/jpeg", "image"),
    "jpeg": ("image/jpeg", "image"),
    "gif": ("image/gif", "image"),
    "webp": ("image/webp", "image"),
    "pdf": ("application/pdf", "pdf"),
    "odt": ("application/vnd.oasis.opendocument.text", "zip"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "zip"),
    "odp": ("application/vnd.oasis.opendocument.presentation", "zip"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "zip"),
    "zip": ("application/zip", "zip"),
    "doc": ("application/msword", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
    "ppt": ("application/vnd.ms-powerpoint", "ole"),
    "txt": ("text/plain", "text"),
    "csv": ("text/csv", "text"),
    "md": ("text/markdown", "text"),
}
IMAGE_FORMATS = {"png": {"PNG"}, "jpg": {"JPEG"}, "jpeg": {"JPEG"}, "gif": {"GIF"}, "webp": {"WEBP"}}
# Word 97-2003, Excel and PowerPoint files are OLE2 compound documents.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def file_types(*extensions: str) -> dict[str, tuple[str, str]]:
    """The table restricted to an app's accepted extensions (each must be known here)."""
    return {extension: FILE_TYPES[extension] for extension in extensions}


def upload_name(upload) -> str:
    """The file's own name, without any folder the browser may send, as stored and shown."""
    return (getattr(upload, "name", "") or "fichier").replace("\\", "/").rsplit("/", 1)[-1][:255] or "fichier"


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _head(upload, length: int) -> bytes:
    upload.seek(0)
    data = upload.read(length)
    upload.seek(0)
    return data


def content_ok(upload, extension: str, kind: str) -> bool:
    """Whether the content is what the extension says (`kind` from `FILE_TYPES`)."""
    if kind == "image":
        from PIL import Image

        try:
            upload.seek(0)
            with Image.open(upload) as image:
                image_format = image.format
                image.verify()
        except Exception:  # noqa: BLE001 - Pillow raises many kinds for a non-image
            return False
        finally:
            upload.seek(0)
        return image_format in IMAGE_FORMATS[extension]
    if kind == "pdf":
        return _head(upload, 5) == b"%PDF-"
    if kind == "ole":
        return _head(upload, 8) == _OLE_MAGIC
    if kind == "zip":
        if _head(upload, 4) != b"PK\x03\x04":
            return False
        try:
            upload.seek(0)
            return zipfile.is_zipfile(upload)
        finally:
            upload.seek(0)
    if kind == "text":
        data = _head(upload, 64 * 1024)
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is fine; anything else is not text.
            if error.start < len(data) - 4:
                try:
                    data.decode("cp1252")
                except UnicodeDecodeError:
                    return False
        return True
    return False


_IMAGE_MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}


def head_ok(head: bytes, extension: str, kind: str) -> bool:
    """Whether the first bytes of a file are what its extension says, for files checked as they stream in
    (sealed as they arrive: the whole content is never available in clear). Weaker than `content_ok` for
    images and archives (the magic number only), the same for PDF, OLE and text."""
    if kind == "image":
        if extension == "webp":
            return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        return head.startswith(_IMAGE_MAGIC.get(extension, (b"\x00\x00",)))
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "ole":
        return head.startswith(_OLE_MAGIC)
    if kind == "zip":
        return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))
    if kind == "text":
        import io

        return content_ok(io.BytesIO(head[: 64 * 1024]), extension, kind)
    return False
