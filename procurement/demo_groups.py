"""Demo group purchases (groupements de commandes), written through `procurement.actions.groups`.

The coordinator is a regional syndicat mixte, « Syndicat mixte Mégalis Bretagne » (made here if missing, with its
organization admin `admin.megalis`: seed_demo's bodies are the ones calls for tender are drawn from, and adding one
there would change every drawn notice), coordinating purchases for communes all over Brittany as the real one
does. Two groups, found again by their title (and coordinator), so a second run adds nothing:

- « Fournitures scolaires 2027 », by invitation: a dozen communes signed the agreement and declared the needs of
  their schools (three lots, sixteen items); the deadline passed, the call for tender was made from the
  consolidated needs, published, opened and awarded, and the awarded prices entered: each member reads its share.
- « Produits d'entretien 2027 », an open call whose deadline is next week: a few communes joined (invited, or
  asking to join) and declared part of their needs; one invited commune has not signed yet, another one's request
  awaits the coordinator.

The actions record "now", and refuse what the past needs (a deadline already passed, declarations after it):
`time_machine` is a test dependency, not a runtime one. So each group is written as it happens today, with its
deadlines in the future, and its history is then moved back in time with queryset updates (dates of signatures,
declarations, deadlines, the notice's publication and decisions, the notifications), as `procurement.demo` does
for the notices. Each group is written in one transaction: a failure leaves no half-made group behind.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils import timezone, translation
from wagtail.models import Page

from intranet.management.commands.seed_demo import BODIES, COMPANIES, DEMO_PASSWORD, Command, email_for, make_siret
from intranet.models import Membership, Notification, Organization, User
from procurement.actions import groups as actions
from procurement.actions.lifecycle import do_award, do_open_bids, outcome_event_key
from procurement.demo import (
    LAST_READ,
    READING_DELAY,
    _announce_past_deadlines,
    _at_noon,
    _date_events,
    minimal_pdf,
)
from procurement.models import NoticePage
from procurement.models_groups import Declaration, GroupMember, GroupPurchase

Kind = Organization.Kind
Role = Membership.Role
Status = GroupMember.Status
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

COORDINATOR = "megalis"
SYNDICAT = {
    "name": "Syndicat mixte Mégalis Bretagne",
    "kind": Organization.Kind.OTHER,
    "siret": make_siret("25350005"),  # 25: a syndicat mixte's SIREN; made up, well formed
    "department": "35",
    "address": "1 rue de la Terre Victoria\n35760 Saint-Grégoire",
    "website": "https://www.megalis.bretagne.bzh/",
}
WINNER = "bureautique-ouest"  # the awardee of the school supplies
SCHOOL_TITLE = "Fournitures scolaires 2027"
CLEANING_TITLE = "Produits d'entretien 2027"

# Group A's members (seed_demo's communes, by key); group B's: invited and signed, invited only, asking to join
# (then admitted), asking to join (pending).
SCHOOL_MEMBERS = (
    "rennes", "brest", "quimper", "lorient", "vannes", "saint-malo",
    "saint-brieuc", "lannion", "morlaix", "fougeres", "vitre", "redon",
)  # fmt: skip
SCHOOL_MEMBER_COUNT = 12  # made up with EXTRA_COMMUNES when fewer of SCHOOL_MEMBERS exist
CLEANING_SIGNED = ("concarneau", "dinan", "pontivy")
CLEANING_INVITED = ("ploermel",)
CLEANING_ADMITTED = ("landerneau",)
CLEANING_PENDING = ("douarnenez",)
# Communes of Rennes Métropole (name, INSEE code), made only if a database has fewer than twelve demo communes.
EXTRA_COMMUNES = (
    ("Cesson-Sévigné", "35051"), ("Bruz", "35047"), ("Pacé", "35210"), ("Betton", "35024"),
    ("Chantepie", "35055"), ("Saint-Grégoire", "35278"), ("Le Rheu", "35240"), ("Mordelles", "35196"),
    ("Chartres-de-Bretagne", "35066"), ("Vern-sur-Seiche", "35352"), ("Pont-Péan", "35363"),
    ("Noyal-Châtillon-sur-Seiche", "35206"),
)  # fmt: skip

# (lot number, designation, unit, estimated unit price € excl. VAT, typical quantity for a mid-sized commune)
SCHOOL_LOTS = ((1, "Papier et cahiers"), (2, "Fournitures scolaires"), (3, "Petit matériel"))
SCHOOL_ITEMS = (
    (1, "Ramette de papier A4 80 g blanc (500 feuilles)", "ramette", "3.60", 400),
    (1, "Ramette de papier A3 80 g blanc (500 feuilles)", "ramette", "7.20", 40),
    (1, "Papier dessin couleur 160 g, 24 × 32 cm (paquet de 250)", "paquet", "9.80", 30),
    (1, "Cahier 17 × 22 cm, 96 pages, grands carreaux", "cahier", "0.62", 1500),
    (1, "Cahier 24 × 32 cm, 96 pages, grands carreaux", "cahier", "0.95", 600),
    (2, "Crayon à papier HB", "crayon", "0.14", 2000),
    (2, "Stylo bille bleu", "stylo", "0.18", 1800),
    (2, "Feutres de coloriage (pochette de 12)", "pochette", "1.45", 300),
    (2, "Colle en bâton 21 g", "bâton", "0.42", 1200),
    (2, "Colle vinylique", "litre", "4.80", 12.5),
    (2, "Peinture gouache, couleurs assorties", "litre", "6.50", 18.75),
    (2, "Pâte à modeler", "kg", "5.90", 9.5),
    (3, "Ciseaux à bouts ronds 13 cm", "paire", "0.95", 250),
    (3, "Règle plate 30 cm", "règle", "0.32", 400),
    (3, "Taille-crayon avec réservoir", "taille-crayon", "0.55", 350),
    (3, "Ardoise blanche effaçable", "ardoise", "1.10", 200),
)
CLEANING_LOTS = ((1, "Produits d'entretien"), (2, "Papier d'hygiène et consommables"))
CLEANING_ITEMS = (
    (1, "Détergent multi-usages écolabellisé (bidon de 5 L)", "bidon", "9.50", 40),
    (1, "Nettoyant détartrant sanitaires (flacon de 1 L)", "flacon", "2.40", 120),
    (1, "Liquide vaisselle écolabellisé", "litre", "1.60", 60.5),
    (1, "Savon liquide pour les mains (recharge de 5 L)", "bidon", "11.20", 30),
    (1, "Désinfectant surfaces alimentaires (pulvérisateur 750 mL)", "flacon", "3.90", 80),
    (2, "Papier toilette (colis de 96 rouleaux)", "colis", "38.00", 25),
    (2, "Essuie-mains pliés (carton de 3 750)", "carton", "29.50", 20),
    (2, "Sacs poubelle 100 L (rouleau de 25)", "rouleau", "4.20", 90),
)
# What the coordinator declares for its own offices.
OFFICE_ITEMS = {SCHOOL_ITEMS[0][1], SCHOOL_ITEMS[1][1], SCHOOL_ITEMS[6][1]}
SCHOOLS = (
    "École Jacques Prévert", "École Jules Ferry", "École maternelle Les Korrigans", "École Jean Moulin",
    "École élémentaire Paul Langevin", "École Anne de Bretagne", "École maternelle Les Goélands",
    "École Marie Curie", "École Louis Pasteur", "École élémentaire Les Hortensias",
)  # fmt: skip
SCHOOL_COMMENTS = (
    "Livraison par l'entrée de la cantine, le matin.",
    "Conditionner par classe si possible.",
    "Quantité revue avec les directeurs d'école.",
)
# Bigger towns have more schools: a rough factor on the typical quantities.
SIZE = {"rennes": 4.0, "brest": 3.2, "quimper": 1.8, "lorient": 1.7, "vannes": 1.8, "saint-malo": 1.6}


def _quantity(rng: random.Random, typical, factor: float, unit: str) -> Decimal:
    """A declared quantity near `typical` × `factor`: whole numbers of countable things, litres and kilograms
    to the quarter."""
    value = float(typical) * factor * rng.uniform(0.6, 1.4)
    if unit in ("litre", "kg"):
        return (Decimal(round(value * 4)) / 4).quantize(Decimal("0.01"))
    return Decimal(max(1, round(value)))


def _agreement(title: str, coordinator: Organization) -> SimpleUploadedFile:
    lines = [
        "Convention constitutive de groupement de commandes",
        title,
        "",
        f"Coordonnateur : {coordinator.name}",
        "",
        "Article 1 - Objet : le groupement est constitue en application des articles L. 2113-6 et L. 2113-7",
        "du code de la commande publique pour la passation du marche decrit ci-dessus.",
        "Article 2 - Le coordonnateur organise la consultation, signe et notifie le marche au nom des membres.",
        "Article 3 - Chaque membre declare ses besoins avant la date limite et execute sa part du marche.",
        "Article 4 - Adhesion : par signature de la presente convention par l'autorite competente du membre.",
    ]
    return SimpleUploadedFile("convention-constitutive.pdf", minimal_pdf(lines), content_type="application/pdf")


class People:
    """The demo accounts acting for each body: its buyer (or, failing one, its organization admin) declares, its
    organization admin signs. A body without an organization admin gets one, made as seed_demo makes people."""

    def __init__(self, command=None):
        self.command = command
        self.by_email = {u.email: u for u in User.objects.filter(email__endswith=email_for(""))}
        self._maker = None

    def _make(self, email: str, organization: Organization) -> User:
        if self._maker is None:
            maker = self.command if isinstance(self.command, Command) else Command()
            if getattr(maker, "password_hash", None) is None:  # seed_demo --if-empty does not set it
                maker.password_hash = make_password(DEMO_PASSWORD)
            maker.now = getattr(maker, "now", None) or timezone.now()
            self._maker = maker
        user = self._maker.ensure_user(email, len(self.by_email), job_title="Responsable achats")
        self._maker.ensure_member(user, organization, Role.ORG_ADMIN)
        self.by_email[email] = user
        return user

    def _holding(self, email: str, organization: Organization, roles) -> User | None:
        user = self.by_email.get(email)
        if user is None:
            return None
        held = Membership.objects.filter(
            user=user, organization=organization, status=Membership.Status.ACTIVE, role__in=roles
        ).exists()
        return user if held else None

    def admin(self, key: str, organization: Organization) -> User:
        email = email_for(f"admin.{key}")
        return self._holding(email, organization, [Role.ORG_ADMIN]) or self._make(email, organization)

    def buyer(self, key: str, organization: Organization) -> User:
        buyer = self._holding(email_for(f"acheteur.{key}"), organization, [Role.BUYER, Role.ORG_ADMIN])
        return buyer or self.admin(key, organization)


def _bodies() -> dict[str, Organization]:
    """seed_demo's bodies and companies found in the database, by key."""
    sirets = {demo.key: make_siret(demo.code) for demo in BODIES + COMPANIES}
    found = {o.siret: o for o in Organization.objects.filter(siret__in=sirets.values())}
    return {key: found[siret] for key, siret in sirets.items() if siret in found}


def _extra_communes(bodies: dict[str, Organization], wanted: int) -> list[str]:
    """Keys of communes made for a database with fewer demo communes than `wanted` (seed_demo makes twenty)."""
    from django.utils.text import slugify

    from intranet.actions.accounts import do_create_organization

    have = sum(1 for key in SCHOOL_MEMBERS if key in bodies)
    keys = []
    for name, insee in EXTRA_COMMUNES[: max(0, wanted - have)]:
        # As seed_demo's communes: 21, the département, 0 and the commune's number (Rennes 35238: 21350238).
        key, siret = slugify(name), make_siret(f"21{insee[:2]}0{insee[2:]}")
        organization = Organization.objects.filter(siret=siret).first() or do_create_organization(
            name=f"Commune de {name}", kind=Kind.COMMUNE, siret=siret, department=insee[:2]
        )
        bodies[key] = organization
        keys.append(key)
    return keys


def _rows(rng, group, factor: float, share: float, comments=(), only=None) -> list[dict]:
    """A member's declaration lines: `share` of the catalogue's items (of those named in `only`), each delivered
    to one of its schools."""
    sites = rng.sample(SCHOOLS, k=rng.randint(1, 3))
    items = [item for item in group.items.order_by("position") if only is None or item.designation in only]
    chosen = [item for item in items if rng.random() < share] or items[:1]
    typical = {row[1]: row[4] for row in SCHOOL_ITEMS + CLEANING_ITEMS}
    rows = []
    for item in chosen:
        row = {
            "item": item,
            "version": 0,
            "quantity": _quantity(rng, typical[item.designation], factor, item.unit),
            "delivery_site": rng.choice(sites),
            "wanted_from": None,
            "wanted_until": None,
            "comment": rng.choice(comments) if comments and rng.random() < 0.15 else "",
        }
        rows.append(row)
    return rows


def _catalogue(user, group, lots, items) -> None:
    actions.do_save_lots(user, group, [{"id": None, "number": number, "title": title} for number, title in lots])
    by_number = {lot.number: lot for lot in group.lots.all()}
    actions.do_save_items(
        user,
        group,
        [
            {
                "id": None,
                "designation": name,
                "unit": unit,
                "lot": by_number[lot],
                "unit_price_estimate": Decimal(price),
            }
            for lot, name, unit, price, _typical in items
        ],
    )


def _settle_notifications(group: GroupPurchase, moments: dict[str, datetime.datetime]) -> None:
    """The group's notifications (and its notice's) dated when their event happened (`moments`, by verb), e-mailed
    then and read a little later, as `procurement.demo` settles the notices' history: all of it is older than the
    last days whose news the README's accounts find unread, so none of it is left unread.

    Called once the group's transaction is over: the actions notify inside it or when it commits."""
    now = timezone.now()
    told = Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(GroupPurchase), target_id=str(group.pk)
    )
    for verb, moment in moments.items():
        told.filter(verb=f"{actions.VERB}.{verb}").update(created_at=moment)
    if group.notice_id:
        told = told | Notification.objects.filter(
            target_type=ContentType.objects.get_for_model(NoticePage), target_id=str(group.notice_id)
        )
    told.update(emailed_at=F("created_at"))
    told.filter(read_at=None, created_at__lt=now - LAST_READ).update(
        read_at=Least(F("created_at") + READING_DELAY, Value(now))
    )


def _backdate_members(group: GroupPurchase, invited_at, joined_from, rng) -> None:
    """Invitations on one morning, signatures spread over the next days."""
    GroupPurchase.objects.filter(pk=group.pk).update(
        created_at=invited_at - DAY, agreement_uploaded_at=invited_at - DAY
    )
    group.members.filter(organization_id=group.coordinator_id).update(joined_at=invited_at - DAY)
    others = group.members.exclude(organization_id=group.coordinator_id)
    others.exclude(invited_at=None).update(invited_at=invited_at)
    for member in others.exclude(signed_at=None):
        signed = joined_from + rng.randint(0, 6) * DAY + rng.randint(8, 17) * HOUR
        GroupMember.objects.filter(pk=member.pk).update(
            signed_at=signed, joined_at=signed if member.joined_at else None
        )


def _backdate_declarations(group: GroupPurchase, start, end, rng) -> None:
    """Each member's lines written on one day between `start` and `end` (as a buyer fills the form at once)."""
    span = (end - start).total_seconds()
    for member in group.members.filter(status=Status.JOINED):
        moment = start + datetime.timedelta(seconds=span * rng.random())
        Declaration.objects.filter(member=member).update(updated_at=moment)


def _seed_school_supplies(people: People, bodies: dict, coordinator, now) -> tuple[GroupPurchase, dict]:
    """Group A, from its creation to the members' shares at the awarded prices; returns it and when its
    notifications' events happened (by verb)."""
    rng = random.Random("groupement-fournitures-scolaires")  # noqa: S311 - reproducible demo data
    user = people.buyer(COORDINATOR, coordinator)
    members = [key for key in SCHOOL_MEMBERS if key in bodies]
    members += _extra_communes(bodies, SCHOOL_MEMBER_COUNT)
    group = actions.do_create_group(
        user,
        coordinator,
        title=SCHOOL_TITLE,
        purpose=(
            "Fourniture de papier, de cahiers, de fournitures scolaires et de petit matériel pour les écoles "
            "maternelles et élémentaires des communes membres, pour l'année scolaire 2027-2028.\n"
            "Chaque commune déclare ses besoins par école ; le coordonnateur passe un accord-cadre alloti et chaque "
            "membre exécute sa part."
        ),
        nature="supplies",
        main_cpv="30192700-8",
        additional_cpv="30192000-1 30197000-6 37820000-2 39162000-5",
        # In the future for the actions (they refuse a past deadline); moved back once the needs are declared.
        declaration_deadline=now + 30 * DAY,
        reminder_days=14,
        admission=GroupPurchase.Admission.INVITATION,
        share_details=False,
    )
    actions.do_upload_agreement(user, group, _agreement(SCHOOL_TITLE, coordinator))
    group.refresh_from_db()
    _catalogue(user, group, SCHOOL_LOTS, SCHOOL_ITEMS)
    for member in actions.do_invite(user, group, [bodies[key] for key in members]):
        key = next(k for k in members if bodies[k].pk == member.organization_id)
        actions.do_sign(people.admin(key, bodies[key]), member)
    comments = SCHOOL_COMMENTS
    for member in group.members.filter(status=Status.JOINED).select_related("organization"):
        key = next((k for k in members if bodies[k].pk == member.organization_id), COORDINATOR)
        if key == COORDINATOR:
            # The coordinator declares the needs of its own services too (paper and pens for its offices).
            rows = _rows(rng, group, 1.5, 1, only=OFFICE_ITEMS)
            for row in rows:
                row["delivery_site"] = "Siège du syndicat, Saint-Grégoire"
        else:
            rows = _rows(rng, group, SIZE.get(key, 1.0), 0.75, comments)
            for row in rows:
                if rng.random() < 0.4:
                    row["wanted_from"], row["wanted_until"] = datetime.date(2027, 8, 16), datetime.date(2027, 8, 27)
        actions.do_declare(people.buyer(key, bodies.get(key, coordinator)), member, rows)

    # The story, in the past: invited 150 days ago, declarations until the deadline 90 days ago, the call for
    # tender published 85 days ago, bids opened 47 days ago, awarded 30 days ago, the prices entered the next day.
    # The actions refuse a past deadline, so the deadline is moved with an update (the worker's announcements of it
    # marked as made: it was announced at the time).
    deadline = _at_noon(now - 90 * DAY)
    _backdate_members(group, _at_noon(now - 150 * DAY, 9), now - 149 * DAY, rng)
    _backdate_declarations(group, now - 140 * DAY, deadline - DAY, rng)
    GroupPurchase.objects.filter(pk=group.pk).update(
        declaration_deadline=deadline, reminded_for=deadline, closed_announced_for=deadline
    )
    group.refresh_from_db()

    notice = actions.do_create_notice(user, group)
    published_at = _at_noon(now - 85 * DAY, 10)
    notice.questions_deadline, notice.bids_deadline = _at_noon(now - 55 * DAY), _at_noon(now - 48 * DAY)
    notice.contact_name = "Service de la commande publique"
    notice.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    notice.refresh_from_db()
    Page.objects.filter(pk=notice.pk).update(
        first_published_at=published_at, last_published_at=published_at, latest_revision_created_at=published_at
    )
    Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(NoticePage), target_id=str(notice.pk)
    ).update(created_at=published_at)  # the alerts of the publication
    notice.first_published_at = published_at
    _announce_past_deadlines(notice, now)
    do_open_bids(user, notice)
    opened_at = _at_noon(now - 47 * DAY, 14)
    NoticePage.objects.filter(pk=notice.pk).update(opened_at=opened_at)
    notice.refresh_from_db()

    # Prices about 10 % below the estimates; the award's value is the total of the members' shares at those prices.
    consolidation = actions.consolidate(group)
    prices = {
        total.item.pk: (total.item.unit_price_estimate * Decimal(str(rng.uniform(0.86, 0.94)))).quantize(
            Decimal("0.001")
        )
        for total in consolidation.item_totals
    }
    # Each line rounded to the cent, then summed: the members' shares, as `consolidate` counts them.
    value = sum(
        (
            actions._amount(line["quantity"], prices[item_id])
            for (_member, item_id), line in consolidation.lines.items()
        ),
        Decimal(0),
    )
    winner = bodies.get(WINNER)
    do_award(
        user,
        notice,
        supplier_name=winner.name if winner else "Bureautique de l'Ouest",
        supplier_siret=winner.siret if winner else make_siret("81200020"),
        value=value,
    )
    awarded_at = _at_noon(now - 30 * DAY, 16)
    NoticePage.objects.filter(pk=notice.pk).update(outcome_at=awarded_at)
    _date_events([outcome_event_key(notice, "awarded")], awarded_at)
    group.refresh_from_db()
    actions.do_set_awarded_prices(user, group, prices)
    GroupPurchase.objects.filter(pk=group.pk).update(award_announced_at=awarded_at)
    return group, {
        "invitation": _at_noon(now - 150 * DAY, 9),
        "joined": _at_noon(now - 146 * DAY, 11),
        "published": published_at,
        "awarded": awarded_at,
        "share": _at_noon(now - 29 * DAY, 10),
    }


def _seed_cleaning_products(people: People, bodies: dict, coordinator, now) -> tuple[GroupPurchase, dict]:
    """Group B: an open call whose declarations close next week, filled in part; returns it and when its
    notifications' events happened (by verb)."""
    rng = random.Random("groupement-produits-entretien")  # noqa: S311 - reproducible demo data
    user = people.buyer(COORDINATOR, coordinator)
    group = actions.do_create_group(
        user,
        coordinator,
        title=CLEANING_TITLE,
        purpose=(
            "Fourniture de produits d'entretien écolabellisés, de papier d'hygiène et de consommables pour les "
            "bâtiments communaux (écoles, salles de sport, mairies).\n"
            "Appel à adhésion ouvert à toutes les communes : signez la convention puis déclarez vos besoins."
        ),
        nature="supplies",
        main_cpv="39830000-9",
        additional_cpv="33760000-5",
        declaration_deadline=_at_noon(now + 7 * DAY),
        # The worker's reminder is still to come (in two days): a live event of the demo, not a backlog.
        reminder_days=5,
        admission=GroupPurchase.Admission.OPEN,
        share_details=True,
    )
    actions.do_upload_agreement(user, group, _agreement(CLEANING_TITLE, coordinator))
    group.refresh_from_db()
    _catalogue(user, group, CLEANING_LOTS, CLEANING_ITEMS)
    invited = [key for key in CLEANING_SIGNED + CLEANING_INVITED if key in bodies]
    for member in actions.do_invite(user, group, [bodies[key] for key in invited]):
        key = next(k for k in invited if bodies[k].pk == member.organization_id)
        if key in CLEANING_SIGNED:
            actions.do_sign(people.admin(key, bodies[key]), member)
    for key in CLEANING_ADMITTED + CLEANING_PENDING:
        if key not in bodies:
            continue
        member = actions.do_request_to_join(people.admin(key, bodies[key]), group, bodies[key])
        if key in CLEANING_ADMITTED:
            actions.do_decide_request(user, member, True)
    # Partial declarations: most joined communes declared part of the catalogue, the last one nothing yet.
    joined = [key for key in CLEANING_SIGNED + CLEANING_ADMITTED if key in bodies]
    for key in joined[:-1]:
        member = group.members.get(organization=bodies[key])
        actions.do_declare(people.buyer(key, bodies[key]), member, _rows(rng, group, SIZE.get(key, 1.0), 0.6))

    _backdate_members(group, _at_noon(now - 20 * DAY, 9), now - 19 * DAY, rng)
    _backdate_declarations(group, now - 12 * DAY, now - DAY, rng)
    return group, {
        "invitation": _at_noon(now - 20 * DAY, 9),
        "joined": _at_noon(now - 17 * DAY, 11),
        "request": _at_noon(now - 14 * DAY, 17),
        "decision": _at_noon(now - 12 * DAY, 15),
    }


def _syndicat() -> Organization:
    """The coordinating syndicat mixte, made once."""
    from intranet.actions.accounts import do_create_organization

    return Organization.objects.filter(siret=SYNDICAT["siret"]).first() or do_create_organization(**SYNDICAT)


def seed_groups(command=None, scale: int = 1) -> dict:
    """Add the demo group purchases that are missing (the same at any `scale`); returns what was added. Needs
    seed_demo's organizations (and the home page, for the notice of group A); without them, adds nothing."""
    bodies = _bodies()
    if "rennes" not in bodies:  # seed_demo's bodies are not there
        return {"groups": 0, "members": 0, "declarations": 0}
    coordinator = bodies[COORDINATOR] = _syndicat()
    existing = set(GroupPurchase.objects.filter(coordinator=coordinator).values_list("title", flat=True))
    people = People(command)
    now = timezone.now()
    added = []
    # Messages are stored as written: in the site's language, as the actions write them for a request.
    with translation.override(settings.LANGUAGE_CODE):
        for title, seed in ((SCHOOL_TITLE, _seed_school_supplies), (CLEANING_TITLE, _seed_cleaning_products)):
            if title in existing:
                continue
            with transaction.atomic():
                group, moments = seed(people, bodies, coordinator, now)
            _settle_notifications(group, moments)
            added.append(group)
    return {
        "groups": len(added),
        "members": GroupMember.objects.filter(group__in=added).exclude(organization=coordinator).count(),
        "declarations": Declaration.objects.filter(member__group__in=added).count(),
    }
