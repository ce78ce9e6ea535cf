"""Open Contracting Data Standard (OCDS 1.1) releases and release packages for published notices.

One release per event, so the history is kept: the notice's publication ("tender"), each amendment
("tenderAmendment"), the opening of bids and an unsuccessful outcome ("tenderUpdate"), the award
("award") and the cancellation ("tenderCancellation"). Every release carries the notice's current
editorial content (the page keeps no per-event snapshot); the amendments list says what changed when.

Notices awarded lot by lot on the platform (`procurement.actions.awards`, `LotAward` rows) have one
"award" release per lot decision instead of the whole-notice award: one award per lot (active with
its supplier and value, or unsuccessful), with `relatedLots`; the tender's status follows once every
lot is decided. Notices awarded outside the platform keep the whole-notice award.

Only public data goes out: what the notice page shows, the awardees (companies, identified by their
SIRET) and the DCE's file list. Of bids, only their number (`tender.numberOfTenderers`), and only
from the opening on. Never downloads, questions or who asked or answered them, nor anyone's account.
The practice consultation is no public procurement: it is never exported.
"""

import html
import json
import mimetypes
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import capfirst
from wagtail.models import Site

from procurement.access import visible_notices
from procurement.models import (
    Amendment,
    ConsultationDocument,
    ContractNature,
    CPVCode,
    Lot,
    NoticePage,
    Outcome,
    Procedure,
    Question,
)
from procurement.models_bids import WHOLE_NOTICE, Bid, BidStatus, LotAward
from procurement.models_groups import GroupMember, GroupPurchase

OCDS_VERSION = "1.1"
# The lots extension adds tender.lots, items[].relatedLot and documents[].relatedLots.
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
)
EXTENSIONS = [LOTS_EXTENSION]
CURRENCY = "EUR"
LANGUAGE = "fr"

# Organization identifiers: org-id.guide lists "FR-RCS" (Registre du commerce et des sociétés) for
# SIREN/SIRET numbers, and marks the older "FR-INSEE" list deprecated in favour of it. Public bodies
# are in INSEE's SIRENE register rather than the RCS, but they share the one SIREN/SIRET numbering
# that "FR-RCS" describes, so every organization here (buyer or awardee) uses it.
ORGANIZATION_SCHEME = "FR-RCS"

# OCDS's closed `method` codelist has four codes; the French procedures map onto them by how
# candidates come in: anyone may bid (open), only those selected after a call (selective), or the
# buyer negotiates with those it chose without a call (limited).
PROCUREMENT_METHODS = {
    Procedure.OPEN: "open",
    Procedure.ADAPTED: "open",  # a MAPA published here is open to any company
    Procedure.RESTRICTED: "selective",
    Procedure.NEGOTIATED: "selective",
    Procedure.DIALOGUE: "selective",
    Procedure.INNOVATION: "selective",
    Procedure.NEGOTIATED_NO_CALL: "limited",
}
PROCUREMENT_CATEGORIES = {
    ContractNature.WORKS: "works",
    ContractNature.SUPPLIES: "goods",
    ContractNature.SERVICES: "services",
}


# --- what to load --------------------------------------------------------------------------------


def export_queryset(queryset: QuerySet | None = None) -> QuerySet:
    """Published notices with everything a release needs, in a fixed number of queries
    (notices with their buyer, lots, documents with their current version, amendments; the number of
    submitted bids and whether lot decisions exist are annotations, the decisions are loaded by
    `Lookups.load` for the notices that have some). Never the practice consultation."""
    queryset = visible_notices() if queryset is None else queryset
    answered = Question.objects.filter(notice=OuterRef("pk"), answered_at__isnull=False)
    submitted = (
        Bid.objects.filter(notice=OuterRef("pk"), status=BidStatus.SUBMITTED)
        .order_by()
        .values("notice")
        .annotate(count=Count("pk"))
        .values("count")
    )
    documents = (
        ConsultationDocument.objects.filter(removed_at__isnull=True, current__isnull=False)
        .select_related("current")
        .annotate(first_uploaded_at=Min("versions__uploaded_at"))
        .order_by(F("lot_number").asc(nulls_first=True), "position", "pk")
    )
    return (
        queryset.filter(practice=False)
        .select_related("buyer")
        .annotate(
            has_answered_questions=Exists(answered),
            ocds_has_lot_awards=Exists(LotAward.objects.filter(notice=OuterRef("pk"))),
            ocds_is_group=Exists(GroupPurchase.objects.filter(notice=OuterRef("pk"))),
            ocds_submitted_bids=Coalesce(Subquery(submitted, output_field=IntegerField()), 0),
        )
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.order_by("number", "pk")),
            Prefetch("documents", queryset=documents, to_attr="ocds_documents"),
            Prefetch("amendments", queryset=Amendment.objects.order_by("number"), to_attr="ocds_amendments"),
        )
        .order_by("first_published_at", "pk")
    )


@dataclass
class Lookups:
    """What many notices share, loaded once per batch: CPV labels (in French), the sites' root paths and the
    lot decisions of the batch's notices (a query only when one of them has some)."""

    base_url: str
    cpv_labels: dict[str, str] = field(default_factory=dict)
    root_paths: list = field(default_factory=list)
    lot_awards: dict[int, list[LotAward]] = field(default_factory=dict)
    group_buyers: dict[int, list] = field(default_factory=dict)

    @classmethod
    def load(cls, notices: Iterable[NoticePage], base_url: str) -> "Lookups":
        notices = list(notices)
        codes = {code for notice in notices for code in _notice_cpv_codes(notice)}
        labels = CPVCode.labels(codes, LANGUAGE)  # the release's language, whoever asks
        # Longest root first, so a page under a nested site root gets that site's path.
        root_paths = sorted(Site.get_site_root_paths(), key=lambda rp: len(rp.root_path), reverse=True)
        return cls(
            base_url=base_url.rstrip("/"),
            cpv_labels=labels,
            root_paths=root_paths,
            lot_awards=_lot_awards(notices),
            group_buyers=_group_buyers(notices),
        )

    def page_url(self, page) -> str:
        for root in self.root_paths:
            if page.url_path.startswith(root.root_path):
                return self.base_url + page.url_path[len(root.root_path) - 1 :]
        return self.base_url + page.url_path


def _lot_awards(notices: list[NoticePage]) -> dict[int, list[LotAward]]:
    """The lot decisions of `notices` (with the winning bids' companies), by notice, in the order decided. Nothing
    is decided before the opening; `ocds_has_lot_awards` (export_queryset) spares the query when none is."""
    wanted = [notice.pk for notice in notices if notice.opened_at and getattr(notice, "ocds_has_lot_awards", True)]
    decisions: dict[int, list[LotAward]] = {}
    if wanted:
        awards = LotAward.objects.filter(notice_id__in=wanted).select_related("bid__company")
        for award in awards.order_by("decided_at", "lot_number"):
            decisions.setdefault(award.notice_id, []).append(award)
    return decisions


def _group_buyers(notices: list[NoticePage]) -> dict[int, list]:
    """The member bodies of the group purchases the notices were made for (a group's notice names them as buyers
    beside its coordinator), by notice; `ocds_is_group` (export_queryset) spares the query when none is."""
    wanted = [notice.pk for notice in notices if getattr(notice, "ocds_is_group", True)]
    buyers: dict[int, list] = {}
    if wanted:
        members = (
            GroupMember.objects.filter(group__notice_id__in=wanted, status=GroupMember.Status.JOINED)
            .select_related("organization")
            .annotate(notice_id=F("group__notice_id"))
            .order_by("organization__name", "pk")
        )
        for member in members:
            buyers.setdefault(member.notice_id, []).append(member.organization)
    return buyers


def _notice_cpv_codes(notice: NoticePage) -> list[str]:
    return [*notice.cpv_codes(), *(lot.cpv for lot in notice.lots.all() if lot.cpv)]


# --- releases ------------------------------------------------------------------------------------


def ocid_for(notice: NoticePage) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{notice.pk}"


def releases_for(notice: NoticePage, base_url: str, *, lookups: Lookups | None = None) -> list[dict]:
    """The releases of one published notice, oldest first. Pass `lookups` (from `Lookups.load`)
    when building many notices; the notice should come from `export_queryset()`."""
    if not notice.first_published_at or notice.practice:
        return []
    lookups = lookups or Lookups.load([notice], base_url)
    with translation.override(LANGUAGE):
        return _NoticeReleases(notice, lookups).build()


def iter_releases(queryset: QuerySet, base_url: str, *, batch_size: int = 100) -> Iterator[dict]:
    """The releases of every notice of `queryset` (from `export_queryset()`, so ordered by first
    publication then id), loaded batch by batch: a fixed number of queries per batch, never more
    than one batch in memory. Batches follow the last notice seen rather than an offset, so a
    notice published during a long export neither shifts nor repeats the others."""
    last = None
    while True:
        page = queryset
        if last is not None:
            page = queryset.filter(
                Q(first_published_at__gt=last.first_published_at)
                | Q(first_published_at=last.first_published_at, pk__gt=last.pk)
            )
        batch = list(page[:batch_size])
        if not batch:
            return
        lookups = Lookups.load(batch, base_url)
        for notice in batch:
            yield from releases_for(notice, base_url, lookups=lookups)
        if len(batch) < batch_size:
            return
        last = batch[-1]


def release_package(
    releases: Iterable[dict], *, uri: str, published_date: datetime | None = None, extensions=None
) -> dict:
    """An OCDS 1.1 release package around `releases`. Made on demand, it is dated, as OCDS asks, by the last change
    to its contents (its latest release's date; now when it holds none): the same contents, the same package."""
    releases = list(releases)
    if published_date is None:
        dates = [datetime.fromisoformat(release["date"]) for release in releases if release.get("date")]
        published_date = max(dates) if dates else None
    package = package_metadata(uri=uri, published_date=published_date, extensions=extensions)
    package["releases"] = releases
    return package


def package_metadata(*, uri: str, published_date: datetime | None = None, extensions=None) -> dict:
    """A release package without its releases (the export streams them after it)."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": iso(published_date or timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME},
        "extensions": list(EXTENSIONS if extensions is None else extensions),
    }


def write_package(stream, releases: Iterable[dict], *, uri: str, published_date: datetime | None = None) -> int:
    """Write a release package to the text `stream` release by release; return the number of releases."""
    head = json.dumps(package_metadata(uri=uri, published_date=published_date), ensure_ascii=False)
    stream.write(head[:-1] + ', "releases": [')
    count = 0
    for release in releases:
        stream.write(",\n" if count else "\n")
        stream.write(json.dumps(release, ensure_ascii=False))
        count += 1
    stream.write("\n]}\n")
    return count


# --- one notice ----------------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the Paris offset, to the second."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def plain_text(rich_text: str) -> str:
    text = strip_tags(re.sub(r"</(p|h\d|li)>|<br\s*/?>", "\n", rich_text or ""))
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)


def money(amount: Decimal | None) -> dict | None:
    if amount is None:
        return None
    # JSON numbers: whole euros as integers, cents as decimals.
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": CURRENCY}


def organization_id(siret: str) -> str:
    return f"{ORGANIZATION_SCHEME}-{siret}"


def _compact(data: dict) -> dict:
    """Drop empty values: OCDS prefers a missing field to an empty one."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


class _NoticeReleases:
    def __init__(self, notice: NoticePage, lookups: Lookups):
        self.notice = notice
        self.lookups = lookups
        self.ocid = ocid_for(notice)
        self.url = lookups.page_url(notice)
        self.lots = list(notice.lots.all())
        self.amendments = _prefetched(notice, "ocds_amendments", "amendments")
        self.documents = _prefetched(notice, "ocds_documents", "documents")
        buyer = notice.buyer
        self.buyer_ref = {"id": organization_id(buyer.siret), "name": buyer.name}
        # Lot decisions exist only from the opening on (a notice without lots is lot 0).
        self.lot_awards = lookups.lot_awards.get(notice.pk, []) if notice.opened_at else []
        decided = {award.lot_number for award in self.lot_awards}
        numbers = {lot.number for lot in self.lots} or {WHOLE_NOTICE}
        # Every lot decided on the platform: the notice's outcome is theirs (set with the last decision).
        self.outcome_by_lots = bool(self.lot_awards) and numbers <= decided

    # Each event: (id suffix, tag, date, tender status).
    def events(self) -> list[tuple[str, str, datetime, str]]:
        notice = self.notice
        events = [("tender", "tender", notice.first_published_at, "active")]
        events += [(f"amendment-{a.number}", "tenderAmendment", a.created_at, "active") for a in self.amendments]
        if notice.opened_at:
            events.append(("opening", "tenderUpdate", notice.opened_at, "active"))
        events += [
            (f"lot-{award.lot_number}", "award", award.decided_at, self.status_by_lots(award.decided_at))
            for award in self.lot_awards
        ]
        # An outcome decided lot by lot is said by the last lot's release.
        if notice.outcome == Outcome.AWARDED and notice.outcome_at and not self.outcome_by_lots:
            events.append(("award", "award", notice.outcome_at, "complete"))
        elif notice.outcome == Outcome.UNSUCCESSFUL and notice.outcome_at and not self.outcome_by_lots:
            events.append(("unsuccessful", "tenderUpdate", notice.outcome_at, "unsuccessful"))
        if notice.cancelled_at:
            events.append(("cancellation", "tenderCancellation", notice.cancelled_at, "cancelled"))
        # Stable order: by date, the publication always first.
        return [events[0], *sorted(events[1:], key=lambda event: event[2])]

    def status_by_lots(self, date: datetime) -> str:
        """The tender's status at a lot decision: complete or unsuccessful once every lot is decided."""
        notice = self.notice
        if self.outcome_by_lots and notice.outcome_at and notice.outcome_at <= date:
            return "complete" if notice.outcome == Outcome.AWARDED else "unsuccessful"
        return "active"

    def build(self) -> list[dict]:
        return [
            self.release(f"{self.ocid}-{suffix}", tag, date, status, whole_award=suffix == "award")
            for suffix, tag, date, status in self.events()
        ]

    def release(self, release_id: str, tag: str, date: datetime, status: str, *, whole_award=False) -> dict:
        """One release; `whole_award`: the award of the whole notice (decided outside the lot decisions).
        Every release from a lot decision on carries that decision."""
        decisions = [award for award in self.lot_awards if award.decided_at <= date]
        release = {
            "ocid": self.ocid,
            "id": release_id,
            "date": iso(date),
            "tag": [tag],
            "initiationType": "tender",
            "language": LANGUAGE,
            "parties": self.parties(whole_award, decisions),
            "buyer": self.buyer_ref,
            "tender": self.tender(date, status),
        }
        awards = [self.lot_award(award) for award in decisions]
        if whole_award:
            awards.append(self.award())
        if awards:
            release["awards"] = awards
        return release

    def parties(self, with_supplier: bool, decisions: list[LotAward] = ()) -> list[dict]:
        notice, buyer = self.notice, self.notice.buyer
        address = _compact(
            {"streetAddress": buyer.address.strip(), "region": buyer.department, "countryName": "France"}
        )
        # The notice's contact is the buyer's procurement office as published on the notice.
        contact = _compact(
            {
                "name": notice.contact_name,
                "email": notice.contact_email,
                "telephone": notice.contact_phone,
                "url": buyer.website,
            }
        )
        parties = [
            _compact(
                {
                    **self.buyer_ref,
                    "identifier": {"scheme": ORGANIZATION_SCHEME, "id": buyer.siret, "legalName": buyer.name},
                    "address": address,
                    "contactPoint": contact,
                    "roles": ["buyer", "procuringEntity"],
                }
            )
        ]
        for body in self.lookups.group_buyers.get(notice.pk, []):
            if body.pk == buyer.pk or not body.siret:
                continue
            reference = {"id": organization_id(body.siret), "name": body.name}
            address = _compact(
                {"streetAddress": body.address.strip(), "region": body.department, "countryName": "France"}
            )
            parties.append(
                _compact(
                    {
                        **reference,
                        "identifier": {"scheme": ORGANIZATION_SCHEME, "id": body.siret, "legalName": body.name},
                        "address": address,
                        "roles": ["buyer"],
                    }
                )
            )
        if with_supplier:
            supplier = self.supplier_ref()
            identifier = (
                {"scheme": ORGANIZATION_SCHEME, "id": notice.award_supplier_siret, "legalName": supplier["name"]}
                if notice.award_supplier_siret
                else None
            )
            parties.append(_compact({**supplier, "identifier": identifier, "roles": ["supplier"]}))
        for award in decisions:
            if award.outcome != LotAward.Outcome.AWARDED:
                continue
            company = award.bid.company
            reference = self.company_ref(company)
            if any(party["id"] == reference["id"] for party in parties):
                continue
            identifier = (
                {"scheme": ORGANIZATION_SCHEME, "id": company.siret, "legalName": company.name}
                if company.siret
                else None
            )
            parties.append(_compact({**reference, "identifier": identifier, "roles": ["supplier"]}))
        return parties

    def company_ref(self, company) -> dict:
        """A winning company: identified by its SIRET (else by the platform, within this process)."""
        company_id = organization_id(company.siret) if company.siret else f"{self.ocid}-supplier-{company.pk}"
        return {"id": company_id, "name": company.name}

    def lot_award(self, award: LotAward) -> dict:
        """One lot's decision: active with its supplier and value, or unsuccessful with the reason."""
        lot_title = next((lot.title for lot in self.lots if lot.number == award.lot_number), "")
        data = {
            "id": f"{self.ocid}-award-lot-{award.lot_number}",
            "title": lot_title or self.notice.title,
            "date": iso(award.decided_at),
            # A notice without lots has no lot to relate to: the award is the whole tender's.
            "relatedLots": [str(award.lot_number)] if award.lot_number != WHOLE_NOTICE else [],
        }
        if award.outcome == LotAward.Outcome.AWARDED:
            data.update(status="active", value=money(award.amount), suppliers=[self.company_ref(award.bid.company)])
        else:
            data.update(status="unsuccessful", description=award.reason.strip())
        return _compact(data)

    def supplier_ref(self) -> dict:
        notice = self.notice
        supplier_id = (
            organization_id(notice.award_supplier_siret) if notice.award_supplier_siret else f"{self.ocid}-supplier"
        )
        return {"id": supplier_id, "name": notice.award_supplier_name}

    def award(self) -> dict:
        notice = self.notice
        return _compact(
            {
                "id": f"{self.ocid}-award-1",
                "title": notice.title,
                "status": "active",
                "date": iso(notice.outcome_at),
                "value": money(notice.award_value),
                "suppliers": [self.supplier_ref()] if notice.award_supplier_name else [],
            }
        )

    def tender(self, date: datetime, status: str) -> dict:
        notice = self.notice
        show_values = not notice.hide_estimated_value
        amendments = [self.amendment(a) for a in self.amendments if a.created_at <= date]
        award_period = {"startDate": iso(notice.opened_at)} if notice.opened_at and notice.opened_at <= date else None
        if award_period and notice.outcome_at and notice.outcome_at <= date:
            award_period["endDate"] = iso(notice.outcome_at)
        tender = {
            "id": notice.reference,
            "title": notice.title,
            "description": plain_text(notice.description),
            "status": status,
            "procuringEntity": self.buyer_ref,
            "items": self.items(),
            "value": money(notice.estimated_value) if show_values else None,
            "procurementMethod": PROCUREMENT_METHODS[notice.procedure],
            "procurementMethodDetails": str(Procedure(notice.procedure).label),
            "mainProcurementCategory": PROCUREMENT_CATEGORIES[notice.nature],
            "awardCriteriaDetails": notice.award_criteria.strip(),
            "tenderPeriod": {"startDate": iso(notice.first_published_at), "endDate": iso(notice.bids_deadline)},
            "enquiryPeriod": {"startDate": iso(notice.first_published_at), "endDate": iso(notice.questions_deadline)},
            "hasEnquiries": self.has_answered_questions(),
            "eligibilityCriteria": self.eligibility(),
            "awardPeriod": award_period,
            "documents": [*self.documents_data(), *self.outcome_documents(date)],
            "amendments": amendments,
            "lots": [self.lot(lot, show_values, date) for lot in self.lots],
        }
        if notice.opened_at and notice.opened_at <= date:
            # Nothing about bids before the opening; from it, their number (one submitted bid per company).
            tender["numberOfTenderers"] = self.number_of_tenderers()
        return _compact(tender)

    def number_of_tenderers(self) -> int:
        count = getattr(self.notice, "ocds_submitted_bids", None)  # annotated by export_queryset()
        if count is None:
            count = Bid.objects.filter(notice_id=self.notice.pk, status=BidStatus.SUBMITTED).count()
        return count

    def has_answered_questions(self) -> bool:
        if hasattr(self.notice, "has_answered_questions"):  # annotated by export_queryset()
            return self.notice.has_answered_questions
        return self.notice.questions.filter(answered_at__isnull=False).exists()

    def outcome_documents(self, date: datetime) -> list[dict]:
        """The published reasons for a cancellation or an unsuccessful outcome. OCDS 1.1 has no
        status-details field in its core schema: a document carries the reason, pointing at the page."""
        notice, documents = self.notice, []
        if notice.outcome == Outcome.UNSUCCESSFUL and notice.outcome_at and notice.outcome_at <= date:
            documents.append(
                self._page_document("unsuccessful", "awardNotice", notice.outcome_reason, notice.outcome_at)
            )
        if notice.cancelled_at and notice.cancelled_at <= date:
            documents.append(
                self._page_document(
                    "cancellation", "cancellationDetails", notice.cancellation_reason, notice.cancelled_at
                )
            )
        return documents

    def _page_document(self, document_id: str, document_type: str, reason: str, date: datetime) -> dict:
        return _compact(
            {
                "id": document_id,
                "documentType": document_type,
                "title": self.notice.title,
                "description": reason.strip(),
                "url": self.url,
                "format": "text/html",
                "language": LANGUAGE,
                "datePublished": iso(date),
            }
        )

    def eligibility(self) -> str:
        """The clauses, in the words (and translations) of the notice form."""
        notice, fields = self.notice, NoticePage._meta
        parts = [str(fields.get_field("reserved").help_text)] if notice.reserved else []
        parts += [
            str(capfirst(fields.get_field(name).verbose_name))
            for name in ("environmental_clause", "social_clause")
            if getattr(notice, name)
        ]
        return "\n".join(parts)

    def classification(self, code: str) -> dict:
        return _compact(
            {"scheme": "CPV", "id": code.split("-")[0], "description": self.lookups.cpv_labels.get(code, "")}
        )

    def items(self) -> list[dict]:
        notice = self.notice
        codes = notice.cpv_codes()
        if not self.lots:
            return [
                _compact(
                    {
                        "id": "1",
                        "description": notice.title,
                        "classification": self.classification(codes[0]),
                        "additionalClassifications": [self.classification(code) for code in codes[1:]],
                    }
                )
            ]
        items = []
        for lot in self.lots:
            # A lot without its own code is classified by the notice's codes.
            own = [lot.cpv] if lot.cpv else codes
            items.append(
                _compact(
                    {
                        "id": str(lot.number),
                        "description": lot.title,
                        "classification": self.classification(own[0]),
                        "additionalClassifications": [self.classification(code) for code in own[1:]],
                        "relatedLot": str(lot.number),
                    }
                )
            )
        return items

    def lot(self, lot: Lot, show_value: bool, date: datetime | None = None) -> dict:
        decision = next(
            (a for a in self.lot_awards if a.lot_number == lot.number and date and a.decided_at <= date), None
        )
        status = None
        if decision is not None:
            status = "complete" if decision.outcome == LotAward.Outcome.AWARDED else "unsuccessful"
        return _compact(
            {
                "id": str(lot.number),
                "title": lot.title,
                "description": lot.description.strip(),
                "status": status,
                "value": money(lot.estimated_value) if show_value else None,
            }
        )

    def amendment(self, amendment: Amendment) -> dict:
        changes = "\n".join(
            f"{change.get('label') or change.get('field', '')} : {change.get('before', '')} → {change.get('after', '')}"
            for change in amendment.changes or []
            if isinstance(change, dict)
        )
        return _compact(
            {
                "id": str(amendment.number),
                "date": iso(amendment.created_at),
                "rationale": amendment.reason,
                "description": changes,
                "amendsReleaseID": self._release_before(amendment.number),
                "releaseID": f"{self.ocid}-amendment-{amendment.number}",
            }
        )

    def _release_before(self, number: int) -> str:
        return f"{self.ocid}-tender" if number == 1 else f"{self.ocid}-amendment-{number - 1}"

    def documents_data(self) -> list[dict]:
        notice = self.notice
        documents = [
            {
                "id": "notice",
                "documentType": "tenderNotice",
                "title": notice.title,
                "url": self.url,
                "format": "text/html",
                "language": LANGUAGE,
                "datePublished": iso(notice.first_published_at),
                "dateModified": iso(notice.last_published_at),
            }
        ]
        for document in self.documents:
            version = document.current
            published = getattr(document, "first_uploaded_at", None) or version.uploaded_at
            documents.append(
                _compact(
                    {
                        "id": f"document-{document.pk}",
                        "documentType": "biddingDocuments",
                        "title": document.title,
                        "description": version.filename,
                        "url": self.document_url(document),
                        "format": mimetypes.guess_type(version.filename)[0],
                        "datePublished": iso(published),
                        "dateModified": iso(version.uploaded_at),
                        "relatedLots": [str(document.lot_number)] if document.lot_number else [],
                    }
                )
            )
        return documents

    def document_url(self, document: ConsultationDocument) -> str:
        """The file's public download (anonymous, never recorded with an identity)."""
        return self.lookups.base_url + reverse("procurement:document_download", args=[document.notice_id, document.pk])


def _prefetched(notice: NoticePage, attr: str, related: str) -> list:
    if hasattr(notice, attr):
        return list(getattr(notice, attr))
    if related == "documents":
        return list(
            notice.documents.filter(removed_at__isnull=True, current__isnull=False)
            .select_related("current")
            .annotate(first_uploaded_at=Min("versions__uploaded_at"))
        )
    return list(getattr(notice, related).order_by("number"))
