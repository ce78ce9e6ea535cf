""" "Was this helpful?": one vote per member per guide, changeable; visitors cannot vote; bad input is explained."""

import re
from unittest import mock

import pytest
from django.db import IntegrityError
from django.urls import reverse

from knowledge import actions
from knowledge.models import GuideFeedback

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    # Assertions read the English msgids, whatever the French catalog says.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def feedback_url(guide):
    return reverse("knowledge:feedback", args=[guide.pk])


def vote(client, guide, helpful="yes", comment=""):
    data = {"feedback-comment": comment}
    if helpful is not None:
        data["feedback-helpful"] = helpful
    return client.post(feedback_url(guide), data)


# --- visitors -------------------------------------------------------------------------------


def test_visitor_sees_a_log_in_link_instead_of_the_vote_form(client, public_guide):
    html = client.get(public_guide.url).content.decode()
    assert "Log in to answer" in html
    assert f"{reverse('login')}?next=" in html
    assert feedback_url(public_guide) not in html


def test_visitor_posting_a_vote_is_sent_to_the_login_page_and_nothing_is_recorded(client, public_guide):
    response = vote(client, public_guide)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not GuideFeedback.objects.exists()


# --- voting ---------------------------------------------------------------------------------


def test_member_votes_yes_and_is_sent_back_to_the_guide_showing_their_answer(client, login, buyer, public_guide):
    login(buyer)
    response = vote(client, public_guide, "yes", "Très clair, merci.")
    assert response.status_code == 302
    assert response["Location"] == f"{public_guide.url}#feedback"
    feedback = GuideFeedback.objects.get()
    assert (feedback.user, feedback.guide_id, feedback.helpful, feedback.comment) == (
        buyer,
        public_guide.pk,
        True,
        "Très clair, merci.",
    )
    html = client.get(public_guide.url).content.decode()
    assert "You answered “yes”." in html
    assert "Change my answer" in html
    assert "Thank you for your answer." in html


def test_a_second_vote_changes_the_first_and_the_count_stays_one(client, login, buyer, public_guide):
    login(buyer)
    vote(client, public_guide, "yes")
    response = vote(client, public_guide, "no", "Il manque les seuils 2026.")
    assert response.status_code == 302
    assert GuideFeedback.objects.filter(guide=public_guide, user=buyer).count() == 1
    feedback = GuideFeedback.objects.get()
    assert feedback.helpful is False
    assert feedback.comment == "Il manque les seuils 2026."
    html = client.get(public_guide.url).content.decode()
    assert "You answered “no”." in html
    assert "Your answer has been changed." in html


def test_the_change_form_comes_prefilled_with_the_current_answer(client, login, buyer, public_guide):
    actions.do_record_feedback(buyer, public_guide, helpful=False, comment="Trop long")
    login(buyer)
    html = client.get(feedback_url(public_guide)).content.decode()
    assert re.search(r'<input type="radio" name="feedback-helpful" value="no"[^>]*checked', html)
    assert not re.search(r'<input type="radio" name="feedback-helpful" value="yes"[^>]*checked', html)
    assert "Trop long</textarea>" in html


def test_two_members_votes_are_counted_apart(make_user, body, public_guide):
    first = make_user(organization=body)
    second = make_user(organization=body)
    actions.do_record_feedback(first, public_guide, helpful=True)
    actions.do_record_feedback(second, public_guide, helpful=False)
    assert GuideFeedback.objects.filter(guide=public_guide).count() == 2


def test_a_vote_racing_with_another_insert_updates_the_row_instead_of_failing(buyer, public_guide):
    real = GuideFeedback.objects.update_or_create
    calls = []

    def first_call_loses_the_race(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise IntegrityError("one_vote_per_member_per_guide")
        return real(**kwargs)

    with mock.patch.object(GuideFeedback.objects, "update_or_create", side_effect=first_call_loses_the_race):
        feedback, _created = actions.do_record_feedback(buyer, public_guide, helpful=False)
    assert len(calls) == 2
    assert list(GuideFeedback.objects.values_list("user", "helpful")) == [(buyer.pk, False)]


# --- bad input ------------------------------------------------------------------------------


def test_a_vote_without_yes_or_no_is_refused_with_a_clear_error_and_the_comment_is_kept(
    client, login, buyer, public_guide
):
    login(buyer)
    response = vote(client, public_guide, None, "Mon commentaire à garder")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please answer yes or no." in html
    assert 'class="error-summary"' in html
    assert 'href="#id_feedback-helpful_0"' in html
    assert "Mon commentaire à garder</textarea>" in html
    assert not GuideFeedback.objects.exists()


def test_a_10000_character_comment_is_refused_saying_the_limit_and_what_was_typed(client, login, buyer, public_guide):
    login(buyer)
    typed = "é" * 10_000
    response = vote(client, public_guide, "yes", typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "at most 2,000 characters, you typed 10,000" in html
    assert typed in html  # nothing typed is lost
    assert "checked" in html  # the yes/no choice is kept too
    assert not GuideFeedback.objects.exists()


def test_an_answer_that_is_neither_yes_nor_no_is_refused(client, login, buyer, public_guide):
    login(buyer)
    response = vote(client, public_guide, "peut-être")
    assert "Please answer yes or no." in response.content.decode()
    assert not GuideFeedback.objects.exists()


# --- who may vote ---------------------------------------------------------------------------


def test_company_user_voting_on_a_members_only_guide_gets_404(client, login, company_member, members_guide):
    login(company_member)
    assert vote(client, members_guide).status_code == 404
    assert client.get(feedback_url(members_guide)).status_code == 404
    assert not GuideFeedback.objects.exists()


def test_company_user_may_vote_on_a_guide_for_everyone(client, login, company_member, public_guide):
    login(company_member)
    assert vote(client, public_guide, "yes").status_code == 302
    assert GuideFeedback.objects.filter(user=company_member).count() == 1


def test_member_who_is_not_a_buyer_gets_404_on_a_buyers_only_guide(client, login, make_user, body, buyers_guide):
    from intranet.models import Membership

    login(make_user(organization=body, role=Membership.Role.EDITOR))  # editors read everything
    assert vote(client, buyers_guide).status_code == 302
    client.logout()
    login(make_user(organization=body, role=Membership.Role.MEMBER))
    assert vote(client, buyers_guide).status_code == 404


def test_an_account_with_an_unconfirmed_email_may_not_vote(client, login, make_user, body, public_guide):
    login(make_user(organization=body, email_confirmed_at=None))
    assert vote(client, public_guide).status_code == 403
    assert not GuideFeedback.objects.exists()


def test_voting_on_an_unpublished_guide_gets_404(client, login, buyer, make_guide):
    draft = make_guide("Brouillon", live=False)
    login(buyer)
    assert vote(client, draft).status_code == 404


def test_editors_see_the_vote_counts_and_readers_do_not(client, login, make_user, body, editor, buyer, public_guide):
    actions.do_record_feedback(buyer, public_guide, helpful=True)
    actions.do_record_feedback(make_user(organization=body), public_guide, helpful=False, comment="Incomplet")
    actions.do_record_feedback(make_user(organization=body), public_guide, helpful=True)
    login(buyer)
    assert "For editors:" not in client.get(public_guide.url).content.decode()
    login(editor)
    html = client.get(public_guide.url).content.decode()
    assert "For editors: 2 “yes”, 1 “no”, 1 with a comment." in html
