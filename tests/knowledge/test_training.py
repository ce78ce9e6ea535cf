"""The training room: members mark steps done; progress on the course, the profile and the home page."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knowledge import actions
from knowledge.models import Audience, TrainingPathPage, TrainingProgress, TrainingStep
from knowledge.training import courses_for

pytestmark = pytest.mark.django_db

_slugs = itertools.count(1)


@pytest.fixture(autouse=True)
def english(client, settings):
    # Assertions read the English msgids, whatever the French catalog says.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def make_path(knowledge_index):
    def make(title, guides, intended_for=TrainingPathPage.For.EVERYONE, live=True):
        path = TrainingPathPage(
            title=title,
            slug=f"parcours-{next(_slugs)}",
            intro="<p>Prenez en main la plateforme pas à pas.</p>",
            intended_for=intended_for,
            live=live,
            steps=[TrainingStep(guide=guide, sort_order=index) for index, guide in enumerate(guides)],
        )
        return knowledge_index.add_child(instance=path)

    return make


@pytest.fixture
def course(make_path, make_guide, public_guide, members_guide):
    """Everyone's course: three guides for everyone and one for members only."""
    return make_path(
        "Prendre en main la plateforme",
        [public_guide, make_guide("Trouver un avis"), members_guide, make_guide("Poser une question")],
    )


def step_url(step):
    return reverse("knowledge:step_progress", args=[step.pk])


def steps_of(path):
    return list(TrainingStep.objects.filter(path=path).order_by("sort_order"))


def mark(client, step, done=True):
    return client.post(step_url(step), {"done": "1" if done else "0"})


# --- the course page ------------------------------------------------------------------------


def test_course_page_lists_the_steps_in_order_with_a_done_button(client, login, buyer, course):
    login(buyer)
    html = client.get(course.url).content.decode()
    titles = ["Seuils des MAPA", "Trouver un avis", "Mutualiser un achat de nettoyage", "Poser une question"]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Prenez en main la plateforme pas à pas." in html
    assert "0 of 4 steps done" in html
    assert html.count("Mark as done") == 4
    for step in steps_of(course):
        assert step_url(step) in html


def test_steps_whose_guide_the_reader_may_not_read_are_hidden_and_not_counted(client, login, company_member, course):
    login(company_member)
    html = client.get(course.url).content.decode()
    assert "Mutualiser un achat de nettoyage" not in html
    assert "0 of 3 steps done" in html


def test_marking_a_step_done_then_not_done_updates_the_progress(client, login, buyer, course):
    first, second, *_ = steps_of(course)
    login(buyer)
    response = mark(client, first)
    assert response.status_code == 302
    assert response["Location"] == f"{course.url}#step-{first.pk}"
    mark(client, second)
    html = client.get(course.url).content.decode()
    assert "2 of 4 steps done" in html
    assert '<progress class="training-progress-bar" max="4" value="2"' in html
    assert html.count("Mark as not done") == 2
    mark(client, first, done=False)
    assert list(TrainingProgress.objects.filter(user=buyer).values_list("step", flat=True)) == [second.pk]
    assert "1 of 4 steps done" in client.get(course.url).content.decode()


def test_marking_a_step_twice_keeps_one_completion(client, login, buyer, course):
    step = steps_of(course)[0]
    login(buyer)
    mark(client, step)
    mark(client, step)
    assert TrainingProgress.objects.filter(user=buyer, step=step).count() == 1


def test_visitor_sees_no_buttons_and_marking_sends_them_to_the_login_page(client, course):
    html = client.get(course.url).content.decode()
    assert "Mark as done" not in html
    assert "Log in to keep track of your progress" in html
    response = mark(client, steps_of(course)[0])
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not TrainingProgress.objects.exists()


def test_marking_a_step_whose_guide_the_user_may_not_read_gets_404(client, login, company_member, course):
    members_step = steps_of(course)[2]
    login(company_member)
    assert mark(client, members_step).status_code == 404
    assert not TrainingProgress.objects.exists()


def test_marking_a_step_of_a_course_not_meant_for_the_user_gets_404(
    client, login, company_member, make_path, public_guide
):
    buyers_course = make_path("Parcours acheteurs", [public_guide], intended_for=TrainingPathPage.For.BUYERS)
    login(company_member)
    assert "Mark as done" not in client.get(buyers_course.url).content.decode()
    assert mark(client, steps_of(buyers_course)[0]).status_code == 404


def test_marking_a_step_of_an_unpublished_course_gets_404(client, login, buyer, make_path, public_guide):
    draft = make_path("Brouillon", [public_guide], live=False)
    login(buyer)
    assert mark(client, steps_of(draft)[0]).status_code == 404


def test_an_account_with_an_unconfirmed_email_may_not_mark_steps(client, login, make_user, body, course):
    login(make_user(organization=body, email_confirmed_at=None))
    assert mark(client, steps_of(course)[0]).status_code == 403


# --- progress elsewhere ---------------------------------------------------------------------


def test_progress_counts_only_visible_steps_and_names_the_next_one(buyer, company_member, course):
    first, second, members_step, last = steps_of(course)
    for step in (first, members_step):
        actions.do_mark_step_done(buyer, step)
    (mine,) = courses_for(buyer)
    assert (mine.done_count, mine.total, mine.percent) == (2, 4, 50)
    assert mine.next_step.step == second
    actions.do_mark_step_done(company_member, first)
    (theirs,) = courses_for(company_member)
    assert (theirs.done_count, theirs.total) == (1, 3)
    assert [item.step for item in theirs.steps] == [first, second, last]


def test_progress_costs_three_queries_whatever_the_number_of_courses(buyer, make_path, make_guide, course):
    courses_for(buyer)  # warm the membership cache
    with CaptureQueriesContext(connection) as one_course:
        courses_for(buyer)
    for index in range(3):
        make_path(f"Parcours {index}", [make_guide(f"Guide {index}-{n}", Audience.MEMBERS) for n in range(3)])
    with CaptureQueriesContext(connection) as four_courses:
        assert len(courses_for(buyer)) == 4
    assert len(one_course) == len(four_courses) == 3


def test_the_profile_shows_my_training_progress(client, login, buyer, course):
    actions.do_mark_step_done(buyer, steps_of(course)[0])
    login(buyer)
    html = client.get(reverse("profile")).content.decode()
    assert "My training" in html
    assert "Prendre en main la plateforme" in html
    assert "1 of 4 steps done" in html


def test_the_home_page_invites_to_continue_the_course_at_the_next_step(client, login, buyer, course):
    first, second, *_ = steps_of(course)
    actions.do_mark_step_done(buyer, first)
    login(buyer)
    html = client.get("/").content.decode()
    assert "Continue your course" in html
    assert "1 of 4 steps done" in html
    section = html[html.index("Continue your course") :]
    assert "Next step:" in section
    assert f'href="{second.guide.url}">Trouver un avis</a>' in section


def test_the_home_page_offers_a_course_not_started_yet(client, login, buyer, course):
    login(buyer)
    html = client.get("/").content.decode()
    assert "Continue your course" in html
    assert "First step:" in html


def test_a_finished_course_is_no_longer_offered_on_the_home_page_but_stays_on_the_profile(client, login, buyer, course):
    for step in steps_of(course):
        actions.do_mark_step_done(buyer, step)
    login(buyer)
    assert "Continue your course" not in client.get("/").content.decode()
    profile = client.get(reverse("profile")).content.decode()
    assert "4 of 4 steps done" in profile
    assert "Course completed." in profile


def test_visitors_get_no_continue_your_course_section(client, course):
    assert "Continue your course" not in client.get("/").content.decode()
