"""Readers' actions on guides and courses: vote, comment, report outdated content, mark steps done.

Thin views: parse the form, fetch and check through knowledge.access, write through knowledge.actions,
then go back to the guide (or course) at the right anchor with a message. Bad input re-renders the
form with the person's text on a small page of its own. Visitors are sent to the login page first
(whatever the guide: that tells nothing about which guides exist).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import View

from knowledge import access, actions
from knowledge.forms import CommentForm, FeedbackForm, OutdatedReportForm
from knowledge.models import GuideFeedback


def _to(guide_or_path, anchor: str = "") -> HttpResponseRedirect:
    url = guide_or_path.url or "/"
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


def _apply(form, write):
    """Run the action; its validation errors go onto the form. Returns the action's result or None."""
    try:
        return write()
    except ValidationError as error:
        form.add_error(None, error)
        return None


class FeedbackView(LoginRequiredMixin, View):
    """ "Was this helpful?": one vote per reader per guide, changeable."""

    template_name = "knowledge/feedback_form.html"

    def dispatch(self, request, *args, guide_id, **kwargs):
        if request.user.is_authenticated:
            self.guide = access.access_guide_for_contribution(request.user, guide_id)
        return super().dispatch(request, *args, guide_id=guide_id, **kwargs)

    def get(self, request, guide_id):
        feedback = GuideFeedback.objects.filter(guide=self.guide, user=request.user).first()
        return self._render(FeedbackForm(initial=FeedbackForm.initial_for(feedback)))

    def post(self, request, guide_id):
        form = FeedbackForm(request.POST)
        if form.is_valid():
            result = _apply(
                form,
                lambda: actions.do_record_feedback(
                    request.user, self.guide, helpful=form.cleaned_data["helpful"], comment=form.cleaned_data["comment"]
                ),
            )
            if result is not None:
                _feedback, created = result
                messages.success(
                    request,
                    _("Thank you for your answer.") if created else _("Your answer has been changed. Thank you."),
                )
                return _to(self.guide, "feedback")
        return self._render(form)

    def _render(self, form):
        return render(self.request, self.template_name, {"guide": self.guide, "form": form})


class OutdatedReportView(LoginRequiredMixin, View):
    """ "Report outdated content": tells the guide's owner (or the moderators)."""

    template_name = "knowledge/report_form.html"

    def dispatch(self, request, *args, guide_id, **kwargs):
        if request.user.is_authenticated:
            self.guide = access.access_guide_for_contribution(request.user, guide_id)
        return super().dispatch(request, *args, guide_id=guide_id, **kwargs)

    def get(self, request, guide_id):
        return self._render(OutdatedReportForm())

    def post(self, request, guide_id):
        form = OutdatedReportForm(request.POST)
        if form.is_valid() and _apply(
            form, lambda: actions.do_report_outdated(request.user, self.guide, reason=form.cleaned_data["reason"])
        ):
            messages.success(request, _("Thank you: the people in charge of this guide have been told."))
            return _to(self.guide, "outdated")
        return self._render(form)

    def _render(self, form):
        return render(self.request, self.template_name, {"guide": self.guide, "form": form})


class CommentCreateView(LoginRequiredMixin, View):
    template_name = "knowledge/comment_form.html"

    def dispatch(self, request, *args, guide_id, **kwargs):
        if request.user.is_authenticated:
            self.guide = access.access_guide_for_contribution(request.user, guide_id)
        return super().dispatch(request, *args, guide_id=guide_id, **kwargs)

    def get(self, request, guide_id):
        return self._render(CommentForm())

    def post(self, request, guide_id):
        form = CommentForm(request.POST)
        if form.is_valid():
            result = _apply(
                form, lambda: actions.do_add_comment(request.user, self.guide, source=form.cleaned_data["source"])
            )
            if result is not None:
                comment, _created = result
                messages.success(request, _("Your comment has been published."))
                return _to(self.guide, f"comment-{comment.pk}")
        return self._render(form)

    def _render(self, form):
        context = {"guide": self.guide, "form": form, "comment": None}
        return render(self.request, self.template_name, context)


class CommentEditView(LoginRequiredMixin, View):
    """The author rewrites their comment (the form comes prefilled)."""

    template_name = "knowledge/comment_form.html"

    def dispatch(self, request, *args, comment_id, **kwargs):
        if request.user.is_authenticated:
            self.comment = access.access_comment_for_edit(request.user, comment_id)
        return super().dispatch(request, *args, comment_id=comment_id, **kwargs)

    def get(self, request, comment_id):
        return self._render(CommentForm(initial={"source": self.comment.source}))

    def post(self, request, comment_id):
        form = CommentForm(request.POST)
        if form.is_valid() and _apply(
            form, lambda: actions.do_edit_comment(request.user, self.comment, source=form.cleaned_data["source"])
        ):
            messages.success(request, _("Your comment has been changed."))
            return _to(self.comment.guide, f"comment-{self.comment.pk}")
        return self._render(form)

    def _render(self, form):
        context = {"guide": self.comment.guide, "form": form, "comment": self.comment}
        return render(self.request, self.template_name, context)


class CommentRemoveView(LoginRequiredMixin, View):
    """The author or an editor removes a comment, after confirming."""

    template_name = "knowledge/comment_remove.html"

    def dispatch(self, request, *args, comment_id, **kwargs):
        if request.user.is_authenticated:
            self.comment = access.access_comment_for_removal(request.user, comment_id)
        return super().dispatch(request, *args, comment_id=comment_id, **kwargs)

    def get(self, request, comment_id):
        return render(request, self.template_name, {"guide": self.comment.guide, "comment": self.comment})

    def post(self, request, comment_id):
        actions.do_remove_comment(request.user, self.comment, request=request)
        messages.success(request, _("The comment has been removed."))
        return _to(self.comment.guide, "comments")


class StepProgressView(LoginRequiredMixin, View):
    """Mark a step of a course done, or not done (POST `done`: "1" or "0")."""

    def get(self, request, step_id):
        # After logging in from a visitor's click: back to the course.
        step = access.access_training_step_for_progress(request.user, step_id)
        return _to(step.path, f"step-{step.pk}")

    def post(self, request, step_id):
        step = access.access_training_step_for_progress(request.user, step_id)
        if request.POST.get("done") == "0":
            actions.do_mark_step_not_done(request.user, step)
            messages.success(request, _("Step “%(step)s” marked as not done.") % {"step": step})
        else:
            actions.do_mark_step_done(request.user, step)
            messages.success(request, _("Step “%(step)s” marked as done.") % {"step": step})
        return _to(step.path, f"step-{step.pk}")
