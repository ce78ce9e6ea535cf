"""Consultation documents (DCE) as people read them: grouped by whole notice and lot on the notice
page, and the whole DCE (or one lot's part) streamed as a ZIP built on the fly."""

import stat
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stream_zip import ZIP_AUTO, stream_zip

from procurement import access
from procurement.models import ConsultationDocument, NoticePage

CHUNK_SIZE = 64 * 1024
ZIP_COMPRESSION_LEVEL = 6


@dataclass
class DocumentGroup:
    """The documents of the whole notice (lot_number None) or of one lot."""

    lot_number: int | None
    heading: str
    documents: list = field(default_factory=list)

    @property
    def total_size(self) -> int:
        return sum(document.current.size for document in self.documents)


def current_documents(notice: NoticePage, lot_number: int | None = None):
    """The documents on offer (not removed, with a file), with their current version: all of them,
    or one lot's with the common ones (whole notice), which a bid for that lot needs too."""
    documents = ConsultationDocument.objects.filter(
        notice=notice, removed_at__isnull=True, current__isnull=False
    ).select_related("current")
    if lot_number is not None:
        documents = documents.filter(Q(lot_number=lot_number) | Q(lot_number__isnull=True))
    return documents


def document_groups(notice: NoticePage, documents, lots=None) -> list[DocumentGroup]:
    """Whole notice first, then each of the notice's lots in order (empty groups included: the notice
    page leaves them out, the buyers' page shows them)."""
    lots = list(notice.lots.all()) if lots is None else lots
    groups = {None: DocumentGroup(None, _("Whole notice"))}
    for lot in sorted(lots, key=lambda lot: lot.number):
        groups[lot.number] = DocumentGroup(
            lot.number, _("Lot %(number)s: %(title)s") % {"number": lot.number, "title": lot.title}
        )
    for document in documents:
        if document.lot_number not in groups:  # a lot since taken off the notice
            groups[document.lot_number] = DocumentGroup(
                document.lot_number, _("Lot %(number)s") % {"number": document.lot_number}
            )
        groups[document.lot_number].documents.append(document)
    return list(groups.values())


def page_context(request, notice) -> dict:
    user = request.user
    groups = [group for group in document_groups(notice, current_documents(notice)) if group.documents]
    return {
        "dce_groups": groups,
        "dce_document_count": sum(len(group.documents) for group in groups),
        "dce_may_identify": access.can_download_identified(user),
        "dce_is_buyer": access.is_notice_buyer(user, notice),
        "dce_login_url": "" if user.is_authenticated else f"{reverse('login')}?{urlencode({'next': notice.url or ''})}",
    }


# --- files and ZIP ------------------------------------------------------------------------------


def read_chunks(version, chunk_size: int = CHUNK_SIZE):
    """The stored file of `version`, chunk by chunk, closed at the end."""
    with version.file.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def zip_name(notice: NoticePage, lot_number: int | None = None) -> str:
    reference = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in notice.reference) or "dce"
    if lot_number is None:
        return f"DCE-{reference}.zip"
    return f"DCE-{reference}-lot-{lot_number}.zip"


def _safe_part(name: str) -> str:
    """A file name fit for a ZIP entry: no folders, no control characters, never empty."""
    name = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable()).strip(" .")
    return name or "document"


def zip_entries(documents) -> list[tuple[str, object]]:
    """(path in the ZIP, version) for each document: one folder per lot, names made unique
    (“CCTP.pdf”, “CCTP (2).pdf”...) so that no file hides another."""
    entries, taken = [], set()
    for document in documents:
        folder = "" if document.lot_number is None else _("Lot %(number)s") % {"number": document.lot_number} + "/"
        name = _safe_part(document.current.filename)
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, counter = folder + name, 1
        while candidate.lower() in taken:
            counter += 1
            candidate = f"{folder}{stem} ({counter}){dot}{extension}"
        taken.add(candidate.lower())
        entries.append((candidate, document.current))
    return entries


def zip_stream(entries):
    """The ZIP of `entries`, as a generator of bytes: each file read in chunks, nothing held whole."""
    mode = stat.S_IFREG | 0o644

    def members():
        for path, version in entries:
            modified = timezone.localtime(version.uploaded_at).replace(tzinfo=None)
            yield path, modified, mode, ZIP_AUTO(version.size, level=ZIP_COMPRESSION_LEVEL), read_chunks(version)

    yield from stream_zip(members(), chunk_size=CHUNK_SIZE)
