"""Reactions, solutions and subscriptions: plain POST forms that go back to the post (or topic, category).

Thin views: fetch and check through forums.access, write through forums.actions, redirect. The unsubscribe
page needs no login: the signed token in its address names the person and the topic or category.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from forums import access
from forums.actions import reactions, solutions, subscriptions
from forums.models import Reaction, Subscription
from forums.unsubscribe import InvalidToken, read_token

Level = Subscription.Level


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class ReactionToggleView(LoginRequiredMixin, View):
    """Add or remove one kind of reaction on a post."""

    def post(self, request, post_id, kind):
        post = access.access_post_for_reaction(request.user, post_id)
        try:
            reactions.do_toggle_reaction(request.user, post, kind)
        except ValidationError:
            raise Http404 from None
        return HttpResponseRedirect(post.get_absolute_url())


class ReactionListView(View):
    """Who reacted to a post, for those who may read its topic."""

    def get(self, request, post_id):
        post = access.access_post(request.user, post_id)
        kinds = reactions.enabled_kinds()
        labels = dict(Reaction.Kind.choices)
        by_kind = {kind: [] for kind in kinds}
        for reaction in (
            Reaction.objects.filter(post=post, kind__in=kinds).select_related("user").order_by("created_at", "pk")
        ):
            by_kind[reaction.kind].append(reaction.user)
        groups = [(kind, labels[kind], people) for kind, people in by_kind.items() if people]
        return render(request, "forums/reactions.html", {"post": post, "topic": post.topic, "groups": groups})


class SolutionMarkView(LoginRequiredMixin, View):
    """The topic's author or a moderator marks a reply as the solution."""

    def post(self, request, post_id):
        post = access.access_post_for_solution(request.user, post_id)
        try:
            solutions.do_mark_solution(request.user, post)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("This reply is now marked as the solution."))
        return HttpResponseRedirect(post.get_absolute_url())


class SolutionUnmarkView(LoginRequiredMixin, View):
    def post(self, request, topic_id):
        topic = access.access_topic_for_solution(request.user, topic_id)
        previous = topic.solution
        solutions.do_unmark_solution(request.user, topic)
        messages.success(request, _("The topic is no longer marked as solved."))
        return HttpResponseRedirect(previous.get_absolute_url() if previous else topic.get_absolute_url())


# Lazy: this dict is built at import time, the message must be translated in the request's language.
_CONFIRMATIONS = {
    Level.WATCHING: gettext_lazy("You are now watching it."),
    Level.TRACKING: gettext_lazy("You are now tracking it."),
    Level.MUTED: gettext_lazy("It is now muted."),
}


def _confirm(request, level) -> None:
    messages.success(request, str(_CONFIRMATIONS[level]))


class TopicSubscriptionView(LoginRequiredMixin, View):
    def post(self, request, topic_id):
        topic = access.access_topic(request.user, topic_id)
        level = request.POST.get("level", "")
        try:
            subscriptions.do_set_topic_subscription(request.user, topic, level)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            _confirm(request, level)
        return HttpResponseRedirect(topic.get_absolute_url() + "#subscription")


class CategorySubscriptionView(LoginRequiredMixin, View):
    def post(self, request, slug):
        category = access.access_category(request.user, slug)
        level = request.POST.get("level", "")
        try:
            subscriptions.do_set_category_subscription(request.user, category, level)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            _confirm(request, level)
        return HttpResponseRedirect(category.get_absolute_url() + "#subscription")


class UnsubscribeView(View):
    """One-click unsubscribe from an e-mail: GET asks for confirmation, POST mutes. No login needed."""

    def dispatch(self, request, *args, token, **kwargs):
        try:
            self.subscription = read_token(token)
        except InvalidToken:
            return self._respond(render(request, "forums/unsubscribe_invalid.html", status=400))
        return super().dispatch(request, *args, token=token, **kwargs)

    def get(self, request, token):
        return self._render(done=False)

    def post(self, request, token):
        wanted = self.subscription
        subscriptions.do_unsubscribe(wanted.user, topic=wanted.topic, category=wanted.category)
        return self._render(done=True)

    def _render(self, done: bool):
        wanted = self.subscription
        # Name the topic or category only to someone who may still read it.
        if wanted.topic is not None:
            named = access.can_notify(wanted.user, wanted.topic)
        else:
            named = access.can_read_category(wanted.user, wanted.category)
        context = {"done": done, "topic": wanted.topic, "category": wanted.category, "named": named}
        return self._respond(render(self.request, "forums/unsubscribe.html", context))

    @staticmethod
    def _respond(response):
        # The token is in the address: never send it to another site as a referrer.
        response["Referrer-Policy"] = "no-referrer"
        return response
