"""Every write on a notice's consultation documents (DCE): add, replace, remove.

Each change bumps the notice's DCE version. Before the first publication changes are free; after it,
each needs a reason and is recorded as an amendment (`do_record_amendment`), which tells identified
downloaders and followers. Removed documents and replaced files stay: they are part of the download
history.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet import access as core_access
from intranet import audit
from intranet.models import AuditEvent
from procurement import access
from procurement.actions.amendments import do_record_amendment
from procurement.models import ConsultationDocument, DocumentVersion, NoticePage
from procurement.uploads import max_file_size

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 255
REASON_REQUIRED = gettext_lazy(
    "This notice is published: please give the reason for this change (companies are told of it)."
)
TITLE_REQUIRED = gettext_lazy("Please give the document a title.")
ALLOWED_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx odt ods odg ppt pptx rtf txt csv zip dwg dxf jpg jpeg png tif tiff xml".split()
)


def size_label(value: int) -> str:
    """“200 MB”, “1.5 MB”, “12 KB”: sizes as people read them."""
    mb = 1024 * 1024
    if value >= mb:
        decimals = 0 if value % mb == 0 else 1
        return _("%(size)s MB") % {"size": number_format(value / mb, decimals)}
    return _("%(size)s KB") % {"size": number_format(max(1, round(value / 1024)))}


def too_large_message(limit: int | None = None) -> str:
    return _("The file is larger than the %(limit)s allowed.") % {"limit": size_label(limit or max_file_size())}


@dataclass
class CheckedUpload:
    file: object
    name: str
    size: int
    sha256: str


def upload_name(upload) -> str:
    """The file's own name, without any folder the browser may send."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:TITLE_MAX_LENGTH]


def check_upload(upload) -> CheckedUpload:
    """A file fit for the DCE: present, not empty, within the size limit, with an accepted extension.
    Its SHA-256 comes from the upload handler, or is computed chunk by chunk."""
    if not upload:
        raise ValidationError({"file": ValidationError(_("Please choose a file."), code="required")})
    name = upload_name(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("“%(name)s” cannot be added: accepted files are %(kinds)s.")
                    % {"name": name or "?", "kinds": ", ".join(sorted(ALLOWED_EXTENSIONS))},
                    code="bad_extension",
                )
            }
        )
    if not upload.size:
        raise ValidationError({"file": ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")})
    if upload.size > max_file_size():
        raise ValidationError({"file": ValidationError(too_large_message(), code="too_large")})
    digest = getattr(upload, "sha256", None)
    if not digest:
        hasher = hashlib.sha256()
        for chunk in upload.chunks():
            hasher.update(chunk)
        digest = hasher.hexdigest()
    return CheckedUpload(upload, name, upload.size, digest)


def clean_title(title: str, default: str = "") -> str:
    title = " ".join((title or "").split()) or default
    if not title:
        raise ValidationError({"title": ValidationError(TITLE_REQUIRED, code="required")})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": ValidationError(
                    _("This title is too long: at most %(limit)s characters.") % {"limit": TITLE_MAX_LENGTH},
                    code="max_length",
                )
            }
        )
    return title


def clean_lot(notice: NoticePage, lot_number) -> int | None:
    if lot_number in (None, ""):
        return None
    numbers = set(notice.lots.values_list("number", flat=True))
    try:
        number = int(lot_number)
    except (TypeError, ValueError):
        number = None
    if number not in numbers:
        raise ValidationError({"lot": ValidationError(_("Please choose one of the notice's lots."), code="invalid")})
    return number


def needs_reason(notice: NoticePage) -> bool:
    """Once published, every DCE change is an amendment, which needs a reason."""
    return notice.first_published_at is not None


def clean_reason(notice: NoticePage, reason: str) -> str:
    reason = (reason or "").strip()
    if needs_reason(notice) and not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    REASON_REQUIRED,
                    code="required",
                )
            }
        )
    return reason


def _collect(errors: dict, clean, *args):
    """Run one check; its errors join `errors` (so that the form shows them all at once)."""
    try:
        return clean(*args)
    except ValidationError as error:
        errors.update(error.error_dict)
        return None


def _check_permission(actor, notice: NoticePage) -> None:
    if not (access.is_notice_buyer(actor, notice) and core_access.can_act(actor)):
        raise PermissionDenied
    if notice.cancelled_at or notice.outcome:
        # The consultation is over: its documents are the record of what companies answered to.
        raise ValidationError(
            _("This call for tender is closed (cancelled or decided): its documents can no longer change."),
            code="closed",
        )


def _bump_dce_version(notice: NoticePage) -> int:
    """Next DCE version, taken under the notice row's write lock (the UPDATE), so concurrent changes
    each get their own number."""
    NoticePage.objects.filter(pk=notice.pk).update(dce_version=F("dce_version") + 1)
    notice.dce_version = NoticePage.objects.filter(pk=notice.pk).values_list("dce_version", flat=True).get()
    return notice.dce_version


def _describe(document: ConsultationDocument, version: DocumentVersion | None) -> str:
    if version is None:
        return document.title
    return _("%(title)s — %(filename)s (version %(number)s)") % {
        "title": document.title,
        "filename": version.filename,
        "number": version.number,
    }


def _save_version(document, checked: CheckedUpload, number: int, actor, dce_version: int) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        filename=checked.name,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        dce_version=dce_version,
    )
    version.file = checked.file  # stored under a random name by the field's upload_to
    try:
        version.save()
    except Exception:
        _delete_stored(version)  # the file is written before the row
        raise
    document.current = version
    document.save(update_fields=["current"])
    return version


def _delete_stored(version: DocumentVersion | None) -> None:
    """After a rolled back write: the file stored during it must not stay behind."""
    if version is not None and version.file.name:
        try:
            version.file.storage.delete(version.file.name)
        except OSError:
            logger.warning("could not delete %s after a failed DCE change", version.file.name)


def _record(notice, *, actor, request, verb, document, version=None, reason="", before="", after="") -> None:
    audit.record(
        AuditEvent.Action.NOTICE_EVENT,
        actor=actor,
        request=request,
        organization=notice.buyer,
        verb=verb,
        notice=notice.pk,
        reference=notice.reference,
        document=document.pk,
        version=version.number if version else None,
        filename=version.filename if version else "",
        dce_version=notice.dce_version,
    )
    if needs_reason(notice):
        do_record_amendment(
            notice,
            reason=reason,
            changes=[{"field": "documents", "label": _("Consultation documents"), "before": before, "after": after}],
            actor=actor,
            request=request,
        )


def do_add_document(
    notice: NoticePage, *, title: str, lot_number, upload, actor, reason: str = "", request=None
) -> ConsultationDocument:
    """Add a document (whole notice, or one lot) with its first version."""
    _check_permission(actor, notice)
    errors = {}
    title = _collect(errors, clean_title, title)
    lot_number = _collect(errors, clean_lot, notice, lot_number)
    reason = _collect(errors, clean_reason, notice, reason)
    checked = _collect(errors, check_upload, upload)
    if errors:
        raise ValidationError(errors)
    version = None
    try:
        with transaction.atomic():
            dce_version = _bump_dce_version(notice)
            position = (
                ConsultationDocument.objects.filter(notice=notice, lot_number=lot_number).aggregate(p=Max("position"))[
                    "p"
                ]
                or 0
            ) + 1
            document = ConsultationDocument.objects.create(
                notice=notice, lot_number=lot_number, title=title, position=position
            )
            version = _save_version(document, checked, 1, actor, dce_version)
            _record(
                notice,
                actor=actor,
                request=request,
                verb="document_added",
                document=document,
                version=version,
                reason=reason,
                before="",
                after=_describe(document, version),
            )
    except Exception:
        _delete_stored(version)
        raise
    return document


def do_replace_document(
    document: ConsultationDocument, *, upload, actor, reason: str = "", request=None
) -> DocumentVersion:
    """Replace a document's file: a new version (number + 1); earlier versions stay for the history."""
    notice = document.notice
    _check_permission(actor, notice)
    if document.removed_at is not None:
        raise ValidationError(_("This document was removed."), code="removed")
    errors = {}
    reason = _collect(errors, clean_reason, notice, reason)
    checked = _collect(errors, check_upload, upload)
    if errors:
        raise ValidationError(errors)
    version = None
    try:
        with transaction.atomic():
            dce_version = _bump_dce_version(notice)
            previous = document.current
            number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = _save_version(document, checked, number, actor, dce_version)
            _record(
                notice,
                actor=actor,
                request=request,
                verb="document_replaced",
                document=document,
                version=version,
                reason=reason,
                before=_describe(document, previous),
                after=_describe(document, version),
            )
    except Exception:
        _delete_stored(version)
        raise
    return version


def do_remove_document(document: ConsultationDocument, *, actor, reason: str = "", request=None) -> None:
    """Withdraw a document from the DCE. It and its versions stay, for the download history."""
    notice = document.notice
    _check_permission(actor, notice)
    reason = clean_reason(notice, reason)
    with transaction.atomic():
        # Locked and re-read: a double submission removes (and amends) once.
        # Only this row is locked (PostgreSQL refuses FOR UPDATE across the nullable join to `current`).
        document = (
            ConsultationDocument.objects.select_for_update(of=("self",)).select_related("current").get(pk=document.pk)
        )
        if document.removed_at is not None:
            return
        _bump_dce_version(notice)
        document.removed_at = timezone.now()
        document.save(update_fields=["removed_at"])
        _record(
            notice,
            actor=actor,
            request=request,
            verb="document_removed",
            document=document,
            version=document.current,
            reason=reason,
            before=_describe(document, document.current),
            after=_("Removed"),
        )
