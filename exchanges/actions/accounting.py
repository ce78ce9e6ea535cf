"""Every write on accounting files for the Treasury (PES): a body's transmitter sends a batch of XML files, the
public accountant accepts or rejects each one (with a reason, or an acknowledgement file).

Each file is read whole before anything is written: well-formed XML (expat, streaming; a document type
declaration is refused, so no entity is ever expanded), a PES root (`PES_Aller` or `DocumentBudgetaire`), its
size. One bad file refuses the batch, every error named: nothing is half-sent. Sending and each decision are
appended to the body's hash chain (the same chain as its acts), audited and notified."""

import hashlib
import xml.parsers.expat

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges import access
from exchanges.actions.acts import authority_people, chain_key, sender_people
from exchanges.models import AccountingBatch, AccountingFile, Act, Authority
from intranet import audit, chain
from intranet.models import AuditEvent
from intranet.notifications import event_key_for, notify
from intranet.templatetags.file_sizes import file_size
from intranet.uploads import upload_name

MAX_PES_SIZE = 50 * 1024 * 1024
MAX_FILES = 20
VERB = "exchanges.accounting"
Kind = AccountingFile.Kind
Status = AccountingFile.Status

# The PES flows by the first element inside <PES_Aller>.
FLOWS = {"PES_DepenseAller": Kind.EXPENSES, "PES_RecetteAller": Kind.RECEIPTS, "PES_PJ": Kind.ATTACHMENTS}


class _Refused(Exception):
    pass


def xml_names(upload) -> list[str]:
    """Parse the whole file as XML, streaming; the names of its first two elements. Raises _Refused(message)."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    names: list[str] = []

    def start(name, attributes):
        if len(names) < 2:
            names.append(name.rsplit(":", 1)[-1])

    def doctype(*args):
        raise _Refused(_("it declares a document type (DTD), which PES files never do"))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as error:
        raise _Refused(
            _("it is not well-formed XML (line %(line)s, column %(column)s: %(error)s)")
            % {
                "line": error.lineno,
                "column": error.offset,
                "error": xml.parsers.expat.ErrorString(error.code),
            }
        ) from None
    finally:
        upload.seek(0)
    return names


def pes_kind(upload) -> str:
    """The PES flow the file holds, once parsed whole (`xml_names`). Raises _Refused(message)."""
    names = xml_names(upload)
    if names[:1] == ["DocumentBudgetaire"]:
        return Kind.BUDGET
    if names[:1] == ["PES_Aller"]:
        # The flow follows the optional header (EnTetePES).
        return FLOWS.get(names[1] if len(names) > 1 and names[1] != "EnTetePES" else "", Kind.EXPENSES)
    raise _Refused(_("it is XML but not a PES file (its root is <%(root)s>)") % {"root": names[0] if names else "?"})


def _check(upload) -> tuple[str, str, str]:
    """(name, kind, sha256) of one file, or _Refused."""
    name = "".join(ch for ch in upload_name(upload) if ch.isprintable()).strip() or "flux.xml"
    if upload.size == 0:
        raise _Refused(_("it is empty"))
    if upload.size > MAX_PES_SIZE:
        raise _Refused(
            _("it is too big (%(size)s): at most %(limit)s per file")
            % {"size": file_size(upload.size), "limit": file_size(MAX_PES_SIZE)}
        )
    kind = pes_kind(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return name, kind, digest.hexdigest()


def _file_payload(batch: AccountingBatch, stored: AccountingFile, step: str) -> dict:
    payload = {
        "batch": batch.reference,
        "step": step,
        "file": [stored.filename, stored.size, stored.sha256, stored.kind],
    }
    if step != "sent":
        payload["decision"] = [
            stored.status,
            hashlib.sha256(stored.reason.encode()).hexdigest(),
            stored.acknowledgement_sha256,
            stored.decided_at.isoformat(),
        ]
    return payload


def _url(batch: AccountingBatch) -> str:
    return reverse("exchanges:batch", args=[batch.pk])


def do_send_batch(user, sender, authority: Authority, uploads, label: str = "", *, request=None) -> AccountingBatch:
    """Check every file, then send them all at once, each fingerprinted and chained; the accountant is told."""
    if not access.can_transmit(user, sender):
        raise ValidationError(_("You may not transmit for this body: ask its organization admin."), code="denied")
    errors = {}
    if authority is None or authority.role != Authority.Role.ACCOUNTING:
        errors["authority"] = _("Choose a public accountant: this authority does not receive accounting files.")
    uploads = [upload for upload in uploads if upload]
    if not uploads:
        errors["files"] = _("Choose the PES files to send (XML).")
    elif len(uploads) > MAX_FILES:
        errors["files"] = _("At most %(count)d files per batch.") % {"count": MAX_FILES}
    checked, refused = [], []
    for upload in uploads if "files" not in errors else []:
        try:
            checked.append((upload, *_check(upload)))
        except _Refused as error:
            refused.append(_("“%(name)s”: %(reason)s.") % {"name": upload_name(upload), "reason": error})
    if refused:
        errors["files"] = [_("Nothing was sent:"), *refused]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        batch = AccountingBatch.objects.create(
            sender=sender,
            authority=authority,
            label=(label or "").strip()[:200],
            reference=f"PES-{sender.siret[:9]}-{now:%Y%m%d%H%M%S%f}",
            sent_by=user,
            sent_by_label=str(user)[:255],
            sent_at=now,
        )
        key = chain_key(Act(sender=sender))
        for upload, name, kind, digest in checked:
            stored = AccountingFile(batch=batch, kind=kind, filename=name[:255], size=upload.size, sha256=digest)
            stored.file.save(name if name.lower().endswith(".xml") else f"{name}.xml", upload, save=False)
            stored.save()
            entry = chain.append(
                key,
                kind="pes_sent",
                reference=batch.reference,
                digest=chain.canonical_digest(_file_payload(batch, stored, "sent")),
                at=now,
            )
            stored.sent_position = entry.position
            stored.save(update_fields=["sent_position"])
        audit.record(
            AuditEvent.Action.EXCHANGE,
            actor=user,
            request=request,
            organization=sender,
            verb="pes_sent",
            batch=batch.reference,
            files=[[name, digest] for _upload, name, _kind, digest in checked],
        )
        notify(
            list(_authority_people(authority)),
            verb=f"{VERB}.sent",
            message=_("%(body)s sent %(count)d accounting file(s): %(reference)s")
            % {"body": sender.name, "count": len(checked), "reference": batch.reference},
            url=_url(batch),
            target=batch,
            actor=user,
            event_key=event_key_for(f"{VERB}.sent", batch.pk),
        )
    return batch


def _authority_people(authority: Authority):
    return authority_people(Act(authority=authority))


def _sender_people(batch: AccountingBatch):
    return sender_people(Act(sender_id=batch.sender_id))


def do_decide(user, stored: AccountingFile, decision: str, reason: str = "", upload=None, *, request=None):
    """The accountant accepts or rejects one file (a rejection says why), optionally with an acknowledgement
    file (XML or PDF); once. The body's transmitters are told of a rejection."""
    batch = stored.batch
    if not access.may_answer_batch(user, batch):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors = {}
    if decision not in (Status.ACCEPTED, Status.REJECTED):
        errors["decision"] = _("Choose to accept or to reject the file.")
    if decision == Status.REJECTED and not reason:
        errors["reason"] = _("Give the reason for the rejection: the body corrects its file from it.")
    ack_name = ack_digest = ""
    if upload:
        ack_name = "".join(ch for ch in upload_name(upload) if ch.isprintable()).strip() or "acquittement.xml"
        head = upload.read(5)
        upload.seek(0)
        try:
            if head != b"%PDF-":
                xml_names(upload)  # the accountant's PES_ACK: any well-formed XML without a DTD
        except _Refused as error:
            errors["acknowledgement"] = _("“%(name)s”: %(reason)s.") % {"name": ack_name, "reason": error}
        if upload.size > MAX_PES_SIZE:
            errors["acknowledgement"] = _("“%(name)s” is too big: at most %(limit)s.") % {
                "name": ack_name,
                "limit": file_size(MAX_PES_SIZE),
            }
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        ack_digest = digest.hexdigest()
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = AccountingFile.objects.select_for_update().select_related("batch__sender").get(pk=stored.pk)
        if locked.status != Status.RECEIVED:
            raise ValidationError(
                _("A decision was already taken on this file (%(status)s): yours was not recorded.")
                % {"status": locked.get_status_display()},
                code="decided",
            )
        now = timezone.now()
        locked.status, locked.reason, locked.decided_at = decision, reason, now
        locked.decided_by, locked.decided_by_label = user, str(user)[:255]
        if upload:
            locked.acknowledgement.save(ack_name, upload, save=False)
            locked.acknowledgement_filename, locked.acknowledgement_sha256 = ack_name[:255], ack_digest
        entry = chain.append(
            chain_key(Act(sender_id=batch.sender_id)),
            kind=f"pes_{decision}",
            reference=batch.reference,
            digest=chain.canonical_digest(_file_payload(batch, locked, decision)),
            at=now,
        )
        locked.decided_position = entry.position
        locked.save()
        audit.record(
            AuditEvent.Action.EXCHANGE,
            actor=user,
            request=request,
            organization=locked.batch.sender,
            verb=f"pes_{decision}",
            batch=batch.reference,
            file=locked.filename,
            reason=reason,
        )
        if decision == Status.REJECTED:
            notify(
                list(_sender_people(batch)),
                verb=f"{VERB}.rejected",
                message=_("%(accountant)s rejected “%(name)s” (%(reference)s): %(reason)s")
                % {
                    "accountant": batch.authority.organization.name,
                    "name": locked.filename,
                    "reference": batch.reference,
                    "reason": reason,
                },
                url=_url(batch),
                target=batch,
                actor=user,
                event_key=event_key_for(f"{VERB}.rejected", locked.pk),
            )
    return locked
