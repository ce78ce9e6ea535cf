"""Buyers publish calls for tender through the Wagtail admin, for their own organization only."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from intranet.actions.accounts import sync_wagtail_groups
from intranet.models import AuditEvent, Membership
from procurement.models import BuyerNoticesPage, CPVCode, NoticePage
from procurement.setup import ensure_buyer_section

pytestmark = pytest.mark.django_db

# The form's dates below are typed relative to this moment.
TODAY = "2027-01-10 09:00 +01:00"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def admin_buyer(buyer):
    sync_wagtail_groups(buyer)
    return buyer


@pytest.fixture
def other_buyer(make_user, other_body):
    person = make_user("acheteur@chu-brest.fr", other_body, Membership.Role.BUYER)
    sync_wagtail_groups(person)
    return person


def make_org_through_the_action(name):
    from intranet.actions.accounts import do_create_organization
    from tests.conftest import make_siret

    return do_create_organization(name=name, kind="commune", siret=make_siret(), department="29")


def notice_form(buyer_org, lots=(), **overrides):
    data = {
        "title": "Entretien des espaces verts",
        "slug": "entretien-des-espaces-verts",
        "reference": "2027-AOO-014",
        "buyer": buyer_org.pk,
        "description": rich_text("<p>Tonte et taille des haies des parcs.</p>"),
        "nature": "services",
        "procedure": "open",
        "main_cpv": "90910000-9",
        "additional_cpv": "",
        "department": "35",
        "estimated_value": "80000",
        "hide_estimated_value": "",
        "questions_deadline": "2027-03-01 12:00",
        "bids_deadline": "2027-03-15 12:00",
        "opening_date": "",
        "lots": inline_formset(
            [{"number": n, "title": t, "cpv": c, "estimated_value": v, "description": ""} for n, t, c, v in lots]
        ),
        "award_criteria": "Prix 60 %, valeur technique 40 %",
        "contact_name": "Service de la commande publique",
        "contact_email": "marches@rennes.fr",
        "contact_phone": "",
        "amendment_reason": "",
        "comments": inline_formset([]),
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def add_url(section):
    return reverse("wagtailadmin_pages:add", args=["procurement", "noticepage", section.pk])


def post_notice(client, index, buyer_org, lots=(), publish=False, **overrides):
    """Post the admin's "add a notice" form in `buyer_org`'s section of the list page."""
    data = notice_form(buyer_org, lots=lots, **overrides)
    if publish:
        data["action-publish"] = "Publish"
    return client.post(add_url(ensure_buyer_section(buyer_org, index)), data)


def errors_of(response) -> dict:
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


# --- creating a notice ---------------------------------------------------------------------------


def test_a_buyer_creates_a_notice_with_lots_through_the_admin_form(login, admin_buyer, body, notice_index, cpv_codes):
    client = login(admin_buyer)
    lots = [(1, "Parcs du centre", "90910000-9", "50000"), (2, "Parcs de quartier", "", "30000")]

    response = post_notice(client, notice_index, body, lots=lots)

    assert response.status_code == 302, errors_of(response)
    notice = NoticePage.objects.get(reference="2027-AOO-014")
    assert notice.buyer == body and not notice.live
    draft = notice.get_latest_revision_as_object()
    assert [(lot.number, lot.title) for lot in draft.lots.all()] == [(1, "Parcs du centre"), (2, "Parcs de quartier")]


def test_the_buyer_is_the_body_whose_section_the_notice_is_added_to(
    login, admin_buyer, body, other_body, notice_index, cpv_codes
):
    client = login(admin_buyer)
    assert "buyer" not in client.get(add_url(ensure_buyer_section(body, notice_index))).context["form"].fields

    # A forged "buyer" value is no field of the form: the notice is the section's body's.
    response = post_notice(client, notice_index, body, buyer=other_body.pk)

    assert response.status_code == 302, errors_of(response)
    assert NoticePage.objects.get(reference="2027-AOO-014").buyer == body


def test_a_buyer_cannot_create_a_notice_in_another_bodys_section(
    login, admin_buyer, other_body, notice_index, cpv_codes
):
    client = login(admin_buyer)
    section = ensure_buyer_section(other_body, notice_index)

    assert client.get(add_url(section)).status_code in (302, 403, 404)
    response = post_notice(client, notice_index, other_body)

    assert response.status_code in (302, 403, 404)
    assert not NoticePage.objects.exists()


def test_every_member_body_has_a_section_and_no_company_has_one(
    login, platform_admin, body, other_body, company, notice_index, cpv_codes
):
    sections = {section.organization for section in BuyerNoticesPage.objects.child_of(notice_index)}
    assert sections == {body, other_body}

    # A body created later gets its section at once; platform admins may add a notice in any section.
    later = make_org_through_the_action("Commune de Plouzané")
    response = post_notice(login(platform_admin), notice_index, later)
    assert response.status_code == 302, errors_of(response)
    assert NoticePage.objects.get().buyer == later


def test_publishing_a_notice_audits_it_and_stores_what_was_announced(login, admin_buyer, body, notice_index, cpv_codes):
    response = post_notice(login(admin_buyer), notice_index, body, publish=True)

    assert response.status_code == 302, errors_of(response)
    notice = NoticePage.objects.get(reference="2027-AOO-014")
    assert notice.live
    assert notice.announced["bids_deadline"] == "2027-03-15T11:00:00+00:00"
    assert notice.announced["lots"] == []
    event = AuditEvent.objects.get(action=AuditEvent.Action.NOTICE_EVENT, details__verb="published")
    assert event.actor == admin_buyer and event.organization == body


# --- refusals, each keeping what was typed -------------------------------------------------------


def test_an_unknown_cpv_code_is_named_and_the_typed_values_are_kept(login, admin_buyer, body, notice_index, cpv_codes):
    response = post_notice(login(admin_buyer), notice_index, body, main_cpv="99999999-9", additional_cpv="45000000-7")

    assert response.status_code == 200
    assert any("99999999-9" in message for message in errors_of(response)["main_cpv"])
    content = response.content.decode()
    assert 'value="99999999-9"' in content and "Entretien des espaces verts" in content
    assert not NoticePage.objects.exists()


def test_codes_typed_without_check_digit_are_completed_and_normalized(
    login, admin_buyer, body, notice_index, cpv_codes
):
    response = post_notice(
        login(admin_buyer), notice_index, body, main_cpv="90910000", additional_cpv="45000000-7;45233140-2  "
    )

    assert response.status_code == 302, errors_of(response)
    draft = NoticePage.objects.get().get_latest_revision_as_object()
    assert draft.main_cpv == "90910000-9"
    assert draft.additional_cpv == "45000000-7, 45233140-2"


def test_an_unknown_lot_cpv_is_refused_on_the_lot(login, admin_buyer, body, notice_index, cpv_codes):
    response = post_notice(login(admin_buyer), notice_index, body, lots=[(1, "Lot unique", "12345678-1", "")])

    assert response.status_code == 200
    lot_form = response.context["form"].formsets["lots"].forms[0]
    assert "12345678-1" in str(lot_form.errors["cpv"])


def test_an_empty_cpv_table_says_the_list_is_not_loaded(login, admin_buyer, body, notice_index):
    CPVCode.objects.all().delete()  # as on a site where `load_reference_data` never ran (rolled back after)
    response = post_notice(login(admin_buyer), notice_index, body)

    assert response.status_code == 200
    assert "load_reference_data" in " ".join(errors_of(response)["main_cpv"])


def test_a_deadline_for_bids_in_the_past_is_refused(login, admin_buyer, body, notice_index, cpv_codes):
    response = post_notice(
        login(admin_buyer), notice_index, body, questions_deadline="2026-12-01 12:00", bids_deadline="2027-01-05 12:00"
    )

    assert response.status_code == 200
    assert "The deadline for bids is in the past." in errors_of(response)["bids_deadline"]
    assert 'value="2027-01-05 12:00"' in response.content.decode()


def test_bids_before_the_deadline_for_questions_are_refused(login, admin_buyer, body, notice_index, cpv_codes):
    response = post_notice(
        login(admin_buyer), notice_index, body, questions_deadline="2027-03-20 12:00", bids_deadline="2027-03-15 12:00"
    )

    assert response.status_code == 200
    assert "The deadline for bids must be after the deadline for questions." in errors_of(response)["bids_deadline"]


def test_duplicated_lot_numbers_are_refused_on_the_lots(login, admin_buyer, body, notice_index, cpv_codes):
    lots = [(1, "Parcs du centre", "", ""), (1, "Parcs de quartier", "", "")]

    response = post_notice(login(admin_buyer), notice_index, body, lots=lots)

    assert response.status_code == 200
    formset = response.context["form"].formsets["lots"]
    assert "1 is used more than once" in " ".join(formset.non_form_errors())
    content = response.content.decode()
    assert "Parcs de quartier" in content and "is used more than once" in content


def test_a_period_too_short_for_an_open_procedure_is_refused(login, admin_buyer, body, notice_index, cpv_codes):
    response = post_notice(
        login(admin_buyer), notice_index, body, questions_deadline="2027-01-15 12:00", bids_deadline="2027-01-20 12:00"
    )

    assert response.status_code == 200
    assert "at least 15 days" in " ".join(errors_of(response)["bids_deadline"])


def test_a_short_mapa_period_is_saved_with_a_warning(login, admin_buyer, body, notice_index, cpv_codes):
    client = login(admin_buyer)
    response = post_notice(
        client,
        notice_index,
        body,
        procedure="adapted",
        questions_deadline="2027-01-14 12:00",
        bids_deadline="2027-01-17 12:00",
    )

    assert response.status_code == 302, errors_of(response)
    assert NoticePage.objects.filter(reference="2027-AOO-014").exists()
    page = client.get(response["Location"])
    assert "shorter than the 10 days advised" in page.content.decode()


def test_a_reference_already_used_by_the_buyer_is_refused(login, admin_buyer, body, notice_index, make_notice):
    make_notice(reference="2027-AOO-014")

    response = post_notice(login(admin_buyer), notice_index, body, slug="autre-avis")

    assert response.status_code == 200
    assert "already has a notice with the reference 2027-AOO-014" in " ".join(errors_of(response)["reference"])
    assert NoticePage.objects.count() == 1


def test_another_body_may_reuse_the_reference(login, other_buyer, other_body, notice_index, make_notice):
    make_notice(reference="2027-AOO-014")

    response = post_notice(login(other_buyer), notice_index, other_body, slug="autre-avis")

    assert response.status_code == 302, errors_of(response)


def test_a_buyer_cannot_move_a_notice_to_another_of_their_bodies(login, admin_buyer, make_org, notice_index, notice):
    second = make_org("Rennes Métropole")
    Membership.objects.create(user=admin_buyer, organization=second, role=Membership.Role.BUYER)
    sync_wagtail_groups(admin_buyer)
    client = login(admin_buyer)
    data = notice_form(second, slug=notice.slug, reference=notice.reference)

    client.post(reverse("wagtailadmin_pages:edit", args=[notice.pk]), data)
    destination = ensure_buyer_section(second, notice_index)
    response = client.post(reverse("wagtailadmin_pages:move_confirm", args=[notice.pk, destination.pk]))

    assert response.status_code in (302, 403)
    notice.refresh_from_db()
    assert notice.buyer == notice.get_parent().specific.organization != second
    with pytest.raises(ValidationError, match="cannot be moved"):
        NoticePage(title="x", slug="x", buyer=second, path=notice.path, depth=notice.depth).full_clean()


# --- privacy between organizations ---------------------------------------------------------------


def test_another_bodys_buyer_gets_no_edit_preview_history_nor_delete(login, other_buyer, make_notice):
    draft = make_notice(live=False)
    client = login(other_buyer)

    for name in ("edit", "history", "delete", "preview_on_edit"):
        response = client.get(reverse(f"wagtailadmin_pages:{name}", args=[draft.pk]))
        # Wagtail answers a refusal with 403, or a redirection to the dashboard saying so.
        assert response.status_code in (302, 403, 404), name
        assert draft.title not in response.content.decode()
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home"), name
    client.post(reverse("wagtailadmin_pages:delete", args=[draft.pk]))
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), notice_form(draft.buyer, slug=draft.slug))
    assert NoticePage.objects.get(pk=draft.pk).get_latest_revision_as_object().title == draft.title


def test_another_bodys_draft_is_absent_from_explorer_search_and_chooser(
    login, other_buyer, admin_buyer, body, make_notice, notice_index
):
    make_notice(title="Marché secret de Rennes", live=False)
    make_notice(title="Marché public de Rennes", live=True)
    section = ensure_buyer_section(body, notice_index)

    for user, own in ((other_buyer, False), (admin_buyer, True)):
        client = login(user)
        explorer = client.get(reverse("wagtailadmin_explore", args=[section.pk]))
        explorer = explorer.content.decode() if explorer.status_code == 200 else ""
        search = client.get(reverse("wagtailadmin_pages:search"), {"q": "Rennes"}).content.decode()
        chooser = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Rennes"}).content.decode()
        for html in (explorer, search, chooser):
            assert ("Marché secret de Rennes" in html) is own
        for html in (explorer, search):
            assert ("Marché public de Rennes" in html) is own
        # The link chooser offers anybody's published notices, as the public sees them.
        assert "Marché public de Rennes" in chooser


def test_published_notices_are_neither_deleted_nor_unpublished_even_by_their_buyer(login, admin_buyer, notice):
    client = login(admin_buyer)

    assert client.post(reverse("wagtailadmin_pages:delete", args=[notice.pk])).status_code in (302, 403)
    assert client.post(reverse("wagtailadmin_pages:unpublish", args=[notice.pk])).status_code in (302, 403)

    notice.refresh_from_db()
    assert notice.live


def test_a_company_user_has_no_admin_access(login, company_admin, notice_index, cpv_codes, body):
    client = login(company_admin)

    assert client.get(reverse("wagtailadmin_home")).status_code in (302, 403)
    response = post_notice(client, notice_index, body)
    assert response.status_code in (302, 403, 404)
    assert not NoticePage.objects.exists()


def test_a_platform_admin_helps_edit_a_bodys_notice(login, platform_admin, body, notice_index, make_notice):
    draft = make_notice(live=False, reference="2027-AOO-014")
    data = notice_form(body, slug=draft.slug, title="Entretien des parcs (corrigé)")

    response = login(platform_admin).post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)

    assert response.status_code == 302, errors_of(response)
    assert NoticePage.objects.get(pk=draft.pk).get_latest_revision_as_object().title == "Entretien des parcs (corrigé)"
