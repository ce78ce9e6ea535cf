"""RGPD: what the platform holds about a person, and closing an account.

Apps add their own data to the export with the `register_personal_data` Wagtail hook:
a function `(user) -> (key, data)` returning JSON-serializable data; and forget what must not
outlive an account with the `register_account_closure` hook: a function `(user) -> None`, run
inside the closing transaction.
"""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from wagtail import hooks

from intranet import audit
from intranet.models import AuditEvent, CompanyRegistration, Invitation, Membership, Notification, User


def personal_data(user: User) -> dict:
    data = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "job_title": user.job_title,
            "email_frequency": user.email_frequency,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_confirmed_at": user.email_confirmed_at.isoformat() if user.email_confirmed_at else None,
        },
        "memberships": [
            {
                "organization": m.organization.name,
                "siret": m.organization.siret,
                "role": m.role,
                "status": m.status,
                "since": m.created_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("organization").order_by("pk")
        ],
        "notifications": [
            {
                "created_at": n.created_at.isoformat(),
                "verb": n.verb,
                "message": n.message,
                "url": n.url,
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(recipient=user).order_by("pk")
        ],
        "security_events": [
            {"created_at": e.created_at.isoformat(), "action": e.action, "ip_address": e.ip_address}
            for e in AuditEvent.objects.filter(actor=user).order_by("pk")
        ],
    }
    for hook in hooks.get_hooks("register_personal_data"):
        key, value = hook(user)
        data[key] = value
    return data


def do_export_personal_data(user: User, *, request=None) -> dict:
    data = personal_data(user)
    audit.record(AuditEvent.Action.DATA_EXPORTED, actor=user, request=request)
    return data


def do_close_account(user: User, *, request=None) -> None:
    """Anonymize the account; what the person wrote stays, shown as written by a former member."""
    with transaction.atomic():
        audit.record(AuditEvent.Action.ACCOUNT_CLOSED, actor=user, request=request)
        # Keep the audit trail's meaning without the person's address.
        AuditEvent.objects.filter(actor=user).update(actor_label=f"former-member-{user.pk}")
        Membership.objects.filter(user=user).delete()
        Notification.objects.filter(recipient=user).delete()
        Invitation.objects.filter(email__iexact=user.email).update(revoked_at=timezone.now())
        CompanyRegistration.objects.filter(user=user).delete()
        user.groups.clear()
        for hook in hooks.get_hooks("register_account_closure"):
            hook(user)
        user.email = f"former-member-{user.pk}@closed.invalid"
        user.first_name = ""
        user.last_name = ""
        user.job_title = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.email_frequency = User.EmailFrequency.NEVER
        user.closed_at = timezone.now()
        user.set_unusable_password()
        user.save()
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                session.delete()
