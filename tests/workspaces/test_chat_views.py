"""The chat pages without JavaScript: channel page, posting form, thread, the forms under each message, the
JSON history, direct conversations, channel creation and members; refusals (404 outside, 403 inside); query
counts that do not depend on the number of messages."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.workspaces.fixtures_c import *  # noqa: F403
from workspaces.actions import chat
from workspaces.models import Channel, ChannelMember, Message, ReadMarker

pytestmark = pytest.mark.django_db


def channel_url(channel, **query):
    url = reverse("workspaces:channel", args=[channel.workspace.slug, channel.slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def action_url(message, action):
    return reverse("workspaces:message_action", args=[message.channel_id, message.seq, action])


def history_url(channel, query=""):
    return reverse("workspaces:history", args=[channel.pk]) + query


def bulk_messages(channel, author, count, start=1):
    now = timezone.now()
    Message.objects.bulk_create(
        [
            Message(
                channel=channel, seq=seq, author=author, body=f"m{seq}", body_html=f"<p>m{seq}</p>\n", created_at=now
            )
            for seq in range(start, start + count)
        ],
        batch_size=2000,
    )
    Channel.objects.filter(pk=channel.pk).update(last_seq=start + count - 1)
    channel.refresh_from_db()


# The channel page ---------------------------------------------------------------------------------------


def test_channel_page_shows_the_last_messages_and_the_form(general, post, login, ws_member, ws_owner):
    post(ws_owner, general, "Bonjour **tout le monde**")
    response = login(ws_member).get(channel_url(general))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>tout le monde</strong>" in html
    assert f'action="{reverse("workspaces:channel_post", args=[general.pk])}"' in html
    assert 'id="id_body"' in html and 'name="client_key"' in html
    assert 'aria-live="polite"' in html
    assert f'data-socket="/ws/espaces/canal/{general.pk}/"' in html
    # Shown means read.
    assert ReadMarker.objects.get(user=ws_member, channel=general).last_read_seq == 1


def test_channel_page_lists_the_channels_with_unread_counts(general, restricted, post, login, ws_member, ws_owner):
    other = chat.do_create_channel(general.workspace, ws_owner, name="Veille")
    post(ws_owner, other, "Nouveau 1")
    post(ws_owner, other, "Nouveau 2")
    post(ws_owner, restricted, "Secret")
    html = login(ws_member).get(channel_url(general)).content.decode()
    assert "#Veille" in html and "#Direction" not in html  # the restricted channel is not theirs
    assert '<span class="chat-unread">2<' in html


def test_outsiders_get_404_and_visitors_the_login_page(
    client, general, restricted, login, ws_member, other_ws_member, company_user
):
    response = client.get(channel_url(general))
    assert response.status_code == 302 and "/login" in response.url or "connexion" in response.url
    for outsider in (other_ws_member, company_user):
        assert login(outsider).get(channel_url(general)).status_code == 404
    assert login(ws_member).get(channel_url(restricted)).status_code == 404
    assert login(ws_member).get(channel_url(general).replace("general", "nope")).status_code == 404


def test_older_messages_page_backwards_by_50_without_javascript(general, login, ws_member, ws_owner):
    bulk_messages(general, ws_owner, 120)
    client = login(ws_member)
    html = client.get(channel_url(general)).content.decode()
    assert 'id="m-120"' in html and 'id="m-71"' in html and 'id="m-70"' not in html
    assert "?avant=71" in html
    older = client.get(channel_url(general, avant=71)).content.decode()
    assert 'id="m-70"' in older and 'id="m-21"' in older and 'id="m-71"' not in older and 'id="m-20"' not in older
    oldest = client.get(channel_url(general, avant=21)).content.decode()
    assert 'id="m-1"' in oldest and 'data-chat-act="older"' not in oldest


def test_markup_in_messages_is_inert(general, post, login, ws_member, ws_owner):
    post(ws_owner, general, '<script>alert("x")</script><img src=x onerror=alert(1)> [a](javascript:alert(1))')
    html = login(ws_member).get(channel_url(general)).content.decode()
    assert '<script>alert("x")' not in html
    assert "<img src=x" not in html and 'href="javascript:' not in html


def test_query_counts_do_not_depend_on_the_number_of_messages(general, login, ws_member, ws_owner, ws_admin):
    client = login(ws_member)
    bulk_messages(general, ws_owner, 10)
    chat.do_toggle_reaction(ws_admin, Message.objects.get(channel=general, seq=10), "👍")
    chat.do_open_direct(ws_member, ws_owner)

    def count(url):
        client.get(url)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    page_few, history_few = count(channel_url(general)), count(history_url(general, "?before=10"))
    bulk_messages(general, ws_owner, 10_000, start=11)
    page_many, history_many = count(channel_url(general)), count(history_url(general, "?before=9000"))
    assert page_few == page_many
    assert history_few == history_many
    # Pinned: what the channel page (its header's person values kept: intranet.context_processors.person_header) and the
    # history endpoint cost.
    assert page_many == 15
    assert history_many == 6


# Posting without JavaScript ---------------------------------------------------------------------------------


def test_posting_with_the_plain_form(general, login, ws_member):
    client = login(ws_member)
    url = reverse("workspaces:channel_post", args=[general.pk])
    response = client.post(url, {"body": "Depuis le formulaire", "client_key": "form-1"})
    assert response.status_code == 302 and response.url.endswith(f"{channel_url(general)}#m-1")
    # The same form sent twice (double click, reload) is stored once.
    again = client.post(url, {"body": "Depuis le formulaire", "client_key": "form-1"})
    assert again.status_code == 302
    assert Message.objects.filter(channel=general).count() == 1
    assert Message.objects.get().body_html == "<p>Depuis le formulaire</p>\n"


def test_form_errors_keep_the_text(general, login, ws_member):
    client = login(ws_member)
    text = "trop long " * 1001
    response = client.post(reverse("workspaces:channel_post", args=[general.pk]), {"body": text})
    assert response.status_code == 200
    assert "trop long trop long" in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    assert not Message.objects.exists()


def test_replying_with_a_quote_and_in_a_thread(general, post, login, ws_member, ws_owner):
    root = post(ws_owner, general, "Qui a un modèle de CCTP ?")
    client = login(ws_member)
    page = client.get(channel_url(general, reponse=root.seq)).content.decode()
    assert f'name="reply_to" value="{root.seq}"' in page and "In reply to Odile Le Goff" in page or "En réponse" in page
    url = reverse("workspaces:channel_post", args=[general.pk])
    response = client.post(url, {"body": "Moi", "thread_root": root.seq, "reply_to": root.seq})
    thread = reverse("workspaces:thread", args=[general.workspace.slug, general.slug, root.seq])
    assert response.status_code == 302 and response.url == f"{thread}#m-2"
    thread_page = client.get(thread).content.decode()
    assert "Qui a un modèle de CCTP ?" in thread_page and 'id="m-2"' in thread_page
    assert f'href="{reverse("workspaces:message_link", args=[general.pk, root.seq])}"' in thread_page
    # The channel page shows the thread's first message with its reply count, not the reply itself.
    channel_page = client.get(channel_url(general)).content.decode()
    assert 'id="m-1"' in channel_page and 'id="m-2"' not in channel_page
    assert thread in channel_page


def test_message_links_lead_to_the_page_that_shows_them(general, post, login, ws_member, ws_owner):
    bulk_messages(general, ws_owner, 60)
    reply = post(ws_owner, general, "Dans le fil", thread_root=5)
    client = login(ws_member)
    old = client.get(reverse("workspaces:message_link", args=[general.pk, 5]))
    assert old.url == f"{channel_url(general)}?avant=6#m-5"
    recent = client.get(reverse("workspaces:message_link", args=[general.pk, 60]))
    assert recent.url == f"{channel_url(general)}#m-60"
    threaded = client.get(reverse("workspaces:message_link", args=[general.pk, reply.seq]))
    assert threaded.url.endswith(f"/fil/5/#m-{reply.seq}")


# The forms under each message ----------------------------------------------------------------------------------


def test_edit_and_delete_forms(general, post, login, ws_member, ws_owner, ws_admin, other_ws_member):
    message = post(ws_member, general, "Réunion mardi")
    assert login(ws_owner).get(action_url(message, "modifier")).status_code == 403
    assert login(other_ws_member).get(action_url(message, "modifier")).status_code == 404
    client = login(ws_member)
    form = client.get(action_url(message, "modifier"))
    assert form.status_code == 200 and "Réunion mardi" in form.content.decode()
    response = client.post(action_url(message, "modifier"), {"body": "Réunion mercredi"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.body == "Réunion mercredi" and message.revisions.count() == 1
    assert login(ws_admin).get(action_url(message, "supprimer")).status_code == 200
    assert login(ws_admin).post(action_url(message, "supprimer")).status_code == 302
    message.refresh_from_db()
    assert message.deleted_at is not None
    page = login(ws_member).get(channel_url(general)).content.decode()
    assert "Réunion" not in page and "chat-tombstone" in page


def test_react_and_pin_forms(general, post, login, ws_member, ws_guest):
    message = post(ws_member, general, "Bonne nouvelle")
    client = login(ws_guest)
    assert client.post(action_url(message, "reagir"), {"emoji": "🎉"}).status_code == 302
    assert message.reactions.get().user == ws_guest
    assert client.post(action_url(message, "epingler"), {"pinned": "1"}).status_code == 403  # guests do not pin
    member = login(ws_member)
    page = member.get(channel_url(general)).content.decode()
    assert 'aria-pressed="false"' in page and "🎉 <span" in page
    assert member.post(action_url(message, "epingler"), {"pinned": "1"}).status_code == 302
    message.refresh_from_db()
    assert message.pinned_at is not None
    assert member.post(action_url(message, "autre")).status_code == 404


# History endpoint --------------------------------------------------------------------------------------------


def test_history_before_after_and_thread(general, post, login, ws_member, ws_owner):
    bulk_messages(general, ws_owner, 300)
    reply = post(ws_owner, general, "Réponse", thread_root=3)
    client = login(ws_member)
    before = client.get(history_url(general, "?before=101")).json()
    assert [m["seq"] for m in before["messages"]] == list(range(51, 101)) and before["has_more"] is True
    first = client.get(history_url(general, "?before=40")).json()
    assert [m["seq"] for m in first["messages"]] == list(range(1, 40)) and first["has_more"] is False
    after = client.get(history_url(general, "?after=50")).json()
    assert [m["seq"] for m in after["messages"]] == list(range(51, 251)) and after["has_more"] is True
    latest = client.get(history_url(general)).json()
    assert latest["messages"][-1]["seq"] == reply.seq and len(latest["messages"]) == 50
    top = client.get(history_url(general, "?top=1")).json()
    assert reply.seq not in [m["seq"] for m in top["messages"]]
    thread = client.get(history_url(general, "?thread=3")).json()
    assert [m["seq"] for m in thread["messages"]] == [3, reply.seq]
    assert thread["messages"][0]["thread_replies"] == 1


def test_history_is_404_for_whoever_may_not_read(client, general, restricted, post, login, ws_member, company_user):
    post(general.workspace.members.get(role="owner").user, restricted, "Secret")
    assert client.get(history_url(general)).status_code == 404
    assert login(company_user).get(history_url(general)).status_code == 404
    response = login(ws_member).get(history_url(restricted))
    assert response.status_code == 404 and "Secret" not in response.content.decode()


def test_history_marks_my_reactions(general, post, login, ws_member, ws_owner):
    message = post(ws_owner, general, "Vote")
    chat.do_toggle_reaction(ws_member, message, "👍")
    data = json.loads(login(ws_member).get(history_url(general)).content)
    assert data["messages"][0]["reactions"] == [{"emoji": "👍", "count": 1, "users": [ws_member.pk], "mine": True}]


# Direct conversations ------------------------------------------------------------------------------------------


def test_direct_conversations(workspace, login, ws_member, ws_guest, ws_owner, other_ws_member):
    client = login(ws_member)
    response = client.post(reverse("workspaces:direct_open", args=[ws_guest.pk]))
    channel = Channel.objects.get(kind=Channel.Kind.DIRECT)
    assert response.status_code == 302 and response.url == reverse("workspaces:direct", args=[channel.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and "Gaëlle Tanguy" in page.content.decode()
    client.post(reverse("workspaces:channel_post", args=[channel.pk]), {"body": "Bonjour Gaëlle"})
    assert Message.objects.get(channel=channel).author == ws_member
    # Someone who shares no workspace: 404, nothing created.
    assert client.post(reverse("workspaces:direct_open", args=[other_ws_member.pk])).status_code == 404
    assert client.post(reverse("workspaces:direct_open", args=[999999])).status_code == 404
    assert Channel.objects.filter(kind=Channel.Kind.DIRECT).count() == 1
    # A third person, even the owner of the shared workspace, does not read it.
    assert login(ws_owner).get(reverse("workspaces:direct", args=[channel.pk])).status_code == 404
    assert login(ws_owner).get(history_url(channel)).status_code == 404


def test_direct_list(workspace, login, ws_member, ws_guest, post):
    channel = chat.do_open_direct(ws_guest, ws_member)
    post(ws_guest, channel, "Une question")
    client = login(ws_member)
    page = client.get(reverse("workspaces:direct_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("workspaces:direct", args=[channel.pk]) in html and '<span class="chat-unread">1<' in html
    response = client.post(reverse("workspaces:direct_list"), {"user": ws_guest.pk})
    assert response.url == reverse("workspaces:direct", args=[channel.pk])


# Channels ------------------------------------------------------------------------------------------------------


def test_admins_create_channels_from_the_form(workspace, login, ws_admin, ws_member, ws_guest, other_ws_member):
    url = reverse("workspaces:channel_create", args=[workspace.slug])
    assert login(ws_member).get(url).status_code == 403
    assert login(other_ws_member).get(url).status_code == 404
    client = login(ws_admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Achats groupés", "topic": "", "restricted": "on", "members": [ws_guest.pk]})
    channel = Channel.objects.get(slug="achats-groupes")
    assert response.status_code == 302 and response.url == channel.get_absolute_url()
    assert set(ChannelMember.objects.filter(channel=channel).values_list("user_id", flat=True)) == {
        ws_admin.pk,
        ws_guest.pk,
    }
    again = client.post(url, {"name": "Achats groupés"})
    assert again.status_code == 200 and "Achats groupés" in again.content.decode()


def test_restricted_channel_members_page(restricted, login, ws_owner, ws_admin, ws_member):
    url = reverse("workspaces:channel_members", args=[restricted.workspace.slug, restricted.slug])
    assert login(ws_member).get(url).status_code == 404  # not a reader
    client = login(ws_owner)
    assert "Alain Kerbrat" in client.get(url).content.decode()
    client.post(url, {"op": "add", "user": ws_member.pk})
    assert ChannelMember.objects.filter(channel=restricted, user=ws_member).exists()
    client.post(url, {"op": "remove", "user": ws_admin.pk})
    assert not ChannelMember.objects.filter(channel=restricted, user=ws_admin).exists()
    assert login(ws_member).post(url, {"op": "remove", "user": ws_owner.pk}).status_code == 403


def test_threads_and_forms_in_a_direct_conversation(workspace, login, ws_member, ws_guest, ws_owner, post):
    channel = chat.do_open_direct(ws_member, ws_guest)
    root = post(ws_member, channel, "Une question")
    reply = post(ws_guest, channel, "Une réponse", thread_root=root.seq)
    url = reverse("workspaces:direct_thread", args=[channel.pk, root.seq])
    page = login(ws_guest).get(url)
    assert page.status_code == 200 and "Une réponse" in page.content.decode()
    assert login(ws_owner).get(url).status_code == 404
    assert login(ws_guest).get(action_url(reply, "modifier")).status_code == 200
    assert login(ws_member).get(action_url(reply, "supprimer")).status_code == 403  # not theirs
    assert login(ws_member).post(action_url(root, "epingler"), {"pinned": "1"}).status_code == 302


def test_a_file_attached_in_chat_becomes_a_workspace_file(general, login, ws_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workspaces.models import File

    client = login(ws_member)
    url = reverse("workspaces:channel_post", args=[general.pk])
    upload = SimpleUploadedFile("compte_rendu.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF")
    response = client.post(url, {"body": "Voici le compte rendu", "attachment": upload})
    assert response.status_code == 302
    file = File.objects.get(workspace=general.workspace)
    message = Message.objects.get(channel=general)
    assert message.attachment == file and file.name == "compte_rendu.pdf" and file.created_by == ws_member
    page = client.get(channel_url(general)).content.decode()
    assert reverse("workspaces:file_download", args=[file.pk]) in page
    # A file alone is a message too (its name is the text).
    client.post(url, {"body": "", "attachment": SimpleUploadedFile("plan.pdf", upload.open().read())})
    assert Message.objects.get(channel=general, seq=2).body == r"plan\.pdf"
    # A refused file: an error on the form, the text kept, nothing stored.
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")
    refused = client.post(url, {"body": "Avec une pièce douteuse", "attachment": fake})
    assert refused.status_code == 200 and "Avec une pièce douteuse" in refused.content.decode()
    assert Message.objects.filter(channel=general).count() == 2 and File.objects.count() == 2
    # No attachment in a direct conversation (files belong to a workspace).
    channel = chat.do_open_direct(ws_member, general.workspace.members.get(role="owner").user)
    assert 'type="file"' not in client.get(reverse("workspaces:direct", args=[channel.pk])).content.decode()


def _stored_blobs() -> set[str]:
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_a_message_refused_after_its_file_was_stored_keeps_no_file_row_nor_bytes(general, login, ws_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workspaces.models import File, FileVersion

    before = _stored_blobs()
    client = login(ws_member)
    url = reverse("workspaces:channel_post", args=[general.pk])
    pdf = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF"
    # The file is fine, the message is not (its thread does not exist): refused after the file was written.
    refused = client.post(
        url, {"body": "Réponse au fil", "thread_root": "999", "attachment": SimpleUploadedFile("pv.pdf", pdf)}
    )
    assert refused.status_code == 200 and "Réponse au fil" in refused.content.decode()
    assert not File.objects.exists() and not FileVersion.objects.exists()
    assert _stored_blobs() == before
    # A retry of a message stored with its file (same client key): one message, one file, one blob.
    data = {"body": "Le PV signé", "client_key": "retry-1"}
    assert client.post(url, {**data, "attachment": SimpleUploadedFile("pv.pdf", pdf)}).status_code == 302
    after_first = _stored_blobs()
    assert client.post(url, {**data, "attachment": SimpleUploadedFile("pv.pdf", pdf)}).status_code == 302
    assert Message.objects.filter(channel=general).count() == 1
    assert File.objects.count() == 1 and FileVersion.objects.count() == 1
    assert _stored_blobs() == after_first
