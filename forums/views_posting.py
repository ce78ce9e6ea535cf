"""Writing in the forums: new topic, reply (with quote), edit, delete, revision history, attachments, mentions.

Thin views: fetch and check through forums.access, write through forums.actions.posting, then go to the
post's permalink with a message. Bad input re-renders the form with the person's text. Visitors are
sent to the login page first (whatever the category or topic: that tells nothing about what exists).
"""

import difflib
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import View

from forums import access
from forums.actions import held_uploads, posting
from forums.forms import EditPostForm, NewTopicForm, ReplyForm
from forums.markup import mention_token, quote_source
from forums.models import Topic
from intranet.forms import apply_action

MENTION_MIN_CHARS = 2
MENTION_MAX_RESULTS = 8


HELD_FIELD = "held_uploads"  # one hidden input per held file listed by the form
KEEP_FIELD = "held_keep"  # one checkbox per held file, ticked by default: untick to leave the file out


def _submit(request, form, write):
    """Validate `form` and run `write(files)`, files being the held ones still ticked then the new ones.

    On success the held files are released. On failure, each new file that passes its own checks is held
    (forums.actions.held_uploads) and any other gets an error saying why. Returns (result or None, the held
    files the form lists).
    """
    listed = request.POST.getlist(HELD_FIELD)
    ticked = set(request.POST.getlist(KEEP_FIELD))
    kept = [token for token in listed if token in ticked]
    held_uploads.release(request.session, request.user, [token for token in listed if token not in ticked])
    result = None
    if form.is_valid():
        held = held_uploads.open_held(request.session, request.user, kept)
        try:
            result = apply_action(form, lambda: write([*held, *form.cleaned_data["files"]]))
        finally:
            for handle in held:
                handle.close()
        kept = [handle.token for handle in held]
    if result is not None:
        held_uploads.release(request.session, request.user, kept)
        return result, []
    uploads = [upload for upload in request.FILES.getlist(form.add_prefix("files")) if upload]
    shown, errors = held_uploads.hold(request.session, request.user, uploads, keep=kept)
    already = set(form.errors.get("files", []))
    for error in errors:
        if not already.issuperset(error.messages):
            form.add_error("files", error)
    if errors:
        # Browsers cannot refill a file input: say which files must be chosen again.
        if len(errors) == len(uploads):
            form.add_error("files", _("Your files were not kept because of the error: please choose them again."))
        else:
            form.add_error("files", _("The files with an error were not kept: please choose them again."))
    return None, shown


def _mentions_url(topic=None, category=None) -> str:
    base = reverse("forums:mentions")
    if topic is not None:
        return f"{base}?topic={topic.pk}"
    return f"{base}?category={category.slug}"


class NewTopicView(LoginRequiredMixin, View):
    template_name = "forums/new_topic.html"

    def dispatch(self, request, *args, slug, **kwargs):
        if request.user.is_authenticated:
            self.category = access.access_category(request.user, slug)
            if not access.can_post_in(request.user, self.category):
                raise PermissionDenied
        return super().dispatch(request, *args, slug=slug, **kwargs)

    def get(self, request, slug):
        return self._render(NewTopicForm(mentions_url=_mentions_url(category=self.category)))

    def post(self, request, slug):
        form = NewTopicForm(request.POST, request.FILES, mentions_url=_mentions_url(category=self.category))
        topic, held = _submit(
            request,
            form,
            lambda files: posting.do_create_topic(
                request.user, self.category, form.cleaned_data["title"], form.cleaned_data["source"], files
            ),
        )
        if topic is not None:
            messages.success(request, _("Your topic has been published."))
            return HttpResponseRedirect(topic.get_absolute_url())
        return self._render(form, held)

    def _render(self, form, held=()):
        context = {"category": self.category, "form": form, "held_uploads": held}
        return render(self.request, self.template_name, context)


class ReplyView(LoginRequiredMixin, View):
    """The reply page: where the topic's quote links lead (?quote=<post id>) and where errors are shown."""

    template_name = "forums/reply.html"

    def dispatch(self, request, *args, topic_id, **kwargs):
        if request.user.is_authenticated:
            self.topic = access.access_topic_for_reply(request.user, topic_id)
        return super().dispatch(request, *args, topic_id=topic_id, **kwargs)

    def get(self, request, topic_id):
        initial = {}
        quoted_id = request.GET.get("quote")
        if quoted_id:
            quoted = access.access_post_for_quote(request.user, quoted_id, self.topic)
            initial = {"source": quote_source(quoted), "quote": quoted.pk}
        return self._render(ReplyForm(initial=initial, mentions_url=_mentions_url(topic=self.topic)))

    def post(self, request, topic_id):
        form = ReplyForm(request.POST, request.FILES, mentions_url=_mentions_url(topic=self.topic))

        def write(files):
            quoted = None
            if form.cleaned_data.get("quote"):
                try:
                    quoted = access.access_post_for_quote(request.user, form.cleaned_data["quote"], self.topic)
                except Http404:
                    quoted = None
            return posting.do_reply(request.user, self.topic, form.cleaned_data["source"], files, quoted_post=quoted)

        post, held = _submit(request, form, write)
        if post is not None:
            messages.success(request, _("Your reply has been published."))
            return HttpResponseRedirect(post.get_absolute_url())
        return self._render(form, held)

    def _render(self, form, held=()):
        context = {"topic": self.topic, "category": self.topic.category, "form": form, "held_uploads": held}
        return render(self.request, self.template_name, context)


class EditPostView(LoginRequiredMixin, View):
    template_name = "forums/edit_post.html"

    def dispatch(self, request, *args, post_id, **kwargs):
        if request.user.is_authenticated:
            self.post_obj = access.access_post_for_edit(request.user, post_id)
            self.attachments = list(self.post_obj.attachments.all())
        return super().dispatch(request, *args, post_id=post_id, **kwargs)

    def _form(self, *args, **kwargs):
        return EditPostForm(
            *args, attachments=self.attachments, mentions_url=_mentions_url(topic=self.post_obj.topic), **kwargs
        )

    def get(self, request, post_id):
        return self._render(self._form(initial={"source": self.post_obj.source}))

    def post(self, request, post_id):
        form = self._form(request.POST, request.FILES)
        post, held = _submit(
            request,
            form,
            lambda files: posting.do_edit_post(
                request.user,
                self.post_obj,
                form.cleaned_data["source"],
                files,
                form.cleaned_data.get("remove") or (),
                request=request,
            ),
        )
        if post is not None:
            messages.success(request, _("Your changes have been saved."))
            return HttpResponseRedirect(post.get_absolute_url())
        return self._render(form, held)

    def _render(self, form, held=()):
        topic = self.post_obj.topic
        context = {
            "post": self.post_obj,
            "topic": topic,
            "category": topic.category,
            "form": form,
            "held_uploads": held,
        }
        return render(self.request, self.template_name, context)


class DeletePostView(LoginRequiredMixin, View):
    template_name = "forums/delete_post.html"

    def dispatch(self, request, *args, post_id, **kwargs):
        if request.user.is_authenticated:
            self.post_obj = access.access_post_for_delete(request.user, post_id)
        return super().dispatch(request, *args, post_id=post_id, **kwargs)

    def get(self, request, post_id):
        topic = self.post_obj.topic
        context = {"post": self.post_obj, "topic": topic, "category": topic.category}
        return render(request, self.template_name, context)

    def post(self, request, post_id):
        post = posting.do_delete_post(request.user, self.post_obj)
        messages.success(request, _("Your message has been deleted."))
        return HttpResponseRedirect(post.get_absolute_url())


def _unified_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(kind, line) pairs of a unified diff; the template escapes the lines."""
    lines = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
        lines.append((kind, line))
    return lines


@login_required
@require_GET
def post_history(request, post_id):
    """Each version of a post, oldest first, with what changed: for the category's moderators."""
    post = access.access_post_for_moderation(request.user, post_id)
    revisions = list(post.revisions.select_related("edited_by"))
    versions = [revision.source for revision in revisions] + [post.source]
    entries = []
    for index, revision in enumerate(revisions):
        entries.append(
            {
                "revision": revision,
                "source": revision.source,
                "diff": _unified_diff(revision.source, versions[index + 1]),
                "number": index + 1,
            }
        )
    topic = post.topic
    context = {"post": post, "topic": topic, "category": topic.category, "entries": entries}
    return render(request, "forums/post_history.html", context)


def _disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 6266's filename* form."""
    fallback = "".join(ch for ch in name if 32 <= ord(ch) < 127 and ch not in '"\\').strip() or "fichier"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_GET
def download_attachment(request, attachment_id):
    """Attachments are downloads (never displayed inline), after the same check as their post."""
    attachment = access.access_attachment(request.user, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Content-Disposition"] = _disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def mention_search(request):
    """People to mention: name or e-mail starting with `q`, among the active readers of the topic."""
    term = " ".join(request.GET.get("q", "").split())[:100]
    if request.GET.get("topic"):
        topic = access.access_topic(request.user, request.GET["topic"])
    elif request.GET.get("category"):
        category = access.access_category(request.user, request.GET["category"])
        # A topic yet to be written in `category` is read by the category's readers.
        topic = Topic(category=category)
    else:
        raise Http404
    if len(term) < MENTION_MIN_CHARS:
        return JsonResponse({"results": []})
    words = term.split(" ", 1)
    condition = Q(first_name__istartswith=term) | Q(last_name__istartswith=term) | Q(email__istartswith=term)
    if len(words) == 2:
        condition |= Q(first_name__iexact=words[0], last_name__istartswith=words[1])
    people = (
        access.readers_of(topic)
        .filter(condition)
        .exclude(pk=request.user.pk)
        .order_by("last_name", "first_name", "pk")[:MENTION_MAX_RESULTS]
    )
    results = [{"id": person.pk, "name": person.display_name, "token": mention_token(person)} for person in people]
    return JsonResponse({"results": results})
