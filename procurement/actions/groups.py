"""Every write of group purchases: the group and its catalogue, members and the agreement, declarations of needs,
the notice made from the consolidated needs, the awarded prices, the group's workspace, and what people are told.

Each action checks who may act (`procurement.access_groups`), validates (a ValidationError naming the field at
fault, in words), writes inside a transaction, audits, and notifies after commit.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import CharField, Max
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intranet import audit
from intranet.models import AuditEvent, Membership, Organization, User
from intranet.notifications import event_key_for, notify
from intranet.templatetags.file_sizes import file_size
from intranet.uploads import content_ok, upload_name
from procurement import access_groups as access
from procurement.forms import CPVResolver, _split
from procurement.models import Lot, NoticePage, Outcome
from procurement.models_groups import Declaration, GroupItem, GroupLot, GroupMember, GroupPurchase
from procurement.templatetags.procurement_tags import paris_datetime

Status = GroupMember.Status
AGREEMENT_MAX_SIZE = 20 * 1024 * 1024
VERB = "procurement.group"
CENT = Decimal("0.01")


def _refuse(message: str, code: str, field_name: str | None = None):
    error = ValidationError(message, code=code)
    raise ValidationError({field_name: error}) if field_name else error


def _record(user, group: GroupPurchase, verb: str, request=None, **details) -> None:
    audit.record(
        AuditEvent.Action.GROUP_PURCHASE_EVENT,
        actor=user,
        request=request,
        organization=group.coordinator,
        verb=verb,
        group=group.pk,
        title=group.title,
        **details,
    )


def _require_coordinator(user, group: GroupPurchase) -> None:
    if not access.can_manage(user, group):
        raise PermissionDenied


def _url(group: GroupPurchase, name: str = "groups:detail") -> str:
    return reverse(name, args=[group.pk])


def body_people(organization_ids, roles=(Membership.Role.BUYER, Membership.Role.ORG_ADMIN)):
    """The active people of these bodies holding one of `roles`."""
    return User.objects.filter(
        memberships__organization_id__in=list(organization_ids),
        memberships__status=Membership.Status.ACTIVE,
        memberships__role__in=list(roles),
        is_active=True,
    ).distinct()


def _coordinator_people(group: GroupPurchase):
    return body_people([group.coordinator_id])


def _member_people(group: GroupPurchase, statuses=(Status.JOINED,)):
    ids = group.members.filter(status__in=statuses).values_list("organization_id", flat=True)
    return body_people(ids)


def _notify(recipients, **kwargs) -> None:
    """Notify inside the action's transaction: `notify` sends nothing (e-mails, realtime) before it commits, and a
    rolled-back action leaves no notification."""
    notify(list(recipients), **kwargs)


# --- the group ---------------------------------------------------------------------------------


def clean_cpv(main_cpv: str, additional_cpv: str) -> tuple[str, str]:
    main = (main_cpv or "").strip()
    additional = _split(additional_cpv or "")
    if not main:
        _refuse(_("Please give the main CPV code."), "required", "main_cpv")
    resolver = CPVResolver([main, *additional])
    codes, error = resolver.check([main])
    if error:
        _refuse(error, "cpv", "main_cpv")
    more, error = resolver.check(additional)
    if error:
        _refuse(error, "cpv", "additional_cpv")
    return codes[0], " ".join(more)


def _clean_deadline(deadline, now, *, current=None) -> None:
    if deadline is None:
        _refuse(_("Please give the deadline for declarations."), "required", "declaration_deadline")
    if deadline <= now and (current is None or deadline != current):
        _refuse(_("The deadline for declarations must be in the future."), "past", "declaration_deadline")


def _clean_values(values: dict, now, *, current=None) -> None:
    """The deadline and the CPV codes, every error at once (each on its field); the codes normalized in place."""
    errors = {}
    try:
        _clean_deadline(values.get("declaration_deadline"), now, current=current)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        values["main_cpv"], values["additional_cpv"] = clean_cpv(values.get("main_cpv"), values.get("additional_cpv"))
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)


GROUP_FIELDS = (
    "title",
    "purpose",
    "nature",
    "main_cpv",
    "additional_cpv",
    "declaration_deadline",
    "reminder_days",
    "admission",
    "share_details",
)


def do_create_group(user, coordinator: Organization, *, request=None, **values) -> GroupPurchase:
    """A new group purchase coordinated by `coordinator` (one of the user's bodies, as buyer or organization
    admin); the coordinator is its first member."""
    if coordinator is None or coordinator.pk not in access.buying_body_ids(user):
        raise PermissionDenied
    now = timezone.now()
    _clean_values(values, now)
    with transaction.atomic():
        group = GroupPurchase.objects.create(
            coordinator=coordinator,
            created_by=user,
            created_at=now,
            **{k: values[k] for k in GROUP_FIELDS if k in values},
        )
        GroupMember.objects.create(group=group, organization=coordinator, status=Status.JOINED, joined_at=now)
        _record(user, group, "created", request)
    return group


def do_update_group(user, group: GroupPurchase, *, request=None, **values) -> GroupPurchase:
    """The coordinator changes the group. Moving a passed deadline into the future reopens the declarations; the
    members are told."""
    _require_coordinator(user, group)
    now = timezone.now()
    with transaction.atomic():
        locked = GroupPurchase.objects.select_for_update().get(pk=group.pk)
        _clean_values(values, now, current=locked.declaration_deadline)
        reopened = not locked.declarations_open(now) and values["declaration_deadline"] > now
        moved = values["declaration_deadline"] != locked.declaration_deadline
        if moved and locked.notice_id:  # the notice's quantities, the award and the shares come from these needs
            _refuse(
                _("The call for tender was made from these needs: declarations can no longer be reopened."),
                "frozen",
                "declaration_deadline",
            )
        for name in GROUP_FIELDS:
            if name in values:
                setattr(locked, name, values[name])
        locked.save()
        _record(user, locked, "reopened" if reopened else "updated", request)
        if moved:
            verb = "declarations reopened" if reopened else "deadline moved"
            message = (
                _("“%(group)s”: declarations are open again until %(date)s.")
                if reopened
                else _("“%(group)s”: the deadline for declarations is now %(date)s.")
            ) % {"group": locked.title, "date": paris_datetime(locked.declaration_deadline)}
            _notify(
                _member_people(locked).exclude(memberships__organization_id=locked.coordinator_id),
                verb=f"{VERB}.deadline",
                message=message,
                url=_url(locked),
                target=locked,
                actor=user,
                event_key=event_key_for(f"{VERB}.deadline", locked.pk, locked.declaration_deadline.isoformat(), verb),
            )
    return locked


def do_upload_agreement(user, group: GroupPurchase, upload, *, request=None) -> GroupPurchase:
    """The agreement (convention constitutive), a PDF checked by its content. A new version becomes the one shown
    and signed from then on; earlier files are kept, and each signature keeps the SHA-256 of the version signed."""
    _require_coordinator(user, group)
    if not upload:
        _refuse(_("Please choose the agreement's PDF file."), "required", "agreement")
    name = "".join(ch for ch in upload_name(upload) if ch.isprintable()).strip() or "convention.pdf"
    if upload.size > AGREEMENT_MAX_SIZE:
        _refuse(
            _("“%(name)s” is too big (%(size)s): at most %(limit)s.")
            % {"name": name, "size": file_size(upload.size), "limit": file_size(AGREEMENT_MAX_SIZE)},
            "too_big",
            "agreement",
        )
    if upload.size == 0 or not content_ok(upload, "pdf", "pdf"):
        _refuse(
            _("“%(name)s” is not a PDF file: please give the agreement as a PDF.") % {"name": name}, "pdf", "agreement"
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        locked = GroupPurchase.objects.select_for_update().get(pk=group.pk)
        # The previous file stays in the storage: members signed it (its SHA-256 is in their signature and the log).
        locked.agreement.save("convention.pdf", upload, save=False)
        locked.agreement_filename = name[:255]
        locked.agreement_sha256 = digest.hexdigest()
        locked.agreement_uploaded_at = timezone.now()
        locked.save(update_fields=["agreement", "agreement_filename", "agreement_sha256", "agreement_uploaded_at"])
        _record(
            user,
            locked,
            "agreement_uploaded",
            request,
            filename=locked.agreement_filename,
            sha256=locked.agreement_sha256,
        )
    return locked


# --- the catalogue -----------------------------------------------------------------------------


def _check_catalogue_open(group: GroupPurchase) -> None:
    if group.notice_id:
        _refuse(
            _("The call for tender was made from this catalogue: the catalogue can no longer be changed."), "frozen"
        )


def do_save_lots(user, group: GroupPurchase, rows: list[dict], *, request=None) -> None:
    """Rows: {"id": lot id or None, "number", "title", "delete": bool}. A lot holding items is not deleted."""
    _require_coordinator(user, group)
    with transaction.atomic():
        _check_catalogue_open(GroupPurchase.objects.select_for_update().get(pk=group.pk))  # as it is now
        existing = {lot.pk: lot for lot in group.lots.all()}
        for row in rows:
            lot = existing.get(row.get("id"))
            if row.get("delete"):
                if lot is not None:
                    if lot.items.exists():
                        _refuse(
                            _("Lot %(number)s still holds items: move or delete them first.") % {"number": lot.number},
                            "not_empty",
                        )
                    lot.delete()
                continue
            if lot is None:
                lot = GroupLot(group=group)
            lot.number, lot.title = row["number"], row["title"]
            try:
                with transaction.atomic():
                    lot.save()
            except IntegrityError:
                _refuse(_("Two lots cannot have the number %(number)s.") % {"number": row["number"]}, "duplicate")
        _record(user, group, "lots_saved", request, lots=group.lots.count())


def do_save_items(user, group: GroupPurchase, rows: list[dict], *, request=None) -> int:
    """Rows: {"id": item id or None, "designation", "unit", "lot": GroupLot or None, "unit_price_estimate",
    "delete": bool}. An item members declared needs for is not deleted. Returns the number of items."""
    _require_coordinator(user, group)
    with transaction.atomic():
        _check_catalogue_open(GroupPurchase.objects.select_for_update().get(pk=group.pk))  # as it is now
        existing = {item.pk: item for item in group.items.all()}
        lots = {lot.pk for lot in group.lots.all()}
        position = max((item.position for item in existing.values()), default=0)
        for row in rows:
            item = existing.get(row.get("id"))
            if row.get("delete"):
                if item is not None:
                    if item.declarations.exists():
                        _refuse(
                            _("Members declared needs for “%(item)s”: it cannot be deleted.")
                            % {"item": item.designation},
                            "declared",
                        )
                    item.delete()
                continue
            lot = row.get("lot")
            if lot is not None and lot.pk not in lots:
                _refuse(_("Choose a lot of this group purchase."), "lot")
            if item is None:
                position += 1
                item = GroupItem(group=group, position=position)
            item.designation, item.unit, item.lot = row["designation"], row["unit"], lot
            item.unit_price_estimate = row.get("unit_price_estimate")
            item.save()
        count = group.items.count()
        _record(user, group, "items_saved", request, items=count)
    return count


# --- members and the agreement -----------------------------------------------------------------


def do_invite(user, group: GroupPurchase, organizations, *, request=None) -> list[GroupMember]:
    """The coordinator invites member bodies; their organization admins and buyers are told. A body that
    declined may be invited again; members and bodies already invited are left as they are."""
    _require_coordinator(user, group)
    now = timezone.now()
    invited = []
    with transaction.atomic():
        group = GroupPurchase.objects.select_for_update().select_related("coordinator").get(pk=group.pk)
        if not group.agreement:
            _refuse(_("Add the agreement first: invited bodies sign up to it."), "no_agreement")
        for organization in organizations:
            if not organization.is_member_body:
                _refuse(_("Only member bodies can join a group purchase."), "not_body", "organizations")
            member, created = GroupMember.objects.select_for_update().get_or_create(
                group=group, organization=organization, defaults={"status": Status.INVITED}
            )
            if not created and member.status not in (Status.DECLINED,):
                continue
            member.status, member.invited_at, member.invited_by, member.declined_at = Status.INVITED, now, user, None
            member.save()
            invited.append(member)
            _record(user, group, "member_invited", request, body=organization.pk, name=organization.name)
        if invited:
            _notify(
                body_people([m.organization_id for m in invited]),
                verb=f"{VERB}.invitation",
                message=_("%(coordinator)s invites your body to join the group purchase “%(group)s”.")
                % {"coordinator": group.coordinator.name, "group": group.title},
                url=_url(group),
                target=group,
                actor=user,
            )
    return invited


def do_withdraw_invitation(user, member: GroupMember, *, request=None) -> None:
    """The coordinator withdraws an invitation not signed yet (a body invited by mistake); the body is told."""
    _require_coordinator(user, member.group)
    with transaction.atomic():
        member = _locked(member)
        if member.status != Status.INVITED:
            _refuse(_("Only an invitation not signed yet can be withdrawn."), "not_invited")
        group, organization = member.group, member.organization
        people = list(body_people([organization.pk]))
        member.delete()
        _record(user, group, "invitation_withdrawn", request, body=organization.pk, name=organization.name)
        _notify(
            people,
            verb=f"{VERB}.withdrawn",
            message=_("%(coordinator)s withdrew its invitation to join “%(group)s”.")
            % {"coordinator": group.coordinator.name, "group": group.title},
            url=reverse("groups:index"),
            target=group,
            actor=user,
        )


def _locked(member: GroupMember) -> GroupMember:
    """The member's row read again under a lock, with its group and body: its status as it is now."""
    return (
        GroupMember.objects.select_for_update().select_related("group__coordinator", "organization").get(pk=member.pk)
    )


def _sign(user, member: GroupMember, group: GroupPurchase, now) -> None:
    member.signed_at, member.signed_by, member.signed_sha256 = now, user, group.agreement_sha256
    member.signed_by_label = f"{user.display_name} <{user.email}>"[:255]


def _check_signable(group: GroupPurchase) -> None:
    if not group.agreement:
        _refuse(_("The coordinator has not added the agreement yet."), "no_agreement")


def do_sign(user, member: GroupMember, *, request=None) -> GroupMember:
    """An invited body's organization admin signs up to the agreement: the body becomes a member."""
    if not access.may_sign_for(user, member):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        member = _locked(member)
        group = member.group
        _check_signable(group)
        if member.status == Status.JOINED:
            return member
        if member.status == Status.REQUESTED:
            _refuse(_("Your body's request is awaiting the coordinator's decision."), "requested")
        if member.status == Status.DECLINED and member.invited_at is None:  # a request the coordinator refused
            _refuse(_("The coordinator did not admit your body to this group purchase."), "refused")
        _sign(user, member, group, now)
        member.status, member.joined_at, member.declined_at = Status.JOINED, now, None
        member.save()
        _record(user, group, "agreement_signed", request, body=member.organization_id, sha256=member.signed_sha256)
        _notify(
            _coordinator_people(group),
            verb=f"{VERB}.joined",
            message=_("%(body)s signed the agreement of “%(group)s” and is now a member.")
            % {"body": member.organization.name, "group": group.title},
            url=_url(group, "groups:members"),
            target=group,
            actor=user,
        )
        _join_workspace(group, member, user)
    return member


def do_decline(user, member: GroupMember, *, request=None) -> GroupMember:
    if not access.may_sign_for(user, member):
        raise PermissionDenied
    with transaction.atomic():
        member = _locked(member)
        if member.status != Status.INVITED:
            _refuse(_("Only a pending invitation can be declined."), "not_invited")
        member.status, member.declined_at = Status.DECLINED, timezone.now()
        member.save()
        _record(user, member.group, "invitation_declined", request, body=member.organization_id)
        _notify(
            _coordinator_people(member.group),
            verb=f"{VERB}.declined",
            message=_("%(body)s declined to join “%(group)s”.")
            % {"body": member.organization.name, "group": member.group.title},
            url=_url(member.group, "groups:members"),
            target=member.group,
            actor=user,
        )
    return member


def do_request_to_join(user, group: GroupPurchase, organization: Organization, *, request=None) -> GroupMember:
    """An open call: a body's organization admin asks to join, signing up to the agreement; the coordinator
    decides."""
    if organization.pk not in access.admin_body_ids(user) or not access.can_see(user, group):
        raise PermissionDenied
    if group.admission != GroupPurchase.Admission.OPEN:
        _refuse(_("This group purchase admits members on invitation only."), "invitation_only")
    now = timezone.now()
    with transaction.atomic():
        _check_signable(group)
        member, created = GroupMember.objects.select_for_update().get_or_create(
            group=group, organization=organization, defaults={"status": Status.REQUESTED}
        )
        if not created and member.status in (Status.JOINED, Status.REQUESTED):
            return member
        if not created and member.status == Status.INVITED:
            return do_sign(user, member, request=request)
        member.status, member.declined_at = Status.REQUESTED, None
        _sign(user, member, group, now)
        member.save()
        _record(user, group, "join_requested", request, body=organization.pk, sha256=member.signed_sha256)
        _notify(
            _coordinator_people(group),
            verb=f"{VERB}.request",
            message=_("%(body)s asks to join “%(group)s” and signed its agreement.")
            % {"body": organization.name, "group": group.title},
            url=_url(group, "groups:members"),
            target=group,
            actor=user,
        )
    return member


def do_decide_request(user, member: GroupMember, approve: bool, *, request=None) -> GroupMember:
    """The coordinator admits a body that asked to join, or refuses it; the body is told."""
    _require_coordinator(user, member.group)
    with transaction.atomic():
        member = _locked(member)
        group = member.group
        if member.status != Status.REQUESTED:
            _refuse(_("This request was already decided."), "decided")
        now = timezone.now()
        if approve:
            member.status, member.joined_at = Status.JOINED, now
            message = _("Your body is now a member of the group purchase “%(group)s”.")
        else:
            member.status, member.declined_at, member.invited_at = Status.DECLINED, now, None
            message = _("The coordinator of “%(group)s” did not admit your body.")
        member.save()
        _record(
            user,
            group,
            "request_approved" if approve else "request_refused",
            request,
            body=member.organization_id,
        )
        _notify(
            body_people([member.organization_id]),
            verb=f"{VERB}.decision",
            message=message % {"group": group.title},
            url=_url(group),
            target=group,
            actor=user,
        )
        if approve:
            _join_workspace(group, member, user)
    return member


# --- declarations ------------------------------------------------------------------------------

DECLARATION_FIELDS = ("quantity", "delivery_site", "wanted_from", "wanted_until", "comment")


@dataclass
class Conflict:
    """A line another person changed after this form was loaded: nothing of it was written."""

    item: GroupItem
    current: Declaration | None
    message: str


@dataclass
class DeclarationResult:
    saved: int = 0
    removed: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


def check_declarations_open(group: GroupPurchase, now=None) -> None:
    if group.notice_id:
        _refuse(_("The call for tender was made from these needs: declarations can no longer be changed."), "frozen")
    if not group.declarations_open(now):
        _refuse(
            _(
                "The deadline for declarations passed on %(date)s: declarations can no longer be changed. "
                "Ask the coordinator (%(coordinator)s) if they must be reopened."
            )
            % {"date": paris_datetime(group.declaration_deadline), "coordinator": group.coordinator.name},
            "closed",
        )


def clean_quantity(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        _refuse(_("Please give the quantity as a number."), "invalid", "quantity")
    if not quantity.is_finite() or quantity < 0:
        _refuse(_("Please give a quantity of 0 or more."), "range", "quantity")
    return quantity


def _values(declaration: Declaration | None) -> dict:
    if declaration is None:
        return {"quantity": None, "delivery_site": "", "wanted_from": None, "wanted_until": None, "comment": ""}
    return {name: getattr(declaration, name) for name in DECLARATION_FIELDS}


def do_declare(user, member: GroupMember, rows: list[dict], *, request=None) -> DeclarationResult:
    """Write the lines a buyer changed in their body's declaration form. Each row: {"item": GroupItem,
    "version": the line's version when the form was loaded (0: no line then), and the fields}; an empty or zero
    quantity removes the line. A line changed meanwhile by someone else (its version moved) is not written: it is
    returned as a conflict, the others are written. The member's row is locked for the write, so two buyers of the
    same body saving at once are taken one after the other and neither loses a line."""
    result = DeclarationResult()
    with transaction.atomic():
        locked = GroupMember.objects.select_for_update().select_related("group__coordinator").get(pk=member.pk)
        if not access.may_declare_for(user, locked):  # its status as it is now, under the lock
            raise PermissionDenied
        group = locked.group
        now = timezone.now()
        check_declarations_open(group, now)
        items = {item.pk for item in group.items.all()}
        current = {d.item_id: d for d in Declaration.objects.filter(member=locked)}
        for row in rows:
            item = row["item"]
            if item.pk not in items:
                _refuse(_("This item is not in the group's catalogue."), "unknown_item")
            existing = current.get(item.pk)
            wanted = {name: row.get(name) for name in DECLARATION_FIELDS}
            wanted["quantity"] = clean_quantity(wanted["quantity"])
            for name in ("delivery_site", "comment"):
                wanted[name] = (wanted[name] or "").strip()
            if (existing.version if existing else 0) != row.get("version", 0):
                if _values(existing) == wanted or (existing is None and not wanted["quantity"]):
                    continue  # the same change made twice (another buyer, a second tab)
                who = existing.updated_by.display_name if existing and existing.updated_by else _("someone else")
                result.conflicts.append(
                    Conflict(
                        item,
                        existing,
                        _("This line was changed by %(who)s after you opened the form: check it and save again.")
                        % {"who": who},
                    )
                )
                continue
            if not wanted["quantity"]:
                if existing is not None:
                    existing.delete()
                    result.removed += 1
                continue
            if existing is None:
                existing = Declaration(member=locked, item=item, version=0)
            elif _values(existing) == wanted:
                continue
            for name, value in wanted.items():
                setattr(existing, name, value)
            existing.version += 1
            existing.updated_at, existing.updated_by = now, user
            existing.save()
            result.saved += 1
        if result.saved or result.removed:
            _record(
                user,
                group,
                "needs_declared",
                request,
                body=locked.organization_id,
                lines_saved=result.saved,
                lines_removed=result.removed,
            )
    return result


# --- consolidation -------------------------------------------------------------------------------


@dataclass
class ItemTotal:
    item: GroupItem
    quantity: Decimal = Decimal(0)
    members: int = 0
    estimated: Decimal | None = None
    awarded: Decimal | None = None


@dataclass
class MemberTotal:
    member: GroupMember
    lines: int = 0
    estimated: Decimal = Decimal(0)
    awarded: Decimal = Decimal(0)


@dataclass
class LotTotal:
    lot: GroupLot | None
    items: int = 0
    estimated: Decimal = Decimal(0)
    awarded: Decimal = Decimal(0)


@dataclass
class Consolidation:
    """The group's needs in one place: per item, per lot, per member, and every line (member, item) → declaration.
    Five queries whatever the size: the lots, the items, the members with their bodies, the declarations (values
    only) and the last change."""

    group: GroupPurchase
    lots: list[GroupLot]
    items: list[GroupItem]
    members: list[GroupMember]
    lines: dict[tuple[int, int], dict]
    item_totals: list[ItemTotal]
    lot_totals: list[LotTotal]
    member_totals: list[MemberTotal]
    estimated: Decimal
    awarded: Decimal
    any_awarded_price: bool
    last_change: datetime.datetime | None

    def line(self, member: GroupMember, item: GroupItem) -> dict | None:
        return self.lines.get((member.pk, item.pk))


def _amount(quantity: Decimal, price: Decimal | None) -> Decimal | None:
    if price is None:
        return None
    return (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)


def consolidate(group: GroupPurchase, *, member_ids=None) -> Consolidation:
    """Totals of the joined members' declarations (only those of `member_ids` line by line, when given)."""
    lots = list(group.lots.all())
    lots_by_pk = {lot.pk: lot for lot in lots}
    items = list(group.items.all())
    for item in items:
        item.lot = lots_by_pk.get(item.lot_id)
    members = list(group.members.filter(status=Status.JOINED).select_related("organization"))
    joined = {member.pk for member in members}
    keep_lines = member_ids is None or bool(member_ids)
    # The quantity as the database writes it, made a Decimal here: Django's decimal converter (a context, a
    # quantize per value) was most of the time of a large table; the text is exact on both databases.
    columns = ["member_id", "item_id", "quantity_text"]
    if keep_lines:
        columns += ["delivery_site", "wanted_from", "wanted_until", "comment"]
    rows = (
        Declaration.objects.filter(item__group=group)
        .annotate(quantity_text=Cast("quantity", output_field=CharField()))
        .values_list(*columns)
    )
    by_item = {item.pk: ItemTotal(item) for item in items}
    by_member = {member.pk: MemberTotal(member) for member in members}
    prices = {item.pk: (item.unit_price_estimate, item.awarded_unit_price) for item in items}
    for total in by_item.values():  # None: no price for the item, so no amount (not 0 €)
        estimate, awarded = prices[total.item.pk]
        total.estimated = Decimal(0) if estimate is not None else None
        total.awarded = Decimal(0) if awarded is not None else None
    lines = {}
    wanted = None if member_ids is None else set(member_ids)
    for member_id, item_id, quantity_text, *detail in rows:
        if member_id not in joined or item_id not in by_item:
            continue
        quantity = Decimal(quantity_text)
        total = by_item[item_id]
        total.quantity += quantity
        total.members += 1
        estimate, awarded = prices[item_id]
        member_total = by_member[member_id]
        member_total.lines += 1
        # Each line is rounded to the cent once, and every total is a sum of those lines: the members' shares add up
        # to the item's, the lot's and the group's totals exactly.
        if estimate is not None:
            amount = _amount(quantity, estimate)
            member_total.estimated += amount
            total.estimated += amount
        if awarded is not None:
            amount = _amount(quantity, awarded)
            member_total.awarded += amount
            total.awarded += amount
        if keep_lines and (wanted is None or member_id in wanted):
            site, wanted_from, wanted_until, comment = detail
            lines[(member_id, item_id)] = {
                "quantity": quantity,
                "delivery_site": site,
                "wanted_from": wanted_from,
                "wanted_until": wanted_until,
                "comment": comment,
            }
    lot_totals = {lot.pk: LotTotal(lot) for lot in lots}
    no_lot = LotTotal(None)
    estimated_sum = awarded_sum = Decimal(0)
    any_awarded = False
    for total in by_item.values():
        lot_total = lot_totals.get(total.item.lot_id, no_lot)
        lot_total.items += 1
        if total.estimated is not None:
            lot_total.estimated += total.estimated
            estimated_sum += total.estimated
        if total.awarded is not None:
            any_awarded = True
            lot_total.awarded += total.awarded
            awarded_sum += total.awarded
    last = Declaration.objects.filter(item__group=group).aggregate(last=Max("updated_at"))["last"]
    lot_list = list(lot_totals.values()) + ([no_lot] if no_lot.items else [])
    return Consolidation(
        group=group,
        lots=lots,
        items=items,
        members=members,
        lines=lines,
        item_totals=list(by_item.values()),
        lot_totals=lot_list,
        member_totals=list(by_member.values()),
        estimated=estimated_sum,
        awarded=awarded_sum,
        any_awarded_price=any_awarded,
        last_change=last,
    )


# --- the notice, the award -----------------------------------------------------------------------


def _free_reference(group: GroupPurchase) -> str:
    base = f"GC-{timezone.localdate().year}-{group.pk:04d}"
    taken = set(
        NoticePage.objects.filter(buyer_id=group.coordinator_id, reference__startswith=base).values_list(
            "reference", flat=True
        )
    )
    reference, suffix = base, 1
    while reference in taken:
        suffix += 1
        reference = f"{base}-{suffix}"
    return reference


def _quantity_text(value: Decimal) -> str:
    from procurement.templatetags.procurement_tags import quantity

    return quantity(value)


def _items_text(totals: list[ItemTotal]) -> str:
    return "\n".join(
        f"- {total.item.designation} : {_quantity_text(total.quantity)} {total.item.unit}"
        for total in totals
        if total.quantity
    )


def notice_values(group: GroupPurchase, consolidation: Consolidation, user) -> tuple[dict, list[Lot]]:
    """The draft notice's fields and lots, in the platform's language: the group's object, its members, and the
    consolidated quantities."""
    now = timezone.localtime()
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    members = [m.organization.name for m in consolidation.members if m.organization_id != group.coordinator_id]
    with translation.override(settings.LANGUAGE_CODE):
        description = [f"<p>{escape(line)}</p>" for line in group.purpose.splitlines() if line.strip()]
        description.append(
            "<p>"
            + escape(
                _("Group purchase coordinated by %(coordinator)s on behalf of its members: %(members)s.")
                % {"coordinator": group.coordinator.name, "members": ", ".join(members) or group.coordinator.name}
            )
            + "</p>"
        )
        unlotted = [t for t in consolidation.item_totals if t.item.lot_id is None and t.quantity]
        if unlotted:
            description.append("<p>" + escape(_("Estimated quantities:")) + "</p><ul>")
            description.extend(
                f"<li>{escape(t.item.designation)} : {escape(_quantity_text(t.quantity))} {escape(t.item.unit)}</li>"
                for t in unlotted
            )
            description.append("</ul>")
        lots = []
        for lot_total in consolidation.lot_totals:
            if lot_total.lot is None:
                continue
            totals = [t for t in consolidation.item_totals if t.item.lot_id == lot_total.lot.pk]
            lots.append(
                Lot(
                    number=lot_total.lot.number,
                    title=lot_total.lot.title,
                    description=_("Estimated quantities:") + "\n" + _items_text(totals),
                    estimated_value=lot_total.estimated.quantize(Decimal("0.01")) if lot_total.estimated else None,
                )
            )
    values = {
        "title": group.title[:255],
        "reference": _free_reference(group),
        "description": "".join(description),
        "nature": group.nature,
        "procedure": "open",
        "main_cpv": group.main_cpv,
        "additional_cpv": group.additional_cpv,
        "department": group.coordinator.department or "35",
        "estimated_value": consolidation.estimated.quantize(Decimal("0.01")) if consolidation.estimated else None,
        "questions_deadline": noon + datetime.timedelta(days=30),
        "bids_deadline": noon + datetime.timedelta(days=37),
        "contact_name": user.display_name[:200],
        "contact_email": user.email,
    }
    return values, lots


def do_create_notice(user, group: GroupPurchase, *, request=None) -> NoticePage:
    """A draft call for tender in the coordinator's section, from the consolidated needs (after the deadline for
    declarations): the lots and quantities pre-filled, the members named. The coordinator's buyers then complete
    and publish it as any notice."""
    from procurement.setup import ensure_buyer_section, ensure_notice_index

    _require_coordinator(user, group)
    now = timezone.now()
    with transaction.atomic():
        locked = GroupPurchase.objects.select_for_update().select_related("coordinator").get(pk=group.pk)
        if locked.notice_id:
            _refuse(_("The call for tender of this group purchase was already created."), "exists")
        if locked.declarations_open(now):
            _refuse(
                _("Declarations are open until %(date)s: create the call for tender once they are closed.")
                % {"date": paris_datetime(locked.declaration_deadline)},
                "open",
            )
        consolidation = consolidate(locked)
        if not any(total.quantity for total in consolidation.item_totals):
            _refuse(_("No member declared any need: there is nothing to put out to tender."), "empty")
        values, lots = notice_values(locked, consolidation, user)
        from wagtail.models import Site

        home = Site.objects.get(is_default_site=True).root_page.specific
        section = ensure_buyer_section(locked.coordinator, ensure_notice_index(home))
        slug = f"{slugify(values['title'])[:60] or 'groupement'}-{values['reference'].lower()}"
        notice = NoticePage(slug=slug, buyer=locked.coordinator, live=False, owner=user, **values)
        for lot in lots:
            notice.lots.add(lot)
        section.add_child(instance=notice)
        notice.save_revision(user=user)
        locked.notice = notice
        locked.save(update_fields=["notice"])
        _record(user, locked, "notice_created", request, notice=notice.pk, reference=notice.reference)
    return notice


def notice_awarded(notice: NoticePage) -> bool:
    from procurement.models_bids import LotAward

    if notice.outcome == Outcome.AWARDED:
        return True
    return LotAward.objects.filter(notice_id=notice.pk, outcome=LotAward.Outcome.AWARDED).exists()


def do_set_awarded_prices(user, group: GroupPurchase, prices: dict[int, Decimal | None], *, request=None) -> int:
    """The coordinator enters the awarded unit price of items (after the award): each member's share follows.
    Returns the number of prices changed; the members are told once the first prices are in."""
    _require_coordinator(user, group)
    if group.notice is None or not notice_awarded(group.notice):
        _refuse(_("Awarded prices can be entered once the call for tender is awarded."), "not_awarded")
    changed = 0
    with transaction.atomic():
        locked = GroupPurchase.objects.select_for_update().get(pk=group.pk)
        for item in locked.items.all():
            if item.pk not in prices:
                continue
            price = prices[item.pk]
            if price is not None and (not price.is_finite() or price < 0):
                _refuse(_("Please give prices of 0 or more."), "range")
            if price != item.awarded_unit_price:
                item.awarded_unit_price = price
                item.save(update_fields=["awarded_unit_price"])
                changed += 1
        if changed:
            _record(user, locked, "awarded_prices", request, prices_changed=changed)
            _notify(
                _member_people(locked),
                verb=f"{VERB}.share",
                message=_("“%(group)s”: the awarded prices are in, your body's share can be read.")
                % {"group": locked.title},
                url=_url(locked),
                target=locked,
                actor=user,
                event_key=event_key_for(f"{VERB}.share", locked.pk),
            )
    return changed


# --- the group's workspace -------------------------------------------------------------------------


def _workspace_people(group: GroupPurchase):
    return body_people(group.members.filter(status=Status.JOINED).values_list("organization_id", flat=True))


def do_open_workspace(user, group: GroupPurchase, *, request=None):
    """A private workspace for the group: the coordinator's and the members' buyers, with the agreement and the
    consolidated table as files. Bodies joining later are added as they join."""
    from procurement import groups_export
    from workspaces.actions import files as workspace_files
    from workspaces.actions import members as workspace_members
    from workspaces.actions import workspaces as workspace_actions
    from workspaces.models import Member, Workspace

    _require_coordinator(user, group)
    if group.workspace_id:
        _refuse(_("The group's workspace already exists."), "exists")
    with transaction.atomic():
        locked = GroupPurchase.objects.select_for_update().select_related("coordinator").get(pk=group.pk)
        if locked.workspace_id:
            _refuse(_("The group's workspace already exists."), "exists")
        workspace = workspace_actions.do_create_workspace(
            user,
            name=_("Group purchase: %(title)s") % {"title": locked.title[:90]},
            description=locked.purpose[:2000],
            visibility=Workspace.Visibility.PRIVATE,
        )
        coordinators = set(_coordinator_people(locked).values_list("pk", flat=True))
        people = list(_workspace_people(locked))
        workspace_members.do_add_members(
            workspace, [p for p in people if p.pk in coordinators], role=Member.Role.ADMIN, added_by=user
        )
        workspace_members.do_add_members(workspace, [p for p in people if p.pk not in coordinators], added_by=user)
        if locked.agreement:
            with locked.agreement.open("rb") as handle:
                upload = ContentFile(handle.read(), name=locked.agreement_filename or "convention.pdf")
            workspace_files.do_upload_file(workspace, user, upload)
        table = ContentFile(groups_export.xlsx_bytes(consolidate(locked)), name=groups_export.filename(locked, "xlsx"))
        workspace_files.do_upload_file(workspace, user, table)
        locked.workspace = workspace
        locked.save(update_fields=["workspace"])
        _record(user, locked, "workspace_opened", request, workspace=workspace.slug)
    return workspace


def _join_workspace(group: GroupPurchase, member: GroupMember, actor) -> None:
    """A body joining a group with a workspace: its buyers become members of the workspace."""
    if not group.workspace_id:
        return
    from workspaces.actions import members as workspace_members

    workspace_members.do_add_members(group.workspace, list(body_people([member.organization_id])), added_by=actor)


# --- what the worker announces ---------------------------------------------------------------------


def remind_deadlines(now=None) -> int:
    """Members' buyers are reminded once, `reminder_days` before the deadline. Returns the groups reminded."""
    now = now or timezone.now()
    reminded = 0
    candidates = GroupPurchase.objects.filter(declaration_deadline__gt=now).select_related("coordinator")
    for group in candidates:
        if group.reminded_for == group.declaration_deadline:
            continue
        if group.declaration_deadline - datetime.timedelta(days=group.reminder_days) > now:
            continue
        with transaction.atomic():
            if (
                not GroupPurchase.objects.filter(pk=group.pk)
                .exclude(reminded_for=group.declaration_deadline)
                .update(reminded_for=group.declaration_deadline)
            ):
                continue
            days = max(1, (group.declaration_deadline - now).days)
            _notify(
                _member_people(group),
                verb=f"{VERB}.reminder",
                message=ngettext(
                    "“%(group)s”: declarations close in %(days)s day, on %(date)s.",
                    "“%(group)s”: declarations close in %(days)s days, on %(date)s.",
                    days,
                )
                % {"group": group.title, "days": days, "date": paris_datetime(group.declaration_deadline)},
                url=_url(group, "groups:declare_mine"),
                target=group,
                event_key=event_key_for(f"{VERB}.reminder", group.pk, group.declaration_deadline.isoformat()),
            )
        reminded += 1
    return reminded


def announce_closed_declarations(now=None) -> int:
    """Once a deadline passes: the members are told declarations are closed, the coordinator that the table is
    ready. Returns the groups announced."""
    now = now or timezone.now()
    announced = 0
    for group in GroupPurchase.objects.filter(declaration_deadline__lte=now).select_related("coordinator"):
        if group.closed_announced_for == group.declaration_deadline:
            continue
        with transaction.atomic():
            if (
                not GroupPurchase.objects.filter(pk=group.pk)
                .exclude(closed_announced_for=group.declaration_deadline)
                .update(closed_announced_for=group.declaration_deadline)
            ):
                continue
            key = event_key_for(f"{VERB}.closed", group.pk, group.declaration_deadline.isoformat())
            _notify(
                _member_people(group).exclude(memberships__organization_id=group.coordinator_id),
                verb=f"{VERB}.closed",
                message=_("“%(group)s”: the deadline passed, declarations are closed.") % {"group": group.title},
                url=_url(group),
                target=group,
                event_key=key,
            )
            _notify(
                _coordinator_people(group),
                verb=f"{VERB}.closed",
                message=_("“%(group)s”: declarations are closed, the consolidated table is ready.")
                % {"group": group.title},
                url=_url(group, "groups:table"),
                target=group,
                event_key=key,
            )
        announced += 1
    return announced


def announce_notice_event(notice: NoticePage, event: str) -> None:
    """Called by the notice's actions: its publication or its award reaches the group's members."""
    group = GroupPurchase.objects.filter(notice_id=notice.pk).select_related("coordinator").first()
    if group is None:
        return
    if event == "published":
        message = _("“%(group)s”: the call for tender %(reference)s is published.")
    else:
        message = _("“%(group)s”: the call for tender %(reference)s is awarded.")
        GroupPurchase.objects.filter(pk=group.pk, award_announced_at=None).update(award_announced_at=timezone.now())
    _notify(
        _member_people(group).exclude(memberships__organization_id=group.coordinator_id),
        verb=f"{VERB}.{event}",
        message=message % {"group": group.title, "reference": notice.reference},
        url=_url(group),
        target=group,
        event_key=event_key_for(f"{VERB}.{event}", group.pk, notice.pk),
    )
