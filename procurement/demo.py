"""Demo content of the salle des marchés: French calls for tender of the seeded member bodies, in every state.

Each notice is planned from its number alone (a seeded random generator per notice), so the same number
always gives the same slug, buyer and content: a second run finds the slugs and adds nothing, and a run with
a larger count only adds the notices after the existing ones. Dates are relative to the moment of seeding,
so each notice lands in its planned status (`Status`), whatever the day.

Writes go through `procurement.actions` (documents, publication, amendments, questions, lifecycle, downloads,
following, alerts) as a buyer or a company user would make them; the demo then moves the recorded instants
back in time with queryset updates, since an action always records "now". Two things are written directly:
questions on notices whose question period is over (the action refuses them, rightly) and the backdating.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from intranet.management.commands.seed_demo import BODIES, COMPANIES, DEMO_DOMAIN, make_siret
from intranet.models import HomePage, Membership, Organization, User
from intranet.text import render_markdown
from procurement.actions.alerts import do_save_search
from procurement.actions.amendments import do_record_amendment
from procurement.actions.documents import do_add_document, do_replace_document
from procurement.actions.downloads import do_record_download
from procurement.actions.following import do_follow
from procurement.actions.lifecycle import do_award, do_cancel, do_declare_unsuccessful, do_open_bids
from procurement.actions.questions import do_answer_question, do_ask_question
from procurement.demo_content import Family, exchanges
from procurement.demo_content.families import FAMILIES, WEIGHTS
from procurement.models import (
    Amendment,
    ConsultationDocument,
    CPVCode,
    DocumentVersion,
    Download,
    Lot,
    NoticeIndexPage,
    NoticePage,
    Question,
    SavedSearch,
    Status,
)
from procurement.reference_data import cpv_path, load_cpv
from procurement.setup import ensure_buyer_section, ensure_notice_index

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
    rng: random.Random | None = None


# --- planning ---------------------------------------------------------------------------------------


def _at_noon(moment: datetime.datetime, hour: int = 12) -> datetime.datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _round_value(value: float) -> Decimal:
    step = 1000 if value < 200_000 else 10_000
    return Decimal(int(round(value / step)) * step)


def _bodies() -> list:
    tickets = []
    for body in BODIES:
        tickets += [body] * BODY_WEIGHTS.get(body.kind, 1)
    return tickets


def plan_notice(number: int, now: datetime.datetime) -> Plan:
    """The notice number `number` (1, 2...): the same plan on every run, dates relative to `now`."""
    rng = random.Random(f"{SEED}-{number}")  # noqa: S311 - reproducible demo data, not a secret
    body = rng.choice(_bodies())
    families = [f for f in FAMILIES if not f.kinds or body.kind in f.kinds]
    family = rng.choices(families, weights=[WEIGHTS[f.key] for f in families])[0]
    status = STATUS_CYCLE[(number - 1) % len(STATUS_CYCLE)]
    day = datetime.timedelta(days=1)

    # Dates, working back from the status the notice must have now.
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
    if status == Status.CANCELLED:
        # Cancelled while open, a few weeks after publication.
        questions = published_at + rng.randint(25, 35) * day
        bids = questions + 8 * day
    if published_at is not None:
        published_at = _at_noon(published_at, rng.choice((9, 10, 11, 14, 15, 16)))
    questions, bids = _at_noon(questions), _at_noon(bids)
    opening = _at_noon(bids + rng.choice((1, 2, 3)) * day, 14)

    low, high = family.value
    estimated = _round_value(low * (high / low) ** rng.random())
    year = timezone.localtime(published_at or now).year
    title = rng.choice(family.titles).format(annee=year, annee_suivante=year + 1)
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
        slug=slugify(f"{family.key}-{body.key}-{number:04d}"),
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
        rng=rng,
    )
    # A deadline extended by an amendment, on notices still open or already past it.
    if status in (Status.PUBLISHED, Status.QUESTIONS_CLOSED, Status.BIDS_CLOSED) and rng.random() < 0.2:
        plan.extended_from = bids - rng.choice((7, 8, 10)) * day
        if plan.extended_from <= (published_at or now) + 3 * day:
            plan.extended_from = None
    plan.replaced_document = plan.documents and status != Status.DRAFT and rng.random() < 0.15
    return plan


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


def _create_notice(plan: Plan, index: NoticeIndexPage, buyer: Organization, user: User, ctx: dict) -> NoticePage:
    fields = dict(plan.fields)
    final_deadline = fields["bids_deadline"]
    if plan.extended_from:
        fields["bids_deadline"] = plan.extended_from
    notice = NoticePage(
        title=plan.title, slug=plan.slug, buyer=buyer, reference=plan.reference, live=False, owner=user, **fields
    )
    for number, title, cpv, value, description in plan.lots:
        notice.lots.add(Lot(number=number, title=title, cpv=cpv, estimated_value=value, description=description))
    ensure_buyer_section(buyer, index).add_child(instance=notice)
    # The DCE is put together before publication (no amendment needed then).
    documents = []
    if plan.documents:
        for lot_number, title, filename in _document_list(plan):
            upload = _document_file(notice, title, filename, 1, buyer.name)
            documents.append(do_add_document(notice, title=title, lot_number=lot_number, upload=upload, actor=user))
    revision = notice.save_revision(user=user)
    if plan.status == Status.DRAFT:
        return notice
    revision.publish(user=user, skip_permission_checks=True)
    notice.refresh_from_db()
    rng = plan.rng
    published_at = plan.published_at
    Page.objects.filter(pk=notice.pk).update(
        first_published_at=published_at, last_published_at=published_at, latest_revision_created_at=published_at
    )
    notice.first_published_at = published_at
    amendment_ids = []
    if plan.extended_from:
        # The buyer extends the deadline: a new revision, published; publication records the amendment.
        before = Amendment.objects.filter(notice=notice).count()
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
    if plan.replaced_document and documents:
        document = rng.choice([d for d in documents if d.lot_number is None][1:] or documents)
        upload = _document_file(notice, document.title, document.current.filename, 2, buyer.name)
        do_replace_document(document, upload=upload, actor=user, reason=rng.choice(exchanges.DOCUMENT_REPLACEMENTS))
        amendment_ids += list(
            Amendment.objects.filter(notice=notice).exclude(pk__in=amendment_ids).values_list("pk", flat=True)
        )
    if amendment_ids:
        # Made a week after publication, before the (original) deadlines.
        moment = published_at + datetime.timedelta(days=rng.randint(3, 7), hours=rng.randint(0, 5))
        Amendment.objects.filter(pk__in=amendment_ids).update(created_at=min(moment, ctx["now"]))
        if plan.replaced_document:
            notice_versions = ConsultationDocument.objects.filter(notice=notice).values("pk")
            DocumentVersion.objects.filter(document__in=notice_versions, number=2).update(
                uploaded_at=min(moment, ctx["now"])
            )
    return notice


def _add_exchanges(plan: Plan, notice: NoticePage, user: User, ctx: dict) -> None:
    """Questions and answers, downloads and followers, as the companies would have made them."""
    rng = plan.rng
    now = ctx["now"]
    people = ctx["people"]
    published_at = plan.published_at
    candidates = _company_users(people, plan.family.suppliers) or []
    others = ctx["company_users"]
    interested = list(dict.fromkeys(candidates + rng.sample(others, k=min(3, len(others)))))
    open_until = min(now, notice.bids_deadline)
    span = max((open_until - published_at).total_seconds(), 3600)

    def moment(start=0.0, end=1.0):
        return published_at + datetime.timedelta(seconds=span * rng.uniform(start, end))

    # Downloads: identified by companies that care, anonymous by others.
    versions = list(
        ConsultationDocument.objects.filter(notice=notice, current__isnull=False).values_list("current", flat=True)
    )
    if versions:
        current = list(DocumentVersion.objects.filter(pk__in=versions))
        download_ids = []
        for person in interested[: rng.randint(1, max(1, len(interested)))]:
            download = do_record_download(
                notice, versions=current, kind=Download.Kind.ZIP, user=person, identified=True
            )
            download_ids.append((download.pk, moment(0, 0.7)))
        for _ in range(rng.randint(0, 8)):
            kind = rng.choice((Download.Kind.ZIP, Download.Kind.FILE))
            chosen = current if kind == Download.Kind.ZIP else [rng.choice(current)]
            download = do_record_download(notice, versions=chosen, kind=kind, user=None, identified=False)
            download_ids.append((download.pk, moment()))
        for pk, when in download_ids:
            Download.objects.filter(pk=pk).update(downloaded_at=when)

    # Followers: a few companies follow the notice (before any outcome is known).
    for person in interested:
        if rng.random() < 0.35:
            do_follow(person, notice)

    # Questions and answers.
    if rng.random() < 0.55:
        pool = list(plan.family.questions) + list(rng.sample(exchanges.GENERIC_QUESTIONS, k=2))
        count = rng.randint(1, min(4, len(pool)))
        still_open = notice.status_at(now) == Status.PUBLISHED
        for position, (body, answer) in enumerate(rng.sample(pool, k=count)):
            asker = rng.choice(interested)
            pending = still_open and position == count - 1 and rng.random() < 0.5
            question_deadline = notice.questions_deadline
            asked_at = published_at + (min(now, question_deadline) - published_at) * rng.uniform(0.1, 0.8)
            if still_open:
                question = do_ask_question(asker, notice, body)
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
            if pending:
                question.body = rng.choice(exchanges.PENDING_QUESTIONS)
                Question.objects.filter(pk=question.pk).update(
                    body=question.body, body_html=render_markdown(question.body), asked_at=asked_at
                )
                continue
            do_answer_question(user, question, answer)
            answered_at = min(asked_at + datetime.timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 6)), now)
            Question.objects.filter(pk=question.pk).update(asked_at=asked_at, answered_at=answered_at)


def _decide(plan: Plan, notice: NoticePage, user: User, ctx: dict) -> None:
    """Opening, award, unsuccessful procedure or cancellation, then their dates moved to when they happened."""
    rng = plan.rng
    now = ctx["now"]
    day = datetime.timedelta(days=1)
    if plan.status == Status.CANCELLED:
        do_cancel(user, notice, reason=rng.choice(exchanges.CANCELLATION_REASONS))
        cancelled_at = min(plan.published_at + rng.randint(8, 20) * day, now)
        NoticePage.objects.filter(pk=notice.pk).update(cancelled_at=cancelled_at)
        return
    if plan.status not in (Status.OPENED, Status.AWARDED, Status.UNSUCCESSFUL):
        return
    if plan.status == Status.UNSUCCESSFUL and rng.random() < 0.5:
        # No bid at all: declared unsuccessful without opening.
        do_declare_unsuccessful(user, notice, reason=exchanges.UNSUCCESSFUL_REASONS[0])
        NoticePage.objects.filter(pk=notice.pk).update(outcome_at=min(notice.bids_deadline + 3 * day, now))
        return
    do_open_bids(user, notice)
    opened_at = notice.opening_date or notice.bids_deadline + day
    NoticePage.objects.filter(pk=notice.pk).update(opened_at=min(opened_at, now))
    notice.refresh_from_db()
    decided_at = min(opened_at + rng.randint(15, 45) * day, now - datetime.timedelta(hours=1))
    if plan.status == Status.AWARDED:
        winner = rng.choice(plan.family.suppliers or ctx["company_keys"])
        company = ctx["companies"][winner]
        base = notice.estimated_value or Decimal(100_000)
        value = (base * Decimal(rng.uniform(0.82, 1.04))).quantize(Decimal("0.01"))
        do_award(user, notice, supplier_name=company.name, supplier_siret=company.siret, value=value)
        NoticePage.objects.filter(pk=notice.pk).update(outcome_at=decided_at)
    elif plan.status == Status.UNSUCCESSFUL:
        do_declare_unsuccessful(user, notice, reason=rng.choice(exchanges.UNSUCCESSFUL_REASONS[1:]))
        NoticePage.objects.filter(pk=notice.pk).update(outcome_at=decided_at)


def _ensure_cpv_codes() -> None:
    if not CPVCode.objects.exists() and cpv_path().exists():
        load_cpv(cpv_path())


def seed_notices(count: int | None = None, scale: int = 1, now: datetime.datetime | None = None) -> dict:
    """Add the demo notices numbered 1..count (default `scale` × 220) that are missing; returns counts."""
    count = count if count is not None else settings.PROCUREMENT_DEMO_NOTICES * max(1, scale)
    home = HomePage.objects.order_by("path").first()
    people = _people()
    if home is None or not people:
        return {"notices": 0, "saved_searches": 0}
    _ensure_cpv_codes()
    now = now or timezone.now()
    index = ensure_notice_index(home)
    sirets = {d.key: make_siret(d.code) for d in BODIES + COMPANIES}
    organizations = {o.siret: o for o in Organization.objects.filter(siret__in=sirets.values())}
    bodies = {key: organizations.get(siret) for key, siret in sirets.items()}
    companies = {d.key: bodies[d.key] for d in COMPANIES if bodies.get(d.key)}
    existing = set(NoticePage.objects.descendant_of(index).values_list("slug", flat=True))
    ctx = {
        "now": now,
        "people": people,
        "companies": companies,
        "company_keys": sorted(companies),
        "company_users": _company_users(people, sorted(companies)),
        "company_of": {
            m.user_id: m.organization
            for m in Membership.objects.filter(organization__in=companies.values()).select_related("organization")
        },
    }
    created = []
    # Wagtail re-indexes the references of every saved object (documents, questions, downloads...): a task
    # per row, which would double the seeding time. Only the notices themselves are indexed, at the end.
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
                    notice.refresh_from_db()
                    if plan.documents or plan.status in (Status.PUBLISHED, Status.QUESTIONS_CLOSED):
                        _add_exchanges(plan, notice, user, ctx)
                    _decide(plan, notice, user, ctx)
            created.append(notice)
    for notice in created:
        ReferenceIndex.create_or_update_for_object(notice)
    return {"notices": len(created), "saved_searches": _ensure_saved_searches(people)}


def _ensure_saved_searches(people: dict[str, User]) -> int:
    created = 0
    existing = set(SavedSearch.objects.values_list("user_id", "name"))
    for local, name, query in exchanges.SAVED_SEARCHES:
        user = people.get(local)
        if user is None or (user.pk, name) in existing:
            continue
        do_save_search(user, name=name, query=query)
        created += 1
    return created


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
    seconds = (timezone.now() - started).total_seconds()
    command.stdout.write(
        f"Calls for tender: {result['notices']} notices and {result['saved_searches']} saved searches added "
        f"({seconds:.1f} s)."
    )
