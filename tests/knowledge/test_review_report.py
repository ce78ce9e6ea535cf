"""The editors' "Guides to review" report: who sees it, what it shows, how it sorts, what it costs."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intranet.actions.accounts import do_add_member
from intranet.models import Membership
from knowledge.models import Audience, GuideFeedback, OutdatedReport

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)
URL = "/admin/reports/guides-to-review/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def wagtail_editor(make_user, body):
    person = make_user("redaction@rennes.fr", first_name="Rose", last_name="Le Goff")
    do_add_member(organization=body, user=person, role=Membership.Role.EDITOR)
    return person


@pytest.fixture
def owners(make_user, body):
    return {
        "alain": make_user("alain@rennes.fr", body, first_name="Alain", last_name="Abgrall"),
        "zoe": make_user("zoe@rennes.fr", body, first_name="Zoé", last_name="Zéhir"),
    }


@pytest.fixture
def guides(make_guide, make_topic, owners, buyer, other_admin):
    achats = make_topic("Achats durables")
    overdue = make_guide("Clauses sociales", topic=achats, owner=owners["zoe"], review_by=datetime.date(2027, 2, 1))
    soon = make_guide("Seuils des MAPA", owner=owners["alain"], review_by=datetime.date(2027, 3, 10))
    later = make_guide(
        "Négocier", Audience.BUYERS, topic=achats, owner=owners["alain"], review_by=datetime.date(2027, 9, 1)
    )
    undated = make_guide("Sans date de relecture", owner=None, review_by=None)
    make_guide("Brouillon jamais publié", owner=owners["alain"], review_by=datetime.date(2027, 1, 1), live=False)
    GuideFeedback.objects.create(guide=soon, user=buyer, helpful=True)
    GuideFeedback.objects.create(guide=soon, user=other_admin, helpful=False, comment="Il manque un exemple.")
    GuideFeedback.objects.create(guide=soon, user=owners["zoe"], helpful=True)
    OutdatedReport.objects.create(guide=soon, reporter=buyer, reason="Les seuils ont changé en 2026.")
    OutdatedReport.objects.create(
        guide=soon,
        reporter=other_admin,
        reason="Déjà corrigé.",
        resolved_at=datetime.datetime(2027, 1, 2, tzinfo=datetime.UTC),
    )
    return {"overdue": overdue, "soon": soon, "later": later, "undated": undated}


def titles_in_order(html: str) -> list[str]:
    return [title.strip() for title in re.findall(r'<a href="/admin/pages/\d+/edit/"[^>]*>\s*([^<]+?)\s*</a>', html)]


def row_of(html: str, title: str) -> str:
    match = re.search(r"<tr[^>]*>(?:(?!</tr>).)*?" + re.escape(title) + r".*?</tr>", html, re.S)
    assert match, f"no row for {title}"
    return match.group(0)


def test_an_editor_sees_live_guides_by_review_date_with_undated_ones_last(login, wagtail_editor, guides):
    response = login(wagtail_editor).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert titles_in_order(html) == ["Clauses sociales", "Seuils des MAPA", "Négocier", "Sans date de relecture"]
    assert "Brouillon jamais publié" not in html


def test_overdue_guides_are_flagged_in_words(login, wagtail_editor, guides):
    html = login(wagtail_editor).get(URL).content.decode()

    assert re.search(r"Overdue|En retard", row_of(html, "Clauses sociales"))
    assert not re.search(r"Overdue|En retard", row_of(html, "Seuils des MAPA"))


def test_each_row_shows_topic_owner_review_dates_feedback_and_open_reports(login, wagtail_editor, guides):
    html = login(wagtail_editor).get(URL).content.decode()

    row = row_of(html, "Seuils des MAPA")
    assert f'href="/admin/pages/{guides["soon"].pk}/edit/"' in row
    assert "Rédiger un DCE" in row
    assert "Alain Abgrall" in row
    assert 'datetime="2027-03-10"' in row
    assert 'datetime="2026-01-15"' in row  # last reviewed on
    cells = re.findall(r"<td[^>]*>\s*(\d+)\s*</td>", row)
    assert cells == ["2", "1", "1"]  # helpful, not helpful, open outdated reports (the resolved one is not counted)
    assert "Achats durables" in row_of(html, "Clauses sociales")


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("review_by", ["Clauses sociales", "Seuils des MAPA", "Négocier", "Sans date de relecture"]),
        ("-review_by", ["Négocier", "Seuils des MAPA", "Clauses sociales", "Sans date de relecture"]),
        ("owner", ["Seuils des MAPA", "Négocier", "Clauses sociales", "Sans date de relecture"]),
        ("-owner", ["Clauses sociales", "Seuils des MAPA", "Négocier", "Sans date de relecture"]),
        ("topic", ["Clauses sociales", "Négocier", "Seuils des MAPA", "Sans date de relecture"]),
    ],
)
def test_the_report_sorts_by_review_date_owner_and_topic(login, wagtail_editor, guides, ordering, expected):
    html = login(wagtail_editor).get(URL, {"ordering": ordering}).content.decode()
    assert titles_in_order(html) == expected


def test_an_unknown_ordering_falls_back_to_the_review_date(login, wagtail_editor, guides):
    client = login(wagtail_editor)
    for ordering in ("owner_user__password", "body", "-path; DROP TABLE"):
        response = client.get(URL, {"ordering": ordering})
        assert response.status_code == 200
        assert titles_in_order(response.content.decode())[0] == "Clauses sociales"


def test_the_report_filters_overdue_guides(login, wagtail_editor, guides):
    client = login(wagtail_editor)

    assert titles_in_order(client.get(URL, {"overdue": "true"}).content.decode()) == ["Clauses sociales"]
    assert titles_in_order(client.get(URL, {"overdue": "false"}).content.decode()) == [
        "Seuils des MAPA",
        "Négocier",
        "Sans date de relecture",
    ]


def test_the_report_exports_a_spreadsheet(login, wagtail_editor, guides):
    response = login(wagtail_editor).get(URL, {"export": "csv", "overdue": "true"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="guides-to-review-2027-03-01.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2
    assert rows[1][:4] == ["Clauses sociales", "Achats durables", "Zoé Zéhir", "2027-02-01"]


def test_platform_admins_and_moderators_see_the_report(login, platform_admin, make_user, guides):
    assert login(platform_admin).get(URL).status_code == 200
    moderator = make_user("moderation@megalis.bzh")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    assert login(moderator).get(URL).status_code == 200


def test_the_report_is_in_the_reports_menu_for_editors_only(login, wagtail_editor, make_user, guides):
    assert URL in login(wagtail_editor).get("/admin/").content.decode()

    documentalist = make_user("doc@rennes.fr", is_staff=True)
    group = Group.objects.create(name="Documentalistes")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    documentalist.groups.add(group)
    assert URL not in login(documentalist).get("/admin/").content.decode()


def test_people_without_the_editor_role_are_refused(login, buyer, company_admin, make_user, guides):
    staff = make_user("staff@plateforme.fr", is_staff=True)
    documentalist = make_user("doc@rennes.fr", is_staff=True)
    group = Group.objects.create(name="Documentalistes")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    documentalist.groups.add(group)

    for person in (buyer, company_admin, staff, documentalist):
        response = login(person).get(URL)
        # Wagtail answers a refusal in its admin with a redirect (to the login page, or to the admin
        # home page with an error message when the person may use the admin but not this report).
        assert response.status_code in (302, 403), person
        assert "Clauses sociales" not in response.content.decode()
    # An AJAX refresh of the results gets a plain 403.
    results_url = reverse("knowledge_guides_to_review_results")
    response = login(documentalist).get(results_url, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403


def test_the_rule_lives_in_knowledge_access_and_refuses_inactive_accounts(platform_admin, make_user):
    from knowledge import access, admin_views

    assert admin_views.can_view_review_report is access.can_view_review_report
    moderator = make_user("moderation@megalis.bzh")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    assert access.can_view_review_report(moderator) and access.can_view_review_report(platform_admin)
    for person in (moderator, platform_admin):
        person.is_active = False
        person.save()
        assert not access.can_view_review_report(person)


def test_a_visitor_is_sent_to_the_admin_login(client, guides):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _queries_for_report(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"ordering": "topic"})
    assert response.status_code == 200
    return len(queries)


def test_the_report_costs_the_same_queries_for_10_and_50_guides(login, wagtail_editor, make_guide, owners, buyer):
    client = login(wagtail_editor)
    client.get(URL)  # warm the session, content types and hooks

    def add(count, start):
        for number in range(start, start + count):
            guide = make_guide(f"Guide {number:03d}", owner=owners["alain"], review_by=datetime.date(2027, 4, 1))
            GuideFeedback.objects.create(guide=guide, user=buyer, helpful=number % 2 == 0)
            OutdatedReport.objects.create(guide=guide, reporter=buyer, reason="À revoir.")

    add(10, 0)
    with_10 = _queries_for_report(client)
    add(40, 10)
    with_50 = _queries_for_report(client)

    # Session, user, permissions, menu, the count and the page of guides: none per row.
    assert with_10 == with_50 == 12
