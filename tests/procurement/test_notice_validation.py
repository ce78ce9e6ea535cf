"""What the notice form accepts as CPV codes and dates, checked on the admin form class itself."""

import pytest
import time_machine

from intranet.actions.accounts import sync_wagtail_groups
from procurement.models import CPVCode, NoticePage
from procurement.setup import ensure_buyer_section
from tests.procurement.test_admin_notices import notice_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def bind(buyer, body, notice_index, cpv_codes):
    sync_wagtail_groups(buyer)
    form_class = NoticePage.get_edit_handler().get_form_class()

    def make(**overrides):
        data = notice_form(body, **overrides)
        return form_class(
            data, instance=NoticePage(), parent_page=ensure_buyer_section(body, notice_index), for_user=buyer
        )

    return make


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2027-01-10 09:00 +01:00", tick=True):
        yield


def test_nine_digits_without_dash_are_accepted(bind):
    form = bind(main_cpv="909100009")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["main_cpv"] == "90910000-9"


def test_eight_digits_are_refused_when_two_codes_share_them(bind):
    CPVCode.objects.create(code="90910000-1", digits="90910000", label="Ambiguous test code")
    form = bind(main_cpv="90910000")
    assert not form.is_valid()
    assert "90910000" in str(form.errors["main_cpv"])


def test_every_unknown_additional_code_is_named(bind):
    form = bind(additional_cpv="45000000-7, 11111111-1 22222222-2")
    assert not form.is_valid()
    message = str(form.errors["additional_cpv"])
    assert "11111111-1" in message and "22222222-2" in message and "45000000-7" not in message


def test_a_scheduled_publication_counts_the_period_from_its_go_live_date(bind):
    form = bind(go_live_at="2027-03-05 09:00", questions_deadline="2027-03-10 12:00", bids_deadline="2027-03-15 12:00")
    assert not form.is_valid()
    assert "at least 15 days" in str(form.errors["bids_deadline"])


def test_a_notice_without_lots_is_valid(bind):
    form = bind(lots=[])
    assert form.is_valid(), form.errors
    assert form.formsets["lots"].total_form_count() == 0
