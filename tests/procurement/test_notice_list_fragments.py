"""The notice list's filters and results kept per query (NoticePage lists are public: the same for everyone), per
content generation and language (procurement/models.py NoticeIndexPage.get_context, intranet/fragments.py); the
alert form stays each reader's own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intranet.models import Membership
from procurement.models import SavedSearch
from tests.page_cache_helpers import logged_in, one_generation

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(make_notice):
    return [
        make_notice(title="Nettoyage des écoles"),
        make_notice(title="Fournitures scolaires", nature="supplies"),
    ]


def test_readers_share_the_kept_results_which_cost_no_notice_query(notices, notice_index, company_member, buyer):
    first, second = logged_in(company_member, buyer)
    with one_generation():
        page = first.get(notice_index.url).content.decode()
        with CaptureQueriesContext(connection) as queries:
            again = second.get(notice_index.url).content.decode()
    assert "Nettoyage des écoles" in again and "Fournitures scolaires" in again
    assert not [q for q in queries.captured_queries if "procurement_noticepage" in q["sql"]]
    finder = re.compile(r'<search class="notice-filters".*?</ol>', re.S)
    assert finder.search(page)[0] == finder.search(again)[0]


def test_each_query_has_its_own_results(notices, notice_index, company_member):
    (client,) = logged_in(company_member)
    client.get(notice_index.url)
    supplies = client.get(notice_index.url + "?nature=supplies").content.decode()
    assert "Fournitures scolaires" in supplies and "Nettoyage des écoles" not in supplies
    assert "Nettoyage des écoles" in client.get(notice_index.url).content.decode()


def test_a_notice_published_shows_on_the_next_request(notices, notice_index, make_notice, company_member):
    (client,) = logged_in(company_member)
    assert "Élagage des arbres" not in client.get(notice_index.url).content.decode()
    make_notice(title="Élagage des arbres")
    assert "Élagage des arbres" in client.get(notice_index.url).content.decode()


def test_the_alert_form_is_each_readers_own(notices, notice_index, company_member, make_user, company):
    colleague = make_user("collegue@nettoyage-armor.fr", company, Membership.Role.MEMBER)
    first, second = logged_in(company_member, colleague, csrf_checks=True)
    first.get(notice_index.url + "?nature=services")
    page = second.get(notice_index.url + "?nature=services").content.decode()

    form = page[page.index('<details class="save-search">') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    assert 'name="query" value="nature=services"' in form
    response = second.post(
        reverse("procurement:alert_create"),
        {"csrfmiddlewaretoken": token, "query": "nature=services", "name": "Services"},
    )
    assert response.status_code == 302  # the first reader's token would be refused (403)
    assert SavedSearch.objects.filter(user=colleague, name="Services").exists()


def test_the_page_number_is_in_the_title_when_kept(make_notice, notice_index, company_member):
    for number in range(25):
        make_notice(title=f"Avis {number}")
    first, second = logged_in(company_member, company_member)
    first.get(notice_index.url + "?page=2")
    page = second.get(notice_index.url + "?page=2").content.decode()
    assert re.search(r"<title>[^<]*\(page 2\)", page)
