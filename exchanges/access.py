"""Who sees and does what in the exchanges with the State.

- A sending body's active people read its register of acts (drafts included); only those its organization admin
  made transmitters (`Transmitter`) prepare, send, answer and cancel.
- The recipient authority's active people read the acts sent to it (never drafts) and answer them.
- Nobody else sees a non-public act: a 404, as if it did not exist. An act marked public is shown to everyone on the
  body's public page once acknowledged, with its acknowledgement date and its main document.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from exchanges.models import AccountingBatch, Act, Authority, Transmitter
from intranet import access as core_access
from intranet.models import Organization

Status = Act.Status


def body_ids(user) -> set[int]:
    """The member bodies the person belongs to (whose registers they read)."""
    return core_access.buyer_organization_ids(user)


def authority_ids(user) -> set[int]:
    """The recipient authorities whose people the person is."""
    organizations = core_access.organization_ids_of(user)
    if not organizations:
        return set()
    cached = getattr(user, "_exchange_authorities", None)
    if cached is None:
        cached = set(Authority.objects.filter(organization_id__in=organizations).values_list("pk", flat=True))
        user._exchange_authorities = cached
    return cached


def transmitting_body_ids(user) -> set[int]:
    """The bodies for which the person may transmit."""
    bodies = body_ids(user)
    if not bodies or not core_access.can_act(user):
        return set()
    return set(
        Transmitter.objects.filter(user=user, organization_id__in=bodies).values_list("organization_id", flat=True)
    )


def can_transmit(user, organization: Organization | int) -> bool:
    org_id = organization if isinstance(organization, int) else organization.pk
    return org_id in transmitting_body_ids(user)


def can_grant(user, organization: Organization | int) -> bool:
    """The body's organization admin grants and withdraws the right to transmit."""
    org_id = organization if isinstance(organization, int) else organization.pk
    return org_id in body_ids(user) and core_access.role_in(user, org_id) == core_access.Role.ORG_ADMIN


def visible_acts(user):
    """The acts the person may read: their bodies' (drafts included) and those sent to their authorities."""
    bodies, authorities = body_ids(user), authority_ids(user)
    if not bodies and not authorities:
        return Act.objects.none()
    return Act.objects.filter(Q(sender_id__in=bodies) | (Q(authority_id__in=authorities) & ~Q(status=Status.DRAFT)))


def access_act(user, act_id) -> Act:
    """The act, or 404 for whoever may not read it (its existence included)."""
    try:
        return visible_acts(user).select_related("sender", "authority__organization", "subject").get(pk=act_id)
    except (Act.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_sender(user, act: Act) -> bool:
    return act.sender_id in body_ids(user)


def is_recipient(user, act: Act) -> bool:
    return not act.is_draft and act.authority_id in authority_ids(user)


def may_transmit_for(user, act: Act) -> bool:
    return can_transmit(user, act.sender_id)


def may_answer_as_authority(user, act: Act) -> bool:
    return is_recipient(user, act) and core_access.can_act(user)


def require_transmitter(user, act: Act) -> None:
    if not may_transmit_for(user, act):
        raise PermissionDenied


def require_recipient(user, act: Act) -> None:
    if not may_answer_as_authority(user, act):
        raise PermissionDenied


def public_acts(organization: Organization | int):
    """The body's acts published as open data: marked public and acknowledged."""
    org_id = organization if isinstance(organization, int) else organization.pk
    return Act.objects.filter(sender_id=org_id, is_public=True, acknowledged_at__isnull=False)


def visible_batches(user):
    """The accounting batches the person may read: their bodies' and those sent to their accountants."""
    bodies, authorities = body_ids(user), authority_ids(user)
    if not bodies and not authorities:
        return AccountingBatch.objects.none()
    return AccountingBatch.objects.filter(Q(sender_id__in=bodies) | Q(authority_id__in=authorities))


def access_batch(user, batch_id) -> AccountingBatch:
    try:
        return visible_batches(user).select_related("sender", "authority__organization").get(pk=batch_id)
    except (AccountingBatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_answer_batch(user, batch: AccountingBatch) -> bool:
    return batch.authority_id in authority_ids(user) and core_access.can_act(user)
