"""Reports of posts: members report, the category's moderators (and platform admins) resolve or dismiss."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forums import access
from forums.actions.moderation import check_moderator, record
from forums.models import Category, Post, PostReport
from intranet.models import User
from intranet.notifications import notify

REASON_MAX_LENGTH = 2000


def report_recipients(category: Category) -> list[User]:
    """The moderators of the category and of its parent, and the platform admins, who may all read it."""
    ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
    moderators = User.objects.filter(moderated_categories__in=ids)
    admins = User.objects.filter(is_superuser=True)
    people = (moderators | admins).filter(is_active=True, closed_at__isnull=True).distinct().order_by("pk")
    return [u for u in people if access.is_moderator(u, category)]


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Please say what is wrong with this post."), "required")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": ValidationError(_("At most %(limit)s characters.") % {"limit": REASON_MAX_LENGTH}, "max_length")}
        )
    return reason


def do_report_post(user: User, post: Post, *, reason: str) -> tuple[PostReport, bool]:
    """Report `post`; returns (report, created). A second report by the same person while the first is open
    updates its reason and does not notify the moderators again."""
    if not access.core_access.can_act(user) or not access.can_read_category(user, post.topic.category):
        raise PermissionDenied
    reason = clean_reason(reason)
    with transaction.atomic():
        # Serialize one reporter's reports, so a double click cannot open two.
        User.objects.select_for_update().filter(pk=user.pk).exists()
        report = PostReport.objects.filter(post=post, reporter=user, status=PostReport.Status.OPEN).first()
        if report is not None:
            report.reason = reason
            report.save(update_fields=["reason"])
            return report, False
        report = PostReport.objects.create(post=post, reporter=user, reason=reason)
        category = post.topic.category
        notify(
            report_recipients(category),
            verb="forums.report",
            actor=user,
            target=post,
            message=_("%(name)s reported a post in “%(topic)s”: %(reason)s")
            % {"name": user.display_name, "topic": post.topic.title, "reason": reason[:200]},
            url=reverse("forums:moderation_queue") + f"#report-{report.pk}",
        )
    return report, True


def do_handle_report(user: User, report: PostReport, status: str, *, request=None) -> PostReport:
    """Resolve (something was done) or dismiss (nothing to do) an open report."""
    if status not in (PostReport.Status.RESOLVED, PostReport.Status.DISMISSED):
        raise ValueError(status)
    check_moderator(user, report.post.topic.category)
    with transaction.atomic():
        report = PostReport.objects.select_for_update().select_related("post__topic").get(pk=report.pk)
        if report.status != PostReport.Status.OPEN:
            raise ValidationError(_("This report has already been handled."), "handled")
        report.status = status
        report.handled_by = user
        report.handled_at = timezone.now()
        report.save(update_fields=["status", "handled_by", "handled_at"])
        record(
            user,
            "resolve_report" if status == PostReport.Status.RESOLVED else "dismiss_report",
            request,
            report=report.pk,
            post=report.post_id,
            topic=report.post.topic_id,
            category=report.post.topic.category_id,
        )
    return report


def do_resolve_report(user: User, report: PostReport, *, request=None) -> PostReport:
    return do_handle_report(user, report, PostReport.Status.RESOLVED, request=request)


def do_dismiss_report(user: User, report: PostReport, *, request=None) -> PostReport:
    return do_handle_report(user, report, PostReport.Status.DISMISSED, request=request)


def open_reports_for(user: User):
    """Open reports of the categories `user` moderates, oldest first, with what the queue shows."""
    return (
        PostReport.objects.filter(
            status=PostReport.Status.OPEN, post__topic__category_id__in=access.moderated_category_ids(user)
        )
        .select_related("post", "post__author", "post__topic", "post__topic__category", "reporter")
        .order_by("created_at", "pk")
    )
