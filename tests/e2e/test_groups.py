"""Group purchases in a real browser: the coordinator's pages and a member's declaration by keyboard, with no console
error, no serious accessibility violation and no sideways scrolling at 320 px."""

from decimal import Decimal

import pytest

from intranet.models import Membership, Organization
from procurement.actions import groups as actions
from procurement.models_groups import Declaration
from tests.procurement.conftest import cpv_codes  # noqa: F401 (fixture)
from tests.procurement.groups_helpers import group_values, pdf_upload

from .conftest import requires_chromium
from .test_forums import off_the_browser_loop
from .test_procurement import check
from .test_site_shell import log_in

pytestmark = [pytest.mark.browser, requires_chromium]


def _group(buyer, body, member_admin):
    group = actions.do_create_group(buyer, body, **group_values())
    actions.do_upload_agreement(buyer, group, pdf_upload())
    actions.do_save_lots(buyer, group, [{"id": None, "number": 1, "title": "Papier"}])
    lot = group.lots.get()
    actions.do_save_items(
        buyer,
        group,
        [
            {"designation": "Ramette A4 80 g", "unit": "ramette", "lot": lot, "unit_price_estimate": Decimal("3.10")},
            {"designation": "Colle en bâton", "unit": "bâton", "lot": None, "unit_price_estimate": None},
        ],
    )
    (member,) = actions.do_invite(buyer, group, [member_admin.memberships.get().organization])
    actions.do_sign(member_admin, member)
    return group, member


@pytest.fixture
def vitre_admin(make_user, make_org):
    return make_user("dgs@vitre.fr", make_org("Commune de Vitré", Organization.Kind.COMMUNE), Membership.Role.ORG_ADMIN)


@pytest.fixture
def school_supplies(buyer, body, vitre_admin, cpv_codes):  # noqa: F811
    return off_the_browser_loop(_group, buyer, body, vitre_admin)


def test_the_coordinators_pages_work_in_the_browser(page, home_page, school_supplies, buyer):
    group, _member = school_supplies
    log_in(page, buyer)
    for path in ("", "tableau/", "catalogue/", "membres/", "modifier/", "convention/?televerser"):
        check(page, f"/groupements/{group.pk}/{path}")
    check(page, "/groupements/")
    check(page, "/groupements/nouveau/", widths=(1280,))
    assert page.console_problems == []


def test_a_member_declares_its_needs_by_keyboard(page, home_page, school_supplies, vitre_admin):
    group, member = school_supplies
    log_in(page, vitre_admin)
    check(page, f"/groupements/{group.pk}/")
    page.goto(f"/groupements/{group.pk}/besoins/{member.pk}/")
    quantity = page.locator("input[name$='-quantity']").first
    quantity.focus()
    page.keyboard.type("12,5")  # the French decimal comma: the page is in French
    page.keyboard.press("Tab")
    page.keyboard.type("École Jean Jaurès")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 ligne enregistrée" in page.locator(".messages").inner_text()
    line = off_the_browser_loop(lambda: Declaration.objects.get(member=member))
    assert line.quantity == Decimal("12.5") and line.delivery_site == "École Jean Jaurès"
    check(page, f"/groupements/{group.pk}/tableau/")
    assert "12,5" in page.locator("main").inner_text()
    assert page.console_problems == []
