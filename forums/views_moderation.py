"""Moderation pages: report a post, the moderators' queue, and one view per moderation verb.

Thin views: fetch and check through forums.access, write through forums.actions.moderation, then go
back to the topic with a message. Destructive or hard-to-undo verbs (hide a topic, merge) ask first.
"""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import View

from forums import access
from forums.actions.moderation import hide, lock, merge, move, pin, reports, split
from forums.models import Category, Post, PostReport
from intranet.forms import apply_action

# --- forms ---------------------------------------------------------------------------------------


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why should the moderators look at this post?"),
        max_length=reports.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("For example an insult, personal data or advertising. At most 2,000 characters."),
        error_messages={"required": gettext_lazy("Please say what is wrong with this post.")},
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


def _target_categories(user, exclude=None):
    ids = access.moderated_category_ids(user) & access.readable_category_ids(user)
    queryset = Category.objects.filter(pk__in=ids).select_related("parent").order_by("position", "name")
    return queryset.exclude(pk=exclude) if exclude else queryset


class MoveForm(forms.Form):
    category = CategoryChoiceField(label=gettext_lazy("Move to the category"), queryset=Category.objects.none())

    def __init__(self, *args, user, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _target_categories(user, exclude=topic.category_id)


class PostChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        excerpt = re.sub(r"\s+", " ", obj.source)[:80]
        return f"#{obj.number} — {obj.author.display_name}: {excerpt}"


class SplitForm(forms.Form):
    posts = PostChoiceField(
        label=gettext_lazy("Replies to move to the new topic"),
        queryset=Post.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose one or more replies.")},
    )
    title = forms.CharField(label=gettext_lazy("Title of the new topic"), max_length=200)
    category = CategoryChoiceField(label=gettext_lazy("Category of the new topic"), queryset=Category.objects.none())

    def __init__(self, *args, user, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = (
            Post.objects.filter(topic=topic, number__gt=1).select_related("author").order_by("number")
        )
        self.fields["category"].queryset = _target_categories(user) | Category.objects.filter(pk=topic.category_id)
        self.fields["category"].initial = topic.category_id


class MergeForm(forms.Form):
    target = forms.CharField(
        label=gettext_lazy("Merge into the topic"),
        help_text=gettext_lazy("The address of the topic or its number."),
        max_length=500,
    )

    def __init__(self, *args, user, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.topic = user, topic

    def clean_target(self):
        value = self.cleaned_data["target"].strip()
        match = re.search(r"/t/(\d+)", value) or re.fullmatch(r"#?(\d+)", value)
        error = forms.ValidationError(_("No topic found at this address."), "unknown")
        if match is None:
            raise error
        try:
            target = access.access_topic_for_moderation(self.user, int(match.group(1)))
        except Http404:
            raise error from None
        except PermissionDenied:
            raise forms.ValidationError(_("You do not moderate that topic's category."), "not_moderator") from None
        if target.pk == self.topic.pk:
            raise forms.ValidationError(_("A topic cannot be merged into itself."), "same")
        if target.merged_into_id is not None:
            raise forms.ValidationError(_("That topic has itself been merged into another."), "merged")
        return target


def _back_to(topic) -> HttpResponseRedirect:
    return HttpResponseRedirect(topic.get_absolute_url())


# --- reports ---------------------------------------------------------------------------------------


class ReportPostView(LoginRequiredMixin, View):
    """A reader reports a post to the category's moderators."""

    template_name = "forums/moderation/report_form.html"

    def dispatch(self, request, *args, post_id, **kwargs):
        if request.user.is_authenticated:
            self.post_obj = access.access_post_for_report(request.user, post_id)
        return super().dispatch(request, *args, post_id=post_id, **kwargs)

    def get(self, request, post_id):
        return self._render(ReportForm())

    def post(self, request, post_id):
        form = ReportForm(request.POST)
        if form.is_valid():
            result = apply_action(
                form, lambda: reports.do_report_post(request.user, self.post_obj, **form.cleaned_data)
            )
            if result is not None:
                _report, created = result
                messages.success(
                    request,
                    _("Thank you: the moderators have been told.") if created else _("Your report has been updated."),
                )
                return HttpResponseRedirect(self.post_obj.get_absolute_url())
        return self._render(form)

    def _render(self, form):
        context = {"post": self.post_obj, "topic": self.post_obj.topic, "form": form}
        return render(self.request, self.template_name, context)


@login_required
def moderation_queue(request):
    """Open reports of the categories the person moderates (403 for people who moderate nothing)."""
    if not access.is_any_moderator(request.user):
        raise PermissionDenied
    open_reports = list(reports.open_reports_for(request.user)[:200])
    return render(request, "forums/moderation/queue.html", {"reports": open_reports})


@login_required
@require_POST
def handle_report(request, report_id, status):
    report = access.access_report_for_moderation(request.user, report_id)
    try:
        reports.do_handle_report(request.user, report, status, request=request)
    except ValidationError:
        messages.info(request, _("This report had already been handled."))
    else:
        if status == PostReport.Status.RESOLVED:
            messages.success(request, _("The report is marked as resolved."))
        else:
            messages.success(request, _("The report has been dismissed."))
    return HttpResponseRedirect(reverse("forums:moderation_queue"))


# --- lock, pin, hide: one POST each -----------------------------------------------------------------

TOPIC_VERBS = {
    "lock": (lock.do_lock_topic, gettext_lazy("The topic is locked: only moderators may reply.")),
    "unlock": (lock.do_unlock_topic, gettext_lazy("The topic is open to replies again.")),
    "pin": (pin.do_pin_topic, gettext_lazy("The topic is pinned at the top of its category.")),
    "unpin": (pin.do_unpin_topic, gettext_lazy("The topic is no longer pinned in its category.")),
    "pin_globally": (pin.do_pin_topic_globally, gettext_lazy("The topic is pinned everywhere.")),
    "unpin_globally": (pin.do_unpin_topic_globally, gettext_lazy("The topic is no longer pinned everywhere.")),
    "unhide": (hide.do_unhide_topic, gettext_lazy("The topic is visible again.")),
}


@login_required
@require_POST
def topic_verb(request, topic_id, verb):
    topic = access.access_topic_for_moderation(request.user, topic_id)
    action, message = TOPIC_VERBS[verb]
    action(request.user, topic, request=request)
    messages.success(request, message)
    return _back_to(topic)


class HideTopicView(LoginRequiredMixin, View):
    """Hiding a topic takes it out of lists, feeds and search: asked first, on a page of its own."""

    def dispatch(self, request, *args, topic_id, **kwargs):
        if request.user.is_authenticated:
            self.topic = access.access_topic_for_moderation(request.user, topic_id)
        return super().dispatch(request, *args, topic_id=topic_id, **kwargs)

    def get(self, request, topic_id):
        return render(request, "forums/moderation/hide_topic.html", {"topic": self.topic})

    def post(self, request, topic_id):
        hide.do_hide_topic(request.user, self.topic, request=request)
        messages.success(request, _("The topic is hidden: only moderators see it now."))
        return _back_to(self.topic)


@login_required
@require_POST
def post_visibility(request, post_id, hidden):
    post = access.access_post_for_moderation(request.user, post_id)
    hide.do_set_post_hidden(request.user, post, hidden, request=request)
    messages.success(request, _("The post is hidden.") if hidden else _("The post is visible again."))
    return HttpResponseRedirect(post.get_absolute_url())


# --- move, split, merge --------------------------------------------------------------------------------


class _TopicFormView(LoginRequiredMixin, View):
    form_class: type[forms.Form]
    template_name = ""

    def dispatch(self, request, *args, topic_id, **kwargs):
        if request.user.is_authenticated:
            self.topic = access.access_topic_for_moderation(request.user, topic_id)
        return super().dispatch(request, *args, topic_id=topic_id, **kwargs)

    def get_form(self, data=None):
        return self.form_class(data, user=self.request.user, topic=self.topic)

    def get(self, request, topic_id):
        return self.render(self.get_form())

    def render(self, form, **extra):
        return render(self.request, self.template_name, {"topic": self.topic, "form": form, **extra})


class MoveTopicView(_TopicFormView):
    form_class = MoveForm
    template_name = "forums/moderation/move.html"

    def post(self, request, topic_id):
        form = self.get_form(request.POST)
        if form.is_valid():
            target = form.cleaned_data["category"]
            if apply_action(form, lambda: move.do_move_topic(request.user, self.topic, target, request=request)):
                messages.success(request, _("The topic has been moved to “%(name)s”.") % {"name": target.name})
                return _back_to(self.topic)
        return self.render(form)


class SplitTopicView(_TopicFormView):
    form_class = SplitForm
    template_name = "forums/moderation/split.html"

    def post(self, request, topic_id):
        form = self.get_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            new_topic = apply_action(
                form,
                lambda: split.do_split_topic(
                    request.user,
                    self.topic,
                    [p.pk for p in data["posts"]],
                    title=data["title"],
                    category=data["category"],
                    request=request,
                ),
            )
            if new_topic is not None:
                messages.success(request, _("The chosen replies now form a new topic."))
                return _back_to(new_topic)
        return self.render(form)


class MergeTopicView(_TopicFormView):
    """Two steps: choose the other topic, then confirm on a page that names both."""

    form_class = MergeForm
    template_name = "forums/moderation/merge.html"

    def post(self, request, topic_id):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render(form)
        target = form.cleaned_data["target"]
        if request.POST.get("confirm") != "yes":
            return render(
                request, "forums/moderation/merge_confirm.html", {"topic": self.topic, "target": target, "form": form}
            )
        into = apply_action(form, lambda: merge.do_merge_topics(request.user, self.topic, target, request=request))
        if into is None:
            return self.render(form)
        messages.success(request, _("The topics have been merged."))
        return _back_to(into)
