"""Demo bids: two past calls for tender whose sealed bids were opened and awarded lot by lot, and one whose
deadline is tomorrow with sealed bids nobody can read yet. The practice consultation is left as it is.

The notices are told as the other demo notices (`procurement.demo`): same writing, same backdated history, each
found again by its slug, so a second run adds nothing. Their bids are made without HTTP: each file a small PDF
(a "mémoire technique", a "bordereau de prix"...) sealed with the notice's key as the upload sink seals it, then
confirmed. For the notice due tomorrow, with the real `confirm`, now. For the past ones, whose deadline has passed,
`confirm` rightly refuses: their bids are confirmed with the same building blocks (receipt, digest, register
entry, bid log) at a time before the deadline (`_confirm_at`), so receipts and the register chain verify as real
ones. Then the buyer opens the bids (`do_open_bids`, dated back), the files are decrypted and checked against the
receipts (`verify_opened_bids`), and the lots are decided (`decide_lot`, dated back).

Sealed bids need the platform master key (`manage.py create_master_key`, run by `make seed` first): without it,
this part of the demo is skipped with a warning.
"""

import datetime
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from procurement import sealing
from procurement.actions import awards
from procurement.actions import bids as bid_actions
from procurement.actions.lifecycle import do_open_bids, outcome_event_key
from procurement.demo import (
    SEED,
    Story,
    _buyer_user,
    _create_notice,
    _date_events,
    _round_value,
    _settle_notifications,
    _tell_the_story,
    demo_context,
    minimal_pdf,
    plan_notice,
)
from procurement.models import NoticePage, Status
from procurement.models_bids import Bid, BidFile, BidLog, BidStatus, LotAward, RegisterKind
from procurement.tasks import verify_opened_bids

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Offer:
    """One confirmed bid: the company, the lots it answers and its price on each as a share of the lot's
    estimate, confirmed `before` the deadline. `replaced` bids are confirmed first, then replaced by the next
    offer of the same company."""

    company: str
    lots: tuple[int, ...]
    prices: tuple[float, ...]
    before: datetime.timedelta
    replaced: bool = False


@dataclass(frozen=True)
class BidStory:
    number: int  # the plan's number: its reference and drawn details; its slug is its own
    story: Story
    lots: int  # how many of the family's lots (0: none)
    offers: tuple[Offer, ...]
    # (lot, company awarded or "" for unsuccessful, days after the opening); the lots not listed stay undecided.
    decisions: tuple[tuple[int, str, int], ...] = ()


H = datetime.timedelta(hours=1)

BID_STORIES = (
    # Awarded lot by lot: every lot decided, one of them unsuccessful.
    BidStory(
        901,
        Story("rennes", "informatique", Status.BIDS_CLOSED,
              "Renouvellement des postes de travail des services municipaux", (-80, -50, -40),
              ("kerne-informatique", "oceane-numerique", "bureautique-ouest")),
        lots=3,
        offers=(
            Offer("kerne-informatique", (1, 2), (0.97, 1.02), 6 * DAY + 2 * H, replaced=True),
            Offer("oceane-numerique", (1, 3), (0.93, 1.31), 2 * DAY + 5 * H),
            Offer("bureautique-ouest", (2,), (0.89,), DAY + 3 * H),
            Offer("kerne-informatique", (1, 2), (0.91, 0.98), 20 * H),
        ),
        decisions=((1, "kerne-informatique", 18), (2, "bureautique-ouest", 18), (3, "", 19)),
    ),
    # Opened, two lots decided, the third still to be decided by the buyer.
    BidStory(
        902,
        Story("finistere", "batiment", Status.BIDS_CLOSED,
              "Réhabilitation du centre d'exploitation routier de Châteaulin", (-60, -32, -22),
              ("iroise-construction", "le-goff-maconnerie", "electricite-morvan", "le-roux-chauffage")),
        lots=3,
        offers=(
            Offer("le-goff-maconnerie", (1,), (0.94,), 3 * DAY + 4 * H),
            Offer("iroise-construction", (1, 2), (0.99, 0.92), 2 * DAY + 7 * H),
            Offer("electricite-morvan", (3,), (1.04,), DAY + 6 * H),
            Offer("le-roux-chauffage", (3,), (0.96,), 3 * H),
        ),
        decisions=((1, "le-goff-maconnerie", 12), (2, "iroise-construction", 12)),
    ),
    # Due tomorrow: sealed bids confirmed now, no lots.
    BidStory(
        903,
        Story("rennes", "nettoyage", Status.QUESTIONS_CLOSED,
              "Nettoyage des vitres et des surfaces vitrées des bâtiments municipaux", (-21, -3, 1),
              ("breizh-proprete", "armor-nettoyage"), answers=(8,)),
        lots=0,
        offers=(
            Offer("breizh-proprete", (0,), (0.95,), DAY),
            Offer("armor-nettoyage", (0,), (0.99,), DAY),
        ),
    ),
)  # fmt: skip


def bid_slug(bid_story: BidStory) -> str:
    story = bid_story.story
    return slugify(f"{story.family_key}-{story.body_key}-offres-{bid_story.number}")


def master_key_missing() -> str:
    """Why bids cannot be sealed here ("" when they can)."""
    try:
        current, _previous = sealing.configured_master_keys()
    except sealing.MasterKeyError as error:
        return str(error)
    if current is None:
        return "no master key is configured (manage.py create_master_key)"
    return ""


# --- files -----------------------------------------------------------------------------------------------------


def _euros(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{' '.join(groups)},{cents} EUR"


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.7 showing `lines` (the demo's minimal PDF, declared 1.7 as office suites write them)."""
    return minimal_pdf(lines).replace(b"%PDF-1.4", b"%PDF-1.7", 1)


def _files_of(notice: NoticePage, company, lots: dict, offer: Offer, amounts: dict) -> list[tuple]:
    """(lot, part, file name, bytes) of a bid: the application with its first lot, then per lot a technical
    report and a price schedule."""
    head = [company.name, f"SIRET {company.siret}", f"{notice.reference} - {notice.title}"[:95], ""]
    files = [
        (
            offer.lots[0],
            BidFile.Kind.APPLICATION,
            "DC1-DC2-candidature.pdf",
            demo_pdf(
                [*head, "Lettre de candidature (DC1) et declaration du candidat (DC2)", "",
                 "Le candidat se presente seul.", "Attestations fiscales et sociales a jour jointes.",
                 "Chiffre d'affaires des trois derniers exercices et references similaires en annexe.",
                 "Le candidat declare sur l'honneur n'entrer dans aucun cas d'exclusion."]
            ),
        )
    ]  # fmt: skip
    for number in offer.lots:
        suffix = f"-lot-{number:02d}" if number else ""
        lot_line = f"Lot {number} : {lots[number]}" if number else "Marche sans lot"
        amount = amounts[number]
        files.append(
            (
                number,
                BidFile.Kind.OFFER,
                f"Memoire-technique{suffix}.pdf",
                demo_pdf(
                    [*head, lot_line, "", "Memoire technique", "",
                     "1. Comprehension du besoin et organisation proposee",
                     "2. Moyens humains : une equipe dediee, un interlocuteur unique joignable en semaine.",
                     "3. Moyens materiels et demarche environnementale (produits eco-labellises, tri des dechets).",
                     "4. Planning d'execution et modalites de suivi (reunion de lancement, bilans trimestriels).",
                     "5. References de prestations comparables en Bretagne."]
                ),
            )
        )  # fmt: skip
        files.append(
            (
                number,
                BidFile.Kind.OFFER,
                f"Bordereau-de-prix{suffix}.pdf",
                demo_pdf(
                    [*head, lot_line, "", "Bordereau des prix / decomposition du prix global", "",
                     f"Montant total : {_euros(amount)} HT",
                     f"TVA 20 % : {_euros((amount * Decimal('0.2')).quantize(Decimal('0.01')))}",
                     f"Montant total : {_euros((amount * Decimal('1.2')).quantize(Decimal('0.01')))} TTC",
                     "Prix fermes et actualisables selon le CCAP."]
                ),
            )
        )  # fmt: skip
    return files


def _add_files(bid: Bid, files: list[tuple], at) -> None:
    """Each file sealed with the notice's key, as the upload sink does, and its `BidFile` dated `at`."""
    notice_key = sealing.notice_key_for(bid.notice)
    for position, (lot, part, name, data) in enumerate(files):
        storage_name = f"bids/{bid.notice_id}/demo-{uuid.uuid4().hex}.sealed"
        state = sealing.SealedWriter(sealing.SealedWriter.start(storage_name, notice_key)).append(data, final=True)
        sha256, sealed = sealing.finish_hash(state)
        received = at + position * datetime.timedelta(minutes=2)
        BidFile.objects.create(
            bid=bid,
            lot_number=lot,
            kind=part,
            name=name,
            content_type="application/pdf",
            size=len(data),
            sha256=sha256,
            sealed=sealed,
            created_at=received,
            upload_started_at=received - datetime.timedelta(seconds=20),
        )
        bid_actions.log(
            bid.notice_id,
            bid.company_id,
            BidLog.Kind.FILE_ADDED,
            bid=bid,
            user=bid.submitted_by,
            at=received,
            name=name,
        )


def _confirm_at(user, bid: Bid, now) -> Bid:
    """`bid_actions._confirm` at `now`, a time before the (passed) deadline: the same receipt, digest, replaced
    bid, register entry and bid log, as the bid would have had if confirmed then."""
    with transaction.atomic():
        notice = NoticePage.objects.select_for_update().select_related("buyer").get(pk=bid.notice_id)
        locked = Bid.objects.select_for_update().select_related("company").get(pk=bid.pk)
        files = list(locked.files.all())
        locked.notice = notice
        receipt_id = bid_actions.new_receipt_id()
        receipt = bid_actions.build_receipt(locked, files, receipt_id, now, user)
        previous = Bid.objects.filter(notice=notice, company=locked.company, status=BidStatus.SUBMITTED).first()
        if previous:
            receipt["replaces"] = previous.receipt_id
            Bid.objects.filter(pk=previous.pk).update(status=BidStatus.REPLACED, replaced_at=now)
        digest = bid_actions.receipt_digest(receipt)
        locked.status = BidStatus.SUBMITTED
        locked.confirmed_at = now
        locked.receipt_id = receipt_id
        locked.receipt = receipt
        locked.receipt_digest = digest
        locked.lots = receipt["lots"]
        locked.submitted_by = user
        locked.save()
        if previous:
            Bid.objects.filter(pk=previous.pk).update(replaced_by=locked)
            bid_actions.log(
                notice.pk,
                locked.company_id,
                BidLog.Kind.REPLACED,
                bid=previous,
                user=user,
                at=now,
                receipt=previous.receipt_id,
                by=receipt_id,
            )
        bid_actions._append_entry(notice, RegisterKind.RECEIPT, receipt_id, digest, now)
        bid_actions.log(
            notice.pk, locked.company_id, BidLog.Kind.SUBMITTED, bid=locked, user=user, at=now, receipt=receipt_id
        )
    return locked


# --- the notices ---------------------------------------------------------------------------------------------


def _plan(bid_story: BidStory, now):
    plan = plan_notice(bid_story.number, now, story=bid_story.story)
    plan.slug = bid_slug(bid_story)
    estimated = plan.fields["estimated_value"]
    chosen = plan.family.lots[: bid_story.lots]
    total_share = sum(lot.share for lot in chosen)
    plan.lots = [
        (position, lot.title, lot.cpv, _round_value(float(estimated) * lot.share / total_share), lot.description)
        for position, lot in enumerate(chosen, start=1)
    ]
    return plan


def _bidder(ctx: dict, company_key: str):
    people = ctx["people"]
    return people.get(f"commercial.{company_key}") or people.get(f"gerant.{company_key}")


def _add_bids(bid_story: BidStory, plan, notice: NoticePage, ctx: dict) -> list[Bid]:
    """The story's bids, in the order they were confirmed: backdated before a passed deadline, now otherwise."""
    rng = random.Random(f"{SEED}-offres-{bid_story.number}")  # noqa: S311 - reproducible demo data
    now = ctx["now"]
    past = notice.bids_deadline <= now
    estimates = {number: value for number, _title, _cpv, value, _description in plan.lots}
    titles = {number: title for number, title, _cpv, _value, _description in plan.lots}
    if not plan.lots:
        estimates, titles = {0: notice.estimated_value or Decimal(80_000)}, {0: ""}
    made = []
    for offer in bid_story.offers:
        company = ctx["companies"][offer.company]
        user = _bidder(ctx, offer.company)
        amounts = {
            number: (estimates[number] * Decimal(str(share))).quantize(Decimal("1")) + Decimal(rng.randint(0, 99))
            for number, share in zip(offer.lots, offer.prices, strict=True)
        }
        confirmed_at = notice.bids_deadline - offer.before - datetime.timedelta(minutes=rng.randint(0, 50))
        started = (confirmed_at if past else now) - datetime.timedelta(minutes=rng.randint(12, 40))
        bid = Bid.objects.create(notice=notice, company=company, submitted_by=user, created_at=started)
        _add_files(bid, _files_of(notice, company, titles, offer, amounts), started)
        bid = _confirm_at(user, bid, confirmed_at) if past else bid_actions.confirm(user, bid)
        bid.demo_amounts = amounts
        made.append(bid)
    return made


def _open_and_decide(bid_story: BidStory, notice: NoticePage, bids: list[Bid], user, ctx: dict) -> None:
    """The buyer opens the bids (dated the opening day), they are checked against their receipts, and the lots
    are decided (dated some days later)."""
    now = ctx["now"]
    do_open_bids(user, notice)
    opened_at = min(notice.opening_date or notice.bids_deadline + DAY, now)
    NoticePage.objects.filter(pk=notice.pk).update(opened_at=opened_at)
    BidLog.objects.filter(notice=notice, kind=BidLog.Kind.OPENED).update(at=opened_at)
    notice.refresh_from_db()
    verify_opened_bids.call(notice.pk)
    by_company = {}
    for bid in bids:  # the last bid of each company: the submitted one
        by_company[bid.company_id] = bid
    live = {key: by_company[company.pk] for key, company in ctx["companies"].items() if company.pk in by_company}
    for lot, company_key, days in bid_story.decisions:
        decided_at = min(opened_at + days * DAY + datetime.timedelta(hours=2 + lot), now)
        if company_key:
            bid = live[company_key]
            award = awards.decide_lot(user, notice, lot, bid=bid, amount=bid.demo_amounts[lot])
        else:
            reason = "Offre unique d'un montant très supérieur à l'estimation : le lot sera relancé."
            award = awards.decide_lot(user, notice, lot, unsuccessful_reason=reason)
        awards.notify_bidders(award.pk, actor=user)  # also run once committed: told once all the same
        LotAward.objects.filter(pk=award.pk).update(decided_at=decided_at)
        _date_events([awards.outcome_event_key(award)], decided_at)
        notice.refresh_from_db()
        if notice.outcome:
            NoticePage.objects.filter(pk=notice.pk).update(outcome_at=decided_at)
            _date_events([outcome_event_key(notice, notice.outcome)], decided_at)


def seed_bids(now: datetime.datetime | None = None) -> dict | None:
    """Add the notices of `BID_STORIES` that are missing, with their bids; returns counts, or None without a
    master key (nothing is added then)."""
    if master_key_missing():
        return None
    now = now or timezone.now()
    ctx = demo_context(now)
    result = {"notices": 0, "bids": 0}
    if ctx is None:
        return result
    existing = set(
        NoticePage.objects.filter(slug__in=[bid_slug(s) for s in BID_STORIES]).values_list("slug", flat=True)
    )
    created = []
    with translation.override(settings.LANGUAGE_CODE), disable_reference_index_auto_update():
        for bid_story in BID_STORIES:
            plan = _plan(bid_story, now)
            buyer = ctx["bodies"].get(plan.body_key)
            user = _buyer_user(ctx["people"], plan.body_key)
            companies = [offer.company for offer in bid_story.offers]
            if plan.slug in existing or buyer is None or user is None:
                continue
            if not all(key in ctx["companies"] and _bidder(ctx, key) for key in companies):
                continue
            with transaction.atomic():
                notice = _create_notice(plan, ctx["index"], buyer, user, ctx)
                _tell_the_story(plan, notice, user, ctx)
                notice.refresh_from_db()
                bids = _add_bids(bid_story, plan, notice, ctx)
                if notice.bids_deadline <= now:
                    _open_and_decide(bid_story, notice, bids, user, ctx)
            created.append(notice)
            result["bids"] += len(bids)
        _settle_notifications(created, now)
    for notice in created:
        ReferenceIndex.create_or_update_for_object(notice)
    result["notices"] = len(created)
    return result


def due_soon() -> list[tuple[NoticePage, int]]:
    """The demo's notices of bids still sealed (deadline to come) with how many submitted bids each holds."""
    notices = NoticePage.objects.filter(
        slug__in=[bid_slug(s) for s in BID_STORIES], bids_deadline__gt=timezone.now(), opened_at__isnull=True
    )
    return [(n, Bid.objects.filter(notice=n, status=BidStatus.SUBMITTED).count()) for n in notices]


def seed_bids_summary(now: datetime.datetime | None = None) -> list[str]:
    """Seed the bids and say what was done, for seed_demo's console: counts only, never a bidder's name."""
    missing = master_key_missing()
    if missing:
        return [f"Warning: bids not seeded: {missing}."]
    result = seed_bids(now)
    lines = [f"Bids: {result['notices']} calls for tender with {result['bids']} sealed bids added."]
    for notice, count in due_soon():
        deadline = timezone.localtime(notice.bids_deadline).strftime("%d/%m/%Y %H:%M")
        lines.append(f"Bids still sealed: {notice.reference} ({notice.url}) closes on {deadline} with {count} bids.")
    return lines
