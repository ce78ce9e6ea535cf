"""The demo workspaces: three workspaces of the demo's buyers with a guest, files, notes and a few hundred
French chat messages over the past weeks; idempotent; each person sees their own workspaces only."""

import datetime
import hashlib
import io
import time

import pytest
from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils import timezone

from intranet.management.commands.seed_demo import DEMO_PASSWORD, Command, email_for
from intranet.models import Notification, User
from workspaces import access
from workspaces.demo import GUEST_EMAIL, WORKSPACES, seed_demo_workspaces, seed_workspaces
from workspaces.models import (
    Activity,
    Channel,
    ChannelMember,
    File,
    FileVersion,
    Invitation,
    Member,
    Message,
    Note,
    NoteRevision,
    Reaction,
    ReadMarker,
    Workspace,
)
from workspaces.unread import total_unread

pytestmark = pytest.mark.django_db

SLUGS = {w.slug for w in WORKSPACES}
HOSPITALS, SUSTAINABLE, MEALS = (w.slug for w in WORKSPACES)


@pytest.fixture
def demo_people(db):
    """seed_demo's organizations and people, without the other apps' demo content."""
    command = Command(stdout=io.StringIO())
    command.password_hash = make_password(DEMO_PASSWORD)
    command.now = timezone.now()
    command.create_people(command.create_organizations())
    return command


@pytest.fixture
def seeded(demo_people):
    seed_demo_workspaces(demo_people)
    return demo_people


def person(local: str) -> User:
    return User.objects.get(email=local if "@" in local else email_for(local))


def counts() -> dict:
    models = (Workspace, Member, Invitation, Channel, ChannelMember, Message, Reaction, ReadMarker, Note)
    models += (NoteRevision, File, FileVersion, Activity, Notification, User)
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_seeds_in_a_few_seconds(demo_people):
    started = time.monotonic()
    seed_workspaces(demo_people)
    assert time.monotonic() - started < 15  # about 3 s on the 2-core machine


def test_seeding_twice_gives_the_same_counts(seeded):
    before = counts()
    assert seed_workspaces(seeded) == {"workspaces": 0, "messages": 0, "direct": 0}
    assert counts() == before
    assert before["Workspace"] == 3 and before["Message"] >= 250


def test_the_three_workspaces_and_their_visibility(seeded):
    workspaces = {w.slug: w for w in Workspace.objects.filter(slug__in=SLUGS)}
    assert set(workspaces) == SLUGS
    assert workspaces[HOSPITALS].visibility == "organization"
    assert workspaces[HOSPITALS].organization.name == "CHU de Brest"
    assert workspaces[SUSTAINABLE].visibility == "open"
    assert workspaces[MEALS].visibility == "private"
    # Members from several bodies in each.
    for workspace in workspaces.values():
        bodies = set(
            Member.objects.filter(workspace=workspace, user__memberships__isnull=False).values_list(
                "user__memberships__organization", flat=True
            )
        )
        assert len(bodies) >= 3, workspace.slug


def test_a_demo_buyer_sees_their_workspaces_and_may_join_the_open_one(seeded):
    assert set(access.my_workspaces(person("acheteur.rennes")).values_list("slug", flat=True)) == {SUSTAINABLE, MEALS}
    assert set(access.my_workspaces(person("acheteur.chu-brest")).values_list("slug", flat=True)) == {HOSPITALS}
    # A buyer of the CHU de Brest who is not a member finds the hospitals' network to join; others do not.
    documentalist = person("redaction.chu-brest")
    assert set(access.discoverable_workspaces(documentalist).values_list("slug", flat=True)) == {
        HOSPITALS,
        SUSTAINABLE,
    }
    assert set(access.discoverable_workspaces(person("admin.morlaix")).values_list("slug", flat=True)) == {SUSTAINABLE}
    assert not access.discoverable_workspaces(person("gerant.breizh-proprete")).exists()


def test_the_guest_sees_only_their_workspace(seeded, client):
    guest = person(GUEST_EMAIL)
    assert guest.check_password(DEMO_PASSWORD)
    assert guest.email_confirmed_at is not None and not guest.memberships.exists()
    assert list(access.my_workspaces(guest).values_list("slug", flat=True)) == [MEALS]
    assert Member.objects.get(user=guest).role == Member.Role.GUEST
    assert not access.discoverable_workspaces(guest).exists()
    readable = set(access.all_readable_channels(guest).values_list("workspace__slug", flat=True))
    assert readable <= {MEALS, None}
    # Not the coordinator's restricted channel.
    coordination = Channel.objects.get(workspace__slug=MEALS, restricted=True)
    assert not access.can_read_channel(guest, coordination)
    client.force_login(guest)
    hospitals = Workspace.objects.get(slug=HOSPITALS)
    assert client.get(hospitals.get_absolute_url()).status_code == 404
    assert client.get(Workspace.objects.get(slug=MEALS).get_absolute_url()).status_code == 200


def test_a_few_hundred_french_messages_over_the_past_weeks(seeded):
    messages = Message.objects.filter(channel__workspace__slug__in=SLUGS)
    assert 250 <= messages.count() <= 600
    now = timezone.now()
    oldest = messages.order_by("created_at").first().created_at
    assert now - datetime.timedelta(days=50) < oldest < now - datetime.timedelta(days=30)
    assert messages.filter(created_at__gte=now - datetime.timedelta(days=3)).exists()
    assert not messages.filter(created_at__gt=now).exists()
    words = " ".join(messages.values_list("body", flat=True))
    for word in ("CCAP", "allotissement", "sourcing", "clause", "RSE", "délai", "pondération"):
        assert word.lower() in words.lower(), word
    # Dates follow the ids in every channel.
    for channel in Channel.objects.filter(workspace__slug__in=SLUGS):
        dates = list(channel.messages.order_by("seq").values_list("created_at", flat=True))
        assert dates == sorted(dates), channel.name
        assert channel.last_message_at == dates[-1]


def test_threads_replies_reactions_pins_mentions_and_an_attachment(seeded):
    messages = Message.objects.filter(channel__workspace__slug__in=SLUGS)
    assert messages.filter(thread_root__isnull=False).count() >= 10
    assert messages.filter(thread_reply_count__gt=0).count() >= 3
    assert messages.filter(reply_to__isnull=False).exists()
    assert Reaction.objects.filter(message__in=messages).count() >= 30
    assert messages.filter(pinned_at__isnull=False).count() >= 3
    assert messages.filter(attachment__isnull=False).count() == 3
    assert messages.filter(body__contains="@").exists()
    mentions = Notification.objects.filter(verb="workspaces.mention")
    assert mentions.exists()
    for notification in mentions:
        message = Message.objects.get(pk=notification.target_id)
        assert notification.created_at == message.created_at


def test_restricted_channels_are_read_by_their_members_only(seeded):
    for slug in SLUGS:
        restricted = Channel.objects.get(workspace__slug=slug, restricted=True)
        assert restricted.messages.exists()
        readers = set(ChannelMember.objects.filter(channel=restricted).values_list("user_id", flat=True))
        members = set(Member.objects.filter(workspace__slug=slug).values_list("user_id", flat=True))
        assert 2 <= len(readers) < len(members)
        assert set(restricted.messages.values_list("author_id", flat=True)) <= readers


def test_files_notes_and_direct_conversations(seeded):
    files = File.objects.filter(workspace__slug__in=SLUGS)
    assert files.count() >= 9
    assert {f.name.rsplit(".", 1)[1] for f in files} == {"pdf", "csv", "md"}
    assert files.annotate(n=Count("versions")).filter(n=2).count() == 2
    for version in FileVersion.objects.filter(file__in=files):
        with version.blob.open("rb") as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == version.sha256 and version.size == len(data) > 0
        if version.original_name.endswith(".pdf"):
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        else:
            assert "é" in data.decode() or "É" in data.decode()  # French text, UTF-8
    notes = Note.objects.filter(workspace__slug__in=SLUGS)
    assert notes.count() == 6
    assert notes.filter(version__gte=2).count() >= 5
    assert notes.filter(body_html__contains="<li>").exists()
    direct = Channel.objects.filter(kind=Channel.Kind.DIRECT)
    assert direct.count() == 3
    for channel in direct:
        assert channel.messages.count() >= 3


def test_each_person_has_only_a_few_unread_and_no_unread_notifications(seeded):
    people = User.objects.filter(workspace_memberships__workspace__slug__in=SLUGS).distinct()
    unread = {user.email: total_unread(user) for user in people}
    assert all(0 < count <= 4 for count in unread.values()), unread
    notifications = Notification.objects.filter(verb__startswith="workspaces.")
    assert notifications.exists()
    assert not notifications.filter(read_at__isnull=True).exists()
    assert not notifications.filter(emailed_at__isnull=True).exists()
    assert not notifications.filter(created_at__gt=timezone.now() - datetime.timedelta(hours=1)).exists()


def test_the_history_is_dated_in_the_past(seeded):
    now = timezone.now()
    for workspace in Workspace.objects.filter(slug__in=SLUGS):
        assert workspace.created_at < now - datetime.timedelta(days=40)
        assert not Activity.objects.filter(workspace=workspace, created_at__gt=now - datetime.timedelta(hours=1))
        assert not Member.objects.filter(workspace=workspace, joined_at__gt=now - datetime.timedelta(days=30))
    assert not Note.objects.filter(updated_at__gt=now - datetime.timedelta(hours=1)).exists()


def test_no_demo_workspaces_without_the_demo_people(db):
    assert seed_workspaces() == {"workspaces": 0, "messages": 0, "direct": 0}
    assert not Workspace.objects.exists() and not User.objects.exists()


def test_the_console_table_lists_the_guest_with_the_core_accounts(settings):
    """seed_demo and runsite print the demo accounts; the guest belongs to no organization of the core's table."""
    from intranet.management.commands.seed_demo import format_logins
    from workspaces.demo import GUEST_EMAIL

    settings.LANGUAGE_CODE = "fr"
    table = format_logins()
    line = next(line for line in table.splitlines() if line.startswith(GUEST_EMAIL))
    assert "Invitée d’un espace de travail" in line
