"""The buyer's dashboard on the home page: their body's notices by status, questions waiting, this week's deadlines."""

import datetime
import html

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from intranet.actions.accounts import sync_wagtail_groups
from intranet.models import Membership, User
from procurement.home_sections import buyer_dashboard_section
from procurement.models import NoticePage, Question
from procurement.setup import ensure_buyer_section
from tests.page_cache_helpers import logged_in, one_generation

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# The dashboard's own queries (data and rendering), whatever the number of notices: pinned.
DASHBOARD_QUERIES = 6


def ask(notice, answered=False, days_ago=1):
    now = timezone.now()
    return Question.objects.create(
        notice=notice,
        body="Le DQE est-il contractuel ?",
        body_html="<p>Le DQE est-il contractuel ?</p>",
        asked_at=now - days_ago * DAY,
        answer="Non." if answered else "",
        answered_at=now if answered else None,
    )


def make_activity(make_notice, count, buyer=None):
    """`count` notices, in turn: a draft; an open notice whose questions close in 3 days, with one
    unanswered question and one answered; a cancelled notice."""
    now = timezone.now()
    notices = {"draft": [], "open": [], "cancelled": []}
    for position in range(count):
        kind = ("draft", "open", "cancelled")[position % 3]
        notice = make_notice(
            title=f"Consultation {kind} {position}",
            buyer=buyer,
            live=kind != "draft",
            questions_deadline=now + 3 * DAY,
            bids_deadline=now + 20 * DAY,
        )
        if kind == "open":
            ask(notice, days_ago=position + 1)
            ask(notice, answered=True)
        if kind == "cancelled":
            NoticePage.objects.filter(pk=notice.pk).update(cancelled_at=now, cancellation_reason="Besoin abandonné.")
        notices[kind].append(notice)
    return notices


def dashboard_html(client) -> str:
    content = client.get("/").content.decode()
    start = content.find('<div class="buyer-dashboard">')
    if start < 0:
        return ""
    end = content.find('<section class="home-section"', start)  # the next section of the home page
    return html.unescape(content[start : end if end > 0 else None])


def add_notice_url(organization) -> str:
    section = ensure_buyer_section(organization)
    return reverse("wagtailadmin_pages:add", args=["procurement", "noticepage", section.pk])


# --- who sees what ------------------------------------------------------------------------------


def test_a_buyer_sees_their_bodys_counts_questions_deadlines_and_the_publish_button(login, buyer, body, make_notice):
    notices = make_activity(make_notice, 3)
    open_notice = notices["open"][0]

    client = login(buyer)
    page = dashboard_html(client)

    # First of the home page's sections, under its own heading.
    content = client.get("/").content.decode()
    assert content.index(">Your calls for tender</h2>") < content.index(">Latest calls for tender</h2>")
    assert "The notices of: Ville de Rennes" in page
    assert f'href="{add_notice_url(body)}">Publish a notice</a>' in page
    my_notices = reverse("procurement:my_notices")
    assert f'href="{my_notices}">My consultations</a>' in page
    assert f'href="{my_notices}?status=draft">Draft: 1</a>' in page
    assert f'href="{my_notices}?status=published">Open, questions accepted: 1</a>' in page
    assert f'href="{my_notices}?status=cancelled">Cancelled: 1</a>' in page
    assert "Awarded" not in page  # statuses without notices are left out
    assert "<p>1 question awaiting an answer</p>" in page
    inbox = reverse("procurement:question_inbox", args=[open_notice.pk])
    assert f'href="{inbox}">Questions on {open_notice.reference}</a>' in page
    deadlines = page[page.index("Deadlines in the next seven days") :]
    assert open_notice.title in deadlines and "Deadline for questions" in deadlines
    assert "Deadline for bids" not in deadlines  # in 20 days
    assert "Consultation draft" not in deadlines and "Consultation cancelled" not in deadlines


def test_a_company_member_and_a_visitor_see_no_dashboard(client, login, company_member, body, make_notice):
    make_activity(make_notice, 3)

    assert dashboard_html(client) == ""
    assert dashboard_html(login(company_member)) == ""


def test_another_bodys_buyer_does_not_see_rennes_drafts_counted(
    login, make_user, other_body, body, make_notice, notice_index
):
    make_activity(make_notice, 3)  # Ville de Rennes's
    brest = make_user("acheteur@chu-brest.fr", other_body, Membership.Role.BUYER)
    make_notice(title="Blanchisserie", buyer=other_body, live=True)

    page = dashboard_html(login(brest))

    assert "The notices of: CHU de Brest" in page
    assert "Draft:" not in page and "Cancelled:" not in page
    assert "Open, questions accepted: 1" in page
    assert "Every question has been answered." in page
    assert f'href="{add_notice_url(other_body)}"' in page
    assert add_notice_url(body) not in page


def test_an_editor_follows_the_notices_but_neither_publishes_nor_answers(login, editor, make_notice):
    make_activity(make_notice, 3)

    page = dashboard_html(login(editor))

    assert "Draft: 1" in page
    assert "Publish a notice" not in page
    assert "Questions awaiting an answer" not in page
    assert "My consultations" in page


def test_a_buyer_of_two_bodies_publishes_for_each_by_name(login, buyer, body, other_body, notice_index):
    Membership.objects.create(user=buyer, organization=other_body, role=Membership.Role.BUYER)
    sync_wagtail_groups(buyer)

    page = dashboard_html(login(buyer))

    assert f'href="{add_notice_url(body)}">Publish a notice for Ville de Rennes</a>' in page
    assert f'href="{add_notice_url(other_body)}">Publish a notice for CHU de Brest</a>' in page
    assert "Your organizations have no notice yet." in page


def test_a_deadline_further_than_a_week_or_already_past_is_not_listed(login, buyer, make_notice):
    now = timezone.now()
    make_notice(title="Dans un mois", questions_deadline=now + 20 * DAY, bids_deadline=now + 30 * DAY)
    bids_soon = make_notice(title="Offres bientôt", questions_deadline=now + 2 * DAY, bids_deadline=now + 5 * DAY)
    NoticePage.objects.filter(pk=bids_soon.pk).update(questions_deadline=now - DAY)  # questions closed yesterday

    page = dashboard_html(login(buyer))

    deadlines = page[page.index("Deadlines in the next seven days") :]
    assert "Dans un mois" not in deadlines
    assert "Offres bientôt" in deadlines
    assert "Deadline for bids" in deadlines and "Deadline for questions" not in deadlines


# --- "my notices" filtered by the dashboard's links ---------------------------------------------


def test_my_notices_lists_the_status_a_dashboard_count_links_to(login, buyer, make_notice):
    notices = make_activity(make_notice, 6)

    response = login(buyer).get(reverse("procurement:my_notices") + "?status=draft")

    assert {notice.pk for notice in response.context["notices"]} == {n.pk for n in notices["draft"]}
    assert response.context["status_filter"] == "draft"
    assert response.context["query_prefix"] == "status=draft&"
    everything = login(buyer).get(reverse("procurement:my_notices") + "?status=nonsense")
    assert len(everything.context["notices"]) == 6


# --- cost -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_dashboard_costs_the_same_queries_whatever_the_number_of_notices(
    rf, buyer, make_notice, count, django_assert_num_queries
):
    make_activity(make_notice, count)
    request = rf.get("/")

    def render_section(user):
        request.user = user
        section = buyer_dashboard_section(request)
        return render_to_string(section["template"], {**section["context"](), "section": section}, request=request)

    render_section(User.objects.get(pk=buyer.pk))  # finds the site and its root paths, as the home page has
    fresh = User.objects.get(pk=buyer.pk)  # its memberships not cached yet
    with django_assert_num_queries(DASHBOARD_QUERIES):
        page = render_section(fresh)

    assert page.count("?status=") == 3
    shown = min(count // 3 + (count % 3 > 1), 10)  # open notices, at most DASHBOARD_ROWS
    assert page.count("/questions/") == shown


# --- kept per body and rights (intranet/fragments.py) ---------------------------------------------


def test_the_kept_dashboard_is_never_served_to_another_body_nor_to_an_editor(
    buyer, editor, make_user, other_body, make_notice, notice_index
):
    make_activity(make_notice, 3)  # Ville de Rennes's
    brest = make_user("acheteur@chu-brest.fr", other_body, Membership.Role.BUYER)
    clients = dict(zip(("rennes", "brest", "editor"), logged_in(buyer, brest, editor), strict=True))
    with one_generation():
        assert "Draft: 1" in dashboard_html(clients["rennes"])
        assert "Publish a notice" in dashboard_html(clients["rennes"])
        brest_page = dashboard_html(clients["brest"])
        assert "The notices of: CHU de Brest" in brest_page and "Draft:" not in brest_page
        editor_page = dashboard_html(clients["editor"])  # same body as the buyer, fewer rights
        assert "Draft: 1" in editor_page and "Publish a notice" not in editor_page


def test_a_new_question_shows_on_the_buyers_next_request(login, buyer, make_notice):
    notice = make_notice(title="Entretien des espaces verts", live=True)
    client = login(buyer)
    assert "Every question has been answered." in dashboard_html(client)
    ask(notice)
    assert "1 question awaiting an answer" in dashboard_html(client)
