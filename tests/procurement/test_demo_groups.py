"""The demo's group purchases: a school supplies group awarded with each member's share, an open call for cleaning
products closing next week, and a second seed that adds nothing."""

import datetime
import io

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from intranet.management.commands.seed_demo import email_for
from intranet.models import User
from procurement.actions.groups import consolidate, notice_awarded
from procurement.demo_groups import CLEANING_TITLE, SCHOOL_TITLE, seed_groups
from procurement.models import NoticePage, Outcome
from procurement.models_groups import Declaration, GroupItem, GroupMember, GroupPurchase

pytestmark = pytest.mark.django_db
Status = GroupMember.Status


@pytest.fixture
def seeded(demo_people):
    """seed_demo's organizations and people, then the demo groups only (no demo notices: quick)."""
    result = seed_groups()
    return result, GroupPurchase.objects.get(title=SCHOOL_TITLE), GroupPurchase.objects.get(title=CLEANING_TITLE)


def _counts():
    return (
        GroupPurchase.objects.count(),
        GroupMember.objects.count(),
        GroupItem.objects.count(),
        Declaration.objects.count(),
        NoticePage.objects.count(),
    )


def test_school_supplies_were_awarded_and_each_member_sees_its_share(seeded):
    result, school, _cleaning = seeded
    assert result["groups"] == 2
    now = timezone.now()
    assert school.declaration_deadline < now and not school.declarations_open()
    joined = school.members.filter(status=Status.JOINED).exclude(organization=school.coordinator)
    assert joined.count() >= 12
    assert all(member.signed_sha256 == school.agreement_sha256 for member in joined)
    assert school.agreement_filename == "convention-constitutive.pdf"
    assert school.lots.count() == 3 and 14 <= school.items.count() <= 16

    notice = school.notice
    assert notice is not None and notice.live and notice.buyer_id == school.coordinator_id
    assert notice.outcome == Outcome.AWARDED and notice_awarded(notice)
    assert notice.first_published_at < notice.bids_deadline < notice.opened_at < notice.outcome_at <= now
    assert school.declaration_deadline < notice.first_published_at

    consolidation = consolidate(school)
    assert len(consolidation.members) == joined.count() + 1  # the coordinator declares too
    shares = [total.awarded for total in consolidation.member_totals]
    assert all(share > 0 for share in shares)
    assert sum(shares) == consolidation.awarded
    assert consolidation.awarded < consolidation.estimated  # prices about 10 % below the estimates
    assert notice.award_value == consolidation.awarded
    # Decimal quantities, delivered to schools, all written before the deadline.
    lines = Declaration.objects.filter(member__group=school)
    assert any(quantity != quantity.to_integral_value() for quantity in lines.values_list("quantity", flat=True))
    assert lines.filter(delivery_site__startswith="École").exists()
    assert not lines.filter(updated_at__gte=school.declaration_deadline).exists()


def test_a_member_reads_its_share_and_the_coordinator_its_table(seeded, client):
    _result, school, cleaning = seeded
    vitre = User.objects.get(email=email_for("admin.vitre"))
    client.force_login(vitre)
    share = next(t for t in consolidate(school).member_totals if t.member.organization.name == "Ville de Vitré")
    page = client.get(school.get_absolute_url()).content.decode()
    assert "Share at the awarded prices" in page and floatformat(share.awarded, "2g") in page
    assert client.get(cleaning.get_absolute_url()).status_code == 200  # an open call: every body sees it
    client.force_login(User.objects.get(email=email_for("admin.megalis")))
    assert client.get(reverse("groups:table", args=[school.pk])).status_code == 200
    assert client.get(reverse("groups:export", args=[school.pk, "xlsx"])).status_code == 200


def test_cleaning_products_is_an_open_call_closing_next_week(seeded):
    _result, _school, cleaning = seeded
    now = timezone.now()
    assert now < cleaning.declaration_deadline <= now + datetime.timedelta(days=8)
    assert cleaning.admission == GroupPurchase.Admission.OPEN and cleaning.agreement
    assert 6 <= cleaning.items.count() <= 10 and cleaning.notice is None
    members = cleaning.members.exclude(organization=cleaning.coordinator)
    assert members.filter(status=Status.JOINED).count() >= 3
    invited = members.filter(status=Status.INVITED)
    assert invited.exists() and not invited.exclude(signed_at=None).exists()
    assert members.filter(status=Status.REQUESTED).exists()
    # Partial declarations: some lines, not every item for every joined member.
    joined = members.filter(status=Status.JOINED).count()
    declared = Declaration.objects.filter(member__group=cleaning).count()
    assert 0 < declared < joined * cleaning.items.count()


def test_a_second_seed_adds_nothing(seeded):
    before = _counts()
    assert seed_groups() == {"groups": 0, "members": 0, "declarations": 0}
    assert _counts() == before


def test_with_fewer_demo_communes_the_missing_ones_are_made_with_their_admin(demo_people, monkeypatch):
    from procurement import demo_groups

    monkeypatch.setattr(demo_groups, "SCHOOL_MEMBERS", demo_groups.SCHOOL_MEMBERS[:8])
    seed_groups()
    school = GroupPurchase.objects.get(title=SCHOOL_TITLE)
    joined = school.members.filter(status=Status.JOINED).exclude(organization=school.coordinator)
    assert joined.count() == 12
    made = joined.filter(organization__name="Commune de Cesson-Sévigné").get()
    admin = User.objects.get(email=email_for("admin.cesson-sevigne"))
    assert made.signed_by == admin and admin.email_confirmed_at is not None
    assert Declaration.objects.filter(member=made).exists()


def test_seed_procurement_prints_the_group_line(demo_people, monkeypatch):
    from intranet.management.commands.seed_demo import Command
    from procurement import demo

    monkeypatch.setattr(demo, "seed_notices", lambda scale=1: {"notices": 0, "saved_searches": 0})
    monkeypatch.setattr("procurement.demo_bids.seed_bids_summary", lambda: [])
    command = Command(stdout=io.StringIO())
    demo.seed_procurement(command)
    assert "Group purchases: 2 added" in command.stdout.getvalue()
