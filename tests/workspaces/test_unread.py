"""Unread counts: messages after the person's read marker, not their own, not deleted; per channel, per
workspace and in total (direct conversations included), each in one query whatever the number of channels."""

import pytest

from tests.workspaces.fixtures_c import *  # noqa: F403
from workspaces import access
from workspaces.actions import chat
from workspaces.unread import total_unread, unread_by_channel, unread_by_workspace

pytestmark = pytest.mark.django_db


def fresh(user):
    access.forget_workspace_memberships(user)
    return user


def test_unread_per_channel_follows_the_read_marker(general, post, ws_member, ws_owner):
    post(ws_owner, general, "un")
    post(ws_member, general, "le mien ne compte pas")
    deleted = post(ws_owner, general, "supprimé")
    post(ws_owner, general, "trois")
    chat.do_delete_message(ws_owner, deleted)
    assert unread_by_channel(ws_member, [general]) == {general.pk: 2}
    chat.do_mark_read(ws_member, general, 1)
    assert unread_by_channel(ws_member, [general]) == {general.pk: 1}
    chat.do_mark_read(ws_member, general)
    assert unread_by_channel(ws_member, [general]) == {}
    # The author has nothing unread of their own.
    assert unread_by_channel(ws_owner, [general]) == {general.pk: 1}


def test_unread_by_workspace_counts_only_readable_channels(
    general, restricted, post, workspace, other_workspace, ws_owner, ws_member, ws_admin, other_ws_member
):
    post(ws_owner, general, "pour tous")
    post(ws_owner, restricted, "pour la direction")
    post(ws_owner, restricted, "encore")
    other_general = other_workspace.channels.get(is_general=True)
    post(other_ws_member, other_general, "ailleurs")
    assert unread_by_workspace(fresh(ws_member)) == {workspace.pk: 1}
    assert unread_by_workspace(fresh(ws_admin)) == {workspace.pk: 3}
    assert unread_by_workspace(fresh(other_ws_member)) == {}  # their own message only
    # Taken out of the restricted channel: its messages no longer count.
    chat.do_remove_channel_member(restricted, ws_owner, ws_admin)
    assert unread_by_workspace(fresh(ws_admin)) == {workspace.pk: 1}


def test_total_unread_includes_direct_conversations(general, post, ws_member, ws_owner, ws_guest):
    post(ws_owner, general, "un")
    direct = chat.do_open_direct(ws_guest, ws_member)
    post(ws_guest, direct, "question privée")
    post(ws_guest, direct, "et une autre")
    assert total_unread(fresh(ws_member)) == 3
    assert total_unread(fresh(ws_owner)) == 0  # the direct conversation is not theirs; #général is their own
    chat.do_mark_read(ws_member, direct)
    assert total_unread(fresh(ws_member)) == 1


def test_visitors_have_nothing_unread(general, post, ws_owner, client):
    from django.contrib.auth.models import AnonymousUser

    post(ws_owner, general, "un")
    visitor = AnonymousUser()
    assert unread_by_channel(visitor, [general]) == {}
    assert unread_by_workspace(visitor) == {}
    assert total_unread(visitor) == 0


def test_one_query_whatever_the_number_of_channels(
    workspace, general, post, ws_owner, ws_member, django_assert_num_queries
):
    channels = [chat.do_create_channel(workspace, ws_owner, name=f"Canal {n}") for n in range(12)]
    for channel in channels:
        post(ws_owner, channel, "bonjour")
    member = fresh(ws_member)
    access.membership(member, workspace)  # memberships cached as in a request
    with django_assert_num_queries(1):
        counts = unread_by_channel(member, access.readable_channels(member, workspace))
    assert sum(counts.values()) == 12
    with django_assert_num_queries(1):
        assert unread_by_workspace(member) == {workspace.pk: 12}
    with django_assert_num_queries(1):
        assert total_unread(member) == 12


def test_the_counts_in_sql_agree_with_the_orm_rule_for_everyone(
    general, restricted, post, workspace, other_workspace, ws_owner, ws_admin, ws_member, ws_guest, other_ws_member
):
    """The header's counts are one hand-written query (the ORM took ~3.5 ms to build it on every page): the same
    messages as the ORM's definition (readable channels, after the marker, not one's own, not deleted)."""
    from workspaces.unread import _unread_messages, unread_direct

    post(ws_owner, general, "un")
    post(ws_admin, general, "deux")
    post(ws_owner, restricted, "pour la direction")
    chat.do_delete_message(ws_owner, post(ws_owner, general, "supprimé"))
    direct = chat.do_open_direct(ws_guest, ws_member)
    post(ws_guest, direct, "question privée")
    post(other_ws_member, other_workspace.channels.get(is_general=True), "ailleurs")
    chat.do_mark_read(ws_admin, general, 1)

    for person in (ws_owner, ws_admin, ws_member, ws_guest, other_ws_member):
        person = fresh(person)
        messages = _unread_messages(person, access.all_readable_channels(person).values("pk"))
        by_workspace = {}
        for message in messages.filter(channel__kind="channel").select_related("channel"):
            by_workspace[message.channel.workspace_id] = by_workspace.get(message.channel.workspace_id, 0) + 1
        assert total_unread(person) == messages.count(), person
        assert unread_by_workspace(person) == by_workspace, person
        assert unread_direct(person) == messages.filter(channel__kind="direct").count(), person
    assert total_unread(fresh(ws_member)) == 3  # two in #général, one direct
