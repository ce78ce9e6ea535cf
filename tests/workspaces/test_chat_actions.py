"""Chat actions: posting (ids, idempotency, limits, threads, replies), edit, delete, reactions, pins, mentions,
channels, direct conversations, read markers; and the one event each sends after commit."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from intranet.models import Notification
from tests.workspaces.fixtures_c import *  # noqa: F403
from workspaces import access
from workspaces.actions import chat
from workspaces.models import MESSAGE_MAX_LENGTH, Activity, Channel, ChannelMember, Member, Message, ReadMarker
from workspaces.notifications import MENTION_VERB, handle_for
from workspaces.realtime import chat_group

pytestmark = pytest.mark.django_db


def fresh(user):
    access.forget_workspace_memberships(user)
    return user


# Posting -----------------------------------------------------------------------------------------


def test_messages_take_increasing_ids_within_their_channel(general, restricted, post, ws_owner, ws_member):
    first = post(ws_member, general, "Premier *message*")
    second = post(ws_owner, general, "Deuxième")
    elsewhere = post(ws_owner, restricted, "Ailleurs")
    assert (first.seq, second.seq, elsewhere.seq) == (1, 2, 1)
    general.refresh_from_db()
    assert general.last_seq == 2 and general.last_message_at is not None
    # Markdown rendered once, on write, and sanitized.
    assert first.body_html == "<p>Premier <em>message</em></p>\n"


def test_markup_is_rendered_inert(general, post, ws_member):
    message = post(ws_member, general, '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="y">')
    assert "<script" not in message.body_html
    assert "<img" not in message.body_html
    assert 'href="javascript' not in message.body_html


def test_empty_and_too_long_messages_are_refused(general, ws_member):
    with pytest.raises(ValidationError):
        chat.do_post_message(ws_member, general, "  \n ")
    with pytest.raises(ValidationError) as error:
        chat.do_post_message(ws_member, general, "a" * (MESSAGE_MAX_LENGTH + 1))
    assert error.value.code == "too_long"
    assert chat.do_post_message(ws_member, general, "a" * MESSAGE_MAX_LENGTH)[1] is True
    assert Message.objects.count() == 1


def test_only_readers_may_post(general, restricted, ws_member, ws_guest, other_ws_member, company_user):
    for outsider in (other_ws_member, company_user):
        with pytest.raises(PermissionDenied):
            chat.do_post_message(outsider, general, "Intrus")
    # The member and the guest do not read the restricted channel.
    for person in (ws_member, ws_guest):
        with pytest.raises(PermissionDenied):
            chat.do_post_message(person, restricted, "Intrus")
    # A guest writes in the channels they read.
    assert chat.do_post_message(ws_guest, general, "Bonjour, je suis consultante.")[1] is True
    assert Message.objects.count() == 1


def test_nobody_posts_in_an_archived_workspace(general, workspace, ws_owner):
    from django.utils import timezone

    workspace.archived_at = timezone.now()
    workspace.save()
    general.refresh_from_db()
    with pytest.raises(PermissionDenied):
        chat.do_post_message(fresh(ws_owner), general, "Trop tard")


def test_a_retried_message_is_stored_once(general, ws_member, ws_owner):
    message, created = chat.do_post_message(ws_member, general, "Une fois", client_key="clé-1")
    again, created_again = chat.do_post_message(ws_member, general, "Une fois", client_key="clé-1")
    assert created is True and created_again is False
    assert again.pk == message.pk
    assert Message.objects.filter(channel=general).count() == 1
    general.refresh_from_db()
    assert general.last_seq == 1  # no id taken by the retry
    # The key is the author's: someone else's same key is another message.
    assert chat.do_post_message(ws_owner, general, "Autre", client_key="clé-1")[1] is True
    assert Message.objects.filter(channel=general).count() == 2


def test_a_retry_is_refused_by_the_unique_index_and_leaves_no_gap(general, ws_member):
    """No lookup before the insert: the key's unique index refuses the retried row, the transaction (its id
    with it) is rolled back and the stored message is given back; the next message takes the next id."""
    first, _ = chat.do_post_message(ws_member, general, "Une fois", client_key="course")
    again, created = chat.do_post_message(ws_member, general, "Une fois", client_key="course")
    assert created is False and again.pk == first.pk
    general.refresh_from_db()
    assert general.last_seq == 1
    assert Message.objects.filter(channel=general).count() == 1
    following, created = chat.do_post_message(ws_member, general, "Ensuite", client_key="suite")
    assert created is True and following.seq == 2


def test_thread_replies_are_counted_on_their_first_message(general, post, ws_member, ws_owner):
    root = post(ws_member, general, "Qui a un modèle de CCTP ?")
    reply = post(ws_owner, general, "Moi", thread_root=root.seq)
    nested = post(ws_member, general, "Merci", thread_root=reply, reply_to=reply)
    root.refresh_from_db()
    assert root.thread_reply_count == 2
    assert reply.thread_root_id == root.pk
    assert nested.thread_root_id == root.pk  # a reply to a reply stays in the same thread
    assert nested.reply_to_id == reply.pk


def test_replies_quote_messages_of_the_same_channel_only(general, restricted, post, ws_owner):
    elsewhere = post(ws_owner, restricted, "Confidentiel")
    with pytest.raises(ValidationError):
        chat.do_post_message(ws_owner, general, "Je cite", reply_to=elsewhere)
    with pytest.raises(ValidationError):
        chat.do_post_message(ws_owner, general, "Je cite", reply_to=999)
    assert not Message.objects.filter(channel=general).exists()


def test_attachment_must_be_a_file_of_the_same_workspace(general, ws_member, other_workspace, other_ws_member):
    from workspaces.models import File

    foreign = File.objects.create(workspace=other_workspace, name="secret.pdf", created_by=other_ws_member)
    with pytest.raises(ValidationError):
        chat.do_post_message(ws_member, general, "Voici", attachment=foreign)
    own = File.objects.create(workspace=general.workspace, name="cctp.pdf", created_by=ws_member)
    message, _ = chat.do_post_message(ws_member, general, "Voici", attachment=own)
    assert message.attachment_id == own.pk


# Events after commit -------------------------------------------------------------------------------


def _listen(channel_id):
    layer = get_channel_layer()
    name = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(chat_group(channel_id), name)
    return layer, name


def _received(layer, name):
    """What reached `name` so far. Every drain of one layer runs on the same event loop: channels_redis binds a
    channel's receive buffer to the loop that first received on it (async_to_sync would start a new loop)."""

    async def drain():
        frames = []
        while True:
            try:
                event = await asyncio.wait_for(layer.receive(name), timeout=0.05)
            except TimeoutError:
                return frames
            assert event["type"] == "chat.event"
            frames.append(json.loads(event["text"]))

    if not hasattr(layer, "_test_receive_loop"):
        layer._test_receive_loop = asyncio.new_event_loop()
    return layer._test_receive_loop.run_until_complete(drain())


def test_one_encoded_event_per_message_after_commit(general, ws_member, django_capture_on_commit_callbacks):
    layer, name = _listen(general.pk)
    with django_capture_on_commit_callbacks(execute=True):
        message, _ = chat.do_post_message(ws_member, general, "Bonjour **à tous**", client_key="k")
        assert _received(layer, name) == []  # nothing before commit
    frames = _received(layer, name)
    assert len(frames) == 1
    frame = frames[0]
    assert frame["type"] == "message"
    data = frame["message"]
    assert data["seq"] == message.seq and data["channel"] == general.pk
    assert data["author"] == {"id": ws_member.pk, "name": "Maëlle Riou"}
    assert data["html"] == "<p>Bonjour <strong>à tous</strong></p>\n"
    assert data["deleted"] is False and data["edited"] is False and data["reply_to"] is None


def test_a_thread_reply_also_updates_its_first_message(
    general, post, ws_member, ws_owner, django_capture_on_commit_callbacks
):
    root = post(ws_member, general, "Question")
    layer, name = _listen(general.pk)
    with django_capture_on_commit_callbacks(execute=True):
        chat.do_post_message(ws_owner, general, "Réponse", thread_root=root.seq, reply_to=root.seq)
    new, update = _received(layer, name)
    assert new["type"] == "message" and new["message"]["thread_root"] == root.seq
    assert new["message"]["reply_to"] == {"seq": root.seq, "author": "Maëlle Riou", "excerpt": "Question"}
    assert update == {"type": "update", "message": update["message"]}
    assert update["message"]["seq"] == root.seq and update["message"]["thread_replies"] == 1


def test_a_rolled_back_message_sends_nothing(general, ws_member):
    layer, name = _listen(general.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        chat.do_post_message(ws_member, general, "Jamais")
        raise RuntimeError
    assert _received(layer, name) == []
    assert not Message.objects.exists()


# Edit, delete, reactions, pins --------------------------------------------------------------------


def test_the_author_edits_and_the_former_text_is_kept(general, post, ws_member, ws_owner):
    message = post(ws_member, general, "Réunion mardi")
    with pytest.raises(PermissionDenied):
        chat.do_edit_message(ws_owner, message, "Réunion jeudi")  # even the owner edits only their own
    chat.do_edit_message(ws_member, message, "Réunion mercredi")
    message.refresh_from_db()
    assert message.body == "Réunion mercredi" and message.edited_at is not None
    assert list(message.revisions.values_list("body", flat=True)) == ["Réunion mardi"]


def test_delete_leaves_a_tombstone(general, post, ws_member, ws_guest, ws_admin):
    mine = post(ws_member, general, "À supprimer")
    other = post(ws_member, general, "Modéré")
    chat.do_toggle_reaction(ws_guest, mine, "👍")
    with pytest.raises(PermissionDenied):
        chat.do_delete_message(ws_guest, other)  # not theirs, not an admin
    chat.do_delete_message(ws_member, mine)
    chat.do_delete_message(ws_admin, other)  # an admin deletes anyone's in a workspace channel
    for message in (mine, other):
        message.refresh_from_db()
        assert message.deleted_at is not None and message.body == "" and message.body_html == ""
    assert not mine.reactions.exists()
    assert Message.objects.filter(channel=general).count() == 2
    with pytest.raises(PermissionDenied):
        chat.do_edit_message(ws_member, mine, "Revenu")


def test_admins_do_not_delete_in_direct_conversations(workspace, ws_member, ws_owner, post):
    direct = chat.do_open_direct(ws_member, ws_owner)
    message = post(ws_member, direct, "Entre nous")
    with pytest.raises(PermissionDenied):
        chat.do_delete_message(ws_owner, message)


def test_reactions_toggle_from_a_fixed_set(general, post, ws_member, ws_guest, other_ws_member):
    message = post(ws_member, general, "Bonne nouvelle")
    assert chat.do_toggle_reaction(ws_guest, message, "🎉") is True
    assert chat.do_toggle_reaction(ws_member, message, "🎉") is True
    assert message.reactions.count() == 2
    assert chat.do_toggle_reaction(ws_guest, message, "🎉") is False
    assert list(message.reactions.values_list("user_id", flat=True)) == [ws_member.pk]
    with pytest.raises(ValidationError):
        chat.do_toggle_reaction(ws_guest, message, "🍕")
    with pytest.raises(PermissionDenied):
        chat.do_toggle_reaction(other_ws_member, message, "🎉")


def test_pinning_is_recorded_for_the_readers_of_the_channel(general, restricted, post, ws_member, ws_guest, ws_owner):
    public = post(ws_member, general, "Ordre du jour")
    secret = post(ws_owner, restricted, "Budget")
    with pytest.raises(PermissionDenied):
        chat.do_pin_message(ws_guest, public, True)  # guests do not pin
    chat.do_pin_message(ws_member, public, True)
    chat.do_pin_message(ws_owner, secret, True)
    public.refresh_from_db()
    assert public.pinned_at is not None and public.pinned_by == ws_member
    pins = Activity.objects.filter(verb=Activity.Verb.PINNED)
    assert pins.get(channel__isnull=True).label == "Ordre du jour"
    assert pins.get(channel=restricted).label == "Budget"
    # The member sees the public pin only.
    visible = access.visible_activity(fresh(ws_member), general.workspace).filter(verb=Activity.Verb.PINNED)
    assert list(visible.values_list("label", flat=True)) == ["Ordre du jour"]
    chat.do_pin_message(ws_member, public, False)
    public.refresh_from_db()
    assert public.pinned_at is None


# Mentions ------------------------------------------------------------------------------------------


def test_handles_come_from_names_or_the_address(ws_owner, ws_member, make_user):
    assert handle_for(ws_owner) == "odile.le-goff"
    assert handle_for(ws_member) == "maelle.riou"
    nameless = make_user("j.dupont@exemple.fr", first_name="", last_name="")
    assert handle_for(nameless) == "j-dupont"


def test_mentions_notify_readers_only(general, restricted, workspace, ws_owner, ws_member, ws_admin, make_user):
    # Someone with the member's name in another workspace: same handle, not a reader.
    make_user("homonyme@exemple.fr", first_name="Maëlle", last_name="Riou")
    chat.do_post_message(ws_owner, general, "Merci @maelle.riou et @alain.kerbrat, voir jean@exemple.fr @personne")
    told = Notification.objects.filter(verb=MENTION_VERB)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([ws_member.pk, ws_admin.pk])
    notification = told.get(recipient=ws_member)
    assert notification.url.startswith(general.get_absolute_url()) and "#m-1" in notification.url
    # In the restricted channel, the member (not a reader) is not told; the admin is.
    Notification.objects.all().delete()
    chat.do_post_message(ws_owner, restricted, "@maelle.riou @alain.kerbrat lisez ceci")
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [ws_admin.pk]


def test_an_edit_tells_only_the_newly_mentioned(general, post, ws_owner, ws_member, ws_admin):
    message = post(ws_owner, general, "Bonjour @maelle.riou")
    chat.do_edit_message(ws_owner, message, "Bonjour @maelle.riou et @alain.kerbrat")
    assert Notification.objects.filter(recipient=ws_member, verb=MENTION_VERB).count() == 1
    assert Notification.objects.filter(recipient=ws_admin, verb=MENTION_VERB).count() == 1


def test_nobody_is_told_of_their_own_mention(general, ws_owner):
    chat.do_post_message(ws_owner, general, "Note pour moi @odile.le-goff")
    assert not Notification.objects.exists()


# Channels and direct conversations -----------------------------------------------------------------


def test_admins_create_channels(workspace, ws_admin, ws_member, ws_guest, other_ws_member):
    with pytest.raises(PermissionDenied):
        chat.do_create_channel(workspace, ws_member, name="Marchés")
    channel = chat.do_create_channel(workspace, ws_admin, name="Marchés publics", topic="Veille")
    assert (channel.slug, channel.restricted) == ("marches-publics", False)
    assert Activity.objects.filter(verb=Activity.Verb.CHANNEL, label="#Marchés publics", channel__isnull=True).exists()
    with pytest.raises(ValidationError):
        chat.do_create_channel(workspace, ws_admin, name="marchés publics")  # same name
    with pytest.raises(ValidationError):
        chat.do_create_channel(workspace, ws_admin, name="Secret", restricted=True, members=[other_ws_member.pk])
    secret = chat.do_create_channel(workspace, ws_admin, name="Secret", restricted=True, members=[ws_guest.pk])
    assert set(ChannelMember.objects.filter(channel=secret).values_list("user_id", flat=True)) == {
        ws_admin.pk,
        ws_guest.pk,
    }
    assert access.can_read_channel(fresh(ws_guest), secret)
    assert not access.can_read_channel(fresh(ws_member), secret)


def test_taken_out_of_a_restricted_channel(restricted, ws_owner, ws_admin, ws_member):
    assert access.can_read_channel_now(ws_admin.pk, restricted.pk)
    with pytest.raises(PermissionDenied):
        chat.do_remove_channel_member(restricted, ws_member, ws_admin)
    chat.do_remove_channel_member(restricted, ws_owner, ws_admin)
    assert not access.can_read_channel_now(ws_admin.pk, restricted.pk)
    chat.do_add_channel_member(restricted, ws_owner, ws_member)
    assert access.can_read_channel_now(ws_member.pk, restricted.pk)


def test_direct_conversations_between_people_who_share_a_workspace(workspace, ws_member, ws_guest, other_ws_member):
    channel = chat.do_open_direct(ws_member, ws_guest)
    assert (
        channel.is_direct and channel.direct_key == f"{min(ws_member.pk, ws_guest.pk)}-{max(ws_member.pk, ws_guest.pk)}"
    )
    assert chat.do_open_direct(ws_guest, ws_member).pk == channel.pk  # the same conversation, either way
    assert Channel.objects.filter(kind=Channel.Kind.DIRECT).count() == 1
    with pytest.raises(PermissionDenied):
        chat.do_open_direct(ws_member, other_ws_member)  # no shared workspace
    with pytest.raises(PermissionDenied):
        chat.do_open_direct(ws_member, ws_member)
    assert not access.can_read_channel(fresh(other_ws_member), channel)


def test_a_direct_conversation_stops_taking_messages_when_they_no_longer_share_a_workspace(
    workspace, ws_member, ws_guest, post
):
    channel = chat.do_open_direct(ws_member, ws_guest)
    post(ws_member, channel, "Bonjour")
    Member.objects.filter(workspace=workspace, user=ws_guest).delete()
    with pytest.raises(PermissionDenied):
        chat.do_post_message(fresh(ws_member), channel, "Encore là ?")


def test_read_markers_never_go_back(general, post, ws_member, ws_owner):
    for text in ("un", "deux", "trois"):
        post(ws_owner, general, text)
    assert chat.do_mark_read(ws_member, general, 2) == 2
    assert chat.do_mark_read(ws_member, general, 1) == 2
    assert ReadMarker.objects.get(user=ws_member, channel=general).last_read_seq == 2
    assert chat.do_mark_read(ws_member, general, 99) == 3  # never past the last message
    assert chat.do_mark_read(ws_member, general) == 3


def test_line_breaks_count_once_whatever_sent_them(general, post, ws_member):
    """A form posts CRLF, the page's script LF: stored alike, so the 10,000-character limit means the same."""
    from_form = post(ws_member, general, "Première ligne\r\nseconde ligne\r\n")
    from_script = post(ws_member, general, "Première ligne\nseconde ligne")
    assert from_form.body == from_script.body == "Première ligne\nseconde ligne"
