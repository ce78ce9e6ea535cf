"""RGPD: a person's procurement data is in their export; alerts and follows end with the account."""

import pytest

from intranet.actions.personal_data import do_close_account, personal_data
from procurement.models import Download, Follow, Question, SavedSearch


@pytest.mark.django_db
def test_export_lists_questions_follows_downloads_and_alerts(notice, company_member, company):
    Question.objects.create(notice=notice, asked_by=company_member, organization=company, body="Délai ?", body_html="")
    Follow.objects.create(notice=notice, user=company_member)
    Download.objects.create(notice=notice, user=company_member, organization=company, kind="zip", dce_version=1)
    SavedSearch.objects.create(user=company_member, name="Nettoyage 35", query="cpv=9091&departement=35")

    data = personal_data(company_member)["procurement"]

    assert [q["question"] for q in data["questions"]] == ["Délai ?"]
    assert [f["notice"] for f in data["followed_notices"]] == [notice.reference]
    assert [d["kind"] for d in data["identified_downloads"]] == ["zip"]
    assert [s["name"] for s in data["saved_searches"]] == ["Nettoyage 35"]


@pytest.mark.django_db
def test_closing_an_account_ends_its_alerts_and_follows_but_keeps_the_download_history(notice, company_member, company):
    search = SavedSearch.objects.create(user=company_member, name="Voirie", query="cpv=4523")
    Follow.objects.create(notice=notice, user=company_member)
    Download.objects.create(notice=notice, user=company_member, organization=company, kind="zip", dce_version=1)

    do_close_account(company_member)

    assert not SavedSearch.objects.filter(feed_token=search.feed_token).exists()
    assert not Follow.objects.filter(user=company_member).exists()
    assert Download.objects.filter(user=company_member).count() == 1
