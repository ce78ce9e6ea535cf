"""Chat fixtures (helper C): the workspace's #général, a restricted channel, and posting shortcuts.

Built on tests/workspaces/conftest.py (workspace, ws_owner, ws_admin, ws_member, ws_guest, ...).
"""

import pytest

from workspaces.actions import chat
from workspaces.models import Channel

__all__ = ["general", "post", "restricted"]


@pytest.fixture
def general(workspace):
    return Channel.objects.select_related("workspace").get(workspace=workspace, is_general=True)


@pytest.fixture
def restricted(workspace, ws_owner, ws_admin):
    """A restricted channel read by the owner and the admin only (not the member, not the guest)."""
    return chat.do_create_channel(workspace, ws_owner, name="Direction", restricted=True, members=[ws_admin.pk])


@pytest.fixture
def post(db):
    def do(user, channel, body="Bonjour à tous", **kwargs):
        message, _created = chat.do_post_message(user, channel, body, **kwargs)
        return message

    return do
