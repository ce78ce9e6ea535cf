"""The salle des marchés' demo: 200+ French notices of the seeded bodies, in every status, idempotent."""

import json
import time

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from intranet.management.commands.seed_demo import COMPANIES, make_siret
from intranet.models import Notification
from intranet.settings.base import PROCUREMENT_DEMO_NOTICES
from procurement.demo import minimal_pdf, plan_notice, seed_and_get_notices, seed_notices
from procurement.models import (
    Amendment,
    ConsultationDocument,
    CPVCode,
    Download,
    Follow,
    Lot,
    NoticePage,
    Question,
    SavedSearch,
    Status,
)
from procurement.transitions import announce_deadline_transitions
from tests.procurement.ocds_validation import validate

pytestmark = pytest.mark.django_db


def test_plans_are_the_same_on_every_run_and_cover_every_status(settings):
    now = timezone.now()
    first = [plan_notice(n, now) for n in range(1, 41)]
    again = [plan_notice(n, now) for n in range(1, 41)]
    assert [p.slug for p in first] == [p.slug for p in again]
    assert len({p.slug for p in first}) == 40
    assert {p.status for p in first} == set(Status.values)


def test_minimal_pdf_is_a_pdf_with_its_text():
    data = minimal_pdf(["Règlement de la consultation", "Article (1)"])
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert "Règlement".encode("cp1252") in data and b"Article \\(1\\)" in data
    assert b"startxref" in data


def test_the_demo_plans_200_notices_or_more_in_every_status():
    now = timezone.now()
    # `make run` seeds PROCUREMENT_DEMO_NOTICES of the base settings (the test settings seed fewer).
    plans = [plan_notice(n, now) for n in range(1, PROCUREMENT_DEMO_NOTICES + 1)]
    assert len({p.slug for p in plans}) == PROCUREMENT_DEMO_NOTICES >= 200
    assert {p.status for p in plans} == set(Status.values)


# Statuses repeat every 20 notices: 40 seeded notices cover each twice (the full 220 take minutes).
SEEDED = 40


def test_seeding_creates_notices_in_every_status_with_valid_open_data_then_adds_nothing(demo_people, tmp_path):
    started = time.monotonic()
    notices = seed_and_get_notices(count=SEEDED)
    seconds = time.monotonic() - started
    assert len(notices) == SEEDED
    print(f"seeding {len(notices)} notices took {seconds:.0f} s")  # shown with -s; too machine-dependent to assert

    statuses = {n.status for n in notices}
    assert statuses == set(Status.values)
    by_status = {s: [n for n in notices if n.status == s] for s in Status.values}
    assert all(n.first_published_at <= n.questions_deadline for n in notices if n.first_published_at)

    awarded = by_status[Status.AWARDED]
    company_sirets = {make_siret(d.code) for d in COMPANIES}
    assert all(n.award_supplier_siret in company_sirets and n.award_value for n in awarded)
    assert all(n.opened_at and n.outcome_at > n.opened_at for n in awarded)
    assert all(n.cancellation_reason for n in by_status[Status.CANCELLED])
    assert all(n.outcome_reason for n in by_status[Status.UNSUCCESSFUL])
    assert not any(n.live for n in by_status[Status.DRAFT])
    # Published notices are backdated: the list shows them over several weeks.
    assert len({n.first_published_at.date() for n in by_status[Status.PUBLISHED]}) > 5

    ids = [n.pk for n in notices]
    with_lots = NoticePage.objects.filter(pk__in=ids).annotate(n=Count("lots")).filter(n__gt=1).count()
    assert 0.25 * len(ids) < with_lots < 0.7 * len(ids)
    assert (
        set(Lot.objects.filter(notice__in=ids).values_list("cpv", flat=True))
        <= set(CPVCode.objects.values_list("code", flat=True))
        or not CPVCode.objects.filter(code="45262500-6").exists()
    )
    assert len({n.buyer_id for n in notices}) > 15  # 40 notices from many bodies
    assert {n.department for n in notices} >= {"22", "29", "35", "56"}
    assert any(n.hide_estimated_value for n in notices)

    documents = ConsultationDocument.objects.filter(notice__in=ids)
    assert documents.values("notice").distinct().count() > 0.8 * len(ids)
    replaced = documents.filter(versions__number=2)
    assert replaced.exists()
    assert Amendment.objects.filter(notice__in=replaced.values("notice"), changes__icontains="documents").exists()
    assert Amendment.objects.filter(notice__in=ids, changes__icontains="bids_deadline").exists()
    document = replaced.first()
    assert document.current.number == 2 and document.current.file.read(5) == b"%PDF-"

    answered = Question.objects.filter(notice__in=ids, answered_at__isnull=False)
    assert answered.count() > SEEDED // 2
    assert all(q.asked_at < q.answered_at for q in answered)
    assert Question.objects.filter(notice__in=ids, answered_at__isnull=True).exists()
    assert Download.objects.filter(notice__in=ids, user__isnull=False).exists()
    assert Download.objects.filter(notice__in=ids, user__isnull=True, organization__isnull=True).exists()
    assert Follow.objects.filter(notice__in=ids).exists()
    assert SavedSearch.objects.filter(user__email__startswith="gerant.").exists()

    # The open data of the seeded notices (amended, cancelled, awarded... included) is valid OCDS 1.1.
    output = tmp_path / "ocds.json"
    call_command("export_ocds", str(output), "--base-url", "https://marches.example.fr")
    package = json.loads(output.read_text(encoding="utf-8"))
    tags = {tag for release in package["releases"] for tag in release["tag"]}
    assert tags >= {"tender", "tenderAmendment", "award", "tenderCancellation"}
    result = validate(package)
    assert result["validation_errors"] == []
    assert not result.get("additional_closed_codelist_values")

    # Drawn notices too: the deadlines already past were announced in the history, and it was e-mailed then.
    assert announce_deadline_transitions.call() == 0
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()

    counts = (
        NoticePage.objects.count(),
        ConsultationDocument.objects.count(),
        Question.objects.count(),
        Amendment.objects.count(),
        SavedSearch.objects.count(),
        Notification.objects.count(),
    )
    assert seed_notices(count=SEEDED) == {"notices": 0, "saved_searches": 0}
    assert counts == (
        NoticePage.objects.count(),
        ConsultationDocument.objects.count(),
        Question.objects.count(),
        Amendment.objects.count(),
        SavedSearch.objects.count(),
        Notification.objects.count(),
    )
