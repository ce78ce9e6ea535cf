"""The pages of the exchanges: who sees what (a matrix over pages, downloads and exports), the verification page
finding tampering, the public acts as a page and as JSON, and the query counts of the register and the inbox."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchanges.actions import acts as actions
from exchanges.models import Act, ActFile, Subject
from intranet.models import Chain, ChainEntry, Membership
from tests.exchanges.conftest import client_for
from tests.page_cache_helpers import forget_kept_member_pages

Status = Act.Status


@pytest.fixture
def people(transmitter, buyer, org_admin, agent, make_user, treasury, other_admin, company_admin, platform_admin):
    return {
        "transmitter": transmitter,
        "body buyer": buyer,
        "body admin": org_admin,
        "prefecture agent": agent,
        "treasury agent": make_user("sgc@dgfip.finances.gouv.fr", treasury.organization, Membership.Role.BUYER),
        "other body's admin": other_admin,
        "company": company_admin,
        "platform admin": platform_admin,
    }


def test_who_sees_a_non_public_act_its_files_register_and_inbox(people, make_sent, make_draft, body, prefecture):
    sent = make_sent()
    draft = make_draft(number="DEL2026_002")
    main = sent.files.get(role=ActFile.Role.MAIN)
    pages = {
        "act": reverse("exchanges:act", args=[sent.pk]),
        "file": reverse("exchanges:file", args=[sent.pk, main.pk]),
        "draft": reverse("exchanges:act", args=[draft.pk]),
        "register": reverse("exchanges:register", args=[body.pk]),
        "csv": reverse("exchanges:register_csv", args=[body.pk]),
        "inbox": reverse("exchanges:inbox", args=[prefecture.pk]),
    }
    sees = {
        "transmitter": {"act", "file", "draft", "register", "csv"},
        "body buyer": {"act", "file", "draft", "register", "csv"},
        "body admin": {"act", "file", "draft", "register", "csv"},
        "prefecture agent": {"act", "file", "inbox"},
    }
    for role, person in people.items():
        browser = client_for(person)
        for page, url in pages.items():
            status = browser.get(url).status_code
            expected = 200 if page in sees.get(role, set()) else 404
            assert status == expected, (role, page, status)
    # Visitors are asked to log in; the public page does not list the act.
    assert pytest.importorskip("django.test").Client().get(pages["act"]).status_code == 302
    public = client_for(people["company"]).get(reverse("exchanges:public_acts", args=[body.pk]))
    assert sent.identifier not in public.content.decode()


def test_the_register_filters_and_exports_what_it_shows(make_sent, transmitter, body, agent):
    first = make_sent(number="DEL2026_010", object="Tarifs de la cantine")
    make_sent(number="ARR2026_011", nature=Act.Nature.REGULATORY, object='=HYPERLINK("http://x")')
    actions.do_acknowledge(agent, first)
    browser = client_for(transmitter)
    page = browser.get(reverse("exchanges:register", args=[body.pk]), {"nature": "DE"}).content.decode()
    assert "DEL2026_010" in page and "ARR2026_011" not in page and "1 act" in page
    page = browser.get(reverse("exchanges:register", args=[body.pk]), {"status": "acknowledged"}).content.decode()
    assert "DEL2026_010" in page and "ARR2026_011" not in page
    exported = browser.get(reverse("exchanges:register_csv", args=[body.pk])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert rows[0][0] == "Identifier" and len(rows) == 3
    objects = {row[1]: row[5] for row in rows[1:]}
    assert objects["DEL2026_010"] == "Tarifs de la cantine"
    assert not objects["ARR2026_011"].startswith("=")  # never a formula in a spreadsheet


def test_the_verification_page_finds_altered_files_entries_and_truncation(make_sent, agent, client, body):
    act = actions.do_acknowledge(agent, make_sent())
    url = reverse("exchanges:verify")
    page = client.get(url, {"identifiant": act.identifier}).content.decode()
    assert "unaltered" in page and "Warning" not in page
    assert act.object not in page  # anyone may check: fingerprints and steps only

    # A stored file rewritten on disk.
    stored = act.files.get(role=ActFile.Role.MAIN)
    original = stored.file.open("rb").read()
    with open(stored.file.path, "wb") as handle:
        handle.write(original + b"% altered")
    page = client.get(url, {"identifiant": act.identifier}).content.decode()
    assert "Warning" in page and "altered" in page
    with open(stored.file.path, "wb") as handle:
        handle.write(original)
    assert "Warning" not in client.get(url, {"identifiant": act.identifier}).content.decode()

    # A register entry rewritten in the database.
    entry = ChainEntry.objects.get(chain__key=f"exchanges:{body.pk}", position=1)
    ChainEntry.objects.filter(pk=entry.pk).update(digest="0" * 64)
    page = client.get(url, {"identifiant": act.identifier}).content.decode()
    assert "Warning" in page and "missing from the register" in page
    ChainEntry.objects.filter(pk=entry.pk).update(digest=entry.digest)

    # The last entry removed (and the chain's head left as it was).
    ChainEntry.objects.filter(chain__key=f"exchanges:{body.pk}", position=2).delete()
    page = client.get(url, {"identifiant": act.identifier}).content.decode()
    assert "Warning" in page and "entries were removed" in page

    assert "No transmitted act" in client.get(url, {"identifiant": "035-000000000-20260101-X-DE"}).content.decode()


def test_an_event_rewritten_in_the_database_no_longer_matches_its_entry(make_sent, agent, client):
    act = actions.do_acknowledge(agent, make_sent())
    act.events.filter(kind="acknowledged").update(at=timezone.now() - timezone.timedelta(days=3))
    page = client.get(reverse("exchanges:verify"), {"identifiant": act.identifier}).content.decode()
    assert "Warning" in page and "<strong>altered</strong>" in page


def test_public_acts_are_published_once_acknowledged(make_sent, agent, client, body):
    public = make_sent(number="DEL2026_020", is_public=True, object="Règlement du marché hebdomadaire")
    private = make_sent(number="DEL2026_021", object="Recrutement d'un agent contractuel")
    url = reverse("exchanges:public_acts", args=[body.pk])
    assert "DEL2026_020" not in client.get(url).content.decode()  # not acknowledged yet
    assert client.get(reverse("exchanges:public_document", args=[public.pk])).status_code == 404
    actions.do_acknowledge(agent, public)
    actions.do_acknowledge(agent, private)
    page = client.get(url).content.decode()
    assert "Règlement du marché hebdomadaire" in page and "Recrutement" not in page
    data = json.loads(client.get(reverse("exchanges:public_acts_json", args=[body.pk])).content)
    assert [act["number"] for act in data["acts"]] == ["DEL2026_020"]
    assert data["acts"][0]["acknowledged_at"]
    assert client.get(reverse("exchanges:public_document", args=[public.pk])).status_code == 200
    assert client.get(reverse("exchanges:public_document", args=[private.pk])).status_code == 404


def many_acts(body, prefecture, subject, count: int):
    now = timezone.now()
    Act.objects.bulk_create(
        Act(
            sender=body,
            authority=prefecture,
            nature=Act.Nature.DELIBERATION,
            subject=subject,
            number=f"N{index}",
            year=2026,
            decision_date=now.date().replace(year=2026, month=1, day=1),
            object=f"Objet {index}",
            signatory="Maire",
            status=Status.SENT,
            identifier=f"035-{body.siret[:9]}-20260101-N{index}-DE",
            sent_at=now,
        )
        for index in range(count)
    )


@pytest.mark.parametrize("count", [10, 10_000])
def test_query_counts_of_the_register_and_the_inbox(count, body, prefecture, subject, transmitter, agent):
    many_acts(body, prefecture, subject, count)
    for person, url in (
        (transmitter, reverse("exchanges:register", args=[body.pk])),
        (agent, reverse("exchanges:inbox", args=[prefecture.pk])),
    ):
        browser = client_for(person)
        browser.get(url)  # the session and its caches
        forget_kept_member_pages()
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(url)
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == count
        assert len(response.context["page_obj"].object_list) == min(count, 50)
        assert len(queries) == QUERIES[url.startswith(reverse("exchanges:inbox", args=[prefecture.pk]))], [
            q["sql"] for q in queries
        ]


QUERIES = {False: 14, True: 14}  # the register: whether the reader follows the body's acts


def test_chains_are_one_per_body(make_sent, body):
    make_sent(number="A1")
    make_sent(number="A2")
    assert list(Chain.objects.values_list("key", "length")) == [(f"exchanges:{body.pk}", 2)]


def buttons(browser, act) -> set[str]:
    page = browser.get(reverse("exchanges:act", args=[act.pk])).content.decode()
    labels = {
        "transmit": "Transmit the act",
        "acknowledge": "Send the acknowledgement of receipt",
        "request": "Send the request",
        "observe": "Send the observations",
        "refer": "Record the referral",
        "answer": "Send the documents",
        "cancel": "Transmit the cancellation",
    }
    return {name for name, label in labels.items() if f">{label}</button>" in page}


def test_each_side_is_offered_the_steps_it_may_take_at_each_status(make_draft, transmitter, agent, buyer):
    act = make_draft()
    sender, authority, reader = client_for(transmitter), client_for(agent), client_for(buyer)
    assert buttons(sender, act) == {"transmit"}
    assert buttons(reader, act) == set()  # a member without the right reads only
    act = actions.do_transmit(transmitter, act)
    assert buttons(sender, act) == {"cancel"}
    assert buttons(authority, act) == {"acknowledge"}
    act = actions.do_acknowledge(agent, act)
    assert buttons(authority, act) == {"request", "observe", "refer"}
    assert buttons(sender, act) == {"cancel"}
    act = actions.do_request_documents(agent, act, "Le rapport de présentation")
    assert buttons(sender, act) == {"answer", "cancel"}
    assert buttons(authority, act) == {"observe", "refer"}
    assert buttons(reader, act) == set()
    act = actions.do_refer(agent, act, "Illégalité")
    assert buttons(sender, act) == buttons(authority, act) == set()
    page = sender.get(reverse("exchanges:act", args=[act.pk])).content.decode()
    assert "Le rapport de présentation" in page and "Referral to the administrative court" in page


def test_a_refused_step_keeps_what_was_typed(make_sent, agent):
    act = actions.do_acknowledge(agent, make_sent())
    browser = client_for(agent)
    url = reverse("exchanges:step", args=[act.pk, "observations"])
    typed = "La délibération ne vise pas l'avis de la commission."
    fake = SimpleUploadedFile("lettre.pdf", b"not a pdf at all")
    response = browser.post(url, {"observations-message": typed, "observations-letter": fake})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not an accepted file" in page and "La délibération ne vise pas l&#x27;avis" in page
    act.refresh_from_db()
    assert act.status == Status.ACKNOWLEDGED


def test_platform_admins_edit_the_subjects_and_authorities_and_nobody_else(platform_admin, org_admin, agent):
    subjects, authorities = reverse("exchanges_subjects:index"), reverse("exchanges_authorities:index")
    admin = client_for(platform_admin)
    page = admin.get(subjects).content.decode()
    assert "Marchés publics" in page
    assert "Préfecture d&#x27;Ille-et-Vilaine" in admin.get(authorities).content.decode()
    added = admin.post(
        subjects + "new/", {"code": "1.8", "label": "Concessions", "parent": Subject.objects.get(code="1").pk}
    )
    assert added.status_code == 302 and Subject.objects.get(code="1.8").parent.code == "1"
    for person in (org_admin, agent):
        assert client_for(person).get(subjects).status_code in (302, 403), person


def test_the_draft_is_changed_its_file_removed_and_it_is_deleted_from_its_page(make_draft, transmitter, buyer, agent):
    act = make_draft()
    browser = client_for(transmitter)
    edit = reverse("exchanges:edit", args=[act.pk])
    data = {
        "authority": act.authority_id,
        "nature": "AR",
        "subject": act.subject_id,
        "number": "ARR2026_003",
        "decision_date": act.decision_date.isoformat(),
        "object": "Arrêté de circulation",
        "signatory": act.signatory,
    }
    assert client_for(buyer).post(edit, data).status_code == 403  # a member without the right
    assert browser.post(edit, data).status_code == 302
    act.refresh_from_db()
    assert (act.nature, act.number, act.object) == ("AR", "ARR2026_003", "Arrêté de circulation")
    main = act.files.get()
    assert browser.post(reverse("exchanges:files", args=[act.pk]), {"remove": main.pk}).status_code == 302
    assert not act.files.exists()
    actions.do_set_main_document(transmitter, act, SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    act = actions.do_transmit(transmitter, act)
    # Transmitted: no more changes, nor deletion, through the pages.
    assert browser.post(edit, data | {"object": "Autre"}).status_code == 200
    act.refresh_from_db()
    assert act.object == "Arrêté de circulation"
    browser.post(reverse("exchanges:delete", args=[act.pk]))
    assert Act.objects.filter(pk=act.pk).exists()
    draft = make_draft(number="DEL2026_099")
    assert browser.post(reverse("exchanges:delete", args=[draft.pk])).status_code == 302
    assert not Act.objects.filter(pk=draft.pk).exists()


def test_the_organization_admin_withdraws_the_right_to_transmit(body, transmitter, org_admin, make_draft):
    browser = client_for(org_admin)
    page = browser.get(reverse("exchanges:transmitters", args=[body.pk])).content.decode()
    assert "Withdraw from" in page
    browser.post(reverse("exchanges:transmitters", args=[body.pk]), {"user": transmitter.pk, "grant": "0"})
    assert client_for(transmitter).get(reverse("exchanges:create")).status_code == 403


def test_the_prefecture_sees_its_inbox_not_a_register_of_its_own(agent, prefecture):
    page = client_for(agent).get(reverse("exchanges:index")).content.decode()
    assert reverse("exchanges:inbox", args=[prefecture.pk]) in page
    assert reverse("exchanges:register", args=[prefecture.organization_id]) not in page


def test_refused_buttons_say_why_instead_of_failing(make_draft, transmitter, agent):
    browser = client_for(transmitter)
    act = make_draft(with_main=False)
    page = browser.post(reverse("exchanges:transmit", args=[act.pk]))
    assert page.status_code == 200 and "Add the act&#x27;s main document (PDF)" in page.content.decode()
    actions.do_set_main_document(transmitter, act, SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    act = actions.do_acknowledge(agent, actions.do_transmit(transmitter, act))
    # A second acknowledgement (another agent's page was older): a message, not an error page.
    response = client_for(agent).post(reverse("exchanges:step", args=[act.pk, "accuser-reception"]), follow=True)
    assert response.status_code == 200 and "the step was not recorded" in response.content.decode()
    response = browser.post(reverse("exchanges:delete", args=[act.pk]), follow=True)
    assert response.status_code == 200 and "can no longer be changed" in response.content.decode()
