"""Questions and answers: companies ask, the notice's buyers answer, everyone reads the answers anonymously."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intranet.models import Notification
from procurement.models import Download, Follow, Question

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # new strings are not translated yet
    return client


def ask_url(notice):
    return reverse("procurement:ask_question", args=[notice.pk])


def inbox_url(notice):
    return reverse("procurement:question_inbox", args=[notice.pk])


def answer_url(question):
    return reverse("procurement:answer_question", args=[question.notice_id, question.pk])


@pytest.fixture
def question(notice, company_member):
    from procurement.actions.questions import do_ask_question

    return do_ask_question(company_member, notice, "Les **vitres** sont-elles comprises ?")


def test_a_company_user_asks_and_the_notice_buyers_are_told(notice, company_member, buyer, org_admin, login):
    response = login(company_member).post(ask_url(notice), {"body": "Les *vitres* sont-elles comprises ?"})
    assert response.status_code == 302
    question = Question.objects.get(notice=notice)
    assert question.asked_by == company_member
    assert question.organization == company_member.memberships.get().organization
    assert question.body_html == "<p>Les <em>vitres</em> sont-elles comprises ?</p>\n"
    told = set(Notification.objects.filter(verb="procurement.question").values_list("recipient", flat=True))
    assert told == {buyer.pk, org_admin.pk}
    # The buyers' notification does not say who asked.
    assert Notification.objects.filter(verb="procurement.question", actor__isnull=False).count() == 0


def test_a_double_submission_gives_one_question(notice, company_member, login):
    client = login(company_member)
    for _ in range(2):
        assert client.post(ask_url(notice), {"body": "Même question deux fois"}).status_code == 302
    assert Question.objects.filter(notice=notice).count() == 1


def test_an_empty_or_too_long_question_is_refused_with_the_text_kept(notice, company_member, login):
    client = english(login(company_member))
    response = client.post(ask_url(notice), {"body": "   "})
    assert response.status_code == 200
    assert "Please write your question." in response.content.decode()
    long_text = "x" * 5001
    response = client.post(ask_url(notice), {"body": long_text})
    html = response.content.decode()
    assert "at most 5,000 characters, you typed 5,001" in html
    assert long_text in html
    assert not Question.objects.exists()
    assert client.post(ask_url(notice), {"body": "y" * 5000}).status_code == 302


@pytest.mark.parametrize("who", ["buyer", "other_admin", "unconfirmed", "visitor"])
def test_only_confirmed_company_users_may_ask(notice, who, buyer, other_admin, make_user, company, client, login):
    if who == "visitor":
        response = client.post(ask_url(notice), {"body": "Question ?"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        user = {
            "buyer": buyer,
            "other_admin": other_admin,
            "unconfirmed": make_user(organization=company, role="member", email_confirmed_at=None),
        }[who]
        response = login(user).post(ask_url(notice), {"body": "Question ?"})
        assert response.status_code == 403
    assert not Question.objects.exists()


def test_the_asker_sees_their_pending_question_others_do_not(
    notice, question, company_member, company_admin, buyer, make_org, make_user, client, login
):
    other_company_user = make_user(organization=make_org("Autre SARL", "company"), role="member")
    html = english(login(company_member)).get(notice.url).content.decode()
    assert "Awaiting answer" in html and "<strong>vitres</strong>" in html
    for user in (other_company_user, buyer):
        html = english(login(user)).get(notice.url).content.decode()
        assert "vitres" not in html
    client.logout()
    assert "vitres" not in client.get(notice.url).content.decode()


def test_buyers_answer_from_the_inbox_and_the_answer_is_published_without_the_asker(
    notice, question, buyer, company_member, company, make_org, make_user, client, login
):
    other_company_user = make_user(organization=make_org("Autre SARL", "company"), role="member")
    buyer_client = english(login(buyer))
    inbox = buyer_client.get(inbox_url(notice))
    assert inbox.status_code == 200
    inbox_html = inbox.content.decode()
    assert "<strong>vitres</strong>" in inbox_html
    assert company.name not in inbox_html and company_member.email not in inbox_html
    notice_html = buyer_client.get(notice.url).content.decode()
    assert "Questions (1 unanswered)" in notice_html

    response = buyer_client.post(answer_url(question), {"answer": "Oui, **deux fois** par an."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answered_by == buyer and question.answered_at is not None
    assert "Questions (0 unanswered)" in buyer_client.get(notice.url).content.decode()

    type(company_member).objects.filter(pk=company_member.pk).update(first_name="Yannick", last_name="Le Goff")
    client.logout()
    for viewer in (None, other_company_user, buyer):
        if viewer is not None:
            login(viewer)
        html = english(client).get(notice.url).content.decode()
        assert "Question 1" in html
        assert "<strong>deux fois</strong>" in html
        for identity in (company.name, company.siret, company_member.email, "Yannick", "Le Goff"):
            assert identity not in html


def test_the_answer_reaches_followers_downloaders_and_the_asker_once_each(
    notice, question, buyer, company_member, make_user, login
):
    follower = make_user()
    downloader = make_user()
    both = make_user()
    make_user()  # neither follows nor downloaded
    Follow.objects.create(notice=notice, user=follower)
    Follow.objects.create(notice=notice, user=both)
    Follow.objects.create(notice=notice, user=company_member)
    Follow.objects.create(notice=notice, user=buyer)  # the answering buyer follows their own notice
    for user in (downloader, both, both, company_member):
        Download.objects.create(notice=notice, user=user, kind="zip", dce_version=1)
    Download.objects.create(notice=notice, user=None, kind="zip", dce_version=1)  # anonymous

    login(buyer).post(answer_url(question), {"answer": "Oui."})
    recipients = list(Notification.objects.filter(verb="procurement.answer").values_list("recipient", flat=True))
    assert sorted(recipients) == sorted([follower.pk, downloader.pk, both.pk, company_member.pk])


def test_a_published_answer_can_be_corrected_and_is_marked_corrected(notice, question, buyer, login):
    client = english(login(buyer))
    client.post(answer_url(question), {"answer": "Première réponse"})
    question.refresh_from_db()
    first_answered_at = question.answered_at
    response = client.post(answer_url(question), {"answer": "Réponse corrigée"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "Réponse corrigée"
    assert question.answered_at == first_answered_at
    html = client.get(notice.url).content.decode()
    assert "Réponse corrigée" in html and "Première réponse" not in html
    assert "corrected on" in html


def test_another_organization_buyer_cannot_see_the_inbox_nor_answer(
    notice, question, other_admin, company_member, login
):
    client = login(other_admin)
    assert client.get(inbox_url(notice)).status_code == 403
    assert client.post(answer_url(question), {"answer": "Intrusion"}).status_code == 403
    client = login(company_member)
    assert client.get(inbox_url(notice)).status_code == 403
    assert client.post(answer_url(question), {"answer": "Intrusion"}).status_code == 403
    question.refresh_from_db()
    assert question.answered_at is None and question.answer == ""


def test_a_question_of_another_notice_is_not_found_through_this_notice(make_notice, question, buyer, login):
    mine = make_notice()
    response = login(buyer).post(reverse("procurement:answer_question", args=[mine.pk, question.pk]), {"answer": "Non"})
    assert response.status_code == 404


def test_buyers_publish_an_information_of_their_own_initiative(notice, buyer, make_user, login):
    follower = make_user()
    Follow.objects.create(notice=notice, user=follower)
    client = english(login(buyer))
    response = client.post(
        reverse("procurement:publish_information", args=[notice.pk]),
        {"body": "Visite des locaux", "answer": "Une visite est organisée le 3 mars."},
    )
    assert response.status_code == 302
    html = client.get(notice.url).content.decode()
    assert "Information 1" in html and "Une visite est organisée le 3 mars." in html
    assert list(Notification.objects.filter(verb="procurement.answer").values_list("recipient", flat=True)) == [
        follower.pk
    ]


def test_the_notice_page_costs_the_same_queries_whatever_the_number_of_questions(notice, buyer, company_member, login):
    from procurement.actions.questions import do_answer_question, do_ask_question

    client = login(buyer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(notice.url).status_code == 200
        return len(queries)

    q = do_ask_question(company_member, notice, "Première")
    do_answer_question(buyer, q, "Réponse")
    before = count()
    for text in ("Deuxième", "Troisième", "Quatrième"):
        q = do_ask_question(company_member, notice, text)
        do_answer_question(buyer, q, "Réponse")
        do_answer_question(buyer, q, "Réponse corrigée")
    do_ask_question(company_member, notice, "En attente")
    assert count() == before


def test_the_question_pages_have_labelled_forms(notice, question, buyer, company_member, login):
    html = english(login(company_member)).get(ask_url(notice)).content.decode()
    assert '<label for="id_body">' in html
    client = english(login(buyer))
    html = client.get(answer_url(question)).content.decode()
    assert '<label for="id_answer">' in html and "<strong>vitres</strong>" in html
    html = client.get(reverse("procurement:publish_information", args=[notice.pk])).content.decode()
    assert '<label for="id_body">' in html and '<label for="id_answer">' in html
