"""Demo data of the exchanges with the State: the prefecture of Ille-et-Vilaine with its legality control agent, a
Treasury service, and the Ville de Rennes' acts at every step (to acknowledge, acknowledged and published,
additional documents requested, a draft). Everything goes through the actions, so the register's chain is real.
Idempotent: what exists is kept."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from fpdf import FPDF
from wagtail import hooks

from exchanges.actions import acts as actions
from exchanges.models import Act, Authority, Subject, Transmitter
from exchanges.reference.subjects import ensure_subjects
from intranet.management.commands.seed_demo import make_siret
from intranet.models import Membership, Notification, Organization, User

DEMO_DOMAIN = "demo.marches-partage.fr"
AGENT_EMAIL = f"controle.legalite@{DEMO_DOMAIN}"
PREFECTURE = {
    "name": "Préfecture d'Ille-et-Vilaine",
    "kind": Organization.Kind.STATE_SERVICE,
    "siret": make_siret("17350035"),
    "department": "35",
    "address": "3 avenue de la Préfecture, 35026 Rennes Cedex 9",
}
TREASURY = {
    "name": "Service de gestion comptable de Rennes",
    "kind": Organization.Kind.STATE_SERVICE,
    "siret": make_siret("11000235"),
    "department": "35",
    "address": "Cité administrative, 35021 Rennes",
}
# (number, nature, subject, days before today, object, public, where it stops)
ACTS = [
    (
        "DEL2026_041",
        "DE",
        "1.1",
        20,
        "Attribution du marché de nettoyage des écoles maternelles et élémentaires",
        True,
        "acknowledged",
    ),
    ("DEL2026_042", "DE", "7.2", 18, "Tarifs de la restauration scolaire pour l'année 2027", True, "acknowledged"),
    (
        "AI2026_007",
        "AI",
        "4.2",
        12,
        "Recrutement d'un agent contractuel sur un emploi non permanent",
        False,
        "acknowledged",
    ),
    (
        "DEL2026_043",
        "CC",
        "1.4",
        9,
        "Convention de groupement de commandes pour les fournitures scolaires",
        False,
        "documents_requested",
    ),
    (
        "ARR2026_118",
        "AR",
        "6.1",
        3,
        "Arrêté réglementant la circulation rue de Brest pendant les travaux de voirie",
        True,
        "sent",
    ),
    ("DEL2026_044", "DE", "3.1", 1, "Acquisition d'une parcelle pour l'extension du groupe scolaire", False, "draft"),
]


def demo_pdf(title: str, body: str) -> SimpleUploadedFile:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.multi_cell(0, 8, title.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    document.set_font("helvetica", size=11)
    document.multi_cell(0, 6, body.encode("latin-1", "replace").decode("latin-1"))
    buffer = io.BytesIO(bytes(document.output()))
    return SimpleUploadedFile("acte.pdf", buffer.getvalue(), content_type="application/pdf")


def _organization(fields: dict) -> Organization:
    from intranet.actions.accounts import do_create_organization

    return Organization.objects.filter(siret=fields["siret"]).first() or do_create_organization(**fields)


def _agent(prefecture: Organization) -> User:
    user = User.objects.filter(email=AGENT_EMAIL).first()
    if user is None:
        admin = User.objects.filter(memberships__organization__siret__startswith="21350238").first()
        user = User.objects.create(
            email=AGENT_EMAIL,
            first_name="Nolwenn",
            last_name="Guillou",
            job_title="Bureau du contrôle de légalité",
            email_confirmed_at=timezone.now(),
            password=admin.password if admin else "",
        )
    if not Membership.objects.filter(user=user, organization=prefecture).exists():
        from intranet.actions.accounts import do_add_member

        do_add_member(organization=prefecture, user=user, role=Membership.Role.BUYER)
    return user


def seed_exchanges() -> dict:
    rennes = Organization.objects.filter(siret__startswith="21350238").first()
    if rennes is None:
        return {"acts": 0}
    prefecture = _organization(PREFECTURE)
    authority, _created = Authority.objects.get_or_create(
        organization=prefecture, role=Authority.Role.LEGALITY, defaults={"departments": "35"}
    )
    Authority.objects.get_or_create(
        organization=_organization(TREASURY), role=Authority.Role.ACCOUNTING, defaults={"departments": "35"}
    )
    agent = _agent(prefecture)
    admin = User.objects.get(email=f"admin.rennes@{DEMO_DOMAIN}")
    sender = User.objects.get(email=f"acheteur.rennes@{DEMO_DOMAIN}")
    for person in (admin, sender):
        if not Transmitter.objects.filter(organization=rennes, user=person).exists():
            actions.do_grant(admin, rennes, person)
    ensure_subjects(Subject)  # a test database emptied by a transactional test
    added = 0
    started = timezone.now()
    today = timezone.localdate()
    for number, nature, subject, days, text, public, stop in ACTS:
        if Act.objects.filter(sender=rennes, number=number).exists():
            continue
        data = {
            "authority": authority,
            "nature": nature,
            "subject": Subject.objects.get(code=subject),
            "number": number,
            "decision_date": today - datetime.timedelta(days=days),
            "object": text,
            "signatory": "Nathalie Appéré, maire",
            "is_public": public,
        }
        act = actions.do_save_draft(sender, rennes, data)
        actions.do_set_main_document(sender, act, demo_pdf(f"Ville de Rennes - {number}", text))
        if nature == "CC":
            actions.do_add_annex(sender, act, demo_pdf("Convention", "Projet de convention constitutive"), "Convention")
        added += 1
        if stop == "draft":
            continue
        act = actions.do_transmit(sender, act)
        if stop == "sent":
            continue
        act = actions.do_acknowledge(agent, act)
        if stop == "documents_requested":
            actions.do_request_documents(
                agent, act, "Merci de transmettre la délibération autorisant le maire à signer la convention."
            )
    _settle_notifications(started)
    return {"acts": added}


def _settle_notifications(since) -> None:
    """What the demo's acts told people is e-mailed and read, but for what still waits for them: the transmission
    the agent has to acknowledge, and the prefecture's request for documents to Rennes' transmitters."""
    told = Notification.objects.filter(verb__startswith="exchanges.", created_at__gte=since, read_at=None)
    waiting = Q(verb="exchanges.act.documents_requested") | Q(
        verb="exchanges.act.sent",
        target_id__in=[str(pk) for pk in Act.objects.filter(status="sent").values_list("pk", flat=True)],
    )
    told.update(emailed_at=F("created_at"))
    told.exclude(waiting).update(read_at=F("created_at"))


@hooks.register("register_demo_logins")
def demo_agent_login():
    return [(AGENT_EMAIL, gettext_lazy("Legality control agent"), PREFECTURE["name"])]


@hooks.register("register_demo_content")
def seed_demo_exchanges(command, scale: int = 1) -> None:
    result = seed_exchanges()
    out = getattr(command, "stdout", None)
    if out is not None:
        out.write(
            f"Exchanges with the State: {result['acts']} acts of the Ville de Rennes added; prefecture: {AGENT_EMAIL}."
        )
