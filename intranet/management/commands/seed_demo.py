"""Demo data: Breton member bodies, companies and one person for every role, with printed logins.

Idempotent: organizations are keyed by SIRET and people by e-mail, so a second run adds nothing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from intranet.actions.accounts import (
    EMAIL_CONFIRMATION_SALT,
    do_add_member,
    do_confirm_email,
    do_create_organization,
    do_invite,
    do_register_company_user,
)
from intranet.models import Invitation, Membership, Organization, User

Kind = Organization.Kind
Role = Membership.Role

DEMO_PASSWORD = "Demo-Bretagne-2026"  # documented in README.md; demo data only
DEMO_DOMAIN = "demo.marches-partage.fr"
PLATFORM_ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"


def luhn_complete(prefix: str) -> str:
    """Append the check digit that makes `prefix` + digit pass the Luhn check (as SIREN and SIRET use)."""
    for digit in "0123456789":
        candidate = prefix + digit
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def make_siret(siren_prefix: str, establishment: int = 1) -> str:
    """A 14-digit SIRET whose 9-digit SIREN also passes Luhn. Not looked up: made up, but well formed."""
    siren = luhn_complete(siren_prefix)
    return luhn_complete(f"{siren}{establishment:04d}")


@dataclass(frozen=True)
class Demo:
    key: str  # short slug used in e-mail addresses
    name: str
    kind: str
    department: str
    code: str  # 8 digits from which the SIREN is made (communes: 21 + INSEE code, as real ones are)
    address: str = ""


BODIES = [
    # Communes: a commune's SIREN is 21 + its INSEE code + a check digit; the same is done here.
    Demo("rennes", "Ville de Rennes", Kind.COMMUNE, "35", "21350238", "Place de la Mairie, 35000 Rennes"),
    Demo("brest", "Ville de Brest", Kind.COMMUNE, "29", "21290019", "2 rue Frézier, 29200 Brest"),
    Demo("quimper", "Ville de Quimper", Kind.COMMUNE, "29", "21290232", "44 place Saint-Corentin, 29000 Quimper"),
    Demo("lorient", "Ville de Lorient", Kind.COMMUNE, "56", "21560121", "2 boulevard Leclerc, 56100 Lorient"),
    Demo("vannes", "Ville de Vannes", Kind.COMMUNE, "56", "21560260", "Place Maurice Marchais, 56000 Vannes"),
    Demo("saint-malo", "Ville de Saint-Malo", Kind.COMMUNE, "35", "21350288", "Place Chateaubriand, 35400 Saint-Malo"),
    Demo("saint-brieuc", "Ville de Saint-Brieuc", Kind.COMMUNE, "22", "21220278", "Place du Général de Gaulle, 22000"),
    Demo("lannion", "Ville de Lannion", Kind.COMMUNE, "22", "21220113", "Place du Général Leclerc, 22300 Lannion"),
    Demo("morlaix", "Ville de Morlaix", Kind.COMMUNE, "29", "21290151", "Place des Otages, 29600 Morlaix"),
    Demo("concarneau", "Ville de Concarneau", Kind.COMMUNE, "29", "21290039", "Hôtel de ville, 29900 Concarneau"),
    Demo("fougeres", "Ville de Fougères", Kind.COMMUNE, "35", "21350115", "2 rue Porte Saint-Léonard, 35300"),
    Demo("vitre", "Ville de Vitré", Kind.COMMUNE, "35", "21350360", "5 place du Château, 35500 Vitré"),
    Demo("dinan", "Ville de Dinan", Kind.COMMUNE, "22", "21220050", "Place Duclos Pinot, 22100 Dinan"),
    Demo("pontivy", "Ville de Pontivy", Kind.COMMUNE, "56", "21560178", "Place Aristide Briand, 56300 Pontivy"),
    Demo("redon", "Ville de Redon", Kind.COMMUNE, "35", "21350236", "Place Saint-Sauveur, 35600 Redon"),
    Demo("ploermel", "Ville de Ploërmel", Kind.COMMUNE, "56", "21560165", "Place Lamennais, 56800 Ploërmel"),
    Demo("landerneau", "Ville de Landerneau", Kind.COMMUNE, "29", "21290103", "Rue Général de Gaulle, 29800"),
    Demo("douarnenez", "Ville de Douarnenez", Kind.COMMUNE, "29", "21290046", "Rue Berthelot, 29100 Douarnenez"),
    Demo("guingamp", "Ville de Guingamp", Kind.COMMUNE, "22", "21220070", "Place du Champ au Roy, 22200"),
    Demo("auray", "Ville d'Auray", Kind.COMMUNE, "56", "21560007", "Place de la République, 56400 Auray"),
    # Intercommunalities
    Demo("rennes-metropole", "Rennes Métropole", Kind.INTERCOMMUNALITY, "35", "24350001"),
    Demo("brest-metropole", "Brest métropole", Kind.INTERCOMMUNALITY, "29", "24290001"),
    Demo("lorient-agglo", "Lorient Agglomération", Kind.INTERCOMMUNALITY, "56", "20000111"),
    Demo("gmva", "Golfe du Morbihan - Vannes agglomération", Kind.INTERCOMMUNALITY, "56", "20006721"),
    # Départements and the Région
    Demo("ille-et-vilaine", "Département d'Ille-et-Vilaine", Kind.DEPARTMENT, "35", "22350001"),
    Demo("finistere", "Département du Finistère", Kind.DEPARTMENT, "29", "22290001"),
    Demo("cotes-d-armor", "Département des Côtes-d'Armor", Kind.DEPARTMENT, "22", "22220001"),
    Demo("morbihan", "Département du Morbihan", Kind.DEPARTMENT, "56", "22560001"),
    Demo("region", "Région Bretagne", Kind.REGION, "35", "23350001", "283 avenue du Général Patton, 35700 Rennes"),
    # Hospitals
    Demo("chu-rennes", "CHU de Rennes", Kind.HOSPITAL, "35", "26350057", "2 rue Henri Le Guilloux, 35033 Rennes"),
    Demo("chu-brest", "CHU de Brest", Kind.HOSPITAL, "29", "26290015", "2 avenue Foch, 29200 Brest"),
    Demo("chba", "Centre hospitalier Bretagne Atlantique", Kind.HOSPITAL, "56", "26560016", "20 bd Guillaudot, Vannes"),
    Demo("ch-saint-brieuc", "Centre hospitalier de Saint-Brieuc", Kind.HOSPITAL, "22", "26220003"),
    # Chambers, State services, education
    Demo("cci-bretagne", "CCI Bretagne", Kind.CHAMBER, "35", "18350001", "1 rue du Général Guillaudot, Rennes"),
    Demo("cci-35", "CCI Ille-et-Vilaine", Kind.CHAMBER, "35", "18350002", "2 avenue de la Préfecture, Rennes"),
    Demo("rectorat", "Rectorat de l'académie de Rennes", Kind.STATE_SERVICE, "35", "17350001", "96 rue d'Antrain"),
    Demo("lycee-chateaubriand", "Lycée Chateaubriand (Rennes)", Kind.EDUCATION, "35", "19350001"),
]

COMPANIES = [
    Demo("breizh-proprete", "Breizh Propreté SARL", Kind.COMPANY, "35", "81200001", "ZA du Hil, 35230 Noyal"),
    Demo("armor-nettoyage", "Armor Nettoyage Services", Kind.COMPANY, "22", "81200002"),
    Demo("iroise-construction", "BTP Iroise Construction", Kind.COMPANY, "29", "81200003"),
    Demo("le-goff-maconnerie", "Maçonnerie Le Goff et Fils", Kind.COMPANY, "56", "81200004"),
    Demo("kerne-informatique", "Kerné Informatique", Kind.COMPANY, "29", "81200005", "Créac'h Gwen, Quimper"),
    Demo("oceane-numerique", "Océane Numérique SAS", Kind.COMPANY, "35", "81200006"),
    Demo("restauration-odet", "Restauration collective de l'Odet", Kind.COMPANY, "29", "81200007"),
    Demo("saveurs-armorique", "Saveurs d'Armorique", Kind.COMPANY, "56", "81200008"),
    Demo("jardins-tregor", "Les Jardins du Trégor", Kind.COMPANY, "22", "81200009"),
    Demo("paysages-broceliande", "Paysages de Brocéliande", Kind.COMPANY, "35", "81200010"),
    Demo("imprimerie-abers", "Imprimerie des Abers", Kind.COMPANY, "29", "81200011"),
    Demo("imprimerie-thabor", "Imprimerie du Thabor", Kind.COMPANY, "35", "81200012"),
    Demo("transports-le-bihan", "Transports Le Bihan", Kind.COMPANY, "56", "81200013"),
    Demo("cars-emeraude", "Cars de la Côte d'Émeraude", Kind.COMPANY, "35", "81200014"),
    Demo("electricite-morvan", "Électricité Morvan", Kind.COMPANY, "29", "81200015"),
    Demo("le-roux-chauffage", "Plomberie Chauffage Le Roux", Kind.COMPANY, "22", "81200016"),
    Demo("mobilier-armoricain", "Mobilier urbain armoricain", Kind.COMPANY, "56", "81200017"),
    Demo("celtic-securite", "Celtic Sécurité Gardiennage", Kind.COMPANY, "35", "81200018"),
    Demo("vrd-cornouaille", "Voirie et Réseaux de Cornouaille", Kind.COMPANY, "29", "81200019"),
    Demo("bureautique-ouest", "Bureautique de l'Ouest", Kind.COMPANY, "22", "81200020"),
]

FIRST_NAMES = [
    "Yann", "Gwenaëlle", "Erwan", "Maëlle", "Loïc", "Soizic", "Ronan", "Nolwenn", "Tanguy", "Katell",
    "Goulven", "Anne", "Pierre", "Morgane", "Corentin", "Enora", "Mathieu", "Rozenn", "Gaël", "Aziliz",
]  # fmt: skip
LAST_NAMES = [
    "Le Gall", "Le Goff", "Le Bihan", "Tanguy", "Kerbrat", "Le Roux", "Morvan", "Guillou", "Le Corre", "Cariou",
    "Riou", "Quéré", "Le Floch", "Jaouen", "Madec", "Le Meur", "Prigent", "Ollivier", "Hamon", "Le Bris",
]  # fmt: skip

# (e-mail local part, organization key or None, role, French job title). Bodies not listed get an admin.
FEATURED_PEOPLE = [
    ("acheteur.rennes", "rennes", Role.BUYER, "Acheteuse, direction de la commande publique"),
    ("redaction.rennes", "rennes", Role.EDITOR, "Chargé de communication"),
    ("admin.rennes", "rennes", Role.ORG_ADMIN, "Responsable de la commande publique"),
    ("acheteur.chu-brest", "chu-brest", Role.BUYER, "Acheteur, direction des achats"),
    ("redaction.chu-brest", "chu-brest", Role.EDITOR, "Documentaliste"),
    ("admin.chu-brest", "chu-brest", Role.ORG_ADMIN, "Directrice des achats"),
    ("acheteur.region", "region", Role.BUYER, "Acheteur, service des marchés"),
    ("redaction.region", "region", Role.EDITOR, "Rédactrice web"),
    ("admin.region", "region", Role.ORG_ADMIN, "Chef du service des marchés"),
    ("gerant.breizh-proprete", "breizh-proprete", Role.COMPANY_ADMIN, "Gérant"),
    ("commercial.breizh-proprete", "breizh-proprete", Role.MEMBER, "Chargée d'affaires"),
    ("gerant.kerne-informatique", "kerne-informatique", Role.COMPANY_ADMIN, "Président"),
    ("commercial.kerne-informatique", "kerne-informatique", Role.MEMBER, "Ingénieur commercial"),
    ("gerant.iroise-construction", "iroise-construction", Role.COMPANY_ADMIN, "Directrice"),
    ("commercial.iroise-construction", "iroise-construction", Role.MEMBER, "Conducteur de travaux"),
]
PENDING_EMAIL = f"candidat.breizh-proprete@{DEMO_DOMAIN}"  # a company member waiting for approval
INVITED_EMAIL = f"nouvel.acheteur@{DEMO_DOMAIN}"  # an open invitation to join the Ville de Rennes


def email_for(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _demo_logins() -> list[tuple[str, str, str]]:
    by_key = {d.key: d.name for d in BODIES + COMPANIES}
    labels = dict(Role.choices)
    # Roles stay lazy: they are translated when printed, not when this module is imported.
    rows = [(PLATFORM_ADMIN_EMAIL, gettext_lazy("Platform admin (superuser)"), "—")]
    rows += [(email_for(local), labels[role], by_key[key]) for local, key, role, _title in FEATURED_PEOPLE]
    rows.append((PENDING_EMAIL, gettext_lazy("Member (awaiting approval)"), by_key["breizh-proprete"]))
    return rows


# Shown by seed_demo, runsite and README: (e-mail, role, organization); all share DEMO_PASSWORD.
DEMO_LOGINS = _demo_logins()


def app_demo_logins() -> list:
    """The apps' own demo accounts (`register_demo_logins` hooks: `() -> [(e-mail, role, organization)]`), e.g.
    the workspaces' guest, who belongs to no organization of the core's table."""
    from wagtail import hooks

    return [row for logins in hooks.get_hooks("register_demo_logins") for row in logins()]


def format_logins(rows=None) -> str:
    """The demo accounts as a table, in the site's language (like the site the people will log in to)."""
    rows = list(DEMO_LOGINS) + app_demo_logins() if rows is None else rows
    with translation.override(settings.LANGUAGE_CODE):
        header = (_("E-mail"), _("Role"), _("Organization"))
        rows = [header] + [(email, str(role), organization) for email, role, organization in rows]
        width, role_width, organization_width = (max(len(row[column]) for row in rows) for column in range(3))
        lines = [f"{email:<{width}}  {role:<{role_width}}  {organization}" for email, role, organization in rows]
        lines.insert(1, "-" * (width + role_width + organization_width + 4))
        lines.append(_("Password for every demo account: %(password)s") % {"password": DEMO_PASSWORD})
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Create demo data (Breton member bodies, companies, one account per role). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply the number of bodies, companies and people (default 1)."
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any organization exists.")

    def handle(self, *args, scale=1, if_empty=False, **options):
        if if_empty and Organization.objects.exists():
            self.stdout.write("Organizations already exist: demo people not created (--if-empty).")
            self.seed_apps(scale)
            return
        # One hash for every demo account: hashing ~0.2 s each would dominate the run time.
        self.password_hash = make_password(DEMO_PASSWORD)
        self.now = timezone.now()
        # Seed e-mails (invitation, confirmation) would only clutter the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            organizations = self.create_organizations()
            self.create_people(organizations)
            self.create_pending_request(organizations["breizh-proprete"])
            self.create_invitation(organizations["rennes"])
            if scale > 1:
                self.create_scaled(scale)
            self.seed_apps(scale)
        self.stdout.write(
            f"Demo data ready: {Organization.objects.exclude(kind=Kind.COMPANY).count()} member bodies, "
            f"{Organization.objects.filter(kind=Kind.COMPANY).count()} companies, {User.objects.count()} people."
        )
        self.stdout.write(format_logins())

    def seed_apps(self, scale: int) -> None:
        """Each app adds its own demo content through the `register_demo_content` hook:
        a function `(command, scale)` that is idempotent (it adds only what is missing)."""
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for hook in hooks.get_hooks("register_demo_content"):
                hook(command=self, scale=scale)

    # --- the named demo data, through the actions --------------------------------------------------

    def create_organizations(self) -> dict[str, Organization]:
        demos = BODIES + COMPANIES
        sirets = {d.key: make_siret(d.code) for d in demos}
        existing = {o.siret: o for o in Organization.objects.filter(siret__in=sirets.values())}
        organizations = {}
        for demo in demos:
            organization = existing.get(sirets[demo.key])
            if organization is None:
                organization = do_create_organization(
                    name=demo.name,
                    kind=demo.kind,
                    siret=sirets[demo.key],
                    department=demo.department,
                    address=demo.address,
                )
            organizations[demo.key] = organization
        return organizations

    def ensure_user(self, email: str, index: int, **fields) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            # No action creates an account without an e-mail round trip; the manager is the model's own API.
            user = User.objects.create(
                email=email,
                password=self.password_hash,
                first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(index * 7) % len(LAST_NAMES)],
                email_confirmed_at=self.now,
                **fields,
            )
        return user

    def ensure_member(self, user: User, organization: Organization, role: str) -> None:
        if not Membership.objects.filter(user=user, organization=organization).exists():
            do_add_member(organization=organization, user=user, role=role)

    def create_people(self, organizations: dict[str, Organization]) -> None:
        self.ensure_user(PLATFORM_ADMIN_EMAIL, 0, is_staff=True, is_superuser=True, job_title="Administratrice")
        featured_keys = set()
        for index, (local, key, role, title) in enumerate(FEATURED_PEOPLE, start=1):
            user = self.ensure_user(email_for(local), index, job_title=title)
            self.ensure_member(user, organizations[key], role)
            featured_keys.add(key)
        # Every other organization gets its administrator, so each members page has someone in charge.
        for index, demo in enumerate(BODIES + COMPANIES, start=len(FEATURED_PEOPLE) + 1):
            if demo.key in featured_keys:
                continue
            is_company = demo.kind == Kind.COMPANY
            local = f"{'gerant' if is_company else 'admin'}.{demo.key}"
            user = self.ensure_user(email_for(local), index, job_title="Gérant" if is_company else "Responsable achats")
            self.ensure_member(user, organizations[demo.key], Role.COMPANY_ADMIN if is_company else Role.ORG_ADMIN)

    def create_pending_request(self, company: Organization) -> None:
        """A company user who signed up with an existing SIRET: the company admin must approve them."""
        if User.objects.filter(email=PENDING_EMAIL).exists():
            return
        result = do_register_company_user(
            email=PENDING_EMAIL,
            password=DEMO_PASSWORD,
            first_name="Klervi",
            last_name="Le Du",
            siret=company.siret,
            company_name=company.name,
            department=company.department,
        )
        token = signing.dumps({"u": result.user.pk, "e": PENDING_EMAIL}, salt=EMAIL_CONFIRMATION_SALT)
        do_confirm_email(token)

    def create_invitation(self, organization: Organization) -> None:
        if Invitation.objects.filter(email=INVITED_EMAIL).exists():
            return
        admin = User.objects.get(email=email_for("admin.rennes"))
        invitation = do_invite(organization=organization, email=INVITED_EMAIL, role=Role.BUYER, actor=admin)
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("accept_invitation", args=[invitation.token])
        with translation.override(settings.LANGUAGE_CODE):  # the console speaks the site's language, like the table
            message = _("Open invitation for %(email)s (shown once): %(url)s") % {"email": INVITED_EMAIL, "url": url}
        self.stdout.write(message)

    # --- --scale: generated organizations and people, in bulk ----------------------------------------

    def create_scaled(self, scale: int) -> None:
        """Generated bodies and companies with an admin and a second person each.

        Written with bulk_create on purpose: going through the actions (full_clean, audit row, group sync per
        person) makes --scale 10 take minutes; these rows are plain and need no audit trail.
        """
        extra_bodies = len(BODIES) * (scale - 1)
        extra_companies = len(COMPANIES) * (scale - 1)
        departments = ["22", "29", "35", "56"]
        planned = []
        for n in range(1, extra_bodies + 1):
            planned.append((f"Commune de Test {n}", Kind.COMMUNE, make_siret(f"7{n:07d}"), f"commune-{n}", False))
        for n in range(1, extra_companies + 1):
            planned.append((f"Entreprise de Test {n}", Kind.COMPANY, make_siret(f"6{n:07d}"), f"entreprise-{n}", True))
        existing = set(Organization.objects.filter(siret__in=[p[2] for p in planned]).values_list("siret", flat=True))
        with transaction.atomic():
            Organization.objects.bulk_create(
                [
                    Organization(name=name, kind=kind, siret=siret, department=departments[i % 4])
                    for i, (name, kind, siret, _key, _company) in enumerate(planned)
                    if siret not in existing
                ],
                batch_size=500,
            )
            org_ids = dict(Organization.objects.filter(siret__in=[p[2] for p in planned]).values_list("siret", "pk"))
            people = []  # (email, organization id, role)
            for _name, _kind, siret, key, is_company in planned:
                admin_role = Role.COMPANY_ADMIN if is_company else Role.ORG_ADMIN
                other_role = Role.MEMBER if is_company else Role.BUYER
                people.append((email_for(f"admin.{key}"), org_ids[siret], admin_role))
                people.append((email_for(f"agent.{key}"), org_ids[siret], other_role))
            emails = [p[0] for p in people]
            known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
            User.objects.bulk_create(
                [
                    User(
                        email=email,
                        password=self.password_hash,
                        first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                        last_name=LAST_NAMES[(i * 7) % len(LAST_NAMES)],
                        email_confirmed_at=self.now,
                    )
                    for i, (email, _org, _role) in enumerate(people)
                    if email not in known
                ],
                batch_size=500,
            )
            user_ids = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
            Membership.objects.bulk_create(
                [Membership(user_id=user_ids[email], organization_id=org, role=role) for email, org, role in people],
                batch_size=500,
                ignore_conflicts=True,  # the unique (user, organization) constraint makes a rerun a no-op
            )
