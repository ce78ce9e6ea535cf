"""Accounting files for the Treasury (PES): a batch checked whole before anything is sent, the accountant's
decision on each file, the rejections told to the body, and who may see and do what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchanges.actions import accounting
from exchanges.models import AccountingBatch, AccountingFile
from intranet import chain
from intranet.models import ChainEntry, Membership, Notification
from tests.exchanges.conftest import client_for, pdf

EXPENSES = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<PES_Aller><EnTetePES><LibelleColBud V="Ville"/></EnTetePES>'
    b"<PES_DepenseAller><Bordereau><Mandat/></Bordereau></PES_DepenseAller></PES_Aller>"
)
BUDGET = b'<?xml version="1.0"?><DocumentBudgetaire xmlns="http://www.minefi.gouv.fr/cp/demat/docbudgetaire"/>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b"<PES_Aller>&lol2;</PES_Aller>"
)


def xml(name, content):
    return SimpleUploadedFile(name, content, content_type="text/xml")


@pytest.fixture
def treasury_agent(make_user, treasury):
    return make_user("sgc.rennes@dgfip.finances.gouv.fr", treasury.organization, Membership.Role.BUYER)


@pytest.fixture
def batch(transmitter, body, treasury):
    return accounting.do_send_batch(
        transmitter,
        body,
        treasury,
        [xml("mandats-janvier.xml", EXPENSES), xml("budget-primitif.xml", BUDGET)],
        "Janvier 2027",
    )


def test_a_batch_is_sent_fingerprinted_and_chained(treasury_agent, batch, body):
    files = list(batch.files.order_by("pk"))
    assert [(f.filename, f.kind, f.status) for f in files] == [
        ("mandats-janvier.xml", "expenses", "received"),
        ("budget-primitif.xml", "budget", "received"),
    ]
    assert all(len(f.sha256) == 64 for f in files)
    assert batch.reference.startswith(f"PES-{body.siret[:9]}-")
    entries = list(chain.entries(f"exchanges:{body.pk}"))
    assert [(e.kind, e.reference, e.position) for e in entries] == [
        ("pes_sent", batch.reference, files[0].sent_position),
        ("pes_sent", batch.reference, files[1].sent_position),
    ]
    assert chain.verify(f"exchanges:{body.pk}").ok
    assert Notification.objects.filter(recipient=treasury_agent, verb="exchanges.accounting.sent").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<PES_Aller><PES_DepenseAller></PES_Aller>", "not well-formed XML (line 1"),
        (LAUGHS, "document type (DTD)"),
        (b"<html><body/></html>", "not a PES file (its root is <html>)"),
        (b"", "empty"),
    ],
)
def test_one_bad_file_refuses_the_batch_and_nothing_is_sent(transmitter, body, treasury, content, message):
    with pytest.raises(ValidationError) as refused:
        accounting.do_send_batch(
            transmitter, body, treasury, [xml("bon.xml", EXPENSES), xml("mauvais.xml", content)], ""
        )
    errors = " ".join(refused.value.message_dict["files"])
    assert "Nothing was sent" in errors and "“mauvais.xml”" in errors and message in errors
    assert "bon.xml" not in errors
    assert not AccountingBatch.objects.exists() and not ChainEntry.objects.exists()


def test_an_oversized_file_is_refused_with_the_limit(transmitter, body, treasury, monkeypatch):
    monkeypatch.setattr(accounting, "MAX_PES_SIZE", 50)
    with pytest.raises(ValidationError) as refused:
        accounting.do_send_batch(transmitter, body, treasury, [xml("gros.xml", EXPENSES)], "")
    assert "too big" in str(refused.value) and "at most 50" in str(refused.value)


def test_acts_go_to_the_prefecture_and_accounting_files_to_the_accountant(transmitter, body, prefecture):
    with pytest.raises(ValidationError) as refused:
        accounting.do_send_batch(transmitter, body, prefecture, [xml("m.xml", EXPENSES)], "")
    assert "public accountant" in str(refused.value.message_dict["authority"])


def test_the_accountant_accepts_and_rejects_each_file_once(batch, treasury_agent, transmitter, body):
    expenses, budget = batch.files.order_by("pk")
    accounting.do_decide(treasury_agent, expenses, "accepted", upload=xml("ack.xml", b"<PES_ACK/>"))
    with pytest.raises(ValidationError) as refused:
        accounting.do_decide(treasury_agent, budget, "rejected", "")
    assert "reason" in str(refused.value.message_dict["reason"])
    with pytest.raises(ValidationError):
        accounting.do_decide(treasury_agent, budget, "rejected", "x", upload=xml("ack.xml", b"<not closed"))
    accounting.do_decide(treasury_agent, budget, "rejected", "Le budget n'est pas scellé.")
    with pytest.raises(ValidationError) as refused:
        accounting.do_decide(treasury_agent, budget, "accepted")
    assert "already taken on this file (Rejected)" in str(refused.value)
    expenses.refresh_from_db()
    budget.refresh_from_db()
    assert (expenses.status, expenses.acknowledgement_filename) == ("accepted", "ack.xml")
    assert (budget.status, budget.reason) == ("rejected", "Le budget n'est pas scellé.")
    told = Notification.objects.get(recipient=transmitter, verb="exchanges.accounting.rejected")
    assert "budget-primitif.xml" in told.message and "pas scellé" in told.message
    assert chain.verify(f"exchanges:{body.pk}").length == 4


def test_who_sees_and_decides(batch, treasury_agent, agent, buyer, other_admin, transmitter):
    url = reverse("exchanges:batch", args=[batch.pk])
    stored = batch.files.first()
    for person, status in ((transmitter, 200), (buyer, 200), (treasury_agent, 200), (agent, 404), (other_admin, 404)):
        assert client_for(person).get(url).status_code == status, person
        download = client_for(person).get(reverse("exchanges:batch_file", args=[batch.pk, stored.pk]))
        assert download.status_code == status, person
    for person in (agent, transmitter):
        with pytest.raises(PermissionDenied):
            accounting.do_decide(person, stored, "accepted")
    decision = {"file": stored.pk, f"file-{stored.pk}-decision": "accepted"}
    assert client_for(transmitter).post(url, decision).status_code == 403
    assert client_for(treasury_agent).post(url, decision).status_code == 302
    stored.refresh_from_db()
    assert stored.status == AccountingFile.Status.ACCEPTED
    # Only transmitters send.
    assert client_for(buyer).get(reverse("exchanges:send_batch")).status_code == 403
    # The accountant's inbox lists the batch, with its file to process; nobody else opens it.
    inbox = reverse("exchanges:inbox", args=[batch.authority_id])
    page = client_for(treasury_agent).get(inbox, {"a_traiter": "1"}).content.decode()
    assert batch.reference in page and "1 file to accept or reject." in page
    for person in (agent, transmitter, other_admin):
        assert client_for(person).get(inbox).status_code == 404, person
    register = client_for(buyer).get(reverse("exchanges:accounting", args=[batch.sender_id])).content.decode()
    assert batch.reference in register
    assert client_for(agent).get(reverse("exchanges:accounting", args=[batch.sender_id])).status_code == 404


def test_the_form_names_the_refused_file_and_keeps_the_label(transmitter, body, treasury):
    browser = client_for(transmitter)
    response = browser.post(
        reverse("exchanges:send_batch"),
        {
            "sender": body.pk,
            "authority": treasury.pk,
            "label": "Mandats de février",
            "files": [xml("a.xml", EXPENSES), SimpleUploadedFile("b.xml", pdf().read())],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was sent" in page and "b.xml" in page and "Mandats de février" in page
    assert not AccountingBatch.objects.exists()


def test_the_acknowledgement_file_is_downloaded_by_both_sides_only(batch, treasury_agent, transmitter, other_admin):
    stored = batch.files.first()
    accounting.do_decide(treasury_agent, stored, "accepted", upload=xml("PES_ACK.xml", b"<PES_ACK><Ok/></PES_ACK>"))
    url = reverse("exchanges:batch_ack", args=[batch.pk, stored.pk])
    for person in (treasury_agent, transmitter):
        response = client_for(person).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"<PES_ACK><Ok/></PES_ACK>"
    assert client_for(other_admin).get(url).status_code == 404
    other = batch.files.last()
    assert client_for(transmitter).get(reverse("exchanges:batch_ack", args=[batch.pk, other.pk])).status_code == 404
