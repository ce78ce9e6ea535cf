"""Audit logins, logouts and lockouts (connected in IntranetConfig.ready)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from wagtail.models import TaskState
from wagtail.signals import page_published, page_unpublished

from intranet import audit
from intranet.models import AuditEvent


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record(AuditEvent.Action.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditEvent.Action.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:254]
    audit.record(AuditEvent.Action.LOGIN_FAILED, request=request, actor_label=username)


@receiver(user_locked_out)
def audit_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit.record(AuditEvent.Action.LOCKED_OUT, request=request, actor_label=str(username or "")[:254])


def _publisher(revision):
    """Who made `revision` live: the approver when a workflow approved it, else whoever saved it.

    page_published does not say who published; revision.user is the author, who after moderation is
    the submitter, not the moderator. Wagtail logs its own "wagtail.publish" entry only after the signal.
    """
    if revision is None:
        return None
    approval = (
        TaskState.objects.filter(revision=revision, status=TaskState.STATUS_APPROVED, finished_by__isnull=False)
        .select_related("finished_by")
        .order_by("-finished_at", "-pk")
        .first()
    )
    return approval.finished_by if approval is not None else revision.user


@receiver(page_published)
def audit_page_published(sender, instance, revision=None, **kwargs):
    """Who published what: Wagtail's history has it too, the audit log puts it beside the rest.

    Wagtail sends this signal when a publication only schedules a go-live (the page stays off line):
    that is not a publication, and the scheduled job's publication at go-live is recorded instead."""
    if not instance.live:
        return
    actor = _publisher(revision)
    audit.record(
        AuditEvent.Action.PAGE_PUBLISHED,
        actor=actor,
        page_id=instance.pk,
        title=instance.title,
        page_type=instance.specific_class._meta.label if instance.specific_class else "",
    )


@receiver(page_unpublished)
def audit_page_unpublished(sender, instance, user=None, **kwargs):
    audit.record(AuditEvent.Action.PAGE_UNPUBLISHED, actor=user, page_id=instance.pk, title=instance.title)
