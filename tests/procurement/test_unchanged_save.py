"""Saving a published notice as it is is no amendment: only a change the public would see asks for a reason."""

from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import rich_text

from intranet.models import Membership
from procurement.actions.publication import describe_changes, notice_snapshot, snapshot
from procurement.demo import seed_and_get_notices
from procurement.models import Amendment, NoticePage
from tests.procurement.conftest import paris
from tests.procurement.test_admin_notices import notice_form

pytestmark = pytest.mark.django_db


class BrowserForm(HTMLParser):
    """What a browser submits for one form of a page: its inputs, ticked boxes, chosen options and
    textareas (the newline after <textarea> dropped, lines sent with "\\r\\n"). Controls in a <template>
    (an inline panel's empty form) and disabled ones are not sent; buttons are left to the caller."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.templates = 0
        self.pairs: list[tuple[str, str]] = []
        self.textarea: list | None = None  # [name, text]
        self.select: tuple | None = None  # (name, multiple, [(value, selected)])
        self.option: list | None = None  # [value, selected, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.templates += 1
        elif tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif not self.inside or self.templates or "disabled" in attrs or not (attrs.get("name") or tag == "option"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.pairs.append((attrs["name"], default if attrs.get("value") is None else attrs["value"]))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = (attrs["name"], "multiple" in attrs, [])
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self.templates -= 1
        elif tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            text = text.removeprefix("\r\n") if text.startswith("\r\n") else text.removeprefix("\n")
            self.pairs.append((name, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self.textarea = None
        elif tag == "option" and self.option is not None:
            value, selected, text = self.option
            self.select[2].append((text.strip() if value is None else value, selected))
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options = self.select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]  # a single select always sends one option
            self.pairs.extend((name, value) for value in chosen)
            self.select = None


def browser_post_data(html: str, form_id: str = "page-edit-form") -> dict:
    parser = BrowserForm(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data


def test_each_seeded_published_notice_saved_unchanged_in_the_admin_is_no_amendment(demo_people, client):
    notices = [notice for notice in seed_and_get_notices() if notice.first_published_at is not None]
    assert len(notices) >= 15  # every status but the draft, from the test settings' 20 demo notices
    amendments = Amendment.objects.count()  # the demo's own (postponed deadlines)
    buyers = {
        membership.organization_id: membership.user
        for membership in Membership.objects.filter(role=Membership.Role.BUYER).select_related("user")
    }
    refused = {}
    for notice in notices:
        client.force_login(buyers[notice.buyer_id], backend="django.contrib.auth.backends.ModelBackend")
        url = reverse("wagtailadmin_pages:edit", args=[notice.pk])
        page = client.get(url)
        assert page.status_code == 200, notice.slug
        data = browser_post_data(page.content.decode())
        assert "\r\n" in data["award_criteria"][0] or "\n" not in notice.award_criteria
        data["action-publish"] = ["action-publish"]

        response = client.post(url, data)

        if response.status_code != 302:
            form = response.context["form"]
            refused[notice.slug] = {**form.errors, **{name: f.errors for name, f in form.formsets.items()}}
    assert refused == {}
    assert Amendment.objects.count() == amendments


# --- what counts as a change --------------------------------------------------------------------


def announced(**overrides):
    values = {
        "title": "Entretien des espaces verts",
        "questions_deadline": paris(2027, 2, 20),
        "bids_deadline": paris(2027, 3, 1),
        "opening_date": None,
        "estimated_value": Decimal("80000"),
        "main_cpv": "90910000-9",
        "additional_cpv": "45000000-7 45233140-2",
        "department": "35",
        "award_criteria": "Prix : 40 %\nValeur technique : 60 %",
    }
    return values | overrides


LOT = {"number": 1, "title": "Parcs", "cpv": "", "estimated_value": Decimal("50000"), "description": "Tonte\nTaille"}


def test_what_the_browser_or_the_form_reformats_is_no_change():
    before = snapshot(announced(), [LOT])
    after = snapshot(
        announced(
            title=" Entretien  des espaces verts ",
            questions_deadline=paris(2027, 2, 20, second=30),  # typed and shown to the minute
            estimated_value="80000.00",
            additional_cpv="45000000-7, 45233140-2",
            award_criteria="Prix : 40 % \r\nValeur technique : 60 %\r\n",
        ),
        [LOT | {"number": "1", "estimated_value": "50000.00", "description": "Tonte\r\nTaille"}],
    )

    assert describe_changes(before, after) == []


def test_an_announced_state_stored_before_normalization_still_compares_equal():
    # As stored by earlier versions: raw text, codes separated by spaces, a lot with "\r\n".
    stored = {
        **snapshot(announced(), []),
        "additional_cpv": "45000000-7 45233140-2",
        "award_criteria": "Prix : 40 %\r\nValeur technique : 60 %",
        "lots": [LOT | {"estimated_value": "50000.00", "description": "Tonte\r\nTaille"}],
    }

    assert describe_changes(stored, snapshot(announced(), [LOT])) == []


def test_a_change_the_public_sees_is_still_a_change():
    before = snapshot(announced(), [LOT])

    changes = describe_changes(
        before,
        snapshot(
            announced(award_criteria="Prix : 60 %\nValeur technique : 40 %", additional_cpv="45000000-7"),
            [LOT | {"description": "Tonte"}],
        ),
    )

    assert [change["field"] for change in changes] == ["additional_cpv", "award_criteria", "lot:1"]


def test_a_deadline_announced_with_seconds_is_kept_by_the_minute_the_form_shows(login, buyer, make_notice):
    notice = make_notice(bids_deadline=timezone.now().replace(second=42) + timedelta(days=30))
    bids = timezone.localtime(notice.bids_deadline).strftime("%Y-%m-%d %H:%M")
    questions = timezone.localtime(notice.questions_deadline).strftime("%Y-%m-%d %H:%M")
    data = notice_form(
        notice.buyer,
        slug=notice.slug,
        title=notice.title,
        reference=notice.reference,
        description=rich_text(notice.description),
        estimated_value="120000",
        award_criteria="",
        contact_email="marches@example.fr",
        questions_deadline=questions,
        bids_deadline=bids,
    )
    data["action-publish"] = "Publish"

    response = login(buyer).post(reverse("wagtailadmin_pages:edit", args=[notice.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    assert not Amendment.objects.filter(notice=notice).exists()
    assert notice_snapshot(NoticePage.objects.get(pk=notice.pk)) == NoticePage.objects.get(pk=notice.pk).announced
