"""Demo content of the salle des marchés: French calls for tender of the seeded member bodies, in every state.

The first notices are the README's stories (`STORIES`): the Ville de Rennes has one in every status, the CHU
de Brest and the Région Bretagne a good set, with the featured companies downloading, following, asking
and winning. The others are drawn: each notice is planned from its number alone (a seeded random generator
per notice), so the same number always gives the same slug, buyer and content: a second run finds the slugs
and adds nothing, and a run with a larger count only adds the notices after the existing ones. Dates are
relative to the moment of seeding, so each notice lands in its planned status (`Status`), whatever the day.

Writes go through `procurement.actions` (documents, publication, amendments, questions, lifecycle, downloads,
following, alerts) and the worker's deadline announcements, in the order they would have happened, so
people are notified once per event as a real history would have told them; the demo then moves the
recorded instants (notifications included) back in time with queryset updates, since an action always
records "now". Two things are written directly: questions on notices whose question period is over (the
action refuses them, rightly) and the backdating. Finally the history is settled: every notification was
e-mailed when it happened and read, except the news of the last days.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Least
from django.utils import timezone, translation
from django.utils.text import slugify
from wagtail.models import Page, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from intranet.management.commands.seed_demo import BODIES, COMPANIES, DEMO_DOMAIN, make_siret
from intranet.models import HomePage, Membership, Notification, Organization, User
from intranet.notifications import event_key_for
from intranet.text import render_markdown
from procurement.actions.alerts import do_save_search
from procurement.actions.amendments import AMENDMENT_VERB, do_record_amendment
from procurement.actions.documents import do_add_document, do_replace_document
from procurement.actions.downloads import do_record_download
from procurement.actions.following import do_follow
from procurement.actions.lifecycle import (
    do_award,
    do_cancel,
    do_declare_unsuccessful,
    do_open_bids,
    outcome_event_key,
)
from procurement.actions.questions import ANSWER_VERB, QUESTION_VERB, do_answer_question, do_ask_question
from procurement.demo_content import Family, exchanges
from procurement.demo_content.families import FAMILIES, WEIGHTS
from procurement.models import (
    Amendment,
    ConsultationDocument,
    CPVCode,
    DocumentVersion,
    Download,
    Follow,
    Lot,
    NoticeIndexPage,
    NoticePage,
    Question,
    SavedSearch,
    Status,
)
from procurement.practice import ensure_practice
from procurement.reference_data import cpv_path, load_cpv
from procurement.setup import ensure_buyer_section, ensure_notice_index
from procurement.transitions import (
    BIDS_CLOSED_VERB,
    BIDS_TO_OPEN_VERB,
    QUESTIONS_CLOSED_VERB,
    announce_transition,
    transition_event_key,
)

SEED = 2027

# Twenty notices in a row take these statuses, in this order: every status is present from 20 notices on.
STATUS_CYCLE = (
    [Status.PUBLISHED] * 6
    + [Status.QUESTIONS_CLOSED] * 2
    + [Status.BIDS_CLOSED] * 2
    + [Status.OPENED] * 2
    + [Status.AWARDED] * 5
    + [Status.UNSUCCESSFUL, Status.CANCELLED, Status.DRAFT]
)
# Larger bodies publish more: how many "tickets" each body has in the draw.
BODY_WEIGHTS = {"intercommunality": 3, "department": 3, "region": 3, "hospital": 3, "commune": 1}
PROCEDURES = (("adapted", 45), ("open", 35), ("restricted", 8), ("negotiated", 6), ("dialogue", 2), ("innovation", 1))
PHONE_PREFIX = {"22": "02 96", "29": "02 98", "35": "02 99", "56": "02 97"}
# The demo people last read their notifications this long before the seed: what came after is unread.
LAST_READ = datetime.timedelta(days=3)
# How long after it arrived a notification of the history was read.
READING_DELAY = datetime.timedelta(hours=2)


@dataclass(frozen=True)
class Story:
    """A notice told on purpose for the README's accounts. Days count from the seed (negative: before it)."""

    body_key: str
    family_key: str
    status: str
    title: str  # "{annee}" is replaced by the year, as in the families' titles
    days: tuple[int, int, int]  # publication, questions deadline, bids deadline
    companies: tuple[str, ...] = ()  # their people download the DCE (identified) and follow the notice
    answers: tuple[int, ...] = ()  # days ago each answered question got its answer
    pending: tuple[int, ...] = ()  # days ago each question still waiting for an answer was asked
    amended: int | None = None  # days ago the bids deadline was extended and a document replaced
    decided: int | None = None  # days ago the outcome was decided, or the notice cancelled
    winner: str = ""  # the awarded company
    anonymous_downloads: int = 5


# Notices 1 to 20; their news of the last two days is what the README's accounts find unread.
STORIES = (
    # Ville de Rennes, the README's first account: one notice in every status.
    Story("rennes", "nettoyage", Status.PUBLISHED, "Entretien ménager des bâtiments scolaires",
          (-12, 6, 14), ("breizh-proprete", "armor-nettoyage"), answers=(7, 1), pending=(1,), anonymous_downloads=7),
    Story("rennes", "informatique", Status.PUBLISHED,
          "Renouvellement du parc informatique des écoles (ordinateurs, tablettes, vidéoprojecteurs)",
          (-16, 5, 13), ("kerne-informatique", "oceane-numerique"), answers=(9,), pending=(2,), amended=2),
    Story("rennes", "batiment", Status.QUESTIONS_CLOSED, "Construction d'un groupe scolaire de dix classes",
          (-25, -1, 6), ("iroise-construction", "le-goff-maconnerie"), answers=(8, 4)),
    Story("rennes", "voirie", Status.BIDS_CLOSED, "Programme de réfection des chaussées et trottoirs {annee}",
          (-40, -12, -1), ("iroise-construction", "vrd-cornouaille"), answers=(20,)),
    Story("rennes", "espaces-verts", Status.OPENED, "Entretien des espaces verts et des cimetières",
          (-50, -25, -15), ("jardins-tregor", "paysages-broceliande")),
    Story("rennes", "nettoyage", Status.AWARDED, "Nettoyage des locaux administratifs et des équipements sportifs",
          (-90, -60, -50), ("breizh-proprete", "armor-nettoyage"), answers=(70,), decided=2, winner="breizh-proprete"),
    Story("rennes", "restauration", Status.UNSUCCESSFUL,
          "Fourniture de denrées alimentaires issues de l'agriculture biologique pour la cuisine centrale",
          (-80, -55, -45), ("restauration-odet",), decided=20),
    Story("rennes", "impression", Status.CANCELLED, "Impression du magazine municipal et des supports de communication",
          (-45, -15, -7), ("imprimerie-thabor",), decided=25),
    Story("rennes", "mobilier", Status.DRAFT, "Fourniture et pose de jeux pour aires de jeux et de mobilier urbain",
          (0, 25, 35)),
    # CHU de Brest
    Story("chu-brest", "informatique", Status.PUBLISHED, "Fourniture de matériel informatique et prestations associées",
          (-9, 7, 16), ("kerne-informatique", "bureautique-ouest"), answers=(5,), pending=(1,)),
    Story("chu-brest", "nettoyage", Status.QUESTIONS_CLOSED,
          "Prestations de nettoyage et de vitrerie des bâtiments {annee}",
          (-22, -1, 5), ("breizh-proprete", "armor-nettoyage"), answers=(6,)),
    Story("chu-brest", "batiment", Status.BIDS_CLOSED, "Restructuration du service des urgences",
          (-45, -14, -2), ("iroise-construction", "le-roux-chauffage")),
    Story("chu-brest", "batiment", Status.AWARDED, "Extension du bâtiment des consultations externes",
          (-120, -90, -80), ("iroise-construction", "electricite-morvan"), answers=(95,), decided=40,
          winner="iroise-construction"),
    Story("chu-brest", "securite", Status.CANCELLED, "Maintenance des systèmes de sécurité incendie et des extincteurs",
          (-60, -30, -22), ("celtic-securite",), decided=40),
    Story("chu-brest", "medical", Status.DRAFT, "Fourniture de dispositifs médicaux stériles à usage unique",
          (0, 21, 30)),
    # Région Bretagne
    Story("region", "transport-scolaire", Status.PUBLISHED,
          "Services de transport régulier et scolaire {annee}-{annee_suivante}",
          (-20, 4, 12), ("cars-emeraude", "transports-le-bihan"), answers=(10,), amended=6),
    Story("region", "logiciel", Status.PUBLISHED,
          "Acquisition et maintenance d'un logiciel de gestion des ressources humaines",
          (-6, 10, 20), ("kerne-informatique", "oceane-numerique"), answers=(2,), pending=(1,)),
    Story("region", "batiment", Status.OPENED, "Construction d'un internat de 120 lits au lycée maritime",
          (-55, -30, -20), ("iroise-construction", "le-goff-maconnerie")),
    Story("region", "impression", Status.AWARDED, "Travaux d'impression et de façonnage {annee}",
          (-150, -120, -110), ("imprimerie-abers", "imprimerie-thabor"), decided=80, winner="imprimerie-abers"),
    Story("region", "informatique", Status.UNSUCCESSFUL,
          "Acquisition d'ordinateurs portables et de stations d'accueil pour les agents",
          (-70, -45, -35), ("bureautique-ouest",), decided=10),
)  # fmt: skip


@dataclass
class Plan:
    """Everything about one demo notice that does not depend on the database."""

    number: int
    slug: str
    body_key: str
    family: Family
    status: str
    title: str
    reference: str
    fields: dict
    lots: list = field(default_factory=list)  # (number, title, cpv, value, description)
    published_at: datetime.datetime | None = None
    extended_from: datetime.datetime | None = None  # the bids deadline before an extension
    replaced_document: bool = False
    documents: bool = True
    story: Story | None = None
    amended_at: datetime.datetime | None = None  # a story's amendments; drawn for the others
    rng: random.Random | None = None


# --- planning ---------------------------------------------------------------------------------------


def _at_noon(moment: datetime.datetime, hour: int = 12) -> datetime.datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _days_ago(now: datetime.datetime, days: int, hour: int) -> datetime.datetime:
    """`days` days before `now`, at `hour` (local time); never later than `now`."""
    return min(_at_noon(now - datetime.timedelta(days=days), hour), now)


def _round_value(value: float) -> Decimal:
    step = 1000 if value < 200_000 else 10_000
    return Decimal(int(round(value / step)) * step)


def _bodies() -> list:
    tickets = []
    for body in BODIES:
        tickets += [body] * BODY_WEIGHTS.get(body.kind, 1)
    return tickets


BODY_BY_KEY = {body.key: body for body in BODIES}
FAMILY_BY_KEY = {family.key: family for family in FAMILIES}


def notice_slug(family_key: str, body_key: str, number: int) -> str:
    return slugify(f"{family_key}-{body_key}-{number:04d}")


STORY_SLUGS = {notice_slug(story.family_key, story.body_key, n) for n, story in enumerate(STORIES, start=1)}


def plan_notice(number: int, now: datetime.datetime, story: Story | None = None) -> Plan:
    """The notice number `number` (1, 2...): the same plan on every run, dates relative to `now`. A `story`
    given tells that notice instead of the numbered one's (the demo of bids, `procurement.demo_bids`)."""
    rng = random.Random(f"{SEED}-{number}")  # noqa: S311 - reproducible demo data, not a secret
    if story is None:
        story = STORIES[number - 1] if number <= len(STORIES) else None
    day = datetime.timedelta(days=1)
    if story is not None:
        body = BODY_BY_KEY[story.body_key]
        family = FAMILY_BY_KEY[story.family_key]
        status = story.status
        published_at, questions, bids = (now + offset * day for offset in story.days)
        if status == Status.DRAFT:
            published_at = None
    else:
        body = rng.choice(_bodies())
        families = [f for f in FAMILIES if not f.kinds or body.kind in f.kinds]
        family = rng.choices(families, weights=[WEIGHTS[f.key] for f in families])[0]
        status = STATUS_CYCLE[(number - 1) % len(STATUS_CYCLE)]
        published_at, questions, bids = _drawn_dates(rng, status, now)
    if published_at is not None:
        published_at = _at_noon(published_at, rng.choice((9, 10, 11, 14, 15, 16)))
    questions, bids = _at_noon(questions), _at_noon(bids)
    opening = _at_noon(bids + rng.choice((1, 2, 3)) * day, 14)

    low, high = family.value
    estimated = _round_value(low * (high / low) ** rng.random())
    year = timezone.localtime(published_at or now).year
    title = story.title if story else rng.choice(family.titles_for(body.kind))
    title = title.format(annee=year, annee_suivante=year + 1)
    procedure = "adapted" if estimated < 221_000 else rng.choices(*zip(*PROCEDURES, strict=True))[0]
    if family.nature == "works" and procedure == "adapted" and estimated > 5_538_000:
        procedure = "open"
    phone = (
        f"{PHONE_PREFIX.get(body.department, '02 99')} {rng.randint(10, 99)} {rng.randint(10, 99)} {number % 90 + 10}"
    )
    description = "".join(f"<p>{paragraph}</p>" for paragraph in family.description)
    description += (
        "<p>Les documents de la consultation sont téléchargeables gratuitement sur la plateforme. Les questions "
        "sont posées en ligne jusqu'à la date limite indiquée ; les réponses sont publiées à tous les candidats.</p>"
    )
    lots = []
    if family.lots and rng.random() < family.lot_chance:
        count = len(family.lots) if family.lot_chance >= 1 else rng.randint(2, len(family.lots))
        chosen = family.lots[:count]
        total_share = sum(lot.share for lot in chosen)
        for position, lot in enumerate(chosen, start=1):
            value = _round_value(float(estimated) * lot.share / total_share)
            lots.append((position, lot.title, lot.cpv, value, lot.description))
    plan = Plan(
        number=number,
        slug=notice_slug(family.key, body.key, number),
        body_key=body.key,
        family=family,
        status=status,
        title=title,
        reference=f"{year}-{family.code}-{number:03d}",
        fields={
            "description": description,
            "nature": family.nature,
            "procedure": procedure,
            "main_cpv": family.cpv,
            "additional_cpv": " ".join(rng.sample(family.additional_cpv, k=min(2, len(family.additional_cpv)))),
            # Mostly the body's own département; regional and departmental bodies work all over Brittany.
            "department": rng.choice(("22", "29", "35", "56"))
            if body.kind in ("region", "state_service") or rng.random() < 0.08
            else body.department,
            "estimated_value": estimated,
            "hide_estimated_value": rng.random() < 0.15,
            "questions_deadline": questions,
            "bids_deadline": bids,
            "opening_date": opening if rng.random() < 0.7 else None,
            "contact_name": "Service de la commande publique",
            "contact_email": f"commande.publique@{body.key}.{DEMO_DOMAIN}",
            "contact_phone": phone,
            "award_criteria": rng.choice(family.criteria),
            "reserved": rng.random() < family.reserved,
            "environmental_clause": rng.random() < family.environmental,
            "social_clause": rng.random() < family.social,
        },
        lots=lots,
        published_at=published_at,
        documents=rng.random() < 0.9,
        story=story,
        rng=rng,
    )
    if story is not None:
        plan.documents = True
        if story.amended is not None:
            plan.extended_from = bids - 7 * day
            plan.replaced_document = True
            plan.amended_at = _days_ago(now, story.amended, 11)
        return plan
    # A deadline extended by an amendment, on notices still open or already past it.
    if status in (Status.PUBLISHED, Status.QUESTIONS_CLOSED, Status.BIDS_CLOSED) and rng.random() < 0.2:
        plan.extended_from = bids - rng.choice((7, 8, 10)) * day
        if plan.extended_from <= (published_at or now) + 3 * day:
            plan.extended_from = None
    plan.replaced_document = plan.documents and status != Status.DRAFT and rng.random() < 0.15
    return plan


def _drawn_dates(rng: random.Random, status: str, now: datetime.datetime) -> tuple:
    """Publication, questions and bids deadlines of a drawn notice, working back from its status now."""
    day = datetime.timedelta(days=1)
    if status == Status.DRAFT:
        published_at = None
        questions = now + rng.randint(20, 30) * day
    elif status == Status.PUBLISHED:
        published_at = now - rng.randint(1, 15) * day
        questions = now + rng.randint(4, 20) * day
    elif status == Status.QUESTIONS_CLOSED:
        published_at = now - rng.randint(20, 32) * day
        questions = now - rng.randint(1, 4) * day
    elif status == Status.BIDS_CLOSED:
        published_at = now - rng.randint(35, 50) * day
        questions = now - rng.randint(12, 18) * day
    elif status == Status.OPENED:
        published_at = now - rng.randint(40, 60) * day
        questions = now - rng.randint(20, 28) * day
    else:  # decided or cancelled: months ago
        published_at = now - rng.randint(60, 240) * day
        questions = published_at + rng.randint(20, 30) * day
    bids = questions + rng.randint(6, 12) * day
    if status == Status.QUESTIONS_CLOSED:
        bids = now + rng.randint(2, 9) * day
    if status == Status.BIDS_CLOSED:
        bids = min(bids, now - day)  # past at noon too, whatever the hour of the seed
    if status == Status.CANCELLED:
        # Cancelled while open, a few weeks after publication.
        questions = published_at + rng.randint(25, 35) * day
        bids = questions + 8 * day
    return published_at, questions, bids


# --- documents --------------------------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines` (Helvetica, WinAnsi encoding): small, but opens in any reader."""
    stream = ["BT", "/F1 11 Tf", "14 TL", "56 790 Td"]
    for line in lines:
        stream.append(f"({_pdf_text(line)}) Tj T*")
    stream.append("ET")
    content = "\n".join(stream).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


BOILERPLATE = [
    "Le present document fait partie du dossier de consultation des entreprises (DCE).",
    "Il est mis a disposition gratuitement sur la plateforme Marches & Partage.",
    "Les candidats sont invites a le lire en entier avant de remettre leur offre.",
    "",
    "Article 1 - Objet de la consultation",
    "La consultation porte sur les prestations decrites dans l'avis d'appel public a la concurrence.",
    "Article 2 - Conditions de la consultation",
    "Duree du marche, forme des prix, modalites de reglement : voir le CCAP.",
    "Article 3 - Presentation des candidatures et des offres",
    "Les pieces demandees sont celles des articles R. 2143-3 et R. 2143-4 du code de la commande publique.",
    "Article 4 - Jugement des offres",
    "Les offres sont jugees selon les criteres ponderes indiques dans l'avis.",
    "Article 5 - Renseignements complementaires",
    "Les questions sont posees sur la plateforme ; les reponses sont publiees a tous les candidats.",
]


def _document_file(notice: NoticePage, title: str, filename: str, version: int, buyer_name: str) -> ContentFile:
    lines = [
        buyer_name,
        f"{notice.reference} - {notice.title}"[:95],
        "",
        f"{title} (version {version})",
        "",
        *BOILERPLATE,
    ]
    return ContentFile(minimal_pdf(lines), name=filename)


def _document_list(plan: Plan) -> list[tuple[int | None, str, str]]:
    """(lot number or None, title, file name) of the notice's DCE."""
    documents = [
        (None, "Règlement de la consultation", "RC.pdf"),
        (None, "Cahier des clauses administratives particulières (CCAP)", "CCAP.pdf"),
        (None, "Acte d'engagement", "AE.pdf"),
    ]
    per_lot = {"CCTP", "DPGF", "BPU"} if plan.lots else set()
    for title in plan.family.documents:
        if title in per_lot:
            continue
        documents.append((None, title, f"{slugify(title)[:40]}.pdf"))
    for number, lot_title, _cpv, _value, _description in plan.lots:
        for kind in sorted(per_lot & set(plan.family.documents)):
            documents.append((number, f"{kind} – lot {number} : {lot_title}", f"{kind}-lot-{number:02d}.pdf"))
    return documents


# --- writing ------------------------------------------------------------------------------------------


def _people() -> dict[str, User]:
    return {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}


def _buyer_user(people: dict[str, User], body_key: str) -> User | None:
    return people.get(f"acheteur.{body_key}") or people.get(f"admin.{body_key}")


def _company_users(people: dict[str, User], company_keys) -> list[User]:
    users = []
    for key in company_keys:
        users += [people[local] for local in (f"gerant.{key}", f"commercial.{key}") if local in people]
    return users


def _date_events(keys, moment: datetime.datetime) -> None:
    """The notifications of these events (`notify(event_key=...)`) arrived at `moment`."""
    Notification.objects.filter(event_key__in=list(keys)).update(created_at=moment)


def _create_notice(plan: Plan, index: NoticeIndexPage, buyer: Organization, user: User, ctx: dict) -> NoticePage:
    """The notice with its DCE, published (backdated) unless it is a draft; alerts go out at publication."""
    fields = dict(plan.fields)
    if plan.extended_from:
        fields["bids_deadline"] = plan.extended_from
    notice = NoticePage(
        title=plan.title, slug=plan.slug, buyer=buyer, reference=plan.reference, live=False, owner=user, **fields
    )
    for number, title, cpv, value, description in plan.lots:
        notice.lots.add(Lot(number=number, title=title, cpv=cpv, estimated_value=value, description=description))
    ensure_buyer_section(buyer, index).add_child(instance=notice)
    # The DCE is put together before publication (no amendment needed then).
    if plan.documents:
        for lot_number, title, filename in _document_list(plan):
            upload = _document_file(notice, title, filename, 1, buyer.name)
            do_add_document(notice, title=title, lot_number=lot_number, upload=upload, actor=user)
    revision = notice.save_revision(user=user)
    if plan.status == Status.DRAFT:
        return notice
    revision.publish(user=user, skip_permission_checks=True)
    notice.refresh_from_db()
    published_at = plan.published_at
    Page.objects.filter(pk=notice.pk).update(
        first_published_at=published_at, last_published_at=published_at, latest_revision_created_at=published_at
    )
    notice.first_published_at = published_at
    # The only notifications so far are the alerts sent at the first publication.
    Notification.objects.filter(target_type=ctx["notice_type"], target_id=str(notice.pk)).update(
        created_at=published_at
    )
    return notice


def _amend(plan: Plan, notice: NoticePage, user: User, ctx: dict) -> None:
    """The extension of the bids deadline and the replaced document, told to who downloaded or follows."""
    rng = plan.rng
    buyer = notice.buyer
    amendment_ids = []
    if plan.extended_from:
        # The buyer extends the deadline: a new revision, published; publication records the amendment.
        before = Amendment.objects.filter(notice=notice).count()
        final_deadline = plan.fields["bids_deadline"]
        notice.bids_deadline = final_deadline
        notice.amendment_reason = rng.choice(exchanges.DEADLINE_EXTENSIONS)
        notice.save_revision(user=user).publish(user=user, skip_permission_checks=True)
        notice.refresh_from_db()
        if Amendment.objects.filter(notice=notice).count() == before:
            do_record_amendment(
                notice,
                reason=notice.amendment_reason,
                changes=[{"field": "bids_deadline", "label": "Date limite de remise des offres", "before": "",
                          "after": timezone.localtime(final_deadline).strftime("%d/%m/%Y %H:%M")}],
                actor=user,
            )  # fmt: skip
        amendment_ids += list(Amendment.objects.filter(notice=notice).values_list("pk", flat=True))
    if plan.replaced_document:
        documents = list(ConsultationDocument.objects.filter(notice=notice, current__isnull=False).order_by("pk"))
        if documents:
            document = rng.choice([d for d in documents if d.lot_number is None][1:] or documents)
            upload = _document_file(notice, document.title, document.current.filename, 2, buyer.name)
            do_replace_document(document, upload=upload, actor=user, reason=rng.choice(exchanges.DOCUMENT_REPLACEMENTS))
            amendment_ids += list(
                Amendment.objects.filter(notice=notice).exclude(pk__in=amendment_ids).values_list("pk", flat=True)
            )
    if not amendment_ids:
        return
    # A story's amendments come when it says; the others a week after publication, before the first deadlines.
    moment = plan.amended_at or _before_now(
        plan.published_at, datetime.timedelta(days=rng.randint(3, 7), hours=rng.randint(0, 5)), ctx["now"]
    )
    # The same morning, a quarter of an hour apart, in their order.
    for position, pk in enumerate(sorted(amendment_ids)):
        when = min(moment + position * datetime.timedelta(minutes=15), ctx["now"])
        Amendment.objects.filter(pk=pk).update(created_at=when)
        _date_events([event_key_for(AMENDMENT_VERB, pk)], when)
    if plan.replaced_document:
        notice_documents = ConsultationDocument.objects.filter(notice=notice).values("pk")
        DocumentVersion.objects.filter(document__in=notice_documents, number=2).update(
            uploaded_at=Amendment.objects.filter(notice=notice).aggregate(last=Max("created_at"))["last"]
        )


def _before_now(start: datetime.datetime, delay: datetime.timedelta, now: datetime.datetime) -> datetime.datetime:
    """`delay` after `start`, or, if that is still to come, some time between `start` and `now`: drawn
    events of the last days are spread over them rather than all happening at the moment of seeding."""
    if start + delay < now:
        return start + delay
    return start + (now - start) * 0.8


def _open_until(notice: NoticePage, now: datetime.datetime) -> datetime.datetime:
    return min(now, notice.bids_deadline)


def _add_audience(plan: Plan, notice: NoticePage, ctx: dict) -> list[User]:
    """Downloads of the DCE (identified by the companies that care, anonymous by others) and followers;
    returns the interested company people, who then ask the questions."""
    rng = plan.rng
    story = plan.story
    published_at = plan.published_at
    span = max((_open_until(notice, ctx["now"]) - published_at).total_seconds(), 3600)

    def moment(start=0.0, end=1.0):
        return published_at + datetime.timedelta(seconds=span * rng.uniform(start, end))

    if story is not None:
        interested = _company_users(ctx["people"], story.companies)
        identified = interested
        anonymous = story.anonymous_downloads
        # In the first days: before any amendment, which then reaches them.
        first_days = min(span, 2 * 86400) / span
        identified_moments = [moment(0, first_days) for _person in identified]
    else:
        candidates = _company_users(ctx["people"], plan.family.suppliers)
        others = ctx["company_users"]
        interested = list(dict.fromkeys(candidates + rng.sample(others, k=min(3, len(others)))))
        identified = interested[: rng.randint(1, max(1, len(interested)))]
        anonymous = rng.randint(0, 8)
        identified_moments = [moment(0, 0.7) for _person in identified]
    versions = list(
        ConsultationDocument.objects.filter(notice=notice, current__isnull=False).values_list("current", flat=True)
    )
    if versions:
        current = list(DocumentVersion.objects.filter(pk__in=versions))
        dated = []
        for person, when in zip(identified, identified_moments, strict=True):
            download = do_record_download(
                notice, versions=current, kind=Download.Kind.ZIP, user=person, identified=True
            )
            dated.append((download.pk, when))
        for _ in range(anonymous):
            kind = rng.choice((Download.Kind.ZIP, Download.Kind.FILE))
            chosen = current if kind == Download.Kind.ZIP else [rng.choice(current)]
            download = do_record_download(notice, versions=chosen, kind=kind, user=None, identified=False)
            dated.append((download.pk, moment()))
        for pk, when in dated:
            Download.objects.filter(pk=pk).update(downloaded_at=when)

    # Followers: the story's companies all follow; elsewhere a few (before any outcome is known).
    followers = [person for person in interested if story is not None or rng.random() < 0.35]
    for person in followers:
        do_follow(person, notice)
    if followers:
        Follow.objects.filter(notice=notice).update(created_at=moment(0, 0.1))
    return interested


def _question_plan(plan: Plan, notice: NoticePage, ctx: dict) -> list[tuple]:
    """(question, answer or None, asked at, answered at or None) of the notice, oldest first."""
    rng = plan.rng
    now = ctx["now"]
    story = plan.story
    published_at = plan.published_at
    pool = list(plan.family.questions) + list(rng.sample(exchanges.GENERIC_QUESTIONS, k=2))
    planned = []
    if story is not None:
        for (body, answer), days in zip(rng.sample(pool, k=len(story.answers)), story.answers, strict=True):
            answered_at = _days_ago(now, days, rng.choice((10, 11, 15, 16)))
            asked_at = answered_at - datetime.timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 5))
            planned.append((body, answer, max(asked_at, published_at + datetime.timedelta(hours=2)), answered_at))
        for days in story.pending:
            asked_at = _days_ago(now, days, rng.choice((9, 14, 17)))
            planned.append((rng.choice(exchanges.PENDING_QUESTIONS), None, asked_at, None))
        return sorted(planned, key=lambda question: question[2])
    if rng.random() >= 0.55:
        return []
    count = rng.randint(1, min(4, len(pool)))
    still_open = notice.status_at(now) == Status.PUBLISHED
    for position, (body, answer) in enumerate(rng.sample(pool, k=count)):
        pending = still_open and position == count - 1 and rng.random() < 0.5
        asked_at = published_at + (min(now, notice.questions_deadline) - published_at) * rng.uniform(0.1, 0.8)
        if pending:
            planned.append((rng.choice(exchanges.PENDING_QUESTIONS), None, asked_at, None))
            continue
        answered_at = _before_now(asked_at, datetime.timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 6)), now)
        planned.append((body, answer, asked_at, answered_at))
    return planned


def _add_questions(plan: Plan, notice: NoticePage, user: User, interested: list[User], ctx: dict) -> None:
    """Questions asked by the interested companies, answered by the buyer (some still waiting)."""
    rng = plan.rng
    still_open = notice.status_at(ctx["now"]) == Status.PUBLISHED
    for body, answer, asked_at, answered_at in _question_plan(plan, notice, ctx):
        asker = rng.choice(interested)
        if still_open:
            question = do_ask_question(asker, notice, body)
            _date_events([event_key_for(QUESTION_VERB, question.pk)], asked_at)
        else:
            # The action refuses questions after their deadline: the past ones are written directly.
            question = Question.objects.create(
                notice=notice,
                asked_by=asker,
                organization=ctx["company_of"].get(asker.pk),
                body=body,
                body_html=render_markdown(body),
                asked_at=asked_at,
            )
        if answer is not None:
            do_answer_question(user, question, answer)
            _date_events([event_key_for(ANSWER_VERB, question.pk)], answered_at)
        Question.objects.filter(pk=question.pk).update(asked_at=asked_at, answered_at=answered_at)


def _announce_past_deadlines(notice: NoticePage, now: datetime.datetime) -> None:
    """What the worker announced when the deadlines passed (questions, then bids closed), dated then: the
    worker's next run finds `notified_status` up to date and has nothing more to say about them."""
    for deadline, verbs in (
        (notice.questions_deadline, (QUESTIONS_CLOSED_VERB,)),
        (notice.bids_deadline, (BIDS_CLOSED_VERB, BIDS_TO_OPEN_VERB)),
    ):
        if deadline > now:
            break
        status = announce_transition(notice, deadline)
        if status is None:
            continue
        notice.notified_status = status
        _date_events((transition_event_key(notice, verb) for verb in verbs), deadline)


def _decide(plan: Plan, notice: NoticePage, user: User, ctx: dict) -> None:
    """Opening, award, unsuccessful procedure or cancellation, then their dates moved to when they happened."""
    rng = plan.rng
    story = plan.story
    now = ctx["now"]
    day = datetime.timedelta(days=1)
    decided_on = _days_ago(now, story.decided, 16) if story and story.decided is not None else None
    if plan.status == Status.CANCELLED:
        do_cancel(user, notice, reason=rng.choice(exchanges.CANCELLATION_REASONS))
        cancelled_at = decided_on or min(plan.published_at + rng.randint(8, 20) * day, now)
        NoticePage.objects.filter(pk=notice.pk).update(cancelled_at=cancelled_at)
        _date_events([outcome_event_key(notice, "cancelled")], cancelled_at)
        return
    if plan.status not in (Status.OPENED, Status.AWARDED, Status.UNSUCCESSFUL):
        return
    if plan.status == Status.UNSUCCESSFUL and story is None and rng.random() < 0.5:
        # No bid at all: declared unsuccessful without opening.
        do_declare_unsuccessful(user, notice, reason=exchanges.UNSUCCESSFUL_REASONS[0])
        outcome_at = min(notice.bids_deadline + 3 * day, now)
        NoticePage.objects.filter(pk=notice.pk).update(outcome_at=outcome_at)
        _date_events([outcome_event_key(notice, "unsuccessful")], outcome_at)
        return
    do_open_bids(user, notice)
    opened_at = min(notice.opening_date or notice.bids_deadline + day, now)
    NoticePage.objects.filter(pk=notice.pk).update(opened_at=opened_at)
    notice.refresh_from_db()
    decided_at = decided_on or _before_now(opened_at, rng.randint(15, 45) * day, now)
    if plan.status == Status.AWARDED:
        winner = (story and story.winner) or rng.choice(plan.family.suppliers or ctx["company_keys"])
        company = ctx["companies"][winner]
        base = notice.estimated_value or Decimal(100_000)
        value = (base * Decimal(rng.uniform(0.82, 1.04))).quantize(Decimal("0.01"))
        do_award(user, notice, supplier_name=company.name, supplier_siret=company.siret, value=value)
        NoticePage.objects.filter(pk=notice.pk).update(outcome_at=decided_at)
        _date_events([outcome_event_key(notice, "awarded")], decided_at)
    elif plan.status == Status.UNSUCCESSFUL:
        do_declare_unsuccessful(user, notice, reason=rng.choice(exchanges.UNSUCCESSFUL_REASONS[1:]))
        NoticePage.objects.filter(pk=notice.pk).update(outcome_at=decided_at)
        _date_events([outcome_event_key(notice, "unsuccessful")], decided_at)


def _settle_notifications(notices: list[NoticePage], now: datetime.datetime) -> None:
    """The seeded history as its people would have it: each notification about the seeded `notices`
    e-mailed when it arrived (the worker sends none of them) and read, except the news of the last days
    (`LAST_READ`) about the README's stories, what a demo visitor opens first; of those, the same message
    twice (two answers on one notice) is unread once, the newest. However many notices are drawn, the
    README's accounts find the same."""
    seeded = Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(NoticePage), target_id__in=[str(n.pk) for n in notices]
    )
    seeded.update(emailed_at=F("created_at"))
    stories = [str(n.pk) for n in notices if n.slug in STORY_SLUGS]
    news = seeded.filter(created_at__gte=now - LAST_READ, target_id__in=stories).order_by(
        "recipient_id", "-created_at", "-pk"
    )
    seen, unread = set(), []
    for pk, recipient_id, message in news.values_list("pk", "recipient_id", "message"):
        if (recipient_id, message) not in seen:
            unread.append(pk)
        seen.add((recipient_id, message))
    seeded.exclude(pk__in=unread).update(read_at=Least(F("created_at") + READING_DELAY, Value(now)))


def _ensure_cpv_codes() -> None:
    if not CPVCode.objects.exists() and cpv_path().exists():
        load_cpv(cpv_path())


def demo_context(now: datetime.datetime) -> dict | None:
    """What writing demo notices needs: the notice index, the demo bodies and companies (by key), the demo
    people (by e-mail local part)... None before seed_demo made the home page and the people."""
    home = HomePage.objects.order_by("path").first()
    people = _people()
    if home is None or not people:
        return None
    _ensure_cpv_codes()
    sirets = {d.key: make_siret(d.code) for d in BODIES + COMPANIES}
    organizations = {o.siret: o for o in Organization.objects.filter(siret__in=sirets.values())}
    bodies = {key: organizations.get(siret) for key, siret in sirets.items()}
    companies = {d.key: bodies[d.key] for d in COMPANIES if bodies.get(d.key)}
    return {
        "now": now,
        "index": ensure_notice_index(home),
        "bodies": bodies,
        "people": people,
        "companies": companies,
        "company_keys": sorted(companies),
        "company_users": _company_users(people, sorted(companies)),
        "company_of": {
            m.user_id: m.organization
            for m in Membership.objects.filter(organization__in=companies.values()).select_related("organization")
        },
        "notice_type": ContentType.objects.get_for_model(NoticePage),
    }


def seed_notices(count: int | None = None, scale: int = 1, now: datetime.datetime | None = None) -> dict:
    """Add the demo notices numbered 1..count (default `scale` × 220) that are missing; returns counts."""
    count = count if count is not None else settings.PROCUREMENT_DEMO_NOTICES * max(1, scale)
    now = now or timezone.now()
    ctx = demo_context(now)
    if ctx is None:
        return {"notices": 0, "saved_searches": 0}
    index, bodies, people = ctx["index"], ctx["bodies"], ctx["people"]
    existing = set(NoticePage.objects.descendant_of(index).values_list("slug", flat=True))
    created = []
    # Messages are stored as written: in the site's language, as the actions and the worker write them.
    with translation.override(settings.LANGUAGE_CODE):
        # The companies' alerts exist before the notices, so that their publication matches them.
        saved_searches = _ensure_saved_searches(people, now)
        # Wagtail re-indexes the references of every saved object (documents, questions, downloads...): a
        # task per row, which would double the seeding time. Only the notices themselves are indexed, at the end.
        with disable_reference_index_auto_update():
            for number in range(1, count + 1):
                plan = plan_notice(number, now)
                buyer = bodies.get(plan.body_key)
                user = _buyer_user(people, plan.body_key)
                if plan.slug in existing or buyer is None or user is None:
                    continue
                with transaction.atomic():
                    notice = _create_notice(plan, index, buyer, user, ctx)
                    if plan.status != Status.DRAFT:
                        _tell_the_story(plan, notice, user, ctx)
                created.append(notice)
        _settle_notifications(created, now)
    for notice in created:
        ReferenceIndex.create_or_update_for_object(notice)
    return {"notices": len(created), "saved_searches": saved_searches}


def _tell_the_story(plan: Plan, notice: NoticePage, user: User, ctx: dict) -> None:
    """After publication, in the order it happened: downloads and followers, amendments, questions,
    the deadlines passing, the outcome."""
    now = ctx["now"]
    notice.refresh_from_db()
    interested = []
    if plan.documents or plan.status in (Status.PUBLISHED, Status.QUESTIONS_CLOSED):
        interested = _add_audience(plan, notice, ctx)
    _amend(plan, notice, user, ctx)
    if interested:
        _add_questions(plan, notice, user, interested, ctx)
    if plan.status != Status.CANCELLED:  # cancelled before its deadlines: nothing closed
        _announce_past_deadlines(notice, now)
    _decide(plan, notice, user, ctx)


def _ensure_saved_searches(people: dict[str, User], now: datetime.datetime) -> int:
    created = []
    existing = set(SavedSearch.objects.values_list("user_id", "name"))
    for local, name, query in exchanges.SAVED_SEARCHES:
        user = people.get(local)
        if user is None or (user.pk, name) in existing:
            continue
        created.append(do_save_search(user, name=name, query=query).pk)
    # Saved long ago: before the oldest demo notice was published.
    SavedSearch.objects.filter(pk__in=created).update(created_at=now - datetime.timedelta(days=365))
    return len(created)


def demo_notices(count: int | None = None, scale: int = 1):
    """The demo notices planned for `count` (default `scale` × 220), as a queryset (drafts included)."""
    count = count if count is not None else settings.PROCUREMENT_DEMO_NOTICES * max(1, scale)
    now = timezone.now()
    slugs = [plan_notice(number, now).slug for number in range(1, count + 1)]
    return NoticePage.objects.filter(slug__in=slugs).order_by("path")


def seed_and_get_notices(count: int | None = None, scale: int = 1) -> list[NoticePage]:
    """Seed the demo notices (idempotent) and return them all, drafts included: for tests that check them
    (OCDS validation...). Needs the demo organizations and people (`seed_demo`)."""
    seed_notices(count=count, scale=scale)
    return list(demo_notices(count=count, scale=scale))


def seed_procurement(command, scale: int = 1) -> None:
    """The `register_demo_content` hook (registered in procurement/wagtail_hooks_demo.py)."""
    started = timezone.now()
    result = seed_notices(scale=scale)
    practice = ensure_practice()  # the permanent practice consultation (procurement.practice)
    seconds = (timezone.now() - started).total_seconds()
    command.stdout.write(
        f"Calls for tender: {result['notices']} notices and {result['saved_searches']} saved searches added "
        f"({seconds:.1f} s)."
    )
    if practice is not None:
        command.stdout.write(f"Practice consultation: {practice.url}")
    from procurement.demo_bids import seed_bids_summary  # it builds on this module

    for line in seed_bids_summary():
        command.stdout.write(line)
    from procurement.demo_groups import COORDINATOR, seed_groups  # it builds on this module

    groups = seed_groups(command, scale)
    command.stdout.write(
        f"Group purchases: {groups['groups']} added ({groups['members']} member bodies, {groups['declarations']} "
        f"declarations of needs); coordinator: admin.{COORDINATOR}@{DEMO_DOMAIN}."
    )
