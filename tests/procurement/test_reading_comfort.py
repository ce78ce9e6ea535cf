"""Reading comfort: the list's filters behind a « Filtrer » disclosure, references kept whole, the Paris time
zone said once a page (the offset kept on deadlines), file sizes in Ko/Mo, one wording for alerts."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from intranet.actions.accounts import sync_wagtail_groups
from intranet.templatetags.file_sizes import file_size
from knowledge.demo_content.platform import GUIDES
from procurement.actions.documents import do_add_document
from procurement.actions.questions import do_answer_question, do_ask_question
from procurement.models import Amendment
from procurement.templatetags.procurement_tags import (
    paris_datetime,
    paris_datetime_offset,
    paris_datetime_short,
    reference_code,
)
from tests.procurement.conftest import paris

pytestmark = pytest.mark.django_db

PROJECT = Path(settings.BASE_DIR)
NBSP = "\u00a0"


def in_french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


def time_texts(html: str) -> list[tuple[str, str]]:
    """(datetime attribute, shown text) of every <time> of a page."""
    return re.findall(r'<time datetime="([^"]+)">([^<]*)</time>', html)


def results_section(html: str) -> str:
    return html[html.index('<section class="notice-results"') :]


# --- the Paris time zone, once a page -------------------------------------------------------------------


def test_paris_datetime_keeps_its_output_for_the_texts_stored_from_python():
    # procurement.actions.publication stores amendment texts with it: they must read as before.
    winter, summer = paris(2027, 3, 15, 12), paris(2027, 4, 1, 9, 30)
    assert paris_datetime(winter) == "March 15, 2027 at 12:00 (Paris time, UTC+01:00)"
    assert paris_datetime_offset(winter) == "March 15, 2027 at 12:00 (UTC+01:00)"
    assert paris_datetime_offset(summer) == "April 1, 2027 at 09:30 (UTC+02:00)"
    assert paris_datetime_short(summer) == "April 1, 2027 at 09:30"
    assert paris_datetime(None) == paris_datetime_offset(None) == paris_datetime_short(None) == ""


@pytest.fixture
def dated_notice(make_notice, buyer, company_member):
    """A notice with dates everywhere: deadlines in winter and summer time, a document, an answer, an amendment."""
    sync_wagtail_groups(buyer)
    notice = make_notice(questions_deadline=paris(2027, 3, 15, 12), bids_deadline=paris(2027, 4, 1, 12))
    upload = SimpleUploadedFile("reglement.pdf", b"%PDF-1.4 " + b"r" * 2491)  # 2,500 bytes
    do_add_document(notice, title="Règlement", lot_number=None, upload=upload, actor=buyer, reason="Ajout")
    question = do_ask_question(company_member, notice, "Une visite des lieux est-elle prévue ?")
    do_answer_question(buyer, question, "Oui, le 12 mars à 10 h.")
    changes = [{"field": "title", "label": "Objet"}]
    Amendment.objects.create(notice=notice, number=2, reason="Report", created_at=timezone.now(), changes=changes)
    return notice


def test_the_notice_page_gives_the_offset_on_the_deadlines_and_says_paris_time_once(client, dated_notice):
    html = in_french(client).get(dated_notice.url).content.decode()
    times = time_texts(html)
    deadlines = dict(times)

    assert deadlines["2027-03-15T12:00+01:00"].endswith("12:00 (UTC+01:00)")  # deadline for questions, winter
    assert deadlines["2027-04-01T12:00+02:00"].endswith("12:00 (UTC+02:00)")  # deadline for bids, summer time
    # Publication, document, answer, amendment: the date and time alone.
    others = [text for when, text in times if not when.startswith(("2027-03-15T12:00", "2027-04-01T12:00"))]
    assert len(others) >= 4 and not any("UTC" in text or "Paris" in text for text in others)
    assert html.count("UTC+") == 2
    with translation.override("fr"):
        note = gettext("All times are Paris time.")
    assert html.count(note) == 1
    assert html.count("heure de Paris") <= 1


def test_the_list_gives_the_offset_on_each_deadline_and_says_paris_time_once(client, make_notice, notice_index):
    make_notice(bids_deadline=paris(2027, 3, 1, 12))
    make_notice(bids_deadline=paris(2027, 6, 1, 12))
    make_notice()
    html = results_section(in_french(client).get(notice_index.url).content.decode())
    deadlines = dict(time_texts(html))
    assert deadlines["2027-03-01T12:00+01:00"].endswith("(UTC+01:00)")
    assert deadlines["2027-06-01T12:00+02:00"].endswith("(UTC+02:00)")
    assert all("(UTC+0" in text for text in deadlines.values()) and len(deadlines) == 3
    with translation.override("fr"):
        assert html.count(gettext("All times are Paris time.")) == 1
    assert html.count("heure de Paris") <= 1


def test_pages_with_many_dates_say_paris_time_once(client, login, buyer, dated_notice):
    client = in_french(login(buyer))
    for url in (
        reverse("procurement:question_inbox", args=[dated_notice.pk]),
        reverse("procurement:documents_manage", args=[dated_notice.pk]),
    ):
        html = client.get(url).content.decode()
        assert not any("UTC" in text for _when, text in time_texts(html)), url
        assert "(heure de Paris, UTC" not in html and "(Paris time, UTC" not in html, url
        with translation.override("fr"):
            assert html.count(gettext("All times are Paris time.")) == 1, url


# --- the filters behind « Filtrer » ------------------------------------------------------------------------


def disclosure(html: str) -> str:
    start = html.index('<details class="filter-disclosure"')
    return html[start : html.index("</details>", start)]


def test_the_filters_are_in_a_disclosure_sent_closed(client, notice_index):
    html = client.get(notice_index.url).content.decode()
    details = disclosure(html)
    opening_tag = details[: details.index(">") + 1]
    assert " open" not in opening_tag and 'data-wide-query="(min-width: 60rem)"' in opening_tag
    assert '<summary class="filter-summary">Filter</summary>' in details
    # Every filter is inside, reachable without JavaScript by opening the disclosure.
    assert '<form method="get"' in details and 'name="q"' in details and 'name="sort"' in details
    assert "procurement/filter_disclosure" in html  # the script that opens it on wide screens


def test_the_filters_are_sent_open_when_one_was_not_understood(client, notice_index):
    details = disclosure(client.get(notice_index.url, {"cpv": "abc", "nature": "works"}).content.decode())
    opening_tag = details[: details.index(">") + 1]
    assert " open" in opening_tag and "data-keep-open" in opening_tag
    assert 'class="error-summary"' in details


def test_the_closed_filters_say_how_many_apply(client, notice_index):
    html = client.get(notice_index.url, {"nature": "works", "department": "35", "sort": "deadline"}).content.decode()
    assert '<span class="filter-count">(active filters: 2)</span>' in disclosure(html)
    assert "filter-count" not in disclosure(client.get(notice_index.url, {"sort": "deadline"}).content.decode())


# --- references kept whole -----------------------------------------------------------------------------------


def test_a_reference_is_kept_on_one_line(client, make_notice, notice_index):
    notice = make_notice(reference="2026-SEC-181")
    list_html = client.get(notice_index.url).content.decode()
    assert '<span class="notice-reference"><span class="reference-code">2026-SEC-181</span></span>' in list_html
    assert '<span class="reference-code">2026-SEC-181</span>' in client.get(notice.url).content.decode()
    # A reference too long for a 320 px screen may wrap rather than push the page sideways.
    assert "reference-code-long" in reference_code("MARCHE-2027-SERVICES-TECHNIQUES-LOT-UNIQUE")
    assert reference_code("<b>2027</b>") == '<span class="reference-code">&lt;b&gt;2027&lt;/b&gt;</span>'


# --- file sizes -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "french", "english"),
    [
        (12, "12 octets", "12 bytes"),
        (1, "1 octet", "1 byte"),
        (2_500, "2,5 Ko", "2.5 KB"),
        (520_300, "520 Ko", "520 KB"),
        (999_950, "1 Mo", "1 MB"),  # not « 1 000 Ko »
        (1_800_000, "1,8 Mo", "1.8 MB"),
        (2_000_000, "2 Mo", "2 MB"),  # not « 2,0 Mo »
        (12_345_678, "12 Mo", "12 MB"),
    ],
)
def test_file_sizes_read_as_french_readers_read_them(size, french, english):
    with translation.override("fr"):
        assert file_size(size) == french.replace(" ", NBSP)
    with translation.override("en"):
        assert file_size(size) == english.replace(" ", NBSP)


def test_a_missing_size_shows_nothing():
    assert file_size(None) == file_size("") == ""


def test_the_documents_of_a_notice_show_their_size_in_ko(client, dated_notice):
    html = in_french(client).get(dated_notice.url).content.decode()
    assert f"reglement.pdf · 2,5{NBSP}Ko ·" in html and "Kio" not in html


def test_a_knowledge_document_shows_its_size_in_mo():
    document = {"url": "/documents/1/cctp.pdf", "title": "CCTP", "file_extension": "pdf", "file_size": 1_800_000}
    with translation.override("fr"):
        html = render_to_string("knowledge/blocks/document.html", {"value": {"title": "", "document": document}})
    assert f"1,8{NBSP}Mo" in html


def test_no_template_shows_a_file_size_in_binary_units():
    """Django's filesizeformat reads « 1,8 Kio » in French: every template uses the project's file_size."""
    offenders = [
        str(path.relative_to(PROJECT))
        for app in ("procurement", "forums", "knowledge", "intranet", "templates")
        for path in (PROJECT / app).rglob("*.html")
        if "filesizeformat" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# --- one wording for alerts ------------------------------------------------------------------------------------


def guide_wording_for_alerts() -> str:
    guide = next(guide for guide in GUIDES if guide.slug == "salle-des-marches-entreprises")
    return re.search(r"Cliquez sur « ([^»]+) »", repr(guide.body)).group(1)


def test_the_alert_button_says_what_the_guide_says(client, login, company_member, notice_index):
    wording = guide_wording_for_alerts()
    assert wording == "Créer une alerte"
    client = in_french(login(company_member))
    html = client.get(notice_index.url, {"nature": "works"}).content.decode()
    assert f"<summary>{wording}</summary>" in html
    # The page the button leads to (shown again when the name is missing) has the same title.
    page = client.post(reverse("procurement:alert_create"), {"query": "nature=works", "name": ""}).content.decode()
    assert f"<h1>{wording}</h1>" in page and f"<title>{wording}" in page
    assert f"« {wording} »" in client.get(reverse("procurement:alert_list")).content.decode()
