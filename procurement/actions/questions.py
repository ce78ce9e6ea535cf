"""Questions and answers on a notice: a company asks, the notice's buyers answer, the answer is
published to everyone without the asker's identity (equal treatment of candidates).

Each function checks the permission again, validates, writes inside one transaction with the
notice (or question) row locked, renders the Markdown once (intranet.text) and notifies.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intranet import access as core_access
from intranet import audit
from intranet.models import AuditEvent, Membership, User
from intranet.notifications import event_key_for, notify
from intranet.text import render_markdown
from procurement import access
from procurement.audience import notice_audience
from procurement.models import NoticePage, Question, Status
from procurement.templatetags.procurement_tags import paris_datetime

QUESTION_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 10000
# The same question by the same person within this delay is a double click: the first one is returned.
DUPLICATE_WINDOW = timedelta(seconds=30)
# Audit verb of a corrected answer: the notice page shows "corrected on" from these events.
VERB_ANSWER_CORRECTED = "answer_corrected"
# Notification verbs; each question (and each correction of its answer) is one event.
QUESTION_VERB = "procurement.question"
ANSWER_VERB = "procurement.answer"


def clean_text(text: str, *, field: str, limit: int, empty_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: ValidationError(empty_message, code="required")})
    if len(text) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("This text is too long: at most %(limit)s characters, you typed %(typed)s.")
                    % {
                        "limit": number_format(limit, force_grouping=True),
                        "typed": number_format(len(text), force_grouping=True),
                    },
                    code="max_length",
                )
            }
        )
    return text


def clean_question(text: str) -> str:
    return clean_text(text, field="body", limit=QUESTION_MAX_LENGTH, empty_message=_("Please write your question."))


def clean_answer(text: str) -> str:
    return clean_text(text, field="answer", limit=ANSWER_MAX_LENGTH, empty_message=_("Please write the answer."))


def may_ask(user, notice: NoticePage) -> bool:
    """Who may ask, whatever the date: confirmed company users, on a live notice."""
    return core_access.is_company_user(user) and core_access.can_act(user) and notice.live


def check_deadline(notice: NoticePage, now=None) -> None:
    """Raise ValidationError unless `notice` accepts questions at `now` (strictly before the deadline)."""
    now = now or timezone.now()
    status = notice.status_at(now)
    if status == Status.PUBLISHED:
        return
    if status in (Status.CANCELLED, Status.AWARDED, Status.UNSUCCESSFUL):
        raise ValidationError(_("This call for tender is closed: questions are no longer accepted."), code="closed")
    raise ValidationError(
        _("The deadline for questions has passed (%(deadline)s): questions are no longer accepted.")
        % {"deadline": paris_datetime(notice.questions_deadline)},
        code="deadline",
    )


def notice_buyers(notice: NoticePage):
    """The notice's buyers: buyers and organization admins of its buyer organization."""
    return User.objects.filter(
        memberships__organization_id=notice.buyer_id,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role__in=(Membership.Role.BUYER, Membership.Role.ORG_ADMIN),
        is_active=True,
        closed_at__isnull=True,
    ).distinct()


def _company_of(user):
    companies = [org for org in core_access.organizations_of(user) if org.is_company]
    return companies[0] if companies else None


def inbox_url(notice: NoticePage) -> str:
    return reverse("procurement:question_inbox", args=[notice.pk])


def do_ask_question(user, notice: NoticePage, body: str, *, request=None) -> Question:
    """Ask `body` on `notice` as `user`; the notice's buyers are told (without who asked)."""
    if not may_ask(user, notice):
        raise PermissionDenied
    body = clean_question(body)
    with transaction.atomic():
        # Lock the notice: the deadline and duplicates are checked against a stable state.
        locked = NoticePage.objects.select_for_update().get(pk=notice.pk)
        now = timezone.now()
        check_deadline(locked, now)
        duplicate = (
            Question.objects.filter(notice=notice, asked_by=user, body=body, asked_at__gte=now - DUPLICATE_WINDOW)
            .order_by("pk")
            .first()
        )
        if duplicate is not None:
            return duplicate
        question = Question.objects.create(
            notice=notice,
            asked_by=user,
            organization=_company_of(user),
            body=body,
            body_html=render_markdown(body),
            asked_at=now,
        )
        # No actor: the buyers must not learn who asked.
        notify(
            notice_buyers(notice),
            verb=QUESTION_VERB,
            message=_("New question on the call for tender %(reference)s") % {"reference": notice.reference},
            url=inbox_url(notice),
            target=notice,
            event_key=event_key_for(QUESTION_VERB, question.pk),
        )
    return question


def _answer_audience(notice: NoticePage, question: Question) -> list:
    """Identified downloaders, followers and the asker, once each; never the notice's buyers."""
    buyer_ids = set(notice_buyers(notice).values_list("pk", flat=True))
    recipients = list(notice_audience(notice))
    if question.asked_by_id is not None:
        asker = User.objects.filter(pk=question.asked_by_id).first()
        if asker is not None:
            recipients.append(asker)
    return [user for user in recipients if user.pk not in buyer_ids]


def do_answer_question(user, question: Question, answer: str, *, request=None) -> Question:
    """Publish (or correct) the answer to `question`; the audience and the asker are told."""
    notice = question.notice
    if not access.is_notice_buyer(user, notice) or not core_access.can_act(user):
        raise PermissionDenied
    answer = clean_answer(answer)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        question.notice = notice
        correcting = question.answered_at is not None
        if correcting and question.answer == answer:
            return question  # nothing changed (a double click on "correct")
        question.answer = answer
        question.answer_html = render_markdown(answer)
        question.answered_by = user
        if correcting:
            question.answer_corrected_at = timezone.now()
        else:
            question.answered_at = timezone.now()
        question.save(update_fields=["answer", "answer_html", "answered_by", "answered_at", "answer_corrected_at"])
        event = audit.record(
            AuditEvent.Action.NOTICE_EVENT,
            actor=user,
            request=request,
            organization=notice.buyer,
            verb=VERB_ANSWER_CORRECTED if correcting else "question_answered",
            notice=notice.pk,
            reference=notice.reference,
            question=question.pk,
        )
        if correcting:
            message = _("An answer was corrected on the call for tender %(reference)s")
            key = event_key_for(ANSWER_VERB, question.pk, "corrected", event.pk)  # each correction is news
        else:
            message = _("A question was answered on the call for tender %(reference)s")
            key = event_key_for(ANSWER_VERB, question.pk)
        notify(
            _answer_audience(notice, question),
            verb=ANSWER_VERB,
            message=message % {"reference": notice.reference},
            url=(notice.url or "") + "#questions",
            target=notice,
            actor=user,
            event_key=key,
        )
    return question


def do_publish_information(user, notice: NoticePage, body: str, answer: str, *, request=None) -> Question:
    """A buyer's own question with its answer, published at once to all companies (an "information")."""
    if not access.is_notice_buyer(user, notice) or not core_access.can_act(user):
        raise PermissionDenied
    errors = {}
    try:
        body = clean_question(body)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        answer = clean_answer(answer)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        duplicate = Question.objects.filter(
            notice=notice, asked_by=user, body=body, answer=answer, asked_at__gte=now - DUPLICATE_WINDOW
        ).first()
        if duplicate is not None:
            return duplicate
        question = Question.objects.create(
            notice=notice,
            is_information=True,
            asked_by=user,
            organization=notice.buyer,
            body=body,
            body_html=render_markdown(body),
            asked_at=now,
            answer=answer,
            answer_html=render_markdown(answer),
            answered_by=user,
            answered_at=now,
        )
        audit.record(
            AuditEvent.Action.NOTICE_EVENT,
            actor=user,
            request=request,
            organization=notice.buyer,
            verb="information_published",
            notice=notice.pk,
            reference=notice.reference,
            question=question.pk,
        )
        notify(
            _answer_audience(notice, question),
            verb=ANSWER_VERB,
            message=_("New information on the call for tender %(reference)s") % {"reference": notice.reference},
            url=(notice.url or "") + "#questions",
            target=notice,
            actor=user,
            event_key=event_key_for(ANSWER_VERB, question.pk),
        )
    return question
