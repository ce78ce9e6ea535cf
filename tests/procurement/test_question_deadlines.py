"""Questions are accepted strictly before the deadline for questions, to the second, in Paris time."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from procurement.models import Question
from tests.procurement.conftest import paris

UTC = datetime.UTC


def _ask(client, notice, text="Le nombre de passages hebdomadaires est-il imposé ?"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # new strings are not translated yet
    return client.post(reverse("procurement:ask_question", args=[notice.pk]), {"body": text})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-1, True), (0, False), (1, False)],
    ids=["one-second-before", "at-the-deadline", "one-second-after"],
)
def test_questions_are_accepted_strictly_before_the_deadline(make_notice, company_member, login, offset, accepted):
    deadline = paris(2027, 3, 15, 12, 0)
    notice = make_notice(questions_deadline=deadline, bids_deadline=paris(2027, 4, 1, 12, 0))
    with time_machine.travel(deadline + datetime.timedelta(seconds=offset), tick=False):
        client = login(company_member)
        response = _ask(client, notice, "Peut-on visiter les locaux ?")
    assert Question.objects.filter(notice=notice).exists() is accepted
    if accepted:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        html = response.content.decode()
        assert "The deadline for questions has passed" in html
        assert "March 15, 2027 at 12:00 (Paris time, UTC+01:00)" in html
        # What was typed is kept in the form.
        assert "Peut-on visiter les locaux ?" in html


@pytest.mark.django_db
def test_the_deadline_is_paris_time_across_the_change_to_summer_time(make_notice, company_member, login):
    # 28 March 2027 is the day clocks go forward: 12:00 in Paris is 10:00 UTC (UTC+2), not 11:00.
    deadline = paris(2027, 3, 28, 12, 0)
    assert deadline == datetime.datetime(2027, 3, 28, 10, 0, tzinfo=UTC)
    notice = make_notice(questions_deadline=deadline, bids_deadline=paris(2027, 4, 15, 12, 0))

    with time_machine.travel(datetime.datetime(2027, 3, 28, 9, 59, 59, tzinfo=UTC), tick=False):
        response = _ask(login(company_member), notice, "Question à 11:59:59, heure de Paris")
    assert response.status_code == 302
    assert Question.objects.filter(notice=notice, body="Question à 11:59:59, heure de Paris").exists()

    with time_machine.travel(datetime.datetime(2027, 3, 28, 10, 0, 0, tzinfo=UTC), tick=False):
        client = login(company_member)
        response = _ask(client, notice, "Question à 12:00:00, heure de Paris")
    assert response.status_code == 200
    assert "March 28, 2027 at 12:00 (Paris time, UTC+02:00)" in response.content.decode()
    assert not Question.objects.filter(notice=notice, body="Question à 12:00:00, heure de Paris").exists()


@pytest.mark.django_db
def test_the_action_checks_the_deadline_itself(make_notice, company_member):
    from django.core.exceptions import ValidationError

    from procurement.actions.questions import do_ask_question

    deadline = paris(2027, 3, 15, 12, 0)
    notice = make_notice(questions_deadline=deadline, bids_deadline=paris(2027, 4, 1, 12, 0))
    with time_machine.travel(deadline, tick=False), pytest.raises(ValidationError):
        do_ask_question(company_member, notice, "Trop tard ?")
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_after_the_deadline_the_notice_page_says_so_instead_of_the_form(make_notice, company_member, login):
    deadline = paris(2027, 3, 15, 12, 0)
    notice = make_notice(questions_deadline=deadline, bids_deadline=paris(2027, 4, 1, 12, 0))
    with time_machine.travel(deadline + datetime.timedelta(minutes=1), tick=False):
        client = login(company_member)
        with translation.override("en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = client.get(notice.url).content.decode()
    assert "The deadline for questions has passed (March 15, 2027 at 12:00" in html
    assert reverse("procurement:ask_question", args=[notice.pk]) not in html
