"""The tus sink of bid files: each piece sealed as it arrives (`procurement.sealing`), never stored in clear.

The page's script (uploads/resumable.js) creates an upload at /televersements/offre/ with its description:
`bid` (the bid in preparation), `lot` (0 for a notice without lots), `part` (application or offer), `filename`.
Before the first byte: who (a member of the bid's company), when (before the deadline, by the server clock),
what (an allowed type, not empty, within the limits per file, per bid and in number of files the notice page
announces). The first piece is checked against the extension (magic bytes, as far as a stream allows). The
last piece makes the `BidFile`, with the SHA-256 of what was stored, read back and verified.
"""

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import uploads as file_checks
from intranet.templatetags.file_sizes import file_size as filesizeformat
from procurement import access, sealing
from procurement.actions import bids as bid_actions
from procurement.models_bids import Bid, BidFile, BidLog, BidStatus
from uploads import sinks

logger = logging.getLogger(__name__)
PURPOSE = "offre"


def allowed_types() -> dict:
    return file_checks.file_types(*settings.PROCUREMENT_BID_EXTENSIONS)


def limits() -> dict:
    """What every notice page announces before anyone starts: sizes per file and per bid, count, types."""
    return {
        "max_file_size": settings.PROCUREMENT_BID_MAX_FILE_SIZE,
        "max_bid_size": settings.PROCUREMENT_BID_MAX_SIZE,
        "max_files": settings.PROCUREMENT_BID_MAX_FILES,
        "extensions": settings.PROCUREMENT_BID_EXTENSIONS,
        "accept": ",".join(f".{extension}" for extension in settings.PROCUREMENT_BID_EXTENSIONS),
    }


def delete_sealed(state: dict) -> None:
    name = (state or {}).get("name")
    if name and name.startswith("bids/"):
        default_storage.delete(name)


def _draft_bid(user, metadata: dict) -> Bid | None:
    bid_id = (metadata or {}).get("bid") or ""
    if not bid_id.isdigit():
        return None
    company_ids = [company.pk for company in access.bidding_companies(user)]
    return (
        Bid.objects.select_related("notice")
        .filter(pk=int(bid_id), company_id__in=company_ids, status=BidStatus.DRAFT)
        .first()
    )


def _file_name(metadata: dict) -> str:
    """The file's own name, without any folder, as `intranet.uploads.upload_name` makes it."""
    return (metadata.get("filename") or "").replace("\\", "/").rsplit("/", 1)[-1][:255] or "fichier"


def _late(deadline, upload, now) -> bool:
    """Whether a piece arriving at `now` is too late: at or after the deadline, unless late uploads are accepted
    for an upload begun before it (PROCUREMENT_BID_ACCEPT_LATE_UPLOADS, within PROCUREMENT_BID_LATE_GRACE)."""
    if now < deadline:
        return False
    if not settings.PROCUREMENT_BID_ACCEPT_LATE_UPLOADS:
        return True
    return upload.created_at >= deadline or now >= deadline + settings.PROCUREMENT_BID_LATE_GRACE


class BidFileSink(sinks.Sink):
    def may_create(self, request, metadata, length):
        bid = _draft_bid(request.user, metadata)
        if bid is None:
            return False, _("This bid cannot receive files: reload the page.")
        notice = bid.notice
        try:
            bid_actions.check_accepting(notice, timezone.now())
        except Exception as error:  # noqa: BLE001 - a ValidationError with its message
            return False, " ".join(getattr(error, "messages", [str(error)]))
        lot = (metadata.get("lot") or "").strip()
        if not lot.isdigit() or int(lot) not in bid_actions.lot_numbers(notice):
            return False, _("Choose the lot this file answers.")
        if metadata.get("part") not in BidFile.Kind.values:
            return False, _("Say whether this file belongs to the application or to the offer.")
        name = _file_name(metadata)
        extension = file_checks.extension_of(name)
        if extension not in allowed_types():
            return False, _("Files of this type are not accepted: %(types)s only.") % {
                "types": ", ".join(settings.PROCUREMENT_BID_EXTENSIONS)
            }
        if length == 0:
            return False, _("This file is empty.")
        if length > settings.PROCUREMENT_BID_MAX_FILE_SIZE:
            return False, _("This file (%(size)s) is larger than the %(limit)s allowed per file.") % {
                "size": filesizeformat(length),
                "limit": filesizeformat(settings.PROCUREMENT_BID_MAX_FILE_SIZE),
            }
        files = list(bid.files.values_list("size", flat=True))
        if len(files) >= settings.PROCUREMENT_BID_MAX_FILES:
            return False, _("A bid holds at most %(count)s files.") % {"count": settings.PROCUREMENT_BID_MAX_FILES}
        if sum(files) + length > settings.PROCUREMENT_BID_MAX_SIZE:
            return False, _("With this file your bid would weigh more than the %(limit)s allowed.") % {
                "limit": filesizeformat(settings.PROCUREMENT_BID_MAX_SIZE)
            }
        return True, ""

    def may_use(self, request, upload):
        return upload.owner_id == request.user.pk and _draft_bid(request.user, upload.metadata) is not None

    def start(self, upload):
        bid = Bid.objects.select_related("notice").get(pk=int(upload.metadata["bid"]))
        upload.storage_name = f"bids/{bid.notice_id}/{upload.pk}.sealed"
        return sealing.SealedWriter.start(upload.storage_name, sealing.notice_key_for(bid.notice))

    def append(self, upload, piece, final):
        # Per piece: the few columns the checks need, not the notice's whole page (a quarter of the upload's CPU).
        row = (
            Bid.objects.filter(pk=int(upload.metadata["bid"]))
            .values_list("status", "notice_id", "company_id", "notice__bids_deadline")
            .first()
        )
        if row is None or row[0] != BidStatus.DRAFT:
            raise sinks.Refused(_("This bid can no longer receive files."), status=409)
        _status, notice_id, company_id, deadline = row
        bid_id = int(upload.metadata["bid"])
        now = timezone.now()
        if _late(deadline, upload, now):
            bid_actions.log(
                notice_id,
                company_id,
                BidLog.Kind.LATE_UPLOAD_REFUSED,
                bid=Bid(pk=bid_id),
                user=upload.owner,
                at=now,
                name=upload.metadata.get("filename", ""),
                received=upload.offset,
                size=upload.length,
            )
            raise sinks.Refused(_("The deadline for bids has passed: this file arrived too late."))
        name = _file_name(upload.metadata)
        extension = file_checks.extension_of(name)
        if upload.offset == 0:
            _content_type, kind = allowed_types()[extension]
            if not file_checks.head_ok(bytes(piece[: 64 * 1024]), extension, kind):
                raise sinks.Refused(
                    _("The content of this file does not match its extension (.%(extension)s).")
                    % {"extension": extension},
                    status=415,
                )
        state = sealing.SealedWriter(upload.sink_state).append(piece, final)
        if not final:
            return state
        sha256, sealed_state = sealing.finish_hash(state)
        try:
            with transaction.atomic():
                BidFile.objects.create(
                    bid_id=bid_id,
                    lot_number=int(upload.metadata["lot"]),
                    kind=upload.metadata["part"],
                    name=name,
                    content_type=allowed_types()[extension][0],
                    size=upload.length,
                    sha256=sha256,
                    sealed=sealed_state,
                    upload_id=upload.pk,
                    created_at=now,
                    upload_started_at=upload.created_at,
                )
                added = BidLog.Kind.FILE_ADDED
                bid_actions.log(notice_id, company_id, added, bid=Bid(pk=bid_id), user=upload.owner, at=now, name=name)
        except IntegrityError:
            pass  # this last piece was retried: its file exists
        return sealed_state

    def terminate(self, upload):
        # A file that became part of a bid belongs to it (removed with it); anything else goes.
        if upload.storage_name and not BidFile.objects.filter(upload_id=upload.pk).exists():
            delete_sealed({"name": upload.storage_name})


def register() -> None:
    sinks.register(PURPOSE, BidFileSink())
