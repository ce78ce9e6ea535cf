"""OCDS 1.1 releases of published notices: one release per event, schema-valid, nothing personal."""

import datetime
import hashlib
import json
import time
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from procurement import ocds
from procurement.actions.amendments import do_record_amendment
from procurement.models import Amendment, ConsultationDocument, DocumentVersion, Download, NoticePage, Question
from tests.procurement.conftest import paris
from tests.procurement.ocds_validation import validate

BASE_URL = "https://marches.example.org"


def set_lifecycle(notice, **fields):
    NoticePage.objects.filter(pk=notice.pk).update(**fields)
    notice.refresh_from_db()
    return notice


def add_document(notice, title, filename, *, lot_number=None, versions=1, uploaded_by=None):
    document = ConsultationDocument.objects.create(notice=notice, title=title, lot_number=lot_number)
    for number in range(1, versions + 1):
        content = f"{title} v{number}".encode()
        version = DocumentVersion.objects.create(
            document=document,
            number=number,
            file=ContentFile(content, name=filename),
            filename=filename,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_at=timezone.now() + datetime.timedelta(minutes=number),
            uploaded_by=uploaded_by,
            dce_version=number,
        )
    document.current = version
    document.save()
    return document


@pytest.fixture
def company_people(make_user, company):
    """Company users with names and addresses that must never reach open data."""
    return [
        make_user("gaelle.legoff@bretagne-nettoyage.fr", company, first_name="Gaëlle", last_name="Le Goff"),
        make_user("yann.kerhervé@bretagne-nettoyage.fr", company, first_name="Yann", last_name="Kerhervé"),
    ]


@pytest.fixture
def notices(make_notice, buyer, company, company_people):
    """One notice in each state, plus a draft, with lots, documents, questions and downloads."""
    asker, downloader = company_people
    published = make_notice(
        "Entretien de la voirie",
        nature="works",
        procedure="adapted",
        main_cpv="45233140-2",
        additional_cpv="45233141-9",
        award_criteria="Prix 60 %, valeur technique 40 %",
        reserved=True,
        environmental_clause=True,
        description="<p>Travaux d&#39;entretien <b>courant</b>.</p><ul><li>Chaussées</li></ul>",
        lots=[(1, "Chaussées", "45233141-9", Decimal("80000")), (2, "Signalisation", "", None)],
    )
    cctp = add_document(published, "CCTP", "cctp.pdf", versions=2, uploaded_by=buyer)
    add_document(published, "BPU du lot 2", "bpu-lot2.xlsx", lot_number=2, uploaded_by=buyer)
    removed = add_document(published, "Ancien règlement", "rc-ancien.pdf")
    ConsultationDocument.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    Question.objects.create(
        notice=published,
        asked_by=asker,
        organization=company,
        body="Question de Gaëlle Le Goff",
        body_html="<p>Question de Gaëlle Le Goff</p>",
        answer="Oui.",
        answer_html="<p>Oui.</p>",
        answered_by=buyer,
        answered_at=timezone.now(),
    )
    download = Download.objects.create(
        notice=published, user=downloader, organization=company, kind="zip", dce_version=2
    )
    download.versions.set([cctp.current])

    amended = make_notice("Fournitures scolaires", nature="supplies", procedure="restricted", main_cpv="30200000-1")
    first = do_record_amendment(
        amended,
        reason="Report de la date limite",
        changes=[{"field": "bids_deadline", "label": "Date limite", "before": "10/03", "after": "17/03"}],
        actor=buyer,
    )
    Amendment.objects.filter(pk=first.pk).update(created_at=timezone.now() + datetime.timedelta(hours=1))
    do_record_amendment(amended, reason="Nouveau lot de documents", changes=[], actor=buyer)
    Amendment.objects.filter(notice=amended, number=2).update(created_at=timezone.now() + datetime.timedelta(hours=2))

    later = timezone.now() + datetime.timedelta(days=40)
    opened = set_lifecycle(make_notice("Restauration scolaire", procedure="negotiated"), opened_at=later)
    awarded = set_lifecycle(
        make_notice("Nettoyage des écoles", procedure="open", hide_estimated_value=True),
        opened_at=later,
        outcome="awarded",
        outcome_at=later + datetime.timedelta(days=5),
        award_supplier_name="Bretagne Nettoyage SARL",
        award_supplier_siret=company.siret,
        award_value=Decimal("98765.40"),
    )
    unsuccessful = set_lifecycle(
        make_notice("Fourniture d'électricité", nature="supplies", procedure="dialogue", main_cpv="09310000-5"),
        opened_at=later,
        outcome="unsuccessful",
        outcome_at=later + datetime.timedelta(days=3),
        outcome_reason="Aucune offre acceptable.",
    )
    cancelled = set_lifecycle(
        make_notice("Travaux de la mairie", nature="works", procedure="negotiated_no_call", main_cpv="45000000-7"),
        cancelled_at=timezone.now() + datetime.timedelta(days=2),
        cancellation_reason="Besoin redéfini.",
    )
    draft = make_notice("Projet non publié", live=False)
    return {
        "published": published,
        "amended": amended,
        "opened": opened,
        "awarded": awarded,
        "unsuccessful": unsuccessful,
        "cancelled": cancelled,
        "draft": draft,
    }


def releases_by_notice(notices_by_state):
    releases = {}
    for name, notice in notices_by_state.items():
        fresh = ocds.export_queryset(NoticePage.objects.filter(pk=notice.pk)).first()
        releases[name] = ocds.releases_for(fresh, BASE_URL) if fresh else []
    return releases


def export_package(tmp_path, *args) -> tuple[dict, str]:
    output = tmp_path / "ocds.json"
    call_command("export_ocds", str(output), "--base-url", BASE_URL, *args)
    text = output.read_text(encoding="utf-8")
    return json.loads(text), text


def test_export_of_every_state_is_valid_ocds_1_1(notices, tmp_path, capsys):
    package, _ = export_package(tmp_path)

    started = time.perf_counter()
    result = validate(package)
    elapsed = time.perf_counter() - started

    assert result["validation_errors"] == []
    assert not result.get("additional_closed_codelist_values")
    # Only the lots extension's fields come out as additional, since validation runs offline.
    assert {field["field"] for field in result["additional_fields"]} <= {"lots", "relatedLot", "relatedLots"}
    assert result["skipped_extensions"] == [ocds.LOTS_EXTENSION]
    assert result["unique_ocids_count"] == 6
    with capsys.disabled():
        print(f"\nOCDS validation of {len(package['releases'])} releases: {elapsed:.2f} s")


def test_each_event_is_a_release_with_its_tag_and_tender_status(notices):
    releases = releases_by_notice(notices)

    def summary(name):
        return [(r["id"].split("-", 2)[2], r["tag"], r["tender"]["status"]) for r in releases[name]]

    assert summary("published") == [(f"{notices['published'].pk}-tender", ["tender"], "active")]
    pk = notices["amended"].pk
    assert summary("amended") == [
        (f"{pk}-tender", ["tender"], "active"),
        (f"{pk}-amendment-1", ["tenderAmendment"], "active"),
        (f"{pk}-amendment-2", ["tenderAmendment"], "active"),
    ]
    assert [r["tag"] for r in releases["opened"]] == [["tender"], ["tenderUpdate"]]
    assert [(r["tag"], r["tender"]["status"]) for r in releases["awarded"]] == [
        (["tender"], "active"),
        (["tenderUpdate"], "active"),
        (["award"], "complete"),
    ]
    assert [(r["tag"], r["tender"]["status"]) for r in releases["unsuccessful"]][-1] == (
        ["tenderUpdate"],
        "unsuccessful",
    )
    assert [(r["tag"], r["tender"]["status"]) for r in releases["cancelled"]] == [
        (["tender"], "active"),
        (["tenderCancellation"], "cancelled"),
    ]
    assert releases["draft"] == []


def test_amendment_releases_keep_the_history(notices):
    tender, first, second = releases_by_notice({"amended": notices["amended"]})["amended"]

    assert "amendments" not in tender["tender"]
    assert first["tender"]["amendments"] == [
        {
            "id": "1",
            "date": first["date"],
            "rationale": "Report de la date limite",
            "description": "Date limite : 10/03 → 17/03",
            "amendsReleaseID": tender["id"],
            "releaseID": first["id"],
        }
    ]
    assert [a["id"] for a in second["tender"]["amendments"]] == ["1", "2"]
    assert second["tender"]["amendments"][1]["amendsReleaseID"] == first["id"]


def test_award_names_the_supplier_party_by_siret(notices, company):
    award_release = releases_by_notice({"awarded": notices["awarded"]})["awarded"][-1]

    supplier_id = f"FR-RCS-{company.siret}"
    assert award_release["awards"] == [
        {
            "id": f"{award_release['ocid']}-award-1",
            "title": "Nettoyage des écoles",
            "status": "active",
            "date": award_release["date"],
            "value": {"amount": 98765.4, "currency": "EUR"},
            "suppliers": [{"id": supplier_id, "name": "Bretagne Nettoyage SARL"}],
        }
    ]
    supplier = next(p for p in award_release["parties"] if p["id"] == supplier_id)
    assert supplier["roles"] == ["supplier"]
    assert supplier["identifier"] == {"scheme": "FR-RCS", "id": company.siret, "legalName": "Bretagne Nettoyage SARL"}
    # hide_estimated_value: the estimate stays private, the awarded value is public.
    assert "value" not in award_release["tender"]
    assert award_release["tender"]["awardPeriod"]["startDate"] < award_release["tender"]["awardPeriod"]["endDate"]


def test_tender_describes_the_notice_its_lots_and_current_documents(notices, body):
    (release,) = releases_by_notice({"published": notices["published"]})["published"]
    notice = notices["published"]
    tender = release["tender"]

    assert tender["id"] == notice.reference
    assert tender["description"] == "Travaux d'entretien courant.\nChaussées"
    assert tender["procurementMethod"] == "open"
    assert tender["mainProcurementCategory"] == "works"
    assert tender["awardCriteriaDetails"] == "Prix 60 %, valeur technique 40 %"
    assert len(tender["eligibilityCriteria"].splitlines()) == 2  # reserved, environmental clause
    assert tender["hasEnquiries"] is True
    assert tender["value"] == {"amount": 120000, "currency": "EUR"}
    assert tender["tenderPeriod"]["endDate"] == timezone.localtime(notice.bids_deadline).isoformat(timespec="seconds")
    assert tender["enquiryPeriod"]["endDate"].endswith(("+01:00", "+02:00"))
    assert tender["lots"] == [
        {"id": "1", "title": "Chaussées", "value": {"amount": 80000, "currency": "EUR"}},
        {"id": "2", "title": "Signalisation"},
    ]
    assert [(i["id"], i["classification"]["id"], i["relatedLot"]) for i in tender["items"]] == [
        ("1", "45233141", "1"),
        ("2", "45233140", "2"),
    ]
    assert tender["items"][1]["additionalClassifications"][0]["id"] == "45233141"
    assert tender["items"][0]["classification"]["scheme"] == "CPV"
    # The release is in French whoever asks (these tests run in English): so are the CPV labels.
    assert release["language"] == "fr"
    assert tender["items"][0]["classification"]["description"] == "Travaux d'entretien routier"
    assert tender["items"][1]["classification"]["description"] == "Travaux routiers"
    assert tender["items"][1]["additionalClassifications"][0]["description"] == "Travaux d'entretien routier"

    documents = {d["id"]: d for d in tender["documents"]}
    assert documents["notice"]["url"] == f"{BASE_URL}{notice.url}"
    cctp, bpu = (d for d in tender["documents"] if d["documentType"] == "biddingDocuments")
    assert (cctp["title"], cctp["format"], cctp["description"]) == ("CCTP", "application/pdf", "cctp.pdf")
    assert cctp["datePublished"] < cctp["dateModified"]  # the first version, then the current one
    cctp_id = ConsultationDocument.objects.get(notice=notice, title="CCTP").pk
    assert cctp["url"] == f"{BASE_URL}/avis/{notice.pk}/documents/{cctp_id}/telecharger/"
    assert bpu["relatedLots"] == ["2"]
    assert "Ancien règlement" not in json.dumps(tender, ensure_ascii=False)

    buyer_party = release["parties"][0]
    assert buyer_party["roles"] == ["buyer", "procuringEntity"]
    assert buyer_party["identifier"] == {"scheme": "FR-RCS", "id": body.siret, "legalName": body.name}
    assert buyer_party["address"]["countryName"] == "France"
    assert buyer_party["contactPoint"] == {"name": "Service de la commande publique", "email": "marches@example.fr"}
    assert release["buyer"] == {"id": buyer_party["id"], "name": body.name}


def test_cancellation_and_unsuccessful_outcome_publish_their_reason(notices):
    releases = releases_by_notice({k: notices[k] for k in ("cancelled", "unsuccessful")})
    cancellation = releases["cancelled"][-1]["tender"]
    unsuccessful = releases["unsuccessful"][-1]["tender"]

    reason = next(d for d in cancellation["documents"] if d["documentType"] == "cancellationDetails")
    assert (reason["id"], reason["description"]) == ("cancellation", "Besoin redéfini.")
    assert any(d.get("description") == "Aucune offre acceptable." for d in unsuccessful["documents"])
    assert cancellation["procurementMethod"] == "limited"
    assert unsuccessful["procurementMethod"] == "selective"
    # The tender release of the cancelled notice was published before the cancellation: no reason yet.
    assert "Besoin redéfini." not in json.dumps(releases["cancelled"][0], ensure_ascii=False)


def test_no_personal_data_of_company_users_nor_drafts(notices, tmp_path, company_people, buyer):
    _, text = export_package(tmp_path)

    for person in company_people:
        for value in (person.email, person.first_name, person.last_name):
            assert value not in text
    assert buyer.email not in text
    assert "Question de" not in text  # questions are on the page, without their asker, not in open data
    assert "Projet non publié" not in text
    assert f"-{notices['draft'].pk}-" not in text


def test_ids_are_stable_and_unique_and_the_ocid_prefix_comes_from_settings(notices):
    first = [r["id"] for rs in releases_by_notice(notices).values() for r in rs]
    again = [r["id"] for rs in releases_by_notice(notices).values() for r in rs]
    assert first == again
    assert len(set(first)) == len(first)

    with override_settings(OCDS_OCID_PREFIX="ocds-test42"):
        releases = releases_by_notice({"published": notices["published"]})["published"]
    assert releases[0]["ocid"] == f"ocds-test42-{notices['published'].pk}"
    assert releases[0]["id"] == f"ocds-test42-{notices['published'].pk}-tender"


def count_export_queries(base_url=BASE_URL, batch_size=100) -> int:
    with CaptureQueriesContext(connection) as queries:
        releases = list(ocds.iter_releases(ocds.export_queryset(), base_url, batch_size=batch_size))
    assert releases
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_notices(make_notice, buyer):
    def add_notices(count):
        for _ in range(count):
            notice = make_notice(lots=[(1, "Lot", "90911200-8", None), (2, "Autre", "", None)])
            add_document(notice, "RC", "rc.pdf", uploaded_by=buyer)
            do_record_amendment(notice, reason="Précision", changes=[], actor=buyer)

    add_notices(5)
    count_export_queries()  # warms the site root paths' cache, as in production
    five = count_export_queries()
    add_notices(45)
    fifty = count_export_queries()

    # Notices, lots, documents, amendments, CPV labels.
    assert five == fifty == 5
    # Batches: the same fixed cost for each, and one empty read after the last full batch.
    assert count_export_queries(batch_size=10) == 5 * 5 + 1


@override_settings(WAGTAILADMIN_BASE_URL="https://site.example.fr/", OCDS_PUBLISHER_NAME="Plateforme de test")
def test_export_streams_to_stdout_with_the_site_address_by_default(notice, capsys):
    call_command("export_ocds", "-")
    package = json.loads(capsys.readouterr().out)

    assert package["version"] == "1.1"
    assert package["publisher"] == {"name": "Plateforme de test"}
    assert package["uri"] == "https://site.example.fr/donnees/ocds/releases.json"
    assert [r["id"] for r in package["releases"]] == [f"{ocds.ocid_for(notice)}-tender"]
    assert package["releases"][0]["tender"]["documents"][0]["url"] == f"https://site.example.fr{notice.url}"


def test_tender_dates_are_in_paris_time_with_offset(make_notice):
    notice = make_notice(bids_deadline=paris(2027, 7, 1, 12), questions_deadline=paris(2027, 6, 20, 12))
    (release,) = ocds.releases_for(notice, BASE_URL)

    assert release["tender"]["tenderPeriod"]["endDate"] == "2027-07-01T12:00:00+02:00"
    assert release["tender"]["enquiryPeriod"]["endDate"] == "2027-06-20T12:00:00+02:00"
