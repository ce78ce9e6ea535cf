"""Audit log of security-relevant actions, read by platform admins."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One security-relevant action: who did what to whom, when and from where."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Account or address locked out")
        LOGOUT = "logout", _("Logout")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        REGISTERED = "registered", _("Registration")
        EMAIL_CONFIRMED = "email_confirmed", _("E-mail address confirmed")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        MEMBERSHIP_ADDED = "membership_added", _("Member added")
        MEMBERSHIP_REQUESTED = "membership_requested", _("Membership request")
        MEMBERSHIP_APPROVED = "membership_approved", _("Membership request approved")
        MEMBERSHIP_REJECTED = "membership_rejected", _("Membership request rejected")
        MEMBERSHIP_REMOVED = "membership_removed", _("Member removed")
        ROLE_CHANGED = "role_changed", _("Role changed")
        ORGANIZATION_CREATED = "organization_created", _("Organization created")
        DATA_EXPORTED = "data_exported", _("Personal data downloaded")
        ACCOUNT_CLOSED = "account_closed", _("Account closed")
        PAGE_PUBLISHED = "page_published", _("Page published")
        PAGE_UNPUBLISHED = "page_unpublished", _("Page unpublished")
        COMMENT_REMOVED = "comment_removed", _("Comment removed")
        FORUM_MODERATION = "forum_moderation", _("Forum moderation")
        # A call for tender's legal events (published, amended, cancelled, opened, awarded...), verb in details.
        NOTICE_EVENT = "notice_event", _("Call for tender")
        # The nightly check of the search index added missing documents or removed stale ones (counts in details).
        SEARCH_INDEX_RECONCILED = "search_index_reconciled", _("Search index repaired")
        # A group purchase's events (created, members invited or joined, agreement signed...), verb in details.
        GROUP_PURCHASE_EVENT = "group_purchase", _("Group purchase")
        # An act or accounting file sent to the prefecture or the Treasury, and what they answered (verb in details).
        EXCHANGE = "exchange", _("Exchange with the State")

    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the actor was called at the time: survives account closure.
    actor_label = models.CharField(_("actor (label)"), max_length=255, blank=True)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "intranet.Organization",
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} — {self.actor_label}"
