"""Group purchases: who sees and manages what, the agreement and its signatures, declarations until the
deadline (and two buyers of one body at once), exact totals and exports, the notice made from the needs, the
members' shares, the workspace, and what people are told."""

import csv
import datetime
import io
import threading
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intranet.models import AuditEvent, Notification, Organization
from procurement.actions import groups as actions
from procurement.models import NoticePage
from procurement.models_groups import Declaration, GroupMember, GroupPurchase
from tests.page_cache_helpers import forget_kept_member_pages
from tests.procurement.groups_helpers import group_values, items, pdf_upload

pytestmark = pytest.mark.django_db
Status = GroupMember.Status


def client_for(user) -> Client:
    """Another person's browser, in English as the `client` fixture (the english_interface fixture)."""
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    other.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return other


def url(name, group, *args):
    return reverse(f"groups:{name}", args=[group.pk, *args])


def declare_data(group, member, lines: dict, *, loaded: dict | None = None) -> dict:
    """The POST of the declaration form: `lines` {item: quantity or (quantity, site)}; `loaded` what the form
    showed when it was opened ({item: (version, quantity, site)}; default: the lines as they are now)."""
    current = {d.item_id: d for d in Declaration.objects.filter(member=member)}
    data = {}
    for item in items(group):
        prefix = f"item-{item.pk}"
        existing = current.get(item.pk)
        version, quantity, site = (
            (existing.version, existing.quantity, existing.delivery_site) if existing else (0, "", "")
        )
        if loaded is not None:
            version, quantity, site = loaded.get(item.pk, (0, "", ""))
        data[f"{prefix}-version"] = version
        for name, value in (("quantity", quantity), ("delivery_site", site)):
            data[f"{prefix}-{name}"] = value
            data[f"initial-{prefix}-{name}"] = value
        for name in ("wanted_from", "wanted_until", "comment"):
            data[f"{prefix}-{name}"] = data[f"initial-{prefix}-{name}"] = ""
        if item in lines:
            value = lines[item]
            quantity, site = value if isinstance(value, tuple) else (value, site)
            data[f"{prefix}-quantity"], data[f"{prefix}-delivery_site"] = quantity, site
    return data


# --- who sees what -------------------------------------------------------------------------------


def test_a_buyer_creates_a_group_through_the_form_and_a_company_cannot(
    client, login, buyer, body, company_user, cpv_codes
):
    login(buyer)
    response = client.post(
        reverse("groups:create"),
        {
            "coordinator": body.pk,
            "title": "Produits d'entretien",
            "purpose": "Produits et petit matériel d'entretien des bâtiments.",
            "nature": "supplies",
            "main_cpv": "39830000-9",
            "additional_cpv": "",
            "declaration_deadline": (timezone.localtime() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
            "reminder_days": "5",
            "admission": "open",
        },
    )
    group = GroupPurchase.objects.get(title="Produits d'entretien")
    assert response.status_code == 302 and response["Location"] == url("detail", group)
    assert group.coordinator == body and group.members.get().status == Status.JOINED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.GROUP_PURCHASE_EVENT, details__verb="created").exists()
    other = client_for(company_user)
    assert other.get(reverse("groups:create")).status_code == 403
    assert other.get(reverse("groups:index")).status_code == 403


def test_bad_input_is_refused_beside_its_field_and_kept(client, login, buyer, body, cpv_codes):
    login(buyer)
    response = client.post(
        reverse("groups:create"),
        {
            "coordinator": body.pk,
            "title": "Mobilier scolaire",
            "purpose": "Tables et chaises.",
            "nature": "supplies",
            "main_cpv": "11111111-1",
            "declaration_deadline": "2020-01-01T12:00",
            "reminder_days": "7",
            "admission": "invitation",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown CPV code: 11111111-1" in page
    assert 'value="Mobilier scolaire"' in page and "Tables et chaises." in page
    assert not GroupPurchase.objects.exists()
    response = client.post(
        reverse("groups:create"),
        {
            "coordinator": body.pk,
            "title": "Mobilier scolaire",
            "purpose": "Tables et chaises.",
            "nature": "supplies",
            "main_cpv": "39160000-1",
            "declaration_deadline": "2020-01-01T12:00",
            "reminder_days": "7",
            "admission": "invitation",
        },
    )
    assert "The deadline for declarations must be in the future." in response.content.decode()


def test_a_private_group_exists_only_for_its_coordinator_and_its_bodies(
    client, login, group, joined, buyer, member_buyer, outsider, company_user
):
    pages = ["detail", "table"]
    coordinator_pages = ["edit", "catalogue", "members", "prices"]
    login(buyer)
    for name in pages + coordinator_pages:
        assert client.get(url(name, group)).status_code == 200, name
    assert client.get(url("export", group, "csv")).status_code == 200
    member = client_for(member_buyer)
    for name in pages:
        assert member.get(url(name, group)).status_code == 200, name
    for name in coordinator_pages:
        assert member.get(url(name, group)).status_code == 403, name
    assert member.get(url("export", group, "xlsx")).status_code == 403  # other members' detail is not shared
    assert member.post(url("create_notice", group)).status_code == 403
    assert member.post(url("workspace", group)).status_code == 403
    for person in (outsider, company_user):
        stranger = client_for(person)
        for name in pages + coordinator_pages:
            assert stranger.get(url(name, group)).status_code == 404, (person, name)
        assert stranger.get(url("agreement", group)).status_code == 404
        assert stranger.get(url("export", group, "csv")).status_code == 404
    listed = client_for(outsider)
    assert group.title not in listed.get(reverse("groups:index")).content.decode()
    anonymous = Client().get(url("detail", group))
    assert anonymous.status_code == 302 and "connexion" in anonymous["Location"]


def test_an_open_call_is_seen_by_other_bodies_who_ask_to_join_and_the_coordinator_decides(
    client, login, group, buyer, outsider, other_body, member_buyer
):
    GroupPurchase.objects.filter(pk=group.pk).update(admission=GroupPurchase.Admission.OPEN)
    login(outsider)
    listing = client.get(reverse("groups:index")).content.decode()
    assert group.title in listing
    detail = client.get(url("detail", group)).content.decode()
    assert "Ask to join for CHU de Brest" in detail
    response = client.post(
        url("membership", group), {"action": "request", "organization": other_body.pk, "agree": "on"}
    )
    assert response.status_code == 302
    member = group.members.get(organization=other_body)
    assert member.status == Status.REQUESTED and member.signed_by == outsider and member.signed_sha256
    assert Notification.objects.filter(recipient=buyer, verb="procurement.group.request").exists()
    # Only the coordinator decides.
    assert client.post(url("members", group), {"decision": "approve", "member": member.pk}).status_code == 403
    coordinator = client_for(buyer)
    coordinator.post(url("members", group), {"decision": "approve", "member": member.pk})
    member.refresh_from_db()
    assert member.status == Status.JOINED
    assert Notification.objects.filter(recipient=outsider, verb="procurement.group.decision").exists()


def test_only_an_organization_admin_asks_to_join_and_only_an_open_call(
    group, outsider, other_body, make_user, member_body, member_buyer
):
    with pytest.raises(PermissionDenied):  # a private group does not exist for the CHU
        actions.do_request_to_join(outsider, group, other_body)
    GroupPurchase.objects.filter(pk=group.pk).update(admission=GroupPurchase.Admission.OPEN)
    group.refresh_from_db()
    chu_buyer = make_user("marches@chu-brest.fr", other_body, "buyer")
    with pytest.raises(PermissionDenied):  # a buyer, not the body's organization admin
        actions.do_request_to_join(chu_buyer, group, other_body)
    with pytest.raises(PermissionDenied):  # for another body than one's own
        actions.do_request_to_join(outsider, group, member_body)
    assert not group.members.filter(organization=other_body).exists()


def test_members_cannot_change_the_agreement_nor_a_coordinator_write_a_members_needs(
    client, login, group, joined, buyer, member_admin
):
    login(member_admin)
    assert client.post(url("agreement", group), {"agreement": pdf_upload()}).status_code == 403
    assert client.get(url("agreement", group) + "?televerser").status_code == 403
    coordinator = client_for(buyer)
    paper = items(group)[0]
    response = coordinator.post(url("declare", group, joined.pk), declare_data(group, joined, {paper: "5"}))
    assert response.status_code == 403 and not Declaration.objects.exists()


# --- the agreement and its signature ---------------------------------------------------------------


def test_the_agreement_must_be_a_real_pdf(client, login, group, buyer):
    login(buyer)
    fake = SimpleUploadedFile("convention.pdf", b"Bonjour, ceci n'est pas un PDF.", content_type="application/pdf")
    response = client.post(url("agreement", group), {"agreement": fake})
    assert response.status_code == 200
    assert "“convention.pdf” is not a PDF file" in response.content.decode()
    before = group.agreement_sha256
    response = client.post(url("agreement", group), {"agreement": pdf_upload("convention-v2.pdf", "Version 2")})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.agreement_filename == "convention-v2.pdf" and group.agreement_sha256 != before
    download = client.get(url("agreement", group))
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"


def test_only_the_invited_bodys_admin_signs_and_the_signature_is_recorded(
    client, login, group, buyer, member_body, member_admin, member_buyer
):
    (member,) = actions.do_invite(buyer, group, [member_body])
    assert Notification.objects.filter(recipient=member_admin, verb="procurement.group.invitation").exists()
    assert Notification.objects.filter(recipient=member_buyer, verb="procurement.group.invitation").exists()
    login(member_buyer)  # a buyer, not the organization admin
    page = client.get(url("detail", group)).content.decode()
    assert "Sign and join" not in page and "organization admin signs up" in page
    assert (
        client.post(url("membership", group), {"action": "sign", "member": member.pk, "agree": "on"}).status_code == 403
    )
    admin = client_for(member_admin)
    unticked = admin.post(url("membership", group), {"action": "sign", "member": member.pk}, follow=True)
    assert "Tick the box to sign up to the agreement." in unticked.content.decode()
    admin.post(url("membership", group), {"action": "sign", "member": member.pk, "agree": "on"})
    member.refresh_from_db()
    assert member.status == Status.JOINED
    assert member.signed_by == member_admin and member.signed_sha256 == group.agreement_sha256
    assert "dgs@vitre.fr" in member.signed_by_label and member.signed_at is not None
    assert Notification.objects.filter(recipient=buyer, verb="procurement.group.joined").exists()


def test_an_invitation_can_be_declined(group, buyer, member_body, member_admin):
    (member,) = actions.do_invite(buyer, group, [member_body])
    actions.do_decline(member_admin, member)
    member.refresh_from_db()
    assert member.status == Status.DECLINED
    (again,) = actions.do_invite(buyer, group, [member_body])  # invited again later
    assert again.status == Status.INVITED


def test_no_invitation_before_the_agreement(buyer, body, member_body, cpv_codes):
    bare = actions.do_create_group(buyer, body, **group_values())
    with pytest.raises(Exception) as refused:
        actions.do_invite(buyer, bare, [member_body])
    assert "Add the agreement first" in str(refused.value)


# --- declarations --------------------------------------------------------------------------------


def test_a_member_declares_its_needs_and_sees_only_its_own_and_the_totals(
    client, login, group, joined, buyer, member_buyer, make_org, make_user
):
    paper, notebook, glue = items(group)
    other_body = make_org("Commune de Fougères")
    other_admin = make_user("dgs@fougeres.fr", other_body, "org_admin")
    (other,) = actions.do_invite(buyer, group, [other_body])
    actions.do_sign(other_admin, other)
    login(member_buyer)
    response = client.post(
        url("declare", group, joined.pk),
        declare_data(group, joined, {paper: ("12.5", "École Jean Jaurès"), notebook: "40"}),
    )
    assert response.status_code == 302
    lines = {d.item_id: d for d in Declaration.objects.filter(member=joined)}
    assert lines[paper.pk].quantity == Decimal("12.5") and lines[paper.pk].delivery_site == "École Jean Jaurès"
    assert lines[notebook.pk].quantity == 40 and glue.pk not in lines
    actions.do_declare(
        other_admin, other, [{"item": paper, "version": 0, "quantity": Decimal("7.25"), "delivery_site": "Mairie"}]
    )
    # Vitré's buyer may not open Fougères's form, nor read its lines.
    assert client.get(url("declare", group, other.pk)).status_code == 404
    table = client.get(url("table", group)).content.decode()
    assert "19.75" in table  # the total of both members for the paper
    assert "Commune de Fougères" not in table  # no detail by member
    # Shared by the coordinator: the detail is readable, the export too.
    GroupPurchase.objects.filter(pk=group.pk).update(share_details=True)
    assert "Commune de Fougères" in client.get(url("table", group)).content.decode()
    assert client.get(url("export", group, "csv")).status_code == 200
    coordinator = client_for(buyer).get(url("declare", group, other.pk)).content.decode()
    assert "7.25" in coordinator and "Save the needs" not in coordinator  # the coordinator reads every member's
    shared = client.get(url("declare", group, other.pk)).content.decode()  # readable, never writable
    assert "only the body's buyers change them" in shared and "7.25" in shared and "Save the needs" not in shared
    assert client.post(url("declare", group, other.pk), declare_data(group, other, {paper: "1"})).status_code == 403


def test_declarations_are_refused_after_the_deadline_and_accepted_again_once_reopened(
    client, login, group, joined, buyer, member_buyer
):
    paper = items(group)[0]
    login(member_buyer)
    deadline = timezone.now() + datetime.timedelta(hours=2)  # within the session's lifetime
    GroupPurchase.objects.filter(pk=group.pk).update(declaration_deadline=deadline)
    with time_machine.travel(deadline + datetime.timedelta(minutes=1), tick=False):
        response = client.post(url("declare", group, joined.pk), declare_data(group, joined, {paper: "10"}))
        assert response.status_code == 200
        page = response.content.decode()
        assert "The deadline for declarations passed on" in page and "Ask the coordinator (Ville de Rennes)" in page
        assert not Declaration.objects.exists()
        assert client.get(url("declare", group, joined.pk)).content.decode().count("Declarations are closed") == 1
        # The coordinator reopens by moving the deadline; the members are told.
        later = timezone.now() + datetime.timedelta(days=3)
        actions.do_update_group(buyer, group, **{**group_values(), "declaration_deadline": later})
        assert Notification.objects.filter(recipient=member_buyer, verb="procurement.group.deadline").exists()
        assert (
            client.post(url("declare", group, joined.pk), declare_data(group, joined, {paper: "10"})).status_code == 302
        )
    assert Declaration.objects.get().quantity == 10


def test_two_buyers_of_one_body_with_forms_opened_together_lose_neither_line(
    client, login, group, joined, member_buyer, member_buyer2
):
    paper, notebook, glue = items(group)
    opened = {}  # both open the empty form
    login(member_buyer)
    other = client_for(member_buyer2)
    assert (
        client.post(
            url("declare", group, joined.pk), declare_data(group, joined, {paper: "10"}, loaded=opened)
        ).status_code
        == 302
    )
    assert (
        other.post(
            url("declare", group, joined.pk), declare_data(group, joined, {notebook: "30"}, loaded=opened)
        ).status_code
        == 302
    )
    lines = {d.item_id: d.quantity for d in Declaration.objects.filter(member=joined)}
    assert lines == {paper.pk: 10, notebook.pk: 30}
    # The second buyer's stale form also changes the paper: refused for that line, shown with both values.
    response = other.post(
        url("declare", group, joined.pk), declare_data(group, joined, {paper: "99", glue: "5"}, loaded=opened)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This line was changed by Yann Le Bihan after you opened the form" in page
    assert 'value="99"' in page  # what they typed stays in the form
    lines = {d.item_id: d.quantity for d in Declaration.objects.filter(member=joined)}
    assert lines == {paper.pk: 10, notebook.pk: 30, glue.pk: 5}


@pytest.mark.django_db(transaction=True)
def test_two_buyers_saving_at_the_same_moment_both_land(group, joined, member_buyer, member_buyer2):
    """Row locking on the member: the two saves are taken one after the other (PostgreSQL on CI's second run)."""
    paper, notebook, glue = items(group)
    barrier = threading.Barrier(2)
    errors = []

    def save(user, item, quantity):
        try:
            barrier.wait()
            actions.do_declare(user, joined, [{"item": item, "version": 0, "quantity": Decimal(quantity)}])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(member_buyer, paper, "11")),
        threading.Thread(target=save, args=(member_buyer2, notebook, "22")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {d.item_id: d.quantity for d in Declaration.objects.filter(member=joined)} == {paper.pk: 11, notebook.pk: 22}


# --- totals and exports ----------------------------------------------------------------------------


def test_totals_are_exact_decimals_and_the_exports_show_the_same_figures(
    client, login, group, joined, buyer, make_org, make_user
):
    paper, notebook, glue = items(group)
    second = make_org("Commune de Redon")
    admin = make_user("dgs@redon.fr", second, "org_admin")
    (member,) = actions.do_invite(buyer, group, [second])
    actions.do_sign(admin, member)
    coordinator = group.members.get(organization=group.coordinator)
    quantities = {joined: ["0.1", "0.7"], member: ["0.2", "1.001"], coordinator: ["0.3", "2"]}
    for who, (q_paper, q_notebook) in quantities.items():
        user = buyer if who == coordinator else (admin if who == member else None)
        if user is None:
            user = who.organization.memberships.get(role="org_admin").user
        actions.do_declare(
            user,
            who,
            [
                {"item": paper, "version": 0, "quantity": q_paper},
                {"item": notebook, "version": 0, "quantity": q_notebook},
            ],
        )
    consolidation = actions.consolidate(group)
    totals = {total.item.pk: total for total in consolidation.item_totals}
    assert totals[paper.pk].quantity == Decimal("0.6")  # not 0.6000000000000001
    assert totals[notebook.pk].quantity == Decimal("3.701")
    assert totals[paper.pk].estimated == Decimal("1.86") and totals[notebook.pk].estimated == Decimal("3.15")
    assert consolidation.estimated == Decimal("5.01")
    assert sum(t.estimated for t in consolidation.member_totals) <= consolidation.estimated + Decimal("0.02")
    login(buyer)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url("export", group, "xlsx")).content))
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    header = summary.index(next(row for row in summary if row and row[0] == "Lot"))
    by_name = {row[1]: row for row in summary[header + 1 :] if row and row[1]}
    assert Decimal(str(by_name["Ramette A4 80 g"][3])) == Decimal("0.6")
    assert Decimal(str(by_name["Cahier 96 pages"][3])) == Decimal("3.701")
    assert Decimal(str(summary[-1][6])) == Decimal("5.01")
    matrix = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert len(matrix[0]) == 3 + 3 + 1  # lot, item, unit, three members, total
    text = client.get(url("export", group, "csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Member body" and len(rows) == 1 + 6
    assert sum(Decimal(row[5].replace(",", ".")) for row in rows[1:] if row[3] == "Cahier 96 pages") == Decimal("3.701")


@pytest.mark.parametrize("count", [5, 60])
def test_the_consolidated_table_costs_the_same_queries_whatever_the_number_of_members(
    client, login, group, buyer, make_org, count, django_assert_num_queries
):
    paper, notebook, glue = items(group)
    bodies = Organization.objects.bulk_create(
        [
            Organization(name=f"Commune {n}", kind=Organization.Kind.COMMUNE, siret=f"{n:014d}", department="35")
            for n in range(count)
        ]
    )
    members = GroupMember.objects.bulk_create(
        [GroupMember(group=group, organization=b, status=Status.JOINED, joined_at=timezone.now()) for b in bodies]
    )
    Declaration.objects.bulk_create(
        [Declaration(member=m, item=i, quantity=Decimal("1.5")) for m in members for i in (paper, notebook)]
    )
    login(buyer)
    client.get(url("table", group))  # the header's parts kept for readers alike (intranet/fragments.py)
    forget_kept_member_pages()  # the page itself rendered again
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("table", group))
    assert response.status_code == 200
    assert f">{1.5 * count:g}<" in response.content.decode()
    assert len(queries) == 14, [q["sql"] for q in queries]


# --- the notice, the award, the shares --------------------------------------------------------------


def test_the_notice_made_from_the_needs_publishes_like_any_notice_and_names_the_members(
    client, login, group, joined, buyer, member_buyer
):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    from procurement import ocds
    from tests.procurement.ocds_validation import validate
    from tests.procurement.test_admin_notices import notice_form

    paper, notebook, glue = items(group)
    actions.do_declare(member_buyer, joined, [{"item": paper, "version": 0, "quantity": Decimal("100")}])
    actions.do_declare(
        buyer, group.members.get(organization=group.coordinator), [{"item": glue, "version": 0, "quantity": 30}]
    )
    login(buyer)
    early = client.post(url("create_notice", group), follow=True)
    assert "create the call for tender once they are closed" in early.content.decode()
    GroupPurchase.objects.filter(pk=group.pk).update(declaration_deadline=timezone.now() - datetime.timedelta(hours=1))
    response = client.post(url("create_notice", group))
    group.refresh_from_db()
    notice = group.notice
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[notice.pk])
    assert not notice.live and notice.buyer == group.coordinator
    assert "Commune de Vitré" in notice.description
    lots = list(notice.lots.order_by("number"))
    assert [(lot.number, lot.title) for lot in lots] == [(1, "Papier"), (2, "Petites fournitures")]
    assert "Ramette A4 80 g : 100 ramette" in lots[0].description and lots[0].estimated_value == Decimal("310.00")
    assert "Colle en bâton : 30 bâton" in lots[1].description
    # The catalogue is frozen now.
    with pytest.raises(Exception, match="can no longer be changed"):
        actions.do_save_items(buyer, group, [{"designation": "Gomme", "unit": "gomme", "lot": None}])
    # The coordinator's buyer publishes it through the admin form, as any notice.
    local = timezone.localtime
    data = notice_form(
        group.coordinator,
        title=notice.title,
        slug=notice.slug,
        reference=notice.reference,
        nature=notice.nature,
        main_cpv=notice.main_cpv,
        estimated_value=str(notice.estimated_value),
        questions_deadline=local(notice.questions_deadline).strftime("%Y-%m-%d %H:%M"),
        bids_deadline=local(notice.bids_deadline).strftime("%Y-%m-%d %H:%M"),
    )
    data = {key: value for key, value in data.items() if not key.startswith("lots-")}
    lots_data = nested_form_data(
        {
            "lots": inline_formset(
                [
                    {
                        "id": lot.pk,
                        "number": lot.number,
                        "title": lot.title,
                        "cpv": "",
                        "estimated_value": str(lot.estimated_value or ""),
                        "description": lot.description,
                    }
                    for lot in lots
                ],
                initial=len(lots),
            )
        }
    )
    data.update(lots_data)
    data["action-publish"] = "Publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[notice.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = NoticePage.objects.get(pk=notice.pk)
    assert notice.live
    assert Notification.objects.filter(recipient=member_buyer, verb="procurement.group.published").exists()
    release = ocds.releases_for(ocds.export_queryset().get(pk=notice.pk), "http://testserver")[0]
    buyers = [party for party in release["parties"] if "buyer" in party["roles"]]
    assert {party["name"] for party in buyers} == {"Ville de Rennes", "Commune de Vitré"}
    package = ocds.release_package([release], uri="http://testserver/donnees/ocds.json")
    assert validate(package)["validation_errors"] == []


def test_after_the_award_each_member_sees_its_share(client, login, group, joined, buyer, member_buyer, notice):
    paper, notebook, glue = items(group)
    actions.do_declare(member_buyer, joined, [{"item": paper, "version": 0, "quantity": Decimal("12.5")}])
    GroupPurchase.objects.filter(pk=group.pk).update(notice=notice)
    group.refresh_from_db()
    with pytest.raises(Exception, match="once the call for tender is awarded"):
        actions.do_set_awarded_prices(buyer, group, {paper.pk: Decimal("2.9")})
    NoticePage.objects.filter(pk=notice.pk).update(outcome="awarded", outcome_at=timezone.now())
    login(buyer)
    response = client.post(url("prices", group), {f"item-{paper.pk}-price": "2.90"})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=member_buyer, verb="procurement.group.share").exists()
    member = client_for(member_buyer)
    page = member.get(url("detail", group)).content.decode()
    assert "Share at the awarded prices: €36.25 excl. VAT." in page  # 12.5 × 2.90
    assert member.get(url("prices", group)).status_code == 403


# --- the workspace ---------------------------------------------------------------------------------


def test_the_groups_workspace_holds_the_members_buyers_and_the_files(
    client, login, group, joined, buyer, member_buyer, member_admin, outsider, make_org, make_user
):
    from workspaces import access as workspace_access

    login(buyer)
    response = client.post(url("workspace", group))
    group.refresh_from_db()
    workspace = group.workspace
    assert response["Location"] == workspace.get_absolute_url()
    assert workspace.visibility == "private"
    people = set(workspace.members.values_list("user__email", flat=True))
    assert {buyer.email, member_buyer.email, member_admin.email} <= people and outsider.email not in people
    names = set(workspace.files.values_list("name", flat=True))
    assert "convention.pdf" in names and any(name.endswith(".xlsx") for name in names)
    assert workspace_access.membership(outsider, workspace) is None
    # A body joining later: its buyers come in.
    late = make_org("Commune de Dinan")
    late_admin = make_user("dgs@dinan.fr", late, "org_admin")
    (member,) = actions.do_invite(buyer, group, [late])
    actions.do_sign(late_admin, member)
    assert workspace.members.filter(user=late_admin).exists()


# --- what the worker announces ---------------------------------------------------------------------


def test_the_reminder_and_the_closing_are_announced_once(group, joined, buyer, member_buyer):
    deadline = group.declaration_deadline
    with time_machine.travel(deadline - datetime.timedelta(days=8), tick=False):
        assert actions.remind_deadlines() == 0
    with time_machine.travel(deadline - datetime.timedelta(days=6), tick=False):
        assert actions.remind_deadlines() == 1
        assert actions.remind_deadlines() == 0
    reminder = Notification.objects.get(recipient=member_buyer, verb="procurement.group.reminder")
    assert "declarations close in 6 days" in reminder.message
    with time_machine.travel(deadline + datetime.timedelta(minutes=5), tick=False):
        assert actions.announce_closed_declarations() == 1
        assert actions.announce_closed_declarations() == 0
    assert Notification.objects.filter(recipient=member_buyer, verb="procurement.group.closed").count() == 1
    told = Notification.objects.get(recipient=buyer, verb="procurement.group.closed")
    assert "the consolidated table is ready" in told.message


def test_a_refused_request_cannot_be_turned_into_a_membership_by_signing(group, buyer, outsider, other_body):
    GroupPurchase.objects.filter(pk=group.pk).update(admission=GroupPurchase.Admission.OPEN)
    group.refresh_from_db()
    member = actions.do_request_to_join(outsider, group, other_body)
    actions.do_decide_request(buyer, member, approve=False)
    with pytest.raises(ValidationError, match="did not admit your body"):
        actions.do_sign(outsider, member)
    member.refresh_from_db()
    assert member.status == Status.DECLINED
    page = client_for(outsider).get(url("detail", group)).content.decode()
    assert "did not admit your body" in page and "Sign and join" not in page


def test_the_exports_never_run_what_members_typed_as_formulas(client, login, group, joined, buyer, member_buyer):
    paper = items(group)[0]
    actions.do_declare(
        member_buyer,
        joined,
        [
            {
                "item": paper,
                "version": 0,
                "quantity": 3,
                "delivery_site": "=1+1",
                "comment": '=HYPERLINK("http://x.example")',
            }
        ],
    )
    login(buyer)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url("export", group, "xlsx")).content))
    cells = [cell for row in workbook["Lines"].iter_rows() for cell in row if str(cell.value).startswith("=")]
    assert cells and all(cell.data_type == "s" for cell in cells)  # text, not formulas
    text = client.get(url("export", group, "csv")).content.decode("utf-8-sig")
    assert "'=1+1" in text and "'=HYPERLINK" in text


def test_once_the_notice_is_made_the_needs_are_frozen(group, joined, buyer, member_buyer):
    paper = items(group)[0]
    actions.do_declare(member_buyer, joined, [{"item": paper, "version": 0, "quantity": 3}])
    GroupPurchase.objects.filter(pk=group.pk).update(declaration_deadline=timezone.now() - datetime.timedelta(hours=1))
    group.refresh_from_db()
    actions.do_create_notice(buyer, group)
    with pytest.raises(ValidationError, match="can no longer be reopened"):
        actions.do_update_group(
            buyer, group, **group_values(declaration_deadline=timezone.now() + datetime.timedelta(days=2))
        )
    GroupPurchase.objects.filter(pk=group.pk).update(declaration_deadline=timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError, match="declarations can no longer be changed"):
        actions.do_declare(member_buyer, joined, [{"item": paper, "version": 1, "quantity": 300}])
    assert Declaration.objects.get().quantity == 3


def test_the_award_of_the_groups_notice_reaches_its_members(group, joined, buyer, member_buyer, notice, company):
    from procurement.actions import lifecycle

    GroupPurchase.objects.filter(pk=group.pk).update(notice=notice)
    with time_machine.travel(notice.bids_deadline + datetime.timedelta(hours=1), tick=False):
        lifecycle.do_open_bids(buyer, notice)
        lifecycle.do_award(buyer, notice, supplier_name=company.name, supplier_siret=company.siret, value="1234.50")
    told = Notification.objects.get(recipient=member_buyer, verb="procurement.group.awarded")
    assert "is awarded" in told.message and told.url == url("detail", group)
    group.refresh_from_db()
    assert group.award_announced_at is not None


def test_the_coordinator_withdraws_an_invitation_not_signed_yet(
    client, login, group, buyer, member_body, member_admin, member_buyer
):
    (member,) = actions.do_invite(buyer, group, [member_body])
    admin = client_for(member_admin)
    assert admin.post(url("members", group), {"decision": "withdraw", "member": member.pk}).status_code == 403
    login(buyer)
    response = client.post(url("members", group), {"decision": "withdraw", "member": member.pk}, follow=True)
    assert "The invitation of Commune de Vitré is withdrawn." in response.content.decode()
    assert not group.members.filter(organization=member_body).exists()
    assert Notification.objects.filter(recipient=member_buyer, verb="procurement.group.withdrawn").exists()
    assert admin.get(url("detail", group)).status_code == 404  # the group no longer exists for Vitré
    (member,) = actions.do_invite(buyer, group, [member_body])
    actions.do_sign(member_admin, member)
    with pytest.raises(ValidationError, match="Only an invitation not signed yet"):
        actions.do_withdraw_invitation(buyer, member)


def test_the_list_shows_each_body_its_role_and_a_platform_admin_every_group(
    client, login, group, joined, buyer, member_buyer, make_user
):
    login(buyer)
    page = client.get(reverse("groups:index")).content.decode()
    assert group.title in page and "<td>Coordinator</td>" in page
    member_page = client_for(member_buyer).get(reverse("groups:index")).content.decode()
    assert group.title in member_page and "<td>Member</td>" in member_page
    staff = make_user("admin@plateforme.fr", is_superuser=True, is_staff=True)
    admin_page = client_for(staff).get(reverse("groups:index")).content.decode()
    assert "Other group purchases" in admin_page and group.title in admin_page
    assert client_for(staff).get(url("detail", group)).status_code == 200  # platform admins read every group
    assert client_for(staff).get(url("catalogue", group)).status_code == 403  # ...and manage none


# --- the home page -----------------------------------------------------------------------------------


def render_home_section(rf, user):
    from django.template.loader import render_to_string

    from procurement.home_sections import group_purchases_section

    request = rf.get("/")
    request.user = user
    section = group_purchases_section(request)
    if section is None:
        return None
    return render_to_string(section["template"], {**section["context"](), "section": section}, request=request)


def test_the_home_page_tells_each_person_what_waits_for_them(
    rf, group, buyer, member_body, member_admin, member_buyer, outsider, other_body, company_user
):
    (member,) = actions.do_invite(buyer, group, [member_body])
    assert "Invitations to sign" in render_home_section(rf, member_admin)
    assert "Invitations to sign" not in render_home_section(rf, member_buyer)  # buyers do not sign
    actions.do_sign(member_admin, member)
    assert "Needs to declare" in render_home_section(rf, member_buyer)
    GroupPurchase.objects.filter(pk=group.pk).update(admission=GroupPurchase.Admission.OPEN)
    group.refresh_from_db()
    outsider_home = render_home_section(rf, outsider)
    assert "1 open call to join." in outsider_home and "Nothing waits for you" in outsider_home
    actions.do_request_to_join(outsider, group, other_body)
    coordinator_home = render_home_section(rf, buyer)
    assert "Requests to join to decide" in coordinator_home and "1 request" in coordinator_home
    assert render_home_section(rf, company_user) is None


@pytest.mark.parametrize("count", [2, 20])
def test_the_home_section_costs_the_same_queries_whatever_the_number_of_groups(
    rf, buyer, body, member_body, member_admin, count, django_assert_num_queries, cpv_codes
):
    for n in range(count):
        extra = actions.do_create_group(buyer, body, **group_values(title=f"Groupement {n}"))
        GroupPurchase.objects.filter(pk=extra.pk).update(agreement="groupements/x.pdf", agreement_sha256="0" * 64)
        extra.refresh_from_db()
        actions.do_invite(buyer, extra, [member_body])
    from intranet.models import User

    render_home_section(rf, User.objects.get(pk=member_admin.pk))
    fresh = User.objects.get(pk=member_admin.pk)  # its memberships not cached yet
    with django_assert_num_queries(5):  # memberships, then one per list and the open calls' count
        page = render_home_section(rf, fresh)
    assert page.count("#adhesion") == min(count, 5)


def test_the_catalogue_refuses_what_would_lose_declared_needs(group, joined, buyer, member_buyer):
    paper, notebook, glue = items(group)
    papier, fournitures = group.lots.order_by("number")
    actions.do_declare(member_buyer, joined, [{"item": paper, "version": 0, "quantity": 4}])
    with pytest.raises(ValidationError, match="Members declared needs for “Ramette A4 80 g”"):
        actions.do_save_items(buyer, group, [{"id": glue.pk, "delete": True}, {"id": paper.pk, "delete": True}])
    assert group.items.count() == 3  # nothing half-done: the glue, deleted first, is back
    with pytest.raises(ValidationError, match="Lot 1 still holds items"):
        actions.do_save_lots(buyer, group, [{"id": papier.pk, "delete": True}])
    with pytest.raises(ValidationError, match="Two lots cannot have the number 2"):
        actions.do_save_lots(buyer, group, [{"id": None, "number": 2, "title": "Doublon"}])
    assert group.lots.count() == 2
    actions.do_save_items(buyer, group, [{"id": glue.pk, "delete": True}])  # nobody declared glue
    assert group.items.count() == 2


def test_a_notice_is_offered_only_once_declarations_are_closed_and_needs_exist(client, login, group, buyer):
    login(buyer)
    page = client.get(url("detail", group)).content.decode()
    assert "once declarations are closed" in page and url("create_notice", group) not in page
    GroupPurchase.objects.filter(pk=group.pk).update(declaration_deadline=timezone.now() - datetime.timedelta(hours=1))
    assert url("create_notice", group) in client.get(url("detail", group)).content.decode()
    response = client.post(url("create_notice", group), follow=True)
    assert "No member declared any need" in response.content.decode()
    group.refresh_from_db()
    assert group.notice is None
