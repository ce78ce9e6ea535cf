"""Workspace fixtures shared by every workspace test (people per role, a workspace with all of them).

- `make_workspace(owner, name=..., **fields)`: a workspace created through `do_create_workspace` (so it has its
  owner and its #général channel).
- `add_member(workspace, user, role="member")`: a membership row, as accepting an invitation leaves it.
- People: `ws_owner` (buyer of `body`, owner), `ws_admin` (buyer of `other_body`, admin), `ws_member` (buyer of
  `body`, member), `ws_guest` (no organization at all, e-mail confirmed, guest), `other_ws_member` (buyer of
  `body`, owner of `other_workspace` only), `other_body_buyer` (buyer of `third_body`, in no workspace),
  `company_user` (member of `company`, in no workspace).
- `workspace`: "Réseau des acheteurs hospitaliers", private, with owner, admin, member and guest.
"""

import pytest

from intranet.models import Membership, Organization
from workspaces.access import forget_workspace_memberships
from workspaces.actions.workspaces import do_create_workspace
from workspaces.models import Member

Role = Member.Role


@pytest.fixture
def make_workspace(db):
    def make(owner, name="Groupe de travail achats durables", **fields):
        return do_create_workspace(owner, name=name, **fields)

    return make


@pytest.fixture
def add_member(db):
    def add(workspace, user, role=Role.MEMBER):
        member = Member.objects.create(workspace=workspace, user=user, role=role)
        forget_workspace_memberships(user)
        return member

    return add


@pytest.fixture
def third_body(make_org):
    return make_org("Département du Morbihan", Organization.Kind.DEPARTMENT, department="56")


@pytest.fixture
def ws_owner(make_user, body):
    return make_user("proprietaire@rennes.fr", body, Membership.Role.BUYER, first_name="Odile", last_name="Le Goff")


@pytest.fixture
def ws_admin(make_user, other_body):
    return make_user(
        "animateur@chu-brest.fr", other_body, Membership.Role.BUYER, first_name="Alain", last_name="Kerbrat"
    )


@pytest.fixture
def ws_member(make_user, body):
    return make_user("membre@rennes.fr", body, Membership.Role.BUYER, first_name="Maëlle", last_name="Riou")


@pytest.fixture
def ws_guest(make_user):
    """Someone from outside the buyers' world: no organization at all, e-mail confirmed."""
    return make_user("consultante@cabinet-conseil.fr", first_name="Gaëlle", last_name="Tanguy")


@pytest.fixture
def other_ws_member(make_user, body, make_workspace):
    """A buyer of the same body as the owner, member of another workspace only."""
    user = make_user("autre-espace@rennes.fr", body, Membership.Role.BUYER, first_name="Yann", last_name="Morvan")
    make_workspace(user, name="Achat groupé de repas scolaires")
    return user


@pytest.fixture
def other_workspace(other_ws_member):
    return Member.objects.get(user=other_ws_member, role=Role.OWNER).workspace


@pytest.fixture
def other_body_buyer(make_user, third_body):
    return make_user(
        "acheteuse@morbihan.fr", third_body, Membership.Role.BUYER, first_name="Nolwenn", last_name="Guého"
    )


@pytest.fixture
def company_user(make_user, company):
    return make_user(
        "contact@bretagne-nettoyage.fr", company, Membership.Role.MEMBER, first_name="Ronan", last_name="Le Bihan"
    )


@pytest.fixture
def workspace(make_workspace, add_member, ws_owner, ws_admin, ws_member, ws_guest, other_ws_member):
    """A private workspace with an owner, an admin, a member and a guest (and another workspace beside it)."""
    ws = make_workspace(ws_owner, name="Réseau des acheteurs hospitaliers", description="Échanges entre acheteurs.")
    add_member(ws, ws_admin, Role.ADMIN)
    add_member(ws, ws_member, Role.MEMBER)
    add_member(ws, ws_guest, Role.GUEST)
    forget_workspace_memberships(ws_owner)
    return ws
