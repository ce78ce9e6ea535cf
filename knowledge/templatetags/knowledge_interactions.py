"""Readers' part of a guide page (vote, outdated report, comments) and the reader's progress in a course."""

from django import template
from django.db.models import Count, Q

from knowledge import access
from knowledge.forms import CommentForm, FeedbackForm, OutdatedReportForm
from knowledge.models import GuideComment, GuideFeedback
from knowledge.training import course_for

register = template.Library()


@register.inclusion_tag("knowledge/includes/interactions.html", takes_context=True)
def guide_interactions(context, page):
    """Everything readers do under a guide. At most three queries, whatever the number of comments."""
    request = context.get("request")
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    can_contribute = authenticated and access.can_contribute(user)
    is_moderator = authenticated and access.can_moderate_comments(user)

    my_vote = None
    if can_contribute:
        my_vote = GuideFeedback.objects.filter(guide=page, user=user).first()
    counts = None
    if is_moderator:
        counts = GuideFeedback.objects.filter(guide=page).aggregate(
            yes=Count("pk", filter=Q(helpful=True)),
            no=Count("pk", filter=Q(helpful=False)),
            with_comment=Count("pk", filter=~Q(comment="")),
        )
    comments = list(GuideComment.objects.filter(guide=page).select_related("author").order_by("created_at", "pk"))
    for comment in comments:
        mine = authenticated and comment.author_id == user.pk
        comment.can_edit = mine and can_contribute
        comment.can_remove = is_moderator or comment.can_edit

    return {
        "page": page,
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        # Previews of drafts show what readers will see, without forms that would post to a page not yet live.
        "is_preview": bool(getattr(request, "is_preview", False)),
        "can_contribute": can_contribute,
        "my_vote": my_vote,
        "counts": counts,
        "comments": comments,
        "visible_comment_count": sum(1 for c in comments if c.removed_at is None),
        "feedback_form": FeedbackForm(initial=FeedbackForm.initial_for(my_vote)),
        "comment_form": CommentForm(),
        "report_form": OutdatedReportForm(),
    }


@register.simple_tag(takes_context=True)
def training_course(context, path):
    """The reader's view of a course: its visible steps, each done or not, the counts, and whether
    they may mark steps (a confirmed account, and a course meant for them)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    course = course_for(user, path)
    course.can_follow = bool(
        user is not None
        and access.can_contribute(user)
        and access.visible_training_paths(user).filter(pk=path.pk).exists()
    )
    return course
