"""Every write on guides: readers' votes, comments, outdated-content reports, course progress; review reminders.

Views, tests and management commands call these functions; none of them saves a model itself.
Permission checks happen before (knowledge.access fetches and checks); these functions validate,
save inside a transaction, audit, and notify (notify() sends nothing before the commit).
"""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intranet import audit
from intranet.models import AuditEvent, User
from intranet.notifications import notify
from intranet.text import render_markdown
from knowledge.models import (
    COMMENT_MAX_LENGTH,
    FEEDBACK_COMMENT_MAX_LENGTH,
    GuideComment,
    GuideFeedback,
    GuidePage,
    OutdatedReport,
    ReviewReminder,
    TrainingProgress,
    TrainingStep,
)

# A second identical comment by the same author within this delay is a double click, not a new comment.
DUPLICATE_COMMENT_WINDOW = timedelta(seconds=10)
# Who hears about a guide that has no content owner: Wagtail's moderators (and platform admins).
MODERATORS_GROUP = "Moderators"
REVIEW_DUE_VERB = "knowledge.review_due"


def check_length(field: str, value: str, limit: int) -> None:
    """A clear error that says both the limit and what was typed ("at most 2,000 characters, you typed 10,000")."""
    if len(value) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("This text is too long: at most %(limit)s characters, you typed %(typed)s."),
                    code="max_length",
                    params={
                        "limit": number_format(limit, force_grouping=True),
                        "typed": number_format(len(value), force_grouping=True),
                    },
                )
            }
        )


def _guide_url(guide: GuidePage, anchor: str = "") -> str:
    url = guide.url or ""
    return f"{url}#{anchor}" if anchor and url else url


# --- "Was this helpful?" -------------------------------------------------------------------


def do_record_feedback(user: User, guide: GuidePage, *, helpful: bool, comment: str = "") -> tuple[GuideFeedback, bool]:
    """Record (or change) the reader's one vote on the guide; returns (feedback, created)."""
    if helpful is None:
        raise ValidationError({"helpful": ValidationError(_("Please answer yes or no."), code="required")})
    comment = (comment or "").strip()
    check_length("comment", comment, FEEDBACK_COMMENT_MAX_LENGTH)
    values = {"helpful": bool(helpful), "comment": comment}
    # Two requests of the same reader at once (double click, two tabs) may both try the insert:
    # the unique constraint stops the second one, which then updates the row the first created.
    for attempt in range(2):
        try:
            with transaction.atomic():
                return GuideFeedback.objects.update_or_create(guide=guide, user=user, defaults=values)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


# --- outdated content ----------------------------------------------------------------------


def outdated_report_recipients(guide: GuidePage):
    """The guide's content owner; without one, Wagtail's moderators and the platform admins."""
    if guide.owner_user_id is not None:
        return User.objects.filter(pk=guide.owner_user_id)
    moderators = Group.objects.filter(name=MODERATORS_GROUP).first()
    condition = Q(is_superuser=True)
    if moderators is not None:
        condition |= Q(groups=moderators)
    return User.objects.filter(condition, is_active=True, closed_at__isnull=True).distinct()


def do_report_outdated(user: User, guide: GuidePage, *, reason: str) -> OutdatedReport:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Please say what is out of date."), code="required")})
    check_length("reason", reason, FEEDBACK_COMMENT_MAX_LENGTH)
    with transaction.atomic():
        report = OutdatedReport.objects.create(guide=guide, reporter=user, reason=reason)
        notify(
            outdated_report_recipients(guide),
            verb="knowledge.outdated_reported",
            actor=user,
            target=guide,
            message=_("%(name)s reports that the guide “%(guide)s” is out of date: %(reason)s")
            % {"name": user.display_name, "guide": guide.title, "reason": reason[:200]},
            url=_guide_url(guide),
        )
    return report


# --- comments ------------------------------------------------------------------------------


def _clean_comment_source(source: str) -> str:
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": ValidationError(_("Please write your comment."), code="required")})
    check_length("source", source, COMMENT_MAX_LENGTH)
    return source


def do_add_comment(user: User, guide: GuidePage, *, source: str) -> tuple[GuideComment, bool]:
    """Post a Markdown comment under the guide; returns (comment, created).

    The same text sent twice by the same author within a few seconds (a double click) gives back
    the first comment instead of a second one.
    """
    source = _clean_comment_source(source)
    with transaction.atomic():
        # Serialize one author's submissions so that the duplicate check below sees the first one.
        User.objects.select_for_update().filter(pk=user.pk).exists()
        duplicate = (
            GuideComment.objects.filter(
                guide=guide,
                author=user,
                source=source,
                removed_at__isnull=True,
                created_at__gte=timezone.now() - DUPLICATE_COMMENT_WINDOW,
            )
            .order_by("-created_at")
            .first()
        )
        if duplicate is not None:
            return duplicate, False
        comment = GuideComment.objects.create(guide=guide, author=user, source=source, html=render_markdown(source))
        if guide.owner_user_id is not None:
            notify(
                User.objects.filter(pk=guide.owner_user_id),
                verb="knowledge.comment_added",
                actor=user,
                target=guide,
                message=_("%(name)s commented on the guide “%(guide)s”.")
                % {"name": user.display_name, "guide": guide.title},
                url=_guide_url(guide, f"comment-{comment.pk}"),
            )
    return comment, True


def do_edit_comment(user: User, comment: GuideComment, *, source: str) -> GuideComment:
    """The author rewrites their comment (access.access_comment_for_edit checked it is theirs)."""
    source = _clean_comment_source(source)
    if source == comment.source:
        return comment
    with transaction.atomic():
        comment.source = source
        comment.html = render_markdown(source)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["source", "html", "edited_at"])
    return comment


def do_remove_comment(user: User, comment: GuideComment, *, request=None) -> GuideComment:
    """Hide a comment (kept in the database). An editor removing someone else's is audited and the author told."""
    if comment.removed_at is not None:
        return comment
    by_moderator = comment.author_id != user.pk
    with transaction.atomic():
        comment.removed_at = timezone.now()
        comment.removed_by = user
        comment.save(update_fields=["removed_at", "removed_by"])
        if by_moderator:
            audit.record(
                AuditEvent.Action.COMMENT_REMOVED,
                actor=user,
                request=request,
                subject_user=comment.author,
                app="knowledge",
                comment_id=comment.pk,
                guide_id=comment.guide_id,
                guide_title=comment.guide.title,
            )
            notify(
                [comment.author],
                verb="knowledge.comment_removed",
                actor=user,
                target=comment.guide,
                message=_("Your comment on the guide “%(guide)s” was removed by an editor.")
                % {"guide": comment.guide.title},
                url=_guide_url(comment.guide, "comments"),
            )
    return comment


# --- the training room ---------------------------------------------------------------------


def do_mark_step_done(user: User, step: TrainingStep) -> TrainingProgress:
    """Mark one step of a course done (again: no change)."""
    try:
        with transaction.atomic():
            progress, _created = TrainingProgress.objects.get_or_create(step=step, user=user)
    except IntegrityError:  # the same click twice at once: the other request saved it
        progress = TrainingProgress.objects.get(step=step, user=user)
    return progress


def do_mark_step_not_done(user: User, step: TrainingStep) -> None:
    with transaction.atomic():
        TrainingProgress.objects.filter(step=step, user=user).delete()


def do_remind_review_owner(guide: GuidePage) -> bool:
    """Record the review reminder and notify the guide's owner together; False if another run got there first."""
    message = _("The guide “%(title)s” is due for review by %(date)s.") % {
        "title": guide.title,
        "date": formats.date_format(guide.review_by, "DATE_FORMAT"),
    }
    try:
        with transaction.atomic():
            # The unique (guide, review_by) row is the claim: a concurrent run fails here and sends nothing.
            ReviewReminder.objects.create(guide=guide, review_by=guide.review_by)
            notify(
                [guide.owner_user],
                verb=REVIEW_DUE_VERB,
                message=message,
                url=reverse("wagtailadmin_pages:edit", args=[guide.pk]),
                target=guide,
            )
    except IntegrityError:
        return False
    return True
