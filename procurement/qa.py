"""The notice page's part for questions and answers, following, buyer tools and outcome.

A fixed number of queries whatever the number of questions: published Q&A (one), the visitor's own
pending questions (one), the buyers' unanswered count (one), whether the visitor follows (one).
"""

from django.urls import NoReverseMatch, reverse

from intranet import access as core_access
from procurement import access
from procurement.actions import lifecycle, questions
from procurement.forms_questions import QuestionForm
from procurement.models import Follow, Status


def _url(name: str, notice_id: int, fallback: str) -> str:
    """A URL of another feature that may not exist yet: its plain path then."""
    try:
        return reverse(name, args=[notice_id])
    except NoReverseMatch:
        return fallback


def ask_refusal(user, notice) -> str:
    """Why `user` cannot ask a question here ("" if they can): shown instead of the form."""
    status = notice.status
    if status in (Status.CANCELLED, Status.AWARDED, Status.UNSUCCESSFUL, Status.DRAFT):
        return "closed"
    if status != Status.PUBLISHED:
        return "deadline"
    if not user.is_authenticated:
        return "login"
    if not core_access.is_company_user(user):
        return "not_company"
    if not core_access.can_act(user):
        return "unconfirmed"
    return ""


def page_context(request, notice) -> dict:
    user = request.user
    published = list(
        notice.questions.filter(answered_at__isnull=False)
        .only("pk", "notice", "body_html", "answer_html", "answered_at", "answer_corrected_at", "is_information")
        .order_by("answered_at", "pk")
    )
    for number, question in enumerate(published, start=1):
        question.number = number

    my_pending = []
    if user.is_authenticated and core_access.is_company_user(user):
        my_pending = list(
            notice.questions.filter(asked_by=user, answered_at__isnull=True).only(
                "pk", "notice", "body_html", "asked_at"
            )
        )

    refusal = ask_refusal(user, notice)
    is_buyer = access.is_notice_buyer(user, notice)
    context = {
        "published_questions": published,
        "my_pending_questions": my_pending,
        "ask_refusal": refusal,
        "question_form": QuestionForm() if not refusal else None,
        "can_follow": access.can_follow(user),
        "is_following": bool(user.is_authenticated and Follow.objects.filter(notice=notice, user=user).exists()),
        "buyer_tools": None,
    }
    if is_buyer:
        context["buyer_tools"] = {
            "edit_url": reverse("wagtailadmin_pages:edit", args=[notice.pk]),
            "inbox_url": questions.inbox_url(notice),
            "unanswered_count": notice.questions.filter(answered_at__isnull=True).count(),
            "documents_url": _url("procurement:documents_manage", notice.pk, f"/avis/{notice.pk}/documents/gerer/"),
            "downloads_url": _url("procurement:download_log", notice.pk, f"/avis/{notice.pk}/telechargements/"),
            "actions": lifecycle.possible_actions(notice),
        }
    return context
