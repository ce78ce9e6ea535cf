"""The download log (the legal event history): the notice's buyers only, identified downloads in
detail, anonymous ones counted, CSV export, and a query count that does not grow with the rows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement.actions.documents import do_add_document
from procurement.actions.downloads import do_record_download
from tests.page_cache_helpers import forget_kept_member_pages


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def versions(notice, buyer):
    documents = [
        do_add_document(
            notice,
            title=title,
            lot_number=None,
            upload=SimpleUploadedFile(name, b"%PDF " + name.encode()),
            actor=buyer,
            reason="Mise en ligne",
        )
        for title, name in (("Règlement", "RC.pdf"), ("CCTP", "CCTP.pdf"))
    ]
    return [document.current for document in documents]


def log_url(notice):
    return reverse("procurement:download_log", args=[notice.pk])


def csv_url(notice):
    return reverse("procurement:download_log_csv", args=[notice.pk])


def test_visitors_are_sent_to_log_in(client, notice):
    for url in (log_url(notice), csv_url(notice)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["company_member", "other_admin", "editor", "platform_admin"])
def test_only_the_notice_buyers_see_the_log(request, login, notice, who):
    client = login(request.getfixturevalue(who))

    assert client.get(log_url(notice)).status_code == 403
    assert client.get(csv_url(notice)).status_code == 403


def test_the_log_lists_identified_downloads_and_counts_anonymous_ones(
    login, org_admin, notice, versions, company_member, make_user, company
):
    buyer_client = login(org_admin)
    do_record_download(notice, versions=versions, kind="zip", user=company_member, identified=True)
    anonymous_person = make_user("discret@example.fr", company, first_name="Dominique", last_name="Discret")
    do_record_download(notice, versions=versions[:1], kind="file", user=anonymous_person, identified=False)
    do_record_download(notice, versions=versions[:1], kind="file")

    html = buyer_client.get(log_url(notice)).content.decode()

    assert "commercial@bretagne-nettoyage.fr" in html and "Bretagne Nettoyage SARL" in html
    assert "RC.pdf (version 1)" in html and "CCTP.pdf (version 1)" in html
    # The column says Paris time once; the rows give the date and time alone.
    assert "Whole DCE (ZIP)" in html and "When (Paris time)" in html and "(Paris time, UTC" not in html
    assert "2 anonymous downloads" in html
    assert "Discret" not in html and "discret@example.fr" not in html

    export = buyer_client.get(csv_url(notice))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export["Content-Disposition"].startswith("attachment;")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Date and time (Paris);Name;E-mail;Company")
    assert "commercial@bretagne-nettoyage.fr;Bretagne Nettoyage SARL" in lines[1]
    assert "CCTP.pdf (version 1); RC.pdf (version 1)" in lines[1]
    assert lines[-1] == "Anonymous downloads;2"
    assert "discret" not in text


def test_a_formula_typed_as_a_name_is_exported_as_text(login, buyer, notice, versions, make_user, company):
    tricky = make_user("x@example.fr", company, first_name="=HYPERLINK(1)", last_name="")
    do_record_download(notice, versions=versions, kind="zip", user=tricky, identified=True)

    text = b"".join(login(buyer).get(csv_url(notice)).streaming_content).decode("utf-8-sig")

    assert ";'=HYPERLINK(1)" in text


def _queries_for_log(client, notice) -> int:
    client.get(log_url(notice))  # warm the caches (the footer, kept per content generation)
    forget_kept_member_pages()  # the log rendered again (not the whole page kept for the buyer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(log_url(notice))
    assert response.status_code == 200
    return len(queries)


def test_the_log_costs_the_same_queries_for_5_or_50_downloads(login, buyer, notice, versions, make_user, company):
    people = [make_user(organization=company) for _ in range(50)]
    client = login(buyer)
    for person in people[:5]:
        do_record_download(notice, versions=versions, kind="zip", user=person, identified=True)
    with_5 = _queries_for_log(client, notice)
    for person in people[5:]:
        do_record_download(notice, versions=versions, kind="zip", user=person, identified=True)

    with_50 = _queries_for_log(client, notice)

    assert with_5 == with_50 == 13  # with the header's unread-messages badge of the workspaces
