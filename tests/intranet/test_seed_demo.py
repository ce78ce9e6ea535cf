"""The demo data: Breton bodies and companies with valid SIRETs, one login per role, safe to run twice."""

import io
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db.models import Count
from django.urls import resolve, reverse
from django.utils import timezone

from intranet.management.commands.seed_demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    INVITED_EMAIL,
    PENDING_EMAIL,
    Command,
    email_for,
    format_logins,
)
from intranet.models import AuditEvent, Invitation, Membership, Notification, Organization, User
from intranet.validators import validate_siren_or_siret
from procurement.transitions import announce_deadline_transitions

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
        Notification.objects.count(),
    )


def test_seed_creates_breton_bodies_and_companies_with_valid_sirets():
    seed()
    bodies = Organization.objects.exclude(kind=Kind.COMPANY)
    assert 30 <= bodies.count() <= 43  # with the apps' own: the syndicat, the prefecture, the Treasury
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


# What the README's accounts find unread after `seed_demo` (tests seed the 20 story notices): the news of the
# last two days about their stories, each once. Everything older was read; nobody has dozens.
README_UNREAD = {
    "admin@demo.marches-partage.fr": 0,
    # A question waiting on two notices; the bids of the roadworks closed yesterday, to open.
    # And the prefecture's request for documents on one of Rennes' acts (exchanges.demo).
    "acheteur.rennes": 4,
    "admin.rennes": 4,
    "redaction.rennes": 0,
    "acheteur.chu-brest": 2,  # a question waiting; the emergency department's bids to open
    "admin.chu-brest": 2,
    "redaction.chu-brest": 0,
    "acheteur.region": 1,  # a question on the HR software
    "admin.region": 1,
    "redaction.region": 0,
    # Klervi's join request; the answer on Rennes' cleaning, its award to them; questions closed at the CHU.
    "gerant.breizh-proprete": 4,
    "commercial.breizh-proprete": 3,
    "gerant.kerne-informatique": 3,  # Rennes' two amendments, the Région's answer
    "commercial.kerne-informatique": 3,
    "gerant.iroise-construction": 3,  # questions closed at Rennes, bids closed at Rennes and the CHU
    "commercial.iroise-construction": 3,
    "candidat.breizh-proprete": 0,
    "controle.legalite": 1,  # Rennes' traffic order, to acknowledge
}


def test_seeded_people_find_a_few_distinct_unread_news_and_the_worker_adds_nothing():
    seed()
    for local, expected in README_UNREAD.items():
        email = local if "@" in local else email_for(local)
        unread = list(
            Notification.objects.filter(recipient__email=email, read_at__isnull=True).values_list("message", flat=True)
        )
        assert len(unread) == expected, (local, unread)
        assert len(set(unread)) == len(unread), (local, unread)
    # Once per event: nobody has the same message twice at the same moment (the old flood of answers).
    repeated = Notification.objects.values("recipient", "message", "created_at").annotate(n=Count("id")).filter(n__gt=1)
    assert not repeated.exists()
    # The history was e-mailed when it happened; only the join request, made just now, is still to send.
    assert list(Notification.objects.filter(emailed_at__isnull=True).values_list("verb", flat=True)) == [
        "membership.requested"
    ]
    # The deadlines already past were announced in the history: the worker's first run sends nothing.
    before = Notification.objects.count()
    assert announce_deadline_transitions.call() == 0
    assert Notification.objects.count() == before


def test_the_role_table_is_in_the_sites_language(settings):
    french = format_logins()
    assert "Membre (en attente de validation)" in french
    assert "Administrateur de la plateforme" in french
    assert french.splitlines()[0].split() == ["E-mail", "Rôle", "Organisation"]
    assert f"Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}" in french
    assert not {"Member", "Platform", "Role", "Buyer", "Password"} & set(french.replace("(", " ").split())
    settings.LANGUAGE_CODE = "en"
    english = format_logins()
    assert "Member (awaiting approval)" in english and "Buyer" in english and "Acheteur" not in english


def test_the_printed_invitation_link_uses_the_configured_base_url(settings):
    # `make run PORT=8100` passes WAGTAILADMIN_BASE_URL=http://127.0.0.1:8100 to the seed.
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100/"
    out = io.StringIO()
    command = Command(stdout=out)
    command.password_hash = make_password(DEMO_PASSWORD)
    command.now = timezone.now()
    organizations = command.create_organizations()
    command.create_people(organizations)
    command.create_invitation(organizations["rennes"])
    printed = next(line for line in out.getvalue().splitlines() if INVITED_EMAIL in line)
    link = printed.rsplit(" ", 1)[1]
    assert link.startswith("http://127.0.0.1:8100/compte/invitation/"), printed
    assert printed.startswith("Invitation ouverte pour"), printed  # in the site's language, like the table
    assert resolve(urlsplit(link).path).url_name == "accept_invitation"
