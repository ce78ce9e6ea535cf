"""Workspaces themselves: creation, settings, archiving, the index and directory, the overview page and its
query count, and the core's independence from the app."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intranet.models import Membership
from workspaces.actions.members import do_archive
from workspaces.actions.workspaces import do_create_workspace, do_update_workspace
from workspaces.models import Activity, Channel, ChannelMember, Member, Message, Presence, Workspace

Role = Member.Role
# The site shell (session, user, memberships, the generations, footer; what the header shows of the person kept:
# intranet.context_processors.person_header) and the overview's own queries: channels, unread counts, pinned,
# presence, direct conversations, activity, files, notes, counts.
OVERVIEW_QUERIES = 15
ROOT = Path(__file__).resolve().parents[2]


# Creation -----------------------------------------------------------------------------------------


def test_a_buyer_creates_a_workspace_owns_it_and_gets_the_general_channel(ws_owner):
    workspace = do_create_workspace(ws_owner, name="Achats durables", description="Groupe de travail")

    assert workspace.slug == "achats-durables"
    assert Member.objects.get(workspace=workspace).user == ws_owner
    assert Member.objects.get(workspace=workspace).role == Role.OWNER
    general = Channel.objects.get(workspace=workspace)
    assert (general.name, general.slug, general.is_general, general.kind) == ("général", "general", True, "channel")
    assert Activity.objects.filter(workspace=workspace, verb=Activity.Verb.CREATED, actor=ws_owner).exists()


def test_slugs_stay_unique_and_never_take_a_reserved_path(ws_owner):
    first = do_create_workspace(ws_owner, name="Nouveau")
    second = do_create_workspace(ws_owner, name="Nouveau")
    assert first.slug != "nouveau" and second.slug != first.slug
    with pytest.raises(ValidationError):
        do_create_workspace(ws_owner, name="Autre", slug="invitations")


@pytest.mark.parametrize("person", ["ws_guest", "company_user"])
def test_only_buyers_create_workspaces(request, person):
    with pytest.raises(PermissionDenied):
        do_create_workspace(request.getfixturevalue(person), name="Espace")


def test_an_unconfirmed_buyer_may_not_create(make_user, body):
    unconfirmed = make_user("pas-confirme@rennes.fr", body, Membership.Role.BUYER, email_confirmed_at=None)
    with pytest.raises(PermissionDenied):
        do_create_workspace(unconfirmed, name="Espace")


def test_organization_visibility_needs_one_of_the_creators_bodies(ws_owner, body, other_body, company):
    with pytest.raises(ValidationError) as missing:
        do_create_workspace(ws_owner, name="Espace", visibility="organization")
    assert "organization" in missing.value.error_dict
    with pytest.raises(ValidationError):
        do_create_workspace(ws_owner, name="Espace", visibility="organization", organization=other_body)
    with pytest.raises(ValidationError):
        do_create_workspace(ws_owner, name="Espace", visibility="organization", organization=company)
    workspace = do_create_workspace(ws_owner, name="Espace", visibility="organization", organization=body)
    assert workspace.organization == body


def test_a_name_is_required(ws_owner):
    with pytest.raises(ValidationError) as error:
        do_create_workspace(ws_owner, name="   ")
    assert error.value.error_dict["name"]


def test_the_create_page_is_for_buyers(login, ws_owner, ws_guest, company_user):
    assert login(ws_guest).get(reverse("workspaces:create")).status_code == 403
    assert login(company_user).get(reverse("workspaces:create")).status_code == 403
    response = login(ws_owner).post(
        reverse("workspaces:create"),
        {
            "name": "Achat groupé de fournitures",
            "description": "Pour 2027",
            "visibility": "open",
            "join_policy": "free",
        },
    )
    workspace = Workspace.objects.get(name="Achat groupé de fournitures")
    assert response.status_code == 302 and response.url == reverse("workspaces:detail", args=[workspace.slug])
    assert workspace.visibility == "open"


def test_the_create_form_keeps_what_was_typed_on_an_error(login, ws_owner):
    response = login(ws_owner).post(
        reverse("workspaces:create"),
        {
            "name": "Groupement hospitalier",
            "description": "Texte saisi",
            "visibility": "organization",
            "join_policy": "free",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Groupement hospitalier"' in html
    assert "Texte saisi" in html
    assert "Choisissez l’organisme" in html or "Choose the body whose members may join." in html
    assert not Workspace.objects.filter(name="Groupement hospitalier").exists()


def test_anonymous_visitors_are_sent_to_log_in(client, workspace):
    for url in (reverse("workspaces:index"), reverse("workspaces:detail", args=[workspace.slug])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# Settings and archive -----------------------------------------------------------------------------


def test_admins_edit_the_settings_members_may_not(login, workspace, ws_admin, ws_member, ws_guest):
    url = reverse("workspaces:settings", args=[workspace.slug])
    assert login(ws_member).get(url).status_code == 403
    assert login(ws_guest).get(url).status_code == 403
    client = login(ws_admin)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Réseau hospitalier breton", "description": "", "visibility": "private", "join_policy": "free"}
    )
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.name == "Réseau hospitalier breton"
    assert workspace.slug == "reseau-des-acheteurs-hospitaliers"  # the address does not change


def test_settings_of_a_private_workspace_are_404_for_outsiders(login, workspace, other_body_buyer, other_ws_member):
    url = reverse("workspaces:settings", args=[workspace.slug])
    assert login(other_body_buyer).get(url).status_code == 404
    assert login(other_ws_member).get(url).status_code == 404


def test_settings_errors_keep_the_typed_values(login, workspace, ws_owner):
    response = login(ws_owner).post(
        reverse("workspaces:settings", args=[workspace.slug]),
        {"name": "", "description": "Une description tapée", "visibility": "private", "join_policy": "free"},
    )
    assert response.status_code == 200
    assert "Une description tapée" in response.content.decode()
    workspace.refresh_from_db()
    assert workspace.name == "Réseau des acheteurs hospitaliers"


def test_only_admins_archive_and_an_archived_workspace_is_read_only(workspace, ws_owner, ws_member, ws_admin):
    from workspaces.access import can_write

    with pytest.raises(PermissionDenied):
        do_archive(workspace, ws_member, True)
    do_archive(workspace, ws_admin, True)
    workspace.refresh_from_db()
    assert workspace.is_archived
    assert not can_write(ws_member, workspace)
    assert not can_write(ws_owner, workspace)
    assert Activity.objects.filter(workspace=workspace, verb=Activity.Verb.ARCHIVED, actor=ws_admin).exists()
    with pytest.raises(ValidationError):
        do_update_workspace(workspace, ws_owner, name="Autre", visibility="private", join_policy="free")
    do_archive(workspace, ws_owner, False)
    workspace.refresh_from_db()
    assert not workspace.is_archived and can_write(ws_member, workspace)


def test_archive_view(login, workspace, ws_owner, ws_member):
    url = reverse("workspaces:archive", args=[workspace.slug])
    assert login(ws_member).post(url, {"archived": "1"}).status_code == 403
    assert login(ws_owner).post(url, {"archived": "1"}).status_code == 302
    workspace.refresh_from_db()
    assert workspace.is_archived
    page = login(ws_member).get(reverse("workspaces:detail", args=[workspace.slug])).content.decode()
    assert "archiv" in page.lower()


# Index and directory ------------------------------------------------------------------------------


@pytest.fixture
def open_workspace(make_workspace, other_ws_member):
    return make_workspace(other_ws_member, name="Réseau ouvert des acheteurs", visibility="open")


@pytest.fixture
def body_workspace(make_workspace, ws_admin, other_body):
    return make_workspace(
        ws_admin, name="Acheteurs du CHU", visibility="organization", organization=other_body, join_policy="request"
    )


def test_the_index_lists_my_workspaces_and_those_i_may_join(
    login, workspace, open_workspace, body_workspace, ws_member, other_body_buyer
):
    html = login(ws_member).get(reverse("workspaces:index")).content.decode()
    assert "Réseau des acheteurs hospitaliers" in html
    assert "Réseau ouvert des acheteurs" in html
    assert "Acheteurs du CHU" not in html  # another body's workspace
    html = login(other_body_buyer).get(reverse("workspaces:index")).content.decode()
    assert "Réseau ouvert des acheteurs" in html
    assert "Réseau des acheteurs hospitaliers" not in html  # private


def test_the_index_counts_every_member_of_my_workspaces(login, workspace, ws_member):
    """The count of a workspace one belongs to is everyone in it, not one (the filter on one's own membership
    must not narrow the count)."""
    expected = workspace.members.count()
    assert expected > 3
    response = login(ws_member).get(reverse("workspaces:index"))
    mine = {item.pk: item.member_count for item in response.context["workspaces"]}
    assert mine[workspace.pk] == expected
    assert f"{expected} membres" in response.content.decode()


def test_guests_and_companies_see_no_directory(login, workspace, open_workspace, ws_guest, company_user):
    html = login(ws_guest).get(reverse("workspaces:index")).content.decode()
    assert "Réseau des acheteurs hospitaliers" in html
    assert "Réseau ouvert des acheteurs" not in html
    html = login(company_user).get(reverse("workspaces:index")).content.decode()
    assert "Réseau ouvert des acheteurs" not in html
    assert reverse("workspaces:create") not in html


def test_a_private_workspace_is_404_for_outsiders(login, workspace, other_body_buyer, other_ws_member, company_user):
    url = reverse("workspaces:detail", args=[workspace.slug])
    for person in (other_body_buyer, other_ws_member, company_user):
        assert login(person).get(url).status_code == 404
    assert login(other_body_buyer).get(reverse("workspaces:detail", args=["nexiste-pas"])).status_code == 404


def test_a_joinable_workspace_shows_a_preview_without_its_content(login, open_workspace, other_body_buyer):
    Message.objects.create(
        channel=open_workspace.channels.get(),
        seq=1,
        author=open_workspace.created_by,
        body="secret",
        body_html="<p>secret</p>",
    )
    response = login(other_body_buyer).get(reverse("workspaces:detail", args=[open_workspace.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("workspaces:join", args=[open_workspace.slug]) in html
    assert "secret" not in html


# Overview -----------------------------------------------------------------------------------------


def test_the_overview_shows_channels_activity_pinned_online_and_directs(
    login, workspace, ws_owner, ws_member, ws_admin, other_ws_member
):
    general = workspace.channels.get()
    hidden = Channel.objects.create(workspace=workspace, name="direction", slug="direction", restricted=True)
    ChannelMember.objects.create(channel=hidden, user=ws_owner)
    Message.objects.create(
        channel=general,
        seq=1,
        author=ws_owner,
        body="Ordre du jour",
        body_html="<p>Ordre du jour</p>",
        pinned_at=timezone.now(),
    )
    Message.objects.create(
        channel=hidden,
        seq=1,
        author=ws_owner,
        body="Budget confidentiel",
        body_html="<p>Budget confidentiel</p>",
        pinned_at=timezone.now(),
    )
    Presence.objects.create(workspace=workspace, user=ws_admin, last_seen=timezone.now())
    Presence.objects.create(workspace=workspace, user=ws_owner, last_seen=timezone.now() - timedelta(minutes=10))
    direct = Channel.objects.create(kind="direct", direct_key=f"{ws_member.pk}-{ws_admin.pk}")
    ChannelMember.objects.bulk_create(
        [ChannelMember(channel=direct, user=ws_member), ChannelMember(channel=direct, user=ws_admin)]
    )
    outsider_direct = Channel.objects.create(kind="direct", direct_key=f"{ws_member.pk}-{other_ws_member.pk}")
    ChannelMember.objects.bulk_create(
        [
            ChannelMember(channel=outsider_direct, user=ws_member),
            ChannelMember(channel=outsider_direct, user=other_ws_member),
        ]
    )

    response = login(ws_member).get(reverse("workspaces:detail", args=[workspace.slug]))
    assert response.status_code == 200
    context = response.context
    assert [c.slug for c in context["channels"]] == ["general"]
    assert [m.body for m in context["pinned"]] == ["Ordre du jour"]
    assert context["online"] == [ws_admin]
    assert [c.other for c in context["direct_conversations"]] == [ws_admin]
    html = response.content.decode()
    assert "Budget confidentiel" not in html
    assert "Ordre du jour" in html
    assert 'aria-current="page"' in html  # the sub-navigation marks the overview
    assert response.context["activities"][0].verb == Activity.Verb.CREATED


def _fill(workspace, people, messages):
    general = workspace.channels.get()
    for person in people:
        Member.objects.get_or_create(workspace=workspace, user=person, defaults={"role": Role.MEMBER})
        Presence.objects.create(workspace=workspace, user=person)
        Activity.objects.create(workspace=workspace, actor=person, verb=Activity.Verb.JOINED, label="x")
    Message.objects.bulk_create(
        [
            Message(
                channel=general,
                seq=n + 1,
                author=people[n % len(people)],
                body=f"m{n}",
                body_html=f"<p>m{n}</p>",
                pinned_at=timezone.now() if n % 3 == 0 else None,
            )
            for n in range(messages)
        ]
    )
    Channel.objects.filter(pk=general.pk).update(last_seq=messages)
    for other in people[1:]:
        direct = Channel.objects.create(kind="direct", direct_key=f"{people[0].pk}-{other.pk}")
        ChannelMember.objects.bulk_create(
            [ChannelMember(channel=direct, user=people[0]), ChannelMember(channel=direct, user=other)]
        )


@pytest.mark.parametrize("size", [3, 30])
def test_the_overview_costs_the_same_queries_whatever_its_size(size, workspace, make_user, body, login):
    people = [make_user(f"personne-{size}-{n}@rennes.fr", body, Membership.Role.BUYER) for n in range(size)]
    _fill(workspace, people, size * 10)
    client = login(people[0])
    url = reverse("workspaces:detail", args=[workspace.slug])
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # A fixed number, independent of the number of members, messages, pins and activities.
    assert len(queries) == OVERVIEW_QUERIES, [q["sql"][:120] for q in queries.captured_queries]


def test_reserved_segments_never_resolve_to_a_workspace():
    from django.urls import resolve

    for segment in ("nouveau", "messages", "direct", "canal", "invitations", "recherche", "fichier"):
        assert resolve(f"/espaces/{segment}/").url_name != "detail"
    assert resolve("/espaces/un-espace/").url_name == "detail"


# The core never imports the app -------------------------------------------------------------------


def test_the_core_imports_nothing_from_workspaces():
    """Only the composition root (settings, URLs, the ASGI router) names the app; the core's modules and
    templates reach it through hooks."""
    composition_root = {ROOT / "intranet" / "asgi.py", ROOT / "intranet" / "urls.py"}
    pattern = re.compile(r"^\s*(from|import)\s+workspaces\b|import_module\(\s*[\"']workspaces", re.MULTILINE)
    offenders = []
    for path in sorted((ROOT / "intranet").rglob("*.py")):
        if path in composition_root or "settings" in path.relative_to(ROOT).parts:
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    # The pattern does find an import (the check cannot pass by matching nothing).
    assert pattern.search((ROOT / "intranet" / "asgi.py").read_text(encoding="utf-8"))


def test_the_settings_of_an_archived_workspace_offer_only_to_reopen(login, workspace, ws_owner):
    do_archive(workspace, ws_owner, True)
    html = login(ws_owner).get(reverse("workspaces:settings", args=[workspace.slug])).content.decode()
    assert 'name="name"' not in html
    assert 'name="archived" value="0"' in html
