"""`intranet.realtime`: events go out after commit, never for a rolled-back write."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from intranet.realtime import send_event_on_commit

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("essai", channel)

    def pending():
        return getattr(layer, "channels", {}).get(channel)

    if not hasattr(layer, "channels"):
        pytest.skip("reads the in-memory layer's queues")
    return pending


def test_an_event_is_sent_after_commit(listener, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_event_on_commit("essai", {"type": "test.event", "n": 1})
    assert listener() is not None and listener().qsize() == 1


def test_a_rolled_back_write_sends_nothing(listener):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_event_on_commit("essai", {"type": "test.event", "n": 1})
        raise RuntimeError
    assert listener() is None or listener().qsize() == 0
