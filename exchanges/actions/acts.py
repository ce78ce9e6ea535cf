"""Every write on acts: the draft and its files, the transmission, the authority's answers (acknowledgement,
request for documents, observations, referral to the court), the sender's answer and the cancellation.

Each step that leaves the body or the authority is an `ActEvent`, written under the act's row lock after checking
the status it starts from (two acknowledgements at once leave one), appended to the sending body's hash chain
(`intranet.chain`), audited and notified, all in one transaction: nothing is half-sent."""

import datetime
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges import access
from exchanges.models import (
    ACT_NUMBER_PATTERN,
    Act,
    ActEvent,
    ActFile,
    ActFollower,
    Authority,
    Transmitter,
    make_identifier,
)
from intranet import audit, chain
from intranet.models import AuditEvent, Membership, User
from intranet.notifications import event_key_for, notify
from intranet.templatetags.file_sizes import file_size
from intranet.uploads import content_ok, extension_of, file_types, upload_name

Status = Act.Status
Kind = ActEvent.Kind
VERB = "exchanges.act"

MAX_FILE_SIZE = 20 * 1024 * 1024
MAX_ACT_SIZE = 150 * 1024 * 1024
MAX_ANNEXES = 50
MAIN_TYPES = file_types("pdf")
ANNEX_TYPES = file_types("pdf", "jpg", "jpeg", "png")

# Where each of the authority's steps may start from.
ACKNOWLEDGEABLE = {Status.SENT, Status.CANCELLATION_SENT}
UNDER_CONTROL = {Status.ACKNOWLEDGED, Status.DOCUMENTS_REQUESTED, Status.OBSERVATIONS}
CANCELLABLE = {Status.SENT, Status.ACKNOWLEDGED, Status.DOCUMENTS_REQUESTED, Status.OBSERVATIONS}


def _refuse(message: str, code: str, field_name: str | None = None):
    error = ValidationError(message, code=code)
    raise ValidationError({field_name: error}) if field_name else error


def chain_key(act: Act) -> str:
    """One chain per sending body: its register of acts, in order."""
    return f"exchanges:{act.sender_id}"


def _url(act: Act) -> str:
    return reverse("exchanges:act", args=[act.pk])


def _record(user, act: Act, verb: str, request=None, **details) -> None:
    audit.record(
        AuditEvent.Action.EXCHANGE,
        actor=user,
        request=request,
        organization=act.sender,
        verb=verb,
        act=act.pk,
        identifier=act.identifier,
        number=act.number,
        **details,
    )


def sender_people(act: Act):
    """Who follows the body's acts: its transmitters and the members who asked to (`ActFollower`), active."""
    return User.objects.filter(
        Q(transmitter_rights__organization_id=act.sender_id) | Q(followed_act_bodies__organization_id=act.sender_id),
        memberships__organization_id=act.sender_id,
        memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    ).distinct()


def authority_people(act: Act):
    return User.objects.filter(
        memberships__organization_id=act.authority.organization_id,
        memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    ).distinct()


# --- the draft -----------------------------------------------------------------------------------


def check_fields(sender, data: dict, *, act: Act | None = None) -> None:
    """Every error at once, each beside its field: what the form cannot know (the stored number, the authority's
    role, the subject's level, today's date)."""
    errors = {}
    number = (data.get("number") or "").strip().upper()
    decision_date = data.get("decision_date")
    authority = data.get("authority")
    subject = data.get("subject")
    if number and not re.match(ACT_NUMBER_PATTERN, number):
        errors["number"] = _("Use up to 15 capital letters, digits or underscores (no spaces, dashes or accents).")
    if decision_date and decision_date > timezone.localdate():
        errors["decision_date"] = _("The date of decision cannot be in the future.")
    if number and decision_date and "number" not in errors:
        taken = Act.objects.filter(sender=sender, year=decision_date.year, number=number)
        if act is not None:
            taken = taken.exclude(pk=act.pk)
        if taken.exists():
            errors["number"] = _(
                "Act %(number)s already exists for %(year)s in this body: each number is used once a year."
            ) % {
                "number": number,
                "year": decision_date.year,
            }
    if authority is not None and authority.role != Authority.Role.LEGALITY:
        errors["authority"] = _("Choose a prefecture: this authority does not receive acts.")
    if subject is not None and subject.parent_id is None:
        errors["subject"] = _("Choose a subject of the second level (such as 1.1), not a heading.")
    if errors:
        raise ValidationError(errors)


def do_save_draft(user, sender, data: dict, *, act: Act | None = None, request=None) -> Act:
    """Create or change a draft act; only the body's transmitters may, and only while it is a draft."""
    if not access.can_transmit(user, sender):
        _refuse(_("You may not transmit acts for this body: ask its organization admin."), "not_transmitter")
    check_fields(sender, data, act=act)
    fields = ("authority", "nature", "subject", "decision_date", "object", "signatory", "is_public")
    with transaction.atomic():
        if act is None:
            act = Act(sender=sender, created_by=user)
        else:
            act = Act.objects.select_for_update().get(pk=act.pk)
            if not act.is_draft:
                _refuse(_("This act has been transmitted: it can no longer be changed."), "not_draft")
        for name in fields:
            setattr(act, name, data[name])
        act.number = data["number"].strip().upper()
        act.object = act.object.strip()
        act.updated_at = timezone.now()
        try:
            with transaction.atomic():
                act.save()
        except IntegrityError:
            _refuse(
                _("Act %(number)s already exists for this year in this body.") % {"number": act.number},
                "taken",
                "number",
            )
    return act


def _store(user, act: Act, upload, *, role: str, title: str = "", accepted=MAIN_TYPES, field: str = "file") -> ActFile:
    """Check one file (its content, not its name; its size) and keep it with its SHA-256."""
    if not upload:
        _refuse(_("Please choose the file."), "required", field)
    name = "".join(ch for ch in upload_name(upload) if ch.isprintable()).strip() or "document.pdf"
    extension = extension_of(name)
    if upload.size > MAX_FILE_SIZE:
        _refuse(
            _("“%(name)s” is too big (%(size)s): at most %(limit)s per file.")
            % {"name": name, "size": file_size(upload.size), "limit": file_size(MAX_FILE_SIZE)},
            "too_big",
            field,
        )
    kind = accepted.get(extension, (None, None))[1]
    if upload.size == 0 or kind is None or not content_ok(upload, extension, kind):
        kinds = ", ".join(sorted(accepted))
        _refuse(
            _("“%(name)s” is not an accepted file: its content must be one of %(kinds)s, whatever its name says.")
            % {"name": name, "kinds": kinds},
            "type",
            field,
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored = ActFile(
        act=act,
        role=role,
        title=title.strip()[:200],
        filename=name[:255],
        extension=extension,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    stored.file.save(f"{role}.{extension}", upload, save=False)
    stored.save()
    return stored


def _draft_for_files(user, act: Act) -> Act:
    access.require_transmitter(user, act)
    locked = Act.objects.select_for_update().get(pk=act.pk)
    if not locked.is_draft:
        _refuse(_("This act has been transmitted: its files can no longer be changed."), "not_draft")
    return locked


def do_set_main_document(user, act: Act, upload, *, request=None) -> ActFile:
    """The act itself, a PDF; a new one replaces the draft's previous main document."""
    with transaction.atomic():
        locked = _draft_for_files(user, act)
        previous = list(locked.files.filter(role=ActFile.Role.MAIN))
        _check_total(locked, upload, replacing=sum(f.size for f in previous))
        stored = _store(user, locked, upload, role=ActFile.Role.MAIN, field="main_document")
        for old in previous:
            old.file.delete(save=False)
            old.delete()
    return stored


def do_add_annex(user, act: Act, upload, title: str, *, request=None) -> ActFile:
    """An annex: its title and its file (PDF, JPEG or PNG), both required."""
    title = (title or "").strip()
    if not title and not upload:
        _refuse(_("Give the annex's title and choose its file."), "required", "annex")
    if not title:
        _refuse(_("Give the annex a title: the prefecture reads the list of annexes."), "required", "title")
    if not upload:
        _refuse(_("The annex “%(title)s” has no file: choose its file.") % {"title": title}, "missing_annex", "annex")
    with transaction.atomic():
        locked = _draft_for_files(user, act)
        if locked.files.filter(role=ActFile.Role.ANNEX).count() >= MAX_ANNEXES:
            _refuse(_("At most %(count)d annexes per act.") % {"count": MAX_ANNEXES}, "too_many", "annex")
        _check_total(locked, upload)
        return _store(user, locked, upload, role=ActFile.Role.ANNEX, title=title, accepted=ANNEX_TYPES, field="annex")


def _check_total(act: Act, upload, replacing: int = 0) -> None:
    total = sum(act.files.values_list("size", flat=True)) - replacing + (upload.size if upload else 0)
    if total > MAX_ACT_SIZE:
        _refuse(
            _("The act's files would weigh %(size)s: at most %(limit)s for an act and its annexes.")
            % {"size": file_size(total), "limit": file_size(MAX_ACT_SIZE)},
            "act_too_big",
        )


def do_remove_file(user, act: Act, file_id: int, *, request=None) -> None:
    with transaction.atomic():
        locked = _draft_for_files(user, act)
        stored = locked.files.filter(pk=file_id).first()
        if stored is None:
            _refuse(_("This file is no longer in the draft."), "gone")
        stored.file.delete(save=False)
        stored.delete()


def do_delete_draft(user, act: Act, *, request=None) -> None:
    with transaction.atomic():
        locked = _draft_for_files(user, act)
        for stored in locked.files.all():
            stored.file.delete(save=False)
        locked.delete()


# --- the chain -----------------------------------------------------------------------------------


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_payload(act: Act, event: ActEvent, files) -> dict:
    """What a chain entry vouches for: the step, its message and its files' fingerprints; for the transmission,
    every field of the act as sent. Recomputed from the database by the verification."""
    payload = {
        "identifier": act.identifier,
        "kind": event.kind,
        "at": _utc(event.at),
        "message_sha256": hashlib.sha256(event.message.encode()).hexdigest(),
        "files": sorted([file.role, file.filename, file.size, file.sha256] for file in files),
    }
    if event.kind == Kind.SENT:
        payload["act"] = {
            "sender_siren": act.sender.siret[:9],
            "authority": act.authority.organization.siret[:9],
            "nature": act.nature,
            "subject": act.subject.code,
            "number": act.number,
            "decision_date": act.decision_date.isoformat(),
            "object": act.object,
            "signatory": act.signatory,
        }
    return payload


def _step(user, act: Act, kind: str, now, message: str = "", files=()) -> ActEvent:
    """Write one step and chain it (inside the caller's transaction, under the act's lock)."""
    event = ActEvent.objects.create(act=act, kind=kind, at=now, user=user, by_label=str(user)[:255], message=message)
    for stored in files:
        stored.event = event
        stored.save(update_fields=["event"])
    event.digest = chain.canonical_digest(event_payload(act, event, files))
    entry = chain.append(chain_key(act), kind=kind, reference=act.identifier, digest=event.digest, at=now)
    event.chain_position = entry.position
    event.save(update_fields=["digest", "chain_position"])
    return event


def _lock(act: Act) -> Act:
    return Act.objects.select_for_update().select_related("sender", "authority__organization", "subject").get(pk=act.pk)


# --- the transmission ------------------------------------------------------------------------------


def do_transmit(user, act: Act, *, request=None) -> Act:
    """Send the draft: every check first (nothing is sent half), then the identifier, the server's time, the
    files' fingerprints in the chain; the authority's people are told."""
    access.require_transmitter(user, act)
    with transaction.atomic():
        locked = _lock(act)
        if not locked.is_draft:
            _refuse(_("This act has already been transmitted."), "not_draft")
        errors = []
        files = list(locked.files.all())
        if not any(f.role == ActFile.Role.MAIN for f in files):
            errors.append(_("Add the act's main document (PDF) before transmitting."))
        if not locked.sender.department:
            errors.append(_("Your body has no département on the platform: ask a platform admin to set it."))
        if locked.decision_date > timezone.localdate():
            errors.append(_("The date of decision cannot be in the future."))
        if locked.authority.role != Authority.Role.LEGALITY:
            errors.append(_("Choose a prefecture: this authority does not receive acts."))
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        locked.identifier = make_identifier(
            locked.sender.department, locked.sender.siret[:9], locked.decision_date, locked.number, locked.nature
        )
        locked.status, locked.sent_at, locked.updated_at = Status.SENT, now, now
        locked.save(update_fields=["identifier", "status", "sent_at", "updated_at"])
        _step(user, locked, Kind.SENT, now, files=files)
        _record(user, locked, "sent", request, files=[[f.filename, f.sha256] for f in files])
        notify(
            list(authority_people(locked)),
            verb=f"{VERB}.sent",
            message=_("%(body)s transmitted act %(identifier)s: %(object)s")
            % {"body": locked.sender.name, "identifier": locked.identifier, "object": locked.object},
            url=_url(locked),
            target=locked,
            actor=user,
            event_key=event_key_for(f"{VERB}.sent", locked.pk),
        )
    return locked


def _authority_step(user, act: Act, kind: str, allowed: set, new_status: str, message: str, request, upload=None):
    """One of the authority's steps: from an allowed status only (checked under the lock), then told to the
    body's transmitters."""
    access.require_recipient(user, act)
    with transaction.atomic():
        locked = _lock(act)
        if locked.status not in allowed:
            _refuse(
                _("This act is now “%(status)s”: the step was not recorded. Reload the page to see its timeline.")
                % {"status": locked.get_status_display()},
                "status",
            )
        now = timezone.now()
        files = [_store(user, locked, upload, role=ActFile.Role.AUTHORITY, field="letter")] if upload else []
        locked.status, locked.updated_at = new_status, now
        update = ["status", "updated_at"]
        if kind == Kind.ACKNOWLEDGED:
            locked.acknowledged_at = now
            update.append("acknowledged_at")
        locked.save(update_fields=update)
        event = _step(user, locked, kind, now, message=message, files=files)
        _record(user, locked, kind, request)
        notify(
            list(sender_people(locked)),
            verb=f"{VERB}.{kind}",
            message=_("%(step)s for act %(identifier)s (%(authority)s).")
            % {
                "step": event.get_kind_display(),
                "identifier": locked.identifier,
                "authority": locked.authority.organization.name,
            },
            url=_url(locked),
            target=locked,
            actor=user,
            event_key=event_key_for(f"{VERB}.{kind}", locked.pk, event.pk),
        )
    return locked


def do_acknowledge(user, act: Act, *, request=None) -> Act:
    """The acknowledgement of receipt (of the act, or of its cancellation): once; a second one at the same time
    finds the status moved and is refused."""
    if act.status == Status.CANCELLATION_SENT:
        return _authority_step(
            user, act, Kind.CANCELLATION_ACKNOWLEDGED, {Status.CANCELLATION_SENT}, Status.CANCELLED, "", request
        )
    return _authority_step(user, act, Kind.ACKNOWLEDGED, {Status.SENT}, Status.ACKNOWLEDGED, "", request)


def _message(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        _refuse(what, "required", "message")
    return text


def do_request_documents(user, act: Act, message: str, *, request=None) -> Act:
    """« Demande de pièces complémentaires »: what is missing; the body answers within the transmission."""
    text = _message(message, _("Say which documents are needed."))
    return _authority_step(
        user,
        act,
        Kind.DOCUMENTS_REQUESTED,
        {Status.ACKNOWLEDGED, Status.OBSERVATIONS},
        Status.DOCUMENTS_REQUESTED,
        text,
        request,
    )


def do_send_observations(user, act: Act, message: str, upload=None, *, request=None) -> Act:
    """« Lettre d'observations »: the prefecture's remarks, with its letter as a PDF if it has one."""
    text = _message(message, _("Write the observations."))
    return _authority_step(user, act, Kind.OBSERVATIONS, UNDER_CONTROL, Status.OBSERVATIONS, text, request, upload)


def do_refer(user, act: Act, message: str, *, request=None) -> Act:
    """« Déféré »: the act is referred to the administrative court (recorded as a status)."""
    text = _message(message, _("Give the grounds of the referral."))
    return _authority_step(user, act, Kind.REFERRED, UNDER_CONTROL, Status.REFERRED, text, request)


def do_answer_request(user, act: Act, message: str, uploads, *, request=None) -> Act:
    """The body's answer to a request for documents: at least one PDF; the act goes back under control
    (acknowledged), and the authority is told."""
    access.require_transmitter(user, act)
    uploads = [upload for upload in uploads if upload]
    if not uploads:
        _refuse(_("Choose the documents requested (PDF)."), "required", "documents")
    with transaction.atomic():
        locked = _lock(act)
        if locked.status != Status.DOCUMENTS_REQUESTED:
            _refuse(_("No documents are requested for this act any more."), "status")
        files = [_store(user, locked, upload, role=ActFile.Role.ANSWER, field="documents") for upload in uploads]
        now = timezone.now()
        locked.status, locked.updated_at = Status.ACKNOWLEDGED, now
        locked.save(update_fields=["status", "updated_at"])
        event = _step(user, locked, Kind.DOCUMENTS_SENT, now, message=(message or "").strip(), files=files)
        _record(user, locked, Kind.DOCUMENTS_SENT, request, files=[[f.filename, f.sha256] for f in files])
        _tell_authority(user, locked, event)
    return locked


def do_cancel(user, act: Act, reason: str, *, request=None) -> Act:
    """The body cancels a transmitted act: the cancellation is itself transmitted, then acknowledged."""
    access.require_transmitter(user, act)
    text = _message(reason, _("Give the reason for the cancellation."))
    with transaction.atomic():
        locked = _lock(act)
        if locked.status not in CANCELLABLE:
            _refuse(_("An act “%(status)s” cannot be cancelled.") % {"status": locked.get_status_display()}, "status")
        now = timezone.now()
        locked.status, locked.updated_at = Status.CANCELLATION_SENT, now
        locked.save(update_fields=["status", "updated_at"])
        event = _step(user, locked, Kind.CANCELLATION_SENT, now, message=text)
        _record(user, locked, Kind.CANCELLATION_SENT, request)
        _tell_authority(user, locked, event)
    return locked


def _tell_authority(user, act: Act, event: ActEvent) -> None:
    notify(
        list(authority_people(act)),
        verb=f"{VERB}.{event.kind}",
        message=_("%(step)s for act %(identifier)s (%(body)s).")
        % {"step": event.get_kind_display(), "identifier": act.identifier, "body": act.sender.name},
        url=_url(act),
        target=act,
        actor=user,
        event_key=event_key_for(f"{VERB}.{event.kind}", act.pk, event.pk),
    )


# --- who transmits -----------------------------------------------------------------------------------


def do_grant(user, organization, person, *, request=None):
    """The organization admin lets one of the body's active members transmit."""
    if not access.can_grant(user, organization):
        _refuse(_("Only the body's organization admin grants the right to transmit."), "not_admin")
    if not Membership.objects.filter(user=person, organization=organization, status=Membership.Status.ACTIVE).exists():
        _refuse(_("This person is not an active member of the body."), "not_member", "user")
    right, created = Transmitter.objects.get_or_create(
        organization=organization, user=person, defaults={"granted_by": user}
    )
    if created:
        audit.record(
            AuditEvent.Action.EXCHANGE,
            actor=user,
            request=request,
            organization=organization,
            subject_user=person,
            verb="transmitter_granted",
        )
    return right


def do_revoke(user, organization, person, *, request=None) -> None:
    if not access.can_grant(user, organization):
        _refuse(_("Only the body's organization admin grants the right to transmit."), "not_admin")
    deleted, _rows = Transmitter.objects.filter(organization=organization, user=person).delete()
    if deleted:
        audit.record(
            AuditEvent.Action.EXCHANGE,
            actor=user,
            request=request,
            organization=organization,
            subject_user=person,
            verb="transmitter_revoked",
        )


def do_follow(user, organization, follow: bool) -> bool:
    """A member of the body starts or stops being told of every step of its acts; returns whether they follow."""
    if organization.pk not in access.body_ids(user):
        _refuse(_("Only the body's members follow its acts."), "not_member")
    if follow:
        ActFollower.objects.get_or_create(organization=organization, user=user)
    else:
        ActFollower.objects.filter(organization=organization, user=user).delete()
    return follow
