"""Deadlines are typed in Paris time: summer and winter time are stored right and shown with their offset
(the notice page says once that its times are Paris time)."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from intranet.actions.accounts import sync_wagtail_groups
from procurement.models import NoticePage
from procurement.setup import ensure_buyer_section
from tests.procurement.test_admin_notices import errors_of, notice_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored_utc", "shown"),
    [
        ("2027-03-28 12:00", "2027-03-28T10:00:00+00:00", "12:00 (UTC+02:00)"),
        ("2027-10-31 12:00", "2027-10-31T11:00:00+00:00", "12:00 (UTC+01:00)"),
        ("2026-10-24 12:00", "2026-10-24T10:00:00+00:00", "12:00 (UTC+02:00)"),
        ("2026-10-25 12:00", "2026-10-25T11:00:00+00:00", "12:00 (UTC+01:00)"),
    ],
)
def test_a_deadline_typed_in_paris_time_is_stored_and_shown_with_its_offset(
    typed, stored_utc, shown, login, buyer, body, notice_index, cpv_codes, client
):
    sync_wagtail_groups(buyer)
    day = typed[:10]
    with time_machine.travel(f"{int(day[:4]) - 1}-{day[5:]} 09:00 +00:00", tick=True):
        data = notice_form(body, questions_deadline=f"{day} 08:00", bids_deadline=typed, procedure="adapted")
        data["action-publish"] = "Publish"
        response = login(buyer).post(
            reverse(
                "wagtailadmin_pages:add",
                args=["procurement", "noticepage", ensure_buyer_section(body, notice_index).pk],
            ),
            data,
        )
        assert response.status_code == 302, errors_of(response)

        notice = NoticePage.objects.get()
        assert notice.bids_deadline == datetime.fromisoformat(stored_utc)
        assert notice.announced["bids_deadline"] == stored_utc
        with translation.override("en"):
            page = client.get(notice.url).content.decode()
    assert shown in page and "All times are Paris time." in page
