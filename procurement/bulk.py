"""Many realistic live notices written in bulk, for query-count tests, benchmarks and demo data at scale."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from intranet.models import Organization
from intranet.validators import DEPARTMENTS
from procurement.models import (
    BuyerNoticesPage,
    ContractNature,
    CPVCode,
    Lot,
    NoticeIndexPage,
    NoticePage,
    Outcome,
    Procedure,
)
from procurement.setup import ensure_buyer_section

SLUG_PREFIX = "avis-genere-"
FALLBACK_CPV = ["45233140-2", "90910000-9", "30213100-6", "55523100-3", "09310000-5", "71000000-8"]
SUBJECTS = [
    "Travaux de voirie",
    "Nettoyage des locaux",
    "Fourniture de matériel informatique",
    "Restauration scolaire",
    "Fourniture d'électricité",
    "Maîtrise d'œuvre pour la rénovation",
    "Entretien des espaces verts",
    "Maintenance des ascenseurs",
    "Transport scolaire",
    "Assurance dommages aux biens",
]
PLACES = ["du centre-ville", "de l'hôpital", "du lycée", "des écoles", "de la médiathèque", "du port"]
DESCRIPTION = (
    "<p>Le présent marché a pour objet {subject}. Les prestations sont décrites dans le cahier des clauses "
    "techniques particulières ; le dossier de consultation est téléchargeable sur la plateforme.</p>"
)


def cpv_index_for(codes) -> str:
    """The `cpv_index` value of a notice with these codes: " 45233140-2 45000000-7 " (blanks dropped)."""
    codes = [code for code in codes if code]
    return f" {' '.join(codes)} " if codes else ""


def bulk_create_notices(index: NoticeIndexPage, count: int, *, start: int = 1, buyers=None, now=None) -> int:
    """Add live notices numbered start..start+count-1 under `index` (in their buyers' sections) that do not
    exist yet; returns how many.

    Rows are written as treebeard would (paths continuing each section's children, `numchild` updated), so
    `Page.find_problems()` stays clean; the NoticePage rows go in with one executemany. The notices have no
    revision, search-index entry or audit event: they exist to measure lists and pages, not history.
    Deadlines spread from 60 days ago to 90 days ahead of `now`; some are opened, awarded or cancelled.
    """
    now = now or timezone.now()
    wanted = [f"{SLUG_PREFIX}{n:06d}" for n in range(start, start + count)]
    existing = set(
        Page.objects.filter(slug__startswith=SLUG_PREFIX, path__startswith=index.path).values_list("slug", flat=True)
    )
    missing = [slug for slug in wanted if slug not in existing]
    if not missing:
        return 0
    if buyers is None:
        buyers = list(Organization.objects.exclude(kind=Organization.Kind.COMPANY).order_by("pk"))
    buyer_ids = [b.pk if hasattr(b, "pk") else b for b in buyers]
    if not buyer_ids:
        raise ValueError("bulk_create_notices needs at least one buyer organization")
    cpvs = list(CPVCode.objects.order_by("code").values_list("code", flat=True)) or FALLBACK_CPV
    natures = list(ContractNature.values)
    procedures = list(Procedure.values)
    content_type = ContentType.objects.get_for_model(NoticePage)

    # Each notice goes to its buyer's section (the buyer follows from the number, as before).
    by_buyer: dict[int, list[str]] = {}
    for slug in missing:
        number = int(slug.removeprefix(SLUG_PREFIX))
        by_buyer.setdefault(buyer_ids[number % len(buyer_ids)], []).append(slug)
    organizations = Organization.objects.in_bulk(list(by_buyer))
    with transaction.atomic():
        for buyer_id, slugs in by_buyer.items():
            section = ensure_buyer_section(organizations[buyer_id], index)
            _bulk_create_in_section(section, slugs, now, [buyer_id], cpvs, natures, procedures, content_type)
    return len(missing)


def _bulk_create_in_section(section, missing, now, buyer_ids, cpvs, natures, procedures, content_type) -> None:
    parent = BuyerNoticesPage.objects.select_for_update().get(pk=section.pk)
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    next_step = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    pages = []
    for offset, slug in enumerate(missing):
        number = int(slug.removeprefix(SLUG_PREFIX))
        title = f"{SUBJECTS[number % len(SUBJECTS)]} {PLACES[number % len(PLACES)]} (lot {number})"
        published = now - datetime.timedelta(days=number % 120, minutes=number % 1440)
        pages.append(
            Page(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=Page._get_path(parent.path, parent.depth + 1, next_step + offset),
                depth=parent.depth + 1,
                numchild=0,
                url_path=f"{parent.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                live_revision=None,
                locale_id=parent.locale_id,
            )
        )
    Page.objects.bulk_create(pages, batch_size=500)
    ids = dict(
        Page.objects.filter(depth=parent.depth + 1, path__startswith=parent.path)
        .filter(slug__in=missing)
        .values_list("slug", "pk")
    )
    rows, lots = [], []
    for slug in missing:
        number = int(slug.removeprefix(SLUG_PREFIX))
        rows_lots = _lots_for(number, cpvs)
        row = _notice_row(ids[slug], number, now, buyer_ids, cpvs, natures, procedures, rows_lots)
        rows.append(row)
        lots.extend(Lot(notice_id=ids[slug], sort_order=i, **lot) for i, lot in enumerate(rows_lots))
    _insert_notice_rows(rows)
    Lot.objects.bulk_create(lots, batch_size=1000)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(missing))


def _lots_for(number: int, cpvs: list[str]) -> list[dict]:
    if number % 4:
        return []
    return [
        {
            "number": k,
            "title": f"Lot {k}",
            "cpv": cpvs[(number * 7 + k * 31) % len(cpvs)],
            "estimated_value": Decimal(10000 * (k + number % 9)),
        }
        for k in (1, 2)
    ]


def _notice_row(page_id, number, now, buyer_ids, cpvs, natures, procedures, lots) -> NoticePage:
    # Deterministic spread (no randomness: the same numbers give the same notices every run).
    bids = now + datetime.timedelta(days=(number * 37) % 150 - 60, hours=number % 9)
    questions = bids - datetime.timedelta(days=10)
    main = cpvs[(number * 13) % len(cpvs)]
    additional = cpvs[(number * 29 + 5) % len(cpvs)] if number % 3 == 0 else ""
    row = NoticePage(
        page_ptr_id=page_id,
        reference=f"GEN-{number:06d}",
        buyer_id=buyer_ids[number % len(buyer_ids)],
        description=DESCRIPTION.format(subject=SUBJECTS[number % len(SUBJECTS)].lower()),
        nature=natures[number % len(natures)],
        procedure=procedures[(number // 3) % len(procedures)],
        main_cpv=main,
        additional_cpv=additional,
        cpv_index=cpv_index_for([main, additional, *(lot["cpv"] for lot in lots)]),
        department=DEPARTMENTS[(number * 11) % len(DEPARTMENTS)],
        estimated_value=Decimal(5000 + (number * 7919) % 2_000_000) if number % 10 else None,
        hide_estimated_value=number % 15 == 0,
        questions_deadline=questions,
        bids_deadline=bids,
        opening_date=bids + datetime.timedelta(days=2),
        contact_name="Service de la commande publique",
        contact_email="marches@example.fr",
    )
    if bids < now:
        if number % 17 == 0:
            row.cancelled_at = bids - datetime.timedelta(days=3)
            row.cancellation_reason = "Besoin modifié."
        elif number % 5 == 0:
            row.opened_at = bids + datetime.timedelta(days=1)
            row.outcome = Outcome.AWARDED if number % 2 else Outcome.UNSUCCESSFUL
            row.outcome_at = bids + datetime.timedelta(days=20)
            if row.outcome == Outcome.AWARDED:
                row.award_supplier_name = "Entreprise générée SAS"
                row.award_value = row.estimated_value
        elif number % 3 == 0:
            row.opened_at = bids + datetime.timedelta(days=1)
    elif number % 41 == 0:
        row.cancelled_at = now - datetime.timedelta(days=1)
        row.cancellation_reason = "Besoin modifié."
    return row


def _insert_notice_rows(rows: list[NoticePage]) -> None:
    """Insert only the NoticePage table's own rows (their Page rows exist already) with one executemany:
    bulk_create refuses multi-table inheritance, and saving each would fire page signals per row."""
    fields = list(NoticePage._meta.local_concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(NoticePage._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    values = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
