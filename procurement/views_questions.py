"""Questions and answers, following: thin views (access, then procurement.actions, then a page or a redirect).

Visitors are sent to the login page; people who may not do the thing get 403. Bad input or a
passed deadline re-renders the form with the error and the text typed.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import View

from intranet.forms import apply_action
from procurement import access
from procurement.actions import following, questions
from procurement.forms_questions import AnswerForm, InformationForm, QuestionForm
from procurement.models import Question


def notice_url(request, notice, anchor: str = "") -> str:
    return (notice.get_url(request) or "/") + anchor


class AskQuestionView(LoginRequiredMixin, View):
    """Where the notice page's question form posts; shown again with the errors."""

    template_name = "procurement/questions/ask.html"

    def dispatch(self, request, *args, notice_id, **kwargs):
        if request.user.is_authenticated:
            self.notice = access.access_notice(request.user, notice_id)
            if not questions.may_ask(request.user, self.notice):
                raise PermissionDenied
        return super().dispatch(request, *args, notice_id=notice_id, **kwargs)

    def get(self, request, notice_id):
        form = QuestionForm()
        try:
            questions.check_deadline(self.notice)
        except ValidationError as error:
            form.add_error(None, error)
        return self._render(form)

    def post(self, request, notice_id):
        form = QuestionForm(request.POST)
        question = None
        if form.is_valid():
            question = apply_action(
                form,
                lambda: questions.do_ask_question(
                    request.user, self.notice, form.cleaned_data["body"], request=request
                ),
            )
        if question is not None:
            messages.success(request, _("Your question has been sent to the buyer. Its answer will be published here."))
            return HttpResponseRedirect(notice_url(request, self.notice, "#questions"))
        return self._render(form)

    def _render(self, form):
        return render(self.request, self.template_name, {"notice": self.notice, "form": form})


class QuestionInboxView(LoginRequiredMixin, View):
    """The notice's buyers' list of questions: unanswered first, then the published ones."""

    template_name = "procurement/questions/inbox.html"

    def get(self, request, notice_id):
        notice = access.access_notice_for_buyer(request.user, notice_id)
        rows = list(
            notice.questions.only(
                "pk", "notice", "body_html", "asked_at", "answer_html", "answered_at", "is_information"
            )
        )
        unanswered = [q for q in rows if q.answered_at is None]
        answered = sorted((q for q in rows if q.answered_at is not None), key=lambda q: (q.answered_at, q.pk))
        context = {"notice": notice, "unanswered": unanswered, "answered": answered}
        return render(request, self.template_name, context)


def _question_for_buyer(user, notice_id, question_id) -> tuple:
    notice = access.access_notice_for_buyer(user, notice_id)
    try:
        question = Question.objects.get(pk=question_id, notice_id=notice.pk)
    except (Question.DoesNotExist, ValueError):
        raise Http404 from None
    question.notice = notice
    return notice, question


class AnswerQuestionView(LoginRequiredMixin, View):
    """Answer a question, or correct a published answer."""

    template_name = "procurement/questions/answer.html"

    def dispatch(self, request, *args, notice_id, question_id, **kwargs):
        if request.user.is_authenticated:
            self.notice, self.question = _question_for_buyer(request.user, notice_id, question_id)
        return super().dispatch(request, *args, notice_id=notice_id, question_id=question_id, **kwargs)

    def get(self, request, notice_id, question_id):
        return self._render(AnswerForm(initial={"answer": self.question.answer}))

    def post(self, request, notice_id, question_id):
        form = AnswerForm(request.POST)
        correcting = self.question.answered_at is not None
        result = None
        if form.is_valid():
            result = apply_action(
                form,
                lambda: questions.do_answer_question(
                    request.user, self.question, form.cleaned_data["answer"], request=request
                ),
            )
        if result is not None:
            if correcting:
                messages.success(request, _("The corrected answer has been published."))
            else:
                messages.success(request, _("The answer has been published on the notice page."))
            return HttpResponseRedirect(questions.inbox_url(self.notice))
        return self._render(form)

    def _render(self, form):
        context = {"notice": self.notice, "question": self.question, "form": form}
        return render(self.request, self.template_name, context)


class PublishInformationView(LoginRequiredMixin, View):
    """A buyer's own question and answer, published at once to all companies."""

    template_name = "procurement/questions/information.html"

    def dispatch(self, request, *args, notice_id, **kwargs):
        if request.user.is_authenticated:
            self.notice = access.access_notice_for_buyer(request.user, notice_id)
        return super().dispatch(request, *args, notice_id=notice_id, **kwargs)

    def get(self, request, notice_id):
        return self._render(InformationForm())

    def post(self, request, notice_id):
        form = InformationForm(request.POST)
        result = None
        if form.is_valid():
            result = apply_action(
                form,
                lambda: questions.do_publish_information(
                    request.user, self.notice, form.cleaned_data["body"], form.cleaned_data["answer"], request=request
                ),
            )
        if result is not None:
            messages.success(request, _("The information has been published on the notice page."))
            return HttpResponseRedirect(questions.inbox_url(self.notice))
        return self._render(form)

    def _render(self, form):
        return render(self.request, self.template_name, {"notice": self.notice, "form": form})


class FollowView(LoginRequiredMixin, View):
    """POST only: follow the notice, then back to it."""

    http_method_names = ["post"]

    def post(self, request, notice_id):
        notice = access.access_notice(request.user, notice_id)
        following.do_follow(request.user, notice)
        messages.success(request, _("You follow this call for tender: its changes will be sent to you."))
        return HttpResponseRedirect(notice_url(request, notice, "#notice-follow"))


class UnfollowView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, notice_id):
        notice = access.access_notice(request.user, notice_id)
        following.do_unfollow(request.user, notice)
        messages.success(request, _("You no longer follow this call for tender."))
        return HttpResponseRedirect(notice_url(request, notice, "#notice-follow"))
