"""Acts for legality control: the draft, the transmission, the authority's answers, the refusals of bad input,
and the register that nobody can rewrite."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from exchanges import verification
from exchanges.actions import acts as actions
from exchanges.models import Act, ActEvent, ActFile
from intranet import chain
from intranet.models import AuditEvent, Notification
from tests.exchanges.conftest import PDF, client_for, pdf

Status = Act.Status


def test_a_transmission_gets_its_identifier_time_fingerprints_and_register_entry(make_draft, transmitter, agent, body):
    act = make_draft()
    actions.do_add_annex(transmitter, act, pdf("plan.pdf", PDF + b"annex"), "Plan des écoles")
    before = timezone.now()
    sent = actions.do_transmit(transmitter, act)

    decided = act.decision_date.strftime("%Y%m%d")
    assert sent.identifier == f"035-{body.siret[:9]}-{decided}-DEL2026_001-DE"
    assert sent.status == Status.SENT and sent.sent_at >= before
    files = list(sent.files.order_by("pk"))
    assert [f.role for f in files] == [ActFile.Role.MAIN, ActFile.Role.ANNEX]
    assert all(len(f.sha256) == 64 and f.event is not None for f in files)
    [event] = sent.events.all()
    assert event.kind == ActEvent.Kind.SENT
    [entry] = chain.entries(f"exchanges:{body.pk}")
    assert (entry.position, entry.reference, entry.digest) == (event.chain_position, sent.identifier, event.digest)
    assert chain.verify(f"exchanges:{body.pk}").ok
    assert Notification.objects.filter(recipient=agent, verb="exchanges.act.sent").count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXCHANGE, details__verb="sent").count() == 1
    assert verification.verify_act(sent).ok


def test_the_timeline_from_transmission_to_referral(make_sent, transmitter, agent):
    act = make_sent()
    act = actions.do_acknowledge(agent, act)
    assert act.status == Status.ACKNOWLEDGED and act.acknowledged_at
    act = actions.do_request_documents(agent, act, "Le rapport de la commission d'appel d'offres")
    assert act.status == Status.DOCUMENTS_REQUESTED
    assert Notification.objects.filter(recipient=transmitter, verb="exchanges.act.documents_requested").exists()
    act = actions.do_answer_request(transmitter, act, "Voici le rapport", [pdf("rapport.pdf")])
    # The answer reopens the control: acknowledged again, the authority told.
    assert act.status == Status.ACKNOWLEDGED
    assert Notification.objects.filter(recipient=agent, verb="exchanges.act.documents_sent").exists()
    act = actions.do_send_observations(agent, act, "La publicité était insuffisante.", pdf("lettre.pdf"))
    act = actions.do_refer(agent, act, "Défaut de mise en concurrence")
    assert act.status == Status.REFERRED
    kinds = list(act.events.values_list("kind", flat=True))
    assert kinds == ["sent", "acknowledged", "documents_requested", "documents_sent", "observations", "referred"]
    assert list(act.events.values_list("chain_position", flat=True)) == [1, 2, 3, 4, 5, 6]
    audited = AuditEvent.objects.filter(action=AuditEvent.Action.EXCHANGE, details__act=act.pk).order_by("pk")
    assert [(e.details["verb"], e.actor) for e in audited] == [
        ("sent", transmitter),
        ("acknowledged", agent),
        ("documents_requested", agent),
        ("documents_sent", transmitter),
        ("observations", agent),
        ("referred", agent),
    ]
    assert verification.verify_act(act).ok
    # A referred act is no longer acknowledged, cancelled or answered.
    with pytest.raises(ValidationError):
        actions.do_acknowledge(agent, act)
    with pytest.raises(ValidationError):
        actions.do_cancel(transmitter, act, "Erreur")


def test_a_cancellation_is_transmitted_then_acknowledged(make_sent, transmitter, agent):
    act = actions.do_acknowledge(agent, make_sent())
    with pytest.raises(ValidationError) as refused:
        actions.do_cancel(transmitter, act, "  ")
    assert "reason" in str(refused.value)
    act = actions.do_cancel(transmitter, act, "Délibération retirée")
    assert act.status == Status.CANCELLATION_SENT
    act = actions.do_acknowledge(agent, act)
    assert act.status == Status.CANCELLED
    assert list(act.events.values_list("kind", flat=True))[-2:] == ["cancellation_sent", "cancellation_acknowledged"]


@pytest.mark.django_db(transaction=True)
def test_two_acknowledgements_at_once_leave_one(make_sent, agent, make_user, prefecture):
    act = make_sent()
    colleague = make_user("second.agent@ille-et-vilaine.gouv.fr", prefecture.organization)
    results, start = [], threading.Barrier(2)

    def acknowledge(user):
        start.wait()
        try:
            actions.do_acknowledge(user, Act.objects.get(pk=act.pk))
            results.append("done")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=acknowledge, args=(user,)) for user in (agent, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["done", "refused"]
    assert act.events.filter(kind=ActEvent.Kind.ACKNOWLEDGED).count() == 1
    assert chain.verify(f"exchanges:{act.sender_id}").length == 2


# --- bad input -------------------------------------------------------------------------------------


def test_a_renamed_file_that_is_not_a_pdf_is_refused_and_the_draft_keeps_its_document(make_draft, transmitter):
    act = make_draft()
    fake = SimpleUploadedFile("deliberation.pdf", b"PK\x03\x04 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        actions.do_set_main_document(transmitter, act, fake)
    assert "is not an accepted file" in str(refused.value.message_dict["main_document"])
    assert act.files.get().filename == "deliberation.pdf"


def test_an_oversized_file_is_refused_with_the_limit(make_draft, transmitter, monkeypatch):
    act = make_draft(with_main=False)
    monkeypatch.setattr(actions, "MAX_FILE_SIZE", 10)
    with pytest.raises(ValidationError) as refused:
        actions.do_set_main_document(transmitter, act, pdf())
    assert "too big" in str(refused.value) and "at most 10" in str(refused.value)
    assert not act.files.exists()


def test_an_annex_without_its_file_is_refused(make_draft, transmitter):
    act = make_draft()
    with pytest.raises(ValidationError) as refused:
        actions.do_add_annex(transmitter, act, None, "Plan de situation")
    assert "has no file" in str(refused.value.message_dict["annex"])


def test_a_duplicated_act_number_and_a_future_date_are_refused_beside_their_fields(
    make_draft, transmitter, body, act_data
):
    make_draft()
    with pytest.raises(ValidationError) as refused:
        actions.do_save_draft(
            transmitter, body, act_data(decision_date=timezone.localdate() + datetime.timedelta(days=1))
        )
    assert "future" in str(refused.value.message_dict["decision_date"])
    with pytest.raises(ValidationError) as refused:
        actions.do_save_draft(transmitter, body, act_data(number="del2026_001"))
    assert "already exists" in str(refused.value.message_dict["number"])
    with pytest.raises(ValidationError) as refused:
        actions.do_save_draft(transmitter, body, act_data(number="DEL 2026-2"))
    assert "capital letters" in str(refused.value.message_dict["number"])
    # The same number another year is another act.
    other_year = actions.do_save_draft(
        transmitter, body, act_data(decision_date=timezone.localdate().replace(year=timezone.localdate().year - 1))
    )
    assert other_year.pk


def test_nothing_is_sent_without_the_main_document(make_draft, transmitter, body):
    act = make_draft(with_main=False)
    with pytest.raises(ValidationError) as refused:
        actions.do_transmit(transmitter, act)
    assert "main document" in str(refused.value)
    act.refresh_from_db()
    assert act.status == Status.DRAFT and not act.identifier and not act.events.exists()
    assert not chain.entries(f"exchanges:{body.pk}").exists()


def test_the_form_shows_errors_beside_the_fields_and_keeps_what_was_typed(make_draft, transmitter, prefecture, subject):
    make_draft()
    browser = client_for(transmitter)
    data = {
        "sender": transmitter.memberships.get().organization_id,
        "authority": prefecture.pk,
        "nature": "DE",
        "subject": subject.pk,
        "number": "DEL2026_001",
        "decision_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "object": "Tarifs de la cantine scolaire",
        "signatory": "Marie Le Goff, maire",
    }
    response = browser.post(reverse("exchanges:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "already exists" in page and "Tarifs de la cantine scolaire" in page
    assert Act.objects.count() == 1


def test_a_non_pdf_upload_through_the_page_is_refused_and_the_page_says_why(make_draft, transmitter):
    act = make_draft(with_main=False)
    browser = client_for(transmitter)
    fake = SimpleUploadedFile("acte.pdf", b"GIF89a not a pdf")
    response = browser.post(reverse("exchanges:files", args=[act.pk]), {"main": "1", "main_document": fake})
    assert response.status_code == 200
    assert "is not an accepted file" in response.content.decode()
    assert not act.files.exists()


# --- who may -------------------------------------------------------------------------------------------


def test_only_transmitters_prepare_and_send(make_draft, buyer, body, act_data, org_admin):
    with pytest.raises(ValidationError):
        actions.do_save_draft(buyer, body, act_data(number="DEL2026_009"))
    act = make_draft()
    with pytest.raises(PermissionDenied):
        actions.do_transmit(buyer, act)
    assert client_for(buyer).post(reverse("exchanges:transmit", args=[act.pk])).status_code == 403
    assert client_for(buyer).get(reverse("exchanges:create")).status_code == 403
    # The organization admin grants the right; then the buyer transmits.
    browser = client_for(org_admin)
    assert (
        browser.post(reverse("exchanges:transmitters", args=[body.pk]), {"user": buyer.pk, "grant": "1"}).status_code
        == 302
    )
    buyer.refresh_from_db()
    assert actions.do_transmit(buyer, act).status == Status.SENT


def test_only_the_organization_admin_grants(body, buyer, transmitter, other_admin):
    assert client_for(transmitter).get(reverse("exchanges:transmitters", args=[body.pk])).status_code == 403
    assert client_for(other_admin).get(reverse("exchanges:transmitters", args=[body.pk])).status_code == 404
    with pytest.raises(ValidationError):
        actions.do_grant(transmitter, body, buyer)


def test_only_the_recipient_authority_answers(make_sent, transmitter, make_user, treasury, agent):
    act = make_sent()
    treasury_agent = make_user("sgc@dgfip.finances.gouv.fr", treasury.organization)
    for person in (transmitter, treasury_agent):
        with pytest.raises(PermissionDenied):
            actions.do_acknowledge(person, act)
    assert (
        client_for(treasury_agent).post(reverse("exchanges:step", args=[act.pk, "accuser-reception"])).status_code
        == 404
    )
    assert (
        client_for(transmitter).post(reverse("exchanges:step", args=[act.pk, "accuser-reception"])).status_code == 403
    )
    assert client_for(agent).post(reverse("exchanges:step", args=[act.pk, "accuser-reception"])).status_code == 302


def test_members_who_follow_the_acts_are_told_of_each_step(make_sent, buyer, body, agent, transmitter):
    browser = client_for(buyer)
    register = reverse("exchanges:register", args=[body.pk])
    assert "Be told of every step" in browser.get(register).content.decode()
    assert browser.post(register, {"follow": "1"}).status_code == 302
    act = actions.do_acknowledge(agent, make_sent())
    assert Notification.objects.filter(recipient=buyer, verb="exchanges.act.acknowledged").count() == 1
    assert Notification.objects.filter(recipient=transmitter, verb="exchanges.act.acknowledged").count() == 1
    browser.post(register, {"follow": "0"})
    actions.do_refer(agent, act, "Illégalité")
    assert not Notification.objects.filter(recipient=buyer, verb="exchanges.act.referred").exists()
