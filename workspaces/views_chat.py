"""The chat pages: a channel (or direct conversation) with its last messages and a plain form to post, a
thread, the forms of each message (edit, delete, react, pin) and the JSON history the page's script reads.

Every page works without JavaScript; `workspaces/static/workspaces/chat.js` makes it live over the WebSocket
(workspaces.consumers). Thin views: workspaces.access fetches and checks (404 for whoever may not read the
channel, 403 for a reader who may not do the thing), workspaces.actions.chat writes; errors go back onto the
form with the text typed. The number of queries of a page does not depend on the number of messages.
"""

import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from intranet.access import can_act
from intranet.models import User
from workspaces import access, presence, serializers
from workspaces.actions import chat
from workspaces.actions.files import do_upload_file
from workspaces.forms_chat import ChannelForm, EditMessageForm, MessageForm, PersonChoiceForm
from workspaces.models import HISTORY_PAGE_SIZE, Channel, ChannelMember, Member, Message
from workspaces.notifications import reader_handles
from workspaces.unread import unread_by_channel

AFTER_PAGE_SIZE = 200
THREAD_LIMIT = 500
PINNED_LIMIT = 10


def _seq_param(request, name) -> int | None:
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 0 else None


def _on_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error("body" if "body" in form.fields else None, error)


def _member_of(user, channel: Channel) -> Member | None:
    return None if channel.is_direct else access.membership(user, channel.workspace_id)


def _permissions(user, channel: Channel, member: Member | None) -> dict:
    can_post = access.can_post(user, channel)
    return {
        "can_post": can_post,
        "can_pin": can_post and access.can_pin(user, channel),
        "can_moderate": bool(member is not None and member.is_admin and can_act(user)),
        "is_admin": bool(member is not None and member.is_admin),
    }


def _thread_url(channel: Channel, seq: int) -> str:
    if channel.is_direct:
        return reverse("workspaces:direct_thread", args=[channel.pk, seq])
    return reverse("workspaces:thread", args=[channel.workspace.slug, channel.slug, seq])


def _decorate(messages_list, user, perms) -> None:
    """Attach what the message template shows (reactions with the viewer's, rights, links) without a query
    each."""
    reactions = serializers.reactions_of(m.pk for m in messages_list) if messages_list else {}
    for message in messages_list:
        channel = message.channel
        message.link = reverse("workspaces:message_link", args=[channel.pk, message.seq])
        message.thread_url = _thread_url(channel, message.seq) if not message.thread_root_id else ""
        if message.reply_to_id:
            message.reply_link = reverse("workspaces:message_link", args=[channel.pk, message.reply_to.seq])
        items = reactions.get(message.pk, [])
        for item in items:
            item["mine"] = user.pk in item["users"]
        message.reaction_items = items
        mine = message.author_id == user.pk
        message.is_mine = mine
        alive = message.deleted_at is None
        message.can_edit = alive and mine and perms["can_post"]
        message.can_delete = alive and ((mine and can_act(user)) or perms["can_moderate"])
        message.can_pin = alive and perms["can_pin"]
        message.can_react = alive and perms["can_post"]


def _direct_sidebar(user):
    """The person's direct conversations with the other person's name, latest first (one query)."""
    others = (
        ChannelMember.objects.filter(channel__in=access.direct_channels(user).values("pk"))
        .exclude(user=user)
        .select_related("user", "channel")
        .order_by("-channel__last_message_at", "-channel_id")
    )
    conversations = []
    for row in others:
        channel = row.channel
        channel.other = row.user
        conversations.append(channel)
    return conversations


def _channel_page_context(request, channel: Channel, member: Member | None, *, form=None, before=None) -> dict:
    user = request.user
    workspace = channel.workspace
    perms = _permissions(user, channel, member)
    rows = serializers.message_queryset().filter(channel=channel, thread_root__isnull=True)
    if before is not None:
        rows = rows.filter(seq__lt=before)
    rows = list(rows.order_by("-seq")[: HISTORY_PAGE_SIZE + 1])
    has_older = len(rows) > HISTORY_PAGE_SIZE
    page = list(reversed(rows[:HISTORY_PAGE_SIZE]))
    for message in page:
        message.channel = channel
    _decorate(page, user, perms)

    channels = list(access.readable_channels(user, workspace)) if workspace is not None else []
    directs = _direct_sidebar(user)
    unread = unread_by_channel(user, [c.pk for c in channels] + [c.pk for c in directs])
    for item in channels + directs:
        if item.workspace_id is not None:
            item.workspace = workspace
        item.unread = 0 if item.pk == channel.pk else unread.get(item.pk, 0)

    pinned = list(
        Message.objects.filter(channel=channel, pinned_at__isnull=False, deleted_at__isnull=True)
        .select_related("author")
        .order_by("-pinned_at")[:PINNED_LIMIT]
    )
    if before is None:
        chat.do_mark_read(user, channel)
    reply_to = _reply_to(request, channel, perms)
    if form is None:
        form = MessageForm(
            initial={"reply_to": reply_to.seq if reply_to else None}, allow_attachment=not channel.is_direct
        )
    partner = chat.direct_partner(channel, user) if channel.is_direct else None
    return {
        "workspace": workspace,
        "member": member,
        "channel": channel,
        "partner": partner,
        "chat_messages": page,
        "has_older": has_older,
        "older_before": page[0].seq if page else None,
        "before": before,
        "perms": perms,
        "channels": channels,
        "directs": directs,
        "pinned": pinned,
        "online": presence.online_for_channel(channel),
        "handles": reader_handles(channel),
        "form": form,
        "reply_to": reply_to,
        "reactions": chat.REACTIONS,
        "in_thread": False,
        **_urls(channel),
        "cancel_url": channel.get_absolute_url(),
    }


def _reply_to(request, channel: Channel, perms) -> Message | None:
    """The message `?reponse=<seq>` asks to reply to (quoted), if the person may post."""
    seq = _seq_param(request, "reponse")
    if not seq or not perms["can_post"]:
        return None
    return Message.objects.select_related("author").filter(channel=channel, seq=seq, deleted_at__isnull=True).first()


def _urls(channel: Channel) -> dict:
    """The URLs the templates and the script build on (a 0 stands for the seq)."""
    thread_url = _thread_url(channel, 0)
    return {
        "post_url": reverse("workspaces:channel_post", args=[channel.pk]),
        "history_url": reverse("workspaces:history", args=[channel.pk]),
        "message_base_url": reverse("workspaces:message_link", args=[channel.pk, 0]),
        "thread_base_url": thread_url,
        "socket_path": f"/ws/espaces/canal/{channel.pk}/",
        "channel_url": channel.get_absolute_url(),
    }


def _thread_context(request, channel: Channel, member, root: Message, *, form=None) -> dict:
    user = request.user
    perms = _permissions(user, channel, member)
    replies = list(
        serializers.message_queryset().filter(channel=channel, thread_root=root).order_by("seq")[:THREAD_LIMIT]
    )
    for message in [root, *replies]:
        message.channel = channel
    _decorate([root, *replies], user, perms)
    chat.do_mark_read(user, channel, replies[-1].seq if replies else root.seq)
    reply_to = _reply_to(request, channel, perms)
    if form is None:
        initial = {"thread_root": root.seq, "reply_to": reply_to.seq if reply_to else None}
        form = MessageForm(initial=initial, allow_attachment=not channel.is_direct)
    return {
        "workspace": channel.workspace,
        "member": member,
        "channel": channel,
        "partner": chat.direct_partner(channel, user) if channel.is_direct else None,
        "root": root,
        "replies": replies,
        "perms": perms,
        "form": form,
        "reactions": chat.REACTIONS,
        "handles": reader_handles(channel),
        "reply_to": reply_to,
        "in_thread": True,
        **_urls(channel),
        "cancel_url": _thread_url(channel, root.seq),
    }


def _root(channel: Channel, seq: int) -> Message:
    root = serializers.message_queryset().filter(channel=channel, seq=seq).first()
    if root is None:
        raise Http404
    return root


# Pages ------------------------------------------------------------------------------------------------


class ChannelView(LoginRequiredMixin, View):
    """A workspace channel: its last 50 messages (older ones with ?avant=<seq>), the form to post."""

    def get(self, request, slug, channel_slug):
        workspace, member, channel = access.access_channel(request.user, slug, channel_slug)
        channel.workspace = workspace
        context = _channel_page_context(request, channel, member, before=_seq_param(request, "avant"))
        return render(request, "workspaces/chat_channel.html", context)


class DirectView(LoginRequiredMixin, View):
    def get(self, request, channel_id):
        channel = access.access_channel_by_id(request.user, channel_id)
        if not channel.is_direct:
            return redirect(channel.get_absolute_url())
        context = _channel_page_context(request, channel, None, before=_seq_param(request, "avant"))
        return render(request, "workspaces/chat_channel.html", context)


class ThreadView(LoginRequiredMixin, View):
    """A thread: its first message and every reply, with the form to reply in it."""

    def get(self, request, slug, channel_slug, seq):
        workspace, member, channel = access.access_channel(request.user, slug, channel_slug)
        channel.workspace = workspace
        return self._show(request, channel, member, seq)

    def _show(self, request, channel, member, seq):
        root = _root(channel, seq)
        if root.thread_root_id:
            return redirect(chat.message_url(root))
        root.channel = channel
        return render(request, "workspaces/chat_thread.html", _thread_context(request, channel, member, root))


class DirectThreadView(ThreadView):
    def get(self, request, channel_id, seq):
        channel = access.access_channel_by_id(request.user, channel_id)
        if not channel.is_direct:
            raise Http404
        return self._show(request, channel, None, seq)


def _escape_markdown(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)


def _post(user, channel: Channel, data: dict):
    """Post the form's message; an attached file first becomes a file of the workspace (in the same
    transaction: a refused message keeps no file, neither its row nor its stored bytes; nor does a retry of a
    message already stored with its file)."""
    upload = data.get("attachment")
    stored = []  # the blob written for this post, deleted if the transaction does not keep it
    try:
        with transaction.atomic():
            attachment = None
            if upload:
                try:
                    attachment = do_upload_file(channel.workspace, user, upload)
                except ValidationError as error:
                    raise ValidationError({"attachment": error.messages}) from None
                stored.append(attachment.current_version.blob.name)
            body = data["body"] if (data.get("body") or "").strip() else _escape_markdown(attachment.name)
            message, created = chat.do_post_message(
                user,
                channel,
                body,
                client_key=data["client_key"],
                reply_to=data["reply_to"],
                thread_root=data["thread_root"],
                attachment=attachment,
            )
            if created:
                stored.clear()
            elif attachment is not None:
                transaction.set_rollback(True)  # a retry: the message and its file are there already
            return message, created
    finally:
        for name in stored:
            default_storage.delete(name)


class PostView(LoginRequiredMixin, View):
    """The plain form's POST: store the message, go back to it (or show the page again with the error)."""

    def post(self, request, channel_id):
        channel = access.access_channel_by_id(request.user, channel_id)
        member = _member_of(request.user, channel)
        form = MessageForm(request.POST, request.FILES, allow_attachment=not channel.is_direct)
        message, created = None, False
        if form.is_valid():
            try:
                message, created = _post(request.user, channel, form.cleaned_data)
            except ValidationError as error:
                _on_form(form, error)
        if message is not None:
            if created:
                messages.success(request, _("Your message has been sent."))
            return HttpResponseRedirect(chat.message_url(message))
        root_seq = form.cleaned_data.get("thread_root") if hasattr(form, "cleaned_data") else None
        root = None
        if root_seq:
            roots = serializers.message_queryset().filter(channel=channel, thread_root__isnull=True)
            root = roots.filter(seq=root_seq).first()
        if root is not None:
            root.channel = channel
            context = _thread_context(request, channel, member, root, form=form)
            return render(request, "workspaces/chat_thread.html", context)
        context = _channel_page_context(request, channel, member, form=form)
        return render(request, "workspaces/chat_channel.html", context)


class MessageLinkView(LoginRequiredMixin, View):
    """A message's permanent link: to the page that shows it (its thread, or the channel page holding it)."""

    def get(self, request, channel_id, seq):
        channel = access.access_channel_by_id(request.user, channel_id)
        message = Message.objects.select_related("thread_root").filter(channel=channel, seq=seq).first()
        if message is None:
            raise Http404
        message.channel = channel
        if message.thread_root_id:
            return HttpResponseRedirect(chat.message_url(message))
        newer = Message.objects.filter(channel=channel, thread_root__isnull=True, seq__gt=seq).count()
        if newer < HISTORY_PAGE_SIZE:
            return HttpResponseRedirect(f"{channel.get_absolute_url()}#m-{seq}")
        return HttpResponseRedirect(f"{channel.get_absolute_url()}?avant={seq + 1}#m-{seq}")


class MessageActionView(LoginRequiredMixin, View):
    """The forms under each message without JavaScript: modifier (edit), supprimer (delete), reagir (react),
    epingler (pin or unpin)."""

    ACTIONS = ("modifier", "supprimer", "reagir", "epingler")

    def dispatch(self, request, *args, channel_id, seq, action, **kwargs):
        if action not in self.ACTIONS:
            raise Http404
        if request.user.is_authenticated:
            self.channel = access.access_channel_by_id(request.user, channel_id)
            message = serializers.message_queryset().filter(channel=self.channel, seq=seq).first()
            if message is None:
                raise Http404
            message.channel = self.channel
            self.message = message
        return super().dispatch(request, *args, channel_id=channel_id, seq=seq, action=action, **kwargs)

    def _render(self, request, template, form=None):
        channel = self.channel
        context = {
            "channel": channel,
            "workspace": channel.workspace,
            "member": _member_of(request.user, channel),
            "message": self.message,
            "form": form,
            "back_url": chat.message_url(self.message),
            "partner": chat.direct_partner(channel, request.user) if channel.is_direct else None,
        }
        return render(request, template, context)

    def get(self, request, channel_id, seq, action):
        if action == "modifier":
            if not access.can_edit_message(request.user, self.message):
                raise PermissionDenied
            form = EditMessageForm(initial={"body": self.message.body})
            return self._render(request, "workspaces/chat_edit.html", form)
        if action == "supprimer":
            if not access.can_delete_message(request.user, self.message):
                raise PermissionDenied
            return self._render(request, "workspaces/chat_delete.html")
        return HttpResponseRedirect(chat.message_url(self.message))

    def post(self, request, channel_id, seq, action):
        user, message = request.user, self.message
        if action == "modifier":
            form = EditMessageForm(request.POST)
            if form.is_valid():
                try:
                    chat.do_edit_message(user, message, form.cleaned_data["body"])
                except ValidationError as error:
                    _on_form(form, error)
                else:
                    messages.success(request, _("Your message has been changed."))
                    return HttpResponseRedirect(chat.message_url(message))
            if not access.can_edit_message(user, message):
                raise PermissionDenied
            return self._render(request, "workspaces/chat_edit.html", form)
        if action == "supprimer":
            chat.do_delete_message(user, message)
            messages.success(request, _("The message has been deleted."))
        elif action == "reagir":
            try:
                chat.do_toggle_reaction(user, message, request.POST.get("emoji", ""))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        else:
            pinned = request.POST.get("pinned") == "1"
            chat.do_pin_message(user, message, pinned)
            messages.success(request, _("The message is pinned.") if pinned else _("The message is no longer pinned."))
        return HttpResponseRedirect(chat.message_url(message))


class HistoryView(View):
    """JSON for the page's script: `?before=<seq>` the 50 before, `?after=<seq>` up to 200 after, neither the
    last 50; `&top=1` only messages outside threads; `?thread=<seq>` a thread's first message and replies
    (with `after`). `{"messages": [...], "has_more": bool}`, in id order; 404 for whoever may not read."""

    def get(self, request, channel_id):
        channel = access.access_channel_by_id(request.user, channel_id)
        rows = serializers.message_queryset().filter(channel=channel)
        before, after = _seq_param(request, "before"), _seq_param(request, "after")
        thread = _seq_param(request, "thread")
        if thread is not None:
            root = Message.objects.filter(channel=channel, seq=thread, thread_root__isnull=True).first()
            if root is None:
                raise Http404
            rows = rows.filter(Q(pk=root.pk) | Q(thread_root=root))
        elif request.GET.get("top") == "1":
            rows = rows.filter(thread_root__isnull=True)
        if after is not None or thread is not None:
            rows = list(rows.filter(seq__gt=after or 0).order_by("seq")[: AFTER_PAGE_SIZE + 1])
            has_more = len(rows) > AFTER_PAGE_SIZE
            rows = rows[:AFTER_PAGE_SIZE]
        else:
            if before is not None:
                rows = rows.filter(seq__lt=before)
            rows = list(rows.order_by("-seq")[: HISTORY_PAGE_SIZE + 1])
            has_more = len(rows) > HISTORY_PAGE_SIZE
            rows = list(reversed(rows[:HISTORY_PAGE_SIZE]))
        data = {"messages": serializers.serialize_many(rows, viewer_id=request.user.pk), "has_more": has_more}
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


# Channels and direct conversations ---------------------------------------------------------------------


def _workspace_people(workspace, exclude=None):
    people = User.objects.filter(
        Exists(Member.objects.filter(workspace=workspace, user=OuterRef("pk"))), is_active=True, closed_at__isnull=True
    ).order_by("last_name", "first_name", "email")
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return list(people)


class ChannelCreateView(LoginRequiredMixin, View):
    """A new channel, by the workspace's admins (404 for others outside, 403 for its other members)."""

    def dispatch(self, request, *args, slug, **kwargs):
        if request.user.is_authenticated:
            self.workspace, self.member = access.access_workspace_admin(request.user, slug)
        return super().dispatch(request, *args, slug=slug, **kwargs)

    def _form(self, data=None):
        return ChannelForm(data, people=_workspace_people(self.workspace, exclude=self.request.user))

    def get(self, request, slug):
        return self._render(self._form())

    def post(self, request, slug):
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                channel = chat.do_create_channel(
                    self.workspace,
                    request.user,
                    name=data["name"],
                    topic=data["topic"],
                    restricted=data["restricted"],
                    members=[int(pk) for pk in data["members"]] if data["restricted"] else (),
                )
            except ValidationError as error:
                _on_form(form, error)
            else:
                messages.success(request, _("The channel has been created."))
                return HttpResponseRedirect(channel.get_absolute_url())
        return self._render(form)

    def _render(self, form):
        context = {"workspace": self.workspace, "member": self.member, "form": form}
        return render(self.request, "workspaces/chat_channel_create.html", context)


class ChannelMembersView(LoginRequiredMixin, View):
    """Who reads a restricted channel; its workspace's admins add and remove people."""

    def dispatch(self, request, *args, slug, channel_slug, **kwargs):
        if request.user.is_authenticated:
            workspace, self.member, self.channel = access.access_channel(request.user, slug, channel_slug)
            self.channel.workspace = workspace
            if not self.channel.restricted:
                raise Http404
        return super().dispatch(request, *args, slug=slug, channel_slug=channel_slug, **kwargs)

    def _context(self, form=None):
        readers = list(
            User.objects.filter(Exists(ChannelMember.objects.filter(channel=self.channel, user=OuterRef("pk"))))
            .filter(Exists(Member.objects.filter(workspace_id=self.channel.workspace_id, user=OuterRef("pk"))))
            .order_by("last_name", "first_name", "email")
        )
        reader_ids = {user.pk for user in readers}
        others = [user for user in _workspace_people(self.channel.workspace) if user.pk not in reader_ids]
        can_manage = self.member.is_admin and access.can_write(self.request.user, self.channel.workspace)
        return {
            "workspace": self.channel.workspace,
            "member": self.member,
            "channel": self.channel,
            "readers": readers,
            "can_manage": can_manage,
            "form": form or PersonChoiceForm(people=others, label=_("Add a member")),
        }

    def get(self, request, slug, channel_slug):
        return render(request, "workspaces/chat_channel_members.html", self._context())

    def post(self, request, slug, channel_slug):
        if not self.member.is_admin:
            raise PermissionDenied
        person = User.objects.filter(pk=_int_or_none(request.POST.get("user"))).first()
        if person is None:
            messages.error(request, _("Choose a person."))
            return HttpResponseRedirect(request.path)
        try:
            if request.POST.get("op") == "remove":
                chat.do_remove_channel_member(self.channel, request.user, person)
                messages.success(request, _("%(name)s no longer reads this channel.") % {"name": person.display_name})
            else:
                chat.do_add_channel_member(self.channel, request.user, person)
                messages.success(request, _("%(name)s now reads this channel.") % {"name": person.display_name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(request.path)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DirectOpenView(LoginRequiredMixin, View):
    """Open (or find) the direct conversation with someone who shares a workspace; 404 for anyone else."""

    def post(self, request, user_id):
        other = User.objects.filter(pk=user_id).first()
        try:
            channel = chat.do_open_direct(request.user, other)
        except PermissionDenied:
            raise Http404 from None
        return HttpResponseRedirect(channel.get_absolute_url())


def _people_to_write_to(user):
    """Everyone who shares a workspace with the person, by name."""
    return list(
        User.objects.filter(
            Exists(Member.objects.filter(user=OuterRef("pk"), workspace__members__user=user)),
            is_active=True,
            closed_at__isnull=True,
        )
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name", "email")
    )


class DirectListView(LoginRequiredMixin, View):
    """The person's direct conversations with their unread counts, and a form to start one."""

    def get(self, request):
        return self._render(request, PersonChoiceForm(people=_people_to_write_to(request.user)))

    def post(self, request):
        form = PersonChoiceForm(request.POST, people=_people_to_write_to(request.user))
        if form.is_valid():
            other = User.objects.filter(pk=form.cleaned_data["user"]).first()
            try:
                channel = chat.do_open_direct(request.user, other)
            except PermissionDenied:
                form.add_error("user", _("You cannot write to this person."))
            else:
                return HttpResponseRedirect(channel.get_absolute_url())
        return self._render(request, form)

    def _render(self, request, form):
        directs = _direct_sidebar(request.user)
        unread = unread_by_channel(request.user, [c.pk for c in directs])
        for channel in directs:
            channel.unread = unread.get(channel.pk, 0)
        return render(request, "workspaces/chat_direct_list.html", {"directs": directs, "form": form})
