"""The demo data: Breton bodies and companies with valid SIRETs, one login per role, safe to run twice."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from intranet.management.commands.seed_demo import DEMO_LOGINS, DEMO_PASSWORD, INVITED_EMAIL, PENDING_EMAIL
from intranet.models import AuditEvent, Invitation, Membership, Organization, User
from intranet.validators import validate_siren_or_siret

Role = Membership.Role
Kind = Organization.Kind

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", *args, stdout=io.StringIO())


def counts() -> tuple[int, ...]:
    return (
        Organization.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        AuditEvent.objects.count(),
    )


def test_seed_creates_breton_bodies_and_companies_with_valid_sirets():
    seed()
    bodies = Organization.objects.exclude(kind=Kind.COMPANY)
    assert 30 <= bodies.count() <= 40
    assert Organization.objects.filter(kind=Kind.COMPANY).count() == 20
    assert set(bodies.values_list("department", flat=True)) == {"22", "29", "35", "56"}
    assert {
        Kind.COMMUNE,
        Kind.INTERCOMMUNALITY,
        Kind.DEPARTMENT,
        Kind.REGION,
        Kind.HOSPITAL,
        Kind.CHAMBER,
        Kind.STATE_SERVICE,
        Kind.EDUCATION,
    } <= set(bodies.values_list("kind", flat=True))
    assert Organization.objects.get(name="CHU de Brest").kind == Kind.HOSPITAL
    assert Organization.objects.get(name="Région Bretagne").kind == Kind.REGION
    for siret in Organization.objects.values_list("siret", flat=True):
        assert len(siret) == 14
        validate_siren_or_siret(siret)  # raises if the SIRET or the SIREN inside fails Luhn
        validate_siren_or_siret(siret[:9])


def test_seed_has_a_person_for_every_role_and_screens_with_content():
    seed()
    assert User.objects.get(email="admin@demo.marches-partage.fr").is_superuser
    active = Membership.objects.filter(status=Membership.Status.ACTIVE)
    for role in Role.values:
        assert active.filter(role=role).exists(), role
    for name in ("Ville de Rennes", "CHU de Brest", "Région Bretagne"):
        roles = set(active.filter(organization__name=name).values_list("role", flat=True))
        assert roles == {Role.BUYER, Role.EDITOR, Role.ORG_ADMIN}, name
    # Editors get Wagtail's Editors group through the membership action.
    assert User.objects.get(email="redaction.rennes@demo.marches-partage.fr").groups.filter(name="Editors").exists()
    pending = Membership.objects.get(user__email=PENDING_EMAIL)
    assert (pending.status, pending.role, pending.organization.name) == (
        Membership.Status.PENDING,
        Role.MEMBER,
        "Breizh Propreté SARL",
    )
    invitation = Invitation.objects.get(email=INVITED_EMAIL)
    assert invitation.is_usable and invitation.organization.name == "Ville de Rennes"
    assert not User.objects.filter(email_confirmed_at__isnull=True).exists()


def test_demo_logins_log_in_with_the_documented_password(client):
    seed()
    assert len(DEMO_LOGINS) >= 10
    for email, _role, _org in DEMO_LOGINS:
        user = User.objects.get(email=email)
        assert user.is_active and user.check_password(DEMO_PASSWORD), email
    # Through the real login form (axes needs a request): the session then holds the buyer.
    response = client.post(
        reverse("login"), {"username": "acheteur.rennes@demo.marches-partage.fr", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="acheteur.rennes@demo.marches-partage.fr").pk)


def test_seed_twice_changes_nothing():
    seed()
    before = counts()
    seed()
    assert counts() == before


def test_if_empty_skips_when_organizations_exist(make_org):
    make_org("Commune existante")
    seed("--if-empty")
    assert Organization.objects.count() == 1
    assert not User.objects.exists()


def test_scale_multiplies_organizations_and_people_and_stays_idempotent():
    seed("--scale", "3")
    bodies = Organization.objects.exclude(kind=Kind.COMPANY).count()
    companies = Organization.objects.filter(kind=Kind.COMPANY).count()
    assert companies == 60
    assert bodies >= 90
    generated = Organization.objects.filter(name__startswith="Commune de Test")
    for siret in generated.values_list("siret", flat=True):
        validate_siren_or_siret(siret)
    admin = User.objects.get(email="admin.commune-1@demo.marches-partage.fr")
    assert admin.check_password(DEMO_PASSWORD)
    assert admin.memberships.get().role == Role.ORG_ADMIN
    before = counts()
    seed("--scale", "3")
    assert counts() == before
