"""The workspaces in the core's pages, through its hooks: home section, profile section, the header's unread
badge, the personal data export and account closure."""

import json

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intranet.actions.personal_data import do_close_account
from workspaces import access
from workspaces.actions import members as actions
from workspaces.home_sections import unread_messages_badge
from workspaces.models import (
    Channel,
    ChannelMember,
    Invitation,
    JoinRequest,
    Member,
    Message,
    MessageRevision,
    Presence,
    Reaction,
    ReadMarker,
)

Role = Member.Role


def _post(channel, author, body):
    seq = channel.last_seq + 1
    Channel.objects.filter(pk=channel.pk).update(last_seq=seq)
    channel.last_seq = seq
    return Message.objects.create(channel=channel, seq=seq, author=author, body=body, body_html=f"<p>{body}</p>")


@pytest.fixture
def unread_three(workspace, ws_owner, ws_member):
    """Three messages by the owner that the member has not read (one already read before them)."""
    general = workspace.channels.get()
    first = _post(general, ws_owner, "Déjà lu")
    ReadMarker.objects.create(channel=general, user=ws_member, last_read_seq=first.seq)
    for text in ("Un", "Deux", "Trois"):
        _post(general, ws_owner, text)
    return general


# Home and profile ---------------------------------------------------------------------------------


def test_the_home_page_lists_my_workspaces_with_unread_counts(login, home_page, unread_three, ws_member):
    html = login(ws_member).get("/").content.decode()
    assert "Réseau des acheteurs hospitaliers" in html
    assert reverse("workspaces:detail", args=[unread_three.workspace.slug]) in html
    assert "3 unread messages" in html or "3 messages non lus" in html


def test_the_home_page_has_no_workspace_section_for_outsiders(login, client, home_page, workspace, company_user):
    assert "Réseau des acheteurs hospitaliers" not in login(company_user).get("/").content.decode()
    assert "Réseau des acheteurs hospitaliers" not in client.get("/").content.decode()


def test_the_profile_lists_my_workspaces_and_pending_invitations(
    login, workspace, other_workspace, other_ws_member, ws_member
):
    actions.do_invite(other_workspace, other_ws_member, user=ws_member)
    html = login(ws_member).get(reverse("profile")).content.decode()
    assert "Réseau des acheteurs hospitaliers" in html
    assert "Achat groupé de repas scolaires" in html  # the invitation
    assert reverse("workspaces:index") in html


# Header badge -------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_beside_workspaces(login, home_page, unread_three, ws_member, ws_owner):
    html = login(ws_member).get(reverse("workspaces:index")).content.decode()
    menu = html[html.index('class="main-nav"') :]
    menu = menu[: menu.index("</nav>")]
    assert 'aria-hidden="true">3</span>' in menu
    assert "3 unread messages" in menu or "3 messages non lus" in menu
    # The author has nothing unread: no badge.
    html = login(ws_owner).get(reverse("workspaces:index")).content.decode()
    menu = html[html.index('class="main-nav"') :]
    assert "bell-count" not in menu[: menu.index("</nav>")]


def test_the_badge_counts_only_readable_channels_and_costs_one_query(workspace, ws_owner, ws_member, ws_admin):
    general = workspace.channels.get()
    restricted = Channel.objects.create(workspace=workspace, name="bureau", slug="bureau", restricted=True)
    ChannelMember.objects.create(channel=restricted, user=ws_admin)
    _post(general, ws_owner, "Pour tous")
    _post(restricted, ws_owner, "Pour le bureau")
    request = RequestFactory().get("/")
    request.user = ws_member
    with CaptureQueriesContext(connection) as queries:
        badge = unread_messages_badge(request)
    assert badge["count"] == 1 and badge["url"] == reverse("workspaces:index")
    assert len(queries) <= 2
    request.user = ws_admin
    assert unread_messages_badge(request)["count"] == 2


def test_no_badge_for_visitors(client, home_page, unread_three):
    html = client.get("/").content.decode()
    assert "unread messages" not in html and "messages non lus" not in html


# Personal data and closure ------------------------------------------------------------------------


@pytest.fixture
def busy_member(workspace, ws_member, ws_owner, other_workspace, other_ws_member):
    general = workspace.channels.get()
    message = _post(general, ws_member, "Mon message")
    MessageRevision.objects.create(message=message, body="Première version", body_html="<p>Première version</p>")
    Reaction.objects.create(message=_post(general, ws_owner, "Bravo"), user=ws_member, emoji="👍")
    ReadMarker.objects.create(channel=general, user=ws_member, last_read_seq=2)
    Presence.objects.create(workspace=workspace, user=ws_member)
    restricted = Channel.objects.create(workspace=workspace, name="bureau", slug="bureau", restricted=True)
    ChannelMember.objects.create(channel=restricted, user=ws_member)
    actions.do_invite(other_workspace, other_ws_member, user=ws_member)
    return ws_member


def test_the_export_holds_the_persons_workspace_data(login, busy_member):
    response = login(busy_member).get(reverse("personal_data_export"))
    data = json.loads(response.content)["workspaces"]
    assert set(data) >= {
        "memberships",
        "invitations_received",
        "join_requests",
        "messages",
        "reactions",
        "files_uploaded",
        "notes_created",
        "note_revisions",
        "read_markers",
        "presence",
    }
    assert [m["workspace"] for m in data["memberships"]] == ["Réseau des acheteurs hospitaliers"]
    assert data["messages"][0]["body"] == "Mon message"
    assert data["messages"][0]["earlier_versions"][0]["body"] == "Première version"
    assert data["reactions"][0]["emoji"] == "👍"
    assert data["invitations_received"][0]["workspace"] == "Achat groupé de repas scolaires"
    # Nothing of other people: the owner's message is not in it.
    assert all(m["body"] != "Bravo" for m in data["messages"])


def test_closure_removes_access_and_keeps_what_was_written(busy_member, workspace, django_capture_on_commit_callbacks):
    general = workspace.channels.get(is_general=True)
    with django_capture_on_commit_callbacks(execute=True):
        do_close_account(busy_member)
    access.forget_workspace_memberships(busy_member)
    assert not Member.objects.filter(user=busy_member).exists()
    assert not ChannelMember.objects.filter(user=busy_member, channel__workspace__isnull=False).exists()
    assert not Presence.objects.filter(user=busy_member).exists()
    assert not ReadMarker.objects.filter(user=busy_member).exists()
    assert not Invitation.objects.filter(status=Invitation.Status.PENDING, user=busy_member).exists()
    assert not Invitation.objects.filter(email__iexact="membre@rennes.fr").exists()
    assert not access.can_read_channel_now(busy_member.pk, general.pk)
    assert Message.objects.filter(author=busy_member, body="Mon message").exists()


def test_closing_the_last_owner_hands_the_workspace_over(workspace, ws_owner, ws_admin):
    do_close_account(ws_owner)
    assert Member.objects.get(workspace=workspace, user=ws_admin).role == Role.OWNER


def test_closing_the_only_member_archives_the_workspace(make_workspace, other_body_buyer):
    alone = make_workspace(other_body_buyer, name="Seul")
    do_close_account(other_body_buyer)
    alone.refresh_from_db()
    assert alone.is_archived and not alone.members.exists()


def test_closure_withdraws_pending_join_requests(make_workspace, ws_owner, other_body_buyer):
    workspace = make_workspace(ws_owner, name="Sur demande", visibility="open", join_policy="request")
    actions.do_request_to_join(workspace, other_body_buyer)
    do_close_account(other_body_buyer)
    assert not JoinRequest.objects.filter(workspace=workspace).exists()
