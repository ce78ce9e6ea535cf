"""Procurement fixtures: CPV codes, the notice list page, notices in every state.

Other procurement tests reuse these: keep their names and signatures stable."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from intranet.management.commands.seed_demo import DEMO_PASSWORD, Command
from intranet.models import Membership, Organization
from procurement.actions import groups as group_actions
from procurement.models import CPVCode, Lot, NoticePage
from procurement.reference_data import load_cpv
from procurement.setup import ensure_buyer_section, ensure_notice_index
from tests.procurement.groups_helpers import group_values, pdf_upload

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The CPV table as the migration wrote it; re-written once (outside every test's rolled-back
    transaction) if a database came without it: 9,454 rows per test would cost minutes on PostgreSQL."""
    with django_db_blocker.unblock():
        if not CPVCode.objects.exists():
            load_cpv()


@pytest.fixture
def cpv_codes(db):
    """The CPV table (re-loaded if a transactional test, e.g. a browser test, flushed the database)."""
    if not CPVCode.objects.exists():
        load_cpv()
    return CPVCode.objects


@pytest.fixture
def notice_index(home_page):
    return ensure_notice_index(home_page)


def paris(year, month, day, hour=12, minute=0, second=0) -> datetime.datetime:
    """An aware datetime in Paris time (what buyers type in the admin)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute, second))


@pytest.fixture
def make_notice(notice_index, body, cpv_codes):
    """make_notice(title=..., buyer=body, live=True, lots=[(number, title, cpv, value)], **fields) -> NoticePage.

    Defaults: an open procedure for services published now, questions in 20 days, bids in 30 days."""

    def make(title="Nettoyage des bâtiments communaux", buyer=None, live=True, lots=(), publish_at=None, **fields):
        now = timezone.now()
        n = next(_counter)
        values = {
            "reference": f"2027-T{n:04d}",
            "description": "<p>Prestations de nettoyage des locaux.</p>",
            "nature": "services",
            "procedure": "open",
            "main_cpv": "90910000-9",
            "department": "35",
            "estimated_value": Decimal("120000"),
            "questions_deadline": now + datetime.timedelta(days=20),
            "bids_deadline": now + datetime.timedelta(days=30),
            "contact_name": "Service de la commande publique",
            "contact_email": "marches@example.fr",
        }
        values.update(fields)
        notice = NoticePage(title=title, slug=f"avis-{n}", buyer=buyer or body, live=False, **values)
        for number, lot_title, cpv, value in lots:
            notice.lots.add(Lot(number=number, title=lot_title, cpv=cpv, estimated_value=value))
        ensure_buyer_section(buyer or body, notice_index).add_child(instance=notice)
        revision = notice.save_revision()
        if live:
            revision.publish()
            notice.refresh_from_db()
        return notice

    return make


@pytest.fixture
def notice(make_notice):
    return make_notice()


@pytest.fixture(autouse=True)
def english_interface(client):
    """Procurement tests assert on the English msgids: the test client has chosen English (the
    language cookie, as the switcher sets it) and so has the test's own code. LANGUAGE_CODE stays
    French: Wagtail's page locale follows it. The French catalogue is checked as a whole by CI's
    msgfmt step and by the browser tests."""
    from django.conf import settings
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def demo_people(home_page, cpv_codes):
    """seed_demo's organizations and people, without the other apps' demo content."""
    command = Command(stdout=io.StringIO())
    command.password_hash = make_password(DEMO_PASSWORD)
    command.now = timezone.now()
    organizations = command.create_organizations()
    command.create_people(organizations)
    return organizations


# --- group purchases: a coordinator (Ville de Rennes, `body`), a member body (Vitré) with its organization admin and
# two buyers, an outsider body (CHU de Brest) and a company; a group with its agreement, two lots and three items.


@pytest.fixture
def member_body(make_org):
    return make_org("Commune de Vitré", Organization.Kind.COMMUNE)


@pytest.fixture
def member_admin(make_user, member_body):
    return make_user("dgs@vitre.fr", member_body, Membership.Role.ORG_ADMIN, first_name="Maëlle", last_name="Le Goff")


@pytest.fixture
def member_buyer(make_user, member_body):
    return make_user("achats@vitre.fr", member_body, Membership.Role.BUYER, first_name="Yann", last_name="Le Bihan")


@pytest.fixture
def member_buyer2(make_user, member_body):
    return make_user("marches@vitre.fr", member_body, Membership.Role.BUYER, first_name="Soazig", last_name="Tanguy")


@pytest.fixture
def outsider(make_user, other_body):
    return make_user("achats@chu-brest.fr", other_body, Membership.Role.ORG_ADMIN)


@pytest.fixture
def company_user(make_user, company):
    return make_user("contact@bretagne-nettoyage.fr", company, Membership.Role.COMPANY_ADMIN)


@pytest.fixture
def group(buyer, body, cpv_codes):
    group = group_actions.do_create_group(buyer, body, **group_values())
    group_actions.do_upload_agreement(buyer, group, pdf_upload())
    group_actions.do_save_lots(
        buyer,
        group,
        [{"id": None, "number": 1, "title": "Papier"}, {"id": None, "number": 2, "title": "Petites fournitures"}],
    )
    paper, supplies = group.lots.order_by("number")
    group_actions.do_save_items(
        buyer,
        group,
        [
            {"designation": "Ramette A4 80 g", "unit": "ramette", "lot": paper, "unit_price_estimate": Decimal("3.10")},
            {
                "designation": "Cahier 96 pages",
                "unit": "cahier",
                "lot": supplies,
                "unit_price_estimate": Decimal("0.85"),
            },
            {"designation": "Colle en bâton", "unit": "bâton", "lot": supplies, "unit_price_estimate": None},
        ],
    )
    group.refresh_from_db()
    return group


@pytest.fixture
def joined(group, buyer, member_body, member_admin, member_buyer):
    """Vitré invited and signed up: its member row."""
    (member,) = group_actions.do_invite(buyer, group, [member_body])
    return group_actions.do_sign(member_admin, member)
