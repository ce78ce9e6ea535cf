"""Record security-relevant actions in the audit log."""

from intranet.models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(action: str, *, actor=None, request=None, subject_user=None, organization=None, **details) -> AuditEvent:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor.email if actor is not None else details.pop("actor_label", "")),
        subject_user=subject_user,
        organization=organization,
        ip_address=client_ip(request),
        details=details,
    )
