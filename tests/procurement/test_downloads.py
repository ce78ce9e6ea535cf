"""Downloading consultation documents: anonymous or identified, as the person chooses; what the
notice page offers; who may download a draft's documents."""

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intranet.models import AuditEvent
from procurement.actions.documents import do_add_document
from procurement.models import Download, NoticePage

PDF = b"%PDF-1.4 cahier des clauses\n" * 50


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def add_document(notice, buyer, title="CCTP", filename="CCTP lot unique é.pdf", lot=None, content=PDF):
    return do_add_document(
        notice,
        title=title,
        lot_number=lot,
        upload=SimpleUploadedFile(filename, content),
        actor=buyer,
        reason="Mise en ligne" if notice.first_published_at else "",
    )


@pytest.fixture
def document(notice, buyer):
    return add_document(notice, buyer)


def file_url(document):
    return reverse("procurement:document_download", args=[document.notice_id, document.pk])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_visitor_downloads_anonymously_and_nothing_identifies_them(client, document):
    audit_before = AuditEvent.objects.count()

    response = client.get(file_url(document))

    assert response.status_code == 200 and body_of(response) == PDF
    assert response["Content-Disposition"].startswith('attachment; filename="CCTP lot unique .pdf"')
    assert "filename*=UTF-8''CCTP%20lot%20unique%20%C3%A9.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    download = Download.objects.get()
    assert (download.user, download.organization, download.kind) == (None, None, "file")
    assert list(download.versions.all()) == [document.current]
    assert AuditEvent.objects.count() == audit_before
    assert not Session.objects.exists() and "sessionid" not in response.cookies


def test_a_logged_in_person_choosing_anonymous_leaves_no_trace_of_who(login, company_member, document):
    client = login(company_member)
    session_before = dict(client.session.items())
    audit_before = AuditEvent.objects.count()

    response = client.post(file_url(document), {"identity": "anonymous"})

    assert response.status_code == 200 and body_of(response) == PDF
    download = Download.objects.get()
    assert download.user is None and download.organization is None
    assert AuditEvent.objects.count() == audit_before
    assert dict(client.session.items()) == session_before


def test_an_identified_download_records_who_for_which_company_and_which_version(
    login, company_member, company, document
):
    response = login(company_member).post(file_url(document), {"identity": "identified"})

    assert response.status_code == 200 and body_of(response) == PDF
    download = Download.objects.get()
    assert (download.user, download.organization, download.kind) == (company_member, company, "file")
    assert list(download.versions.all()) == [document.current]
    assert download.dce_version == NoticePage.objects.get(pk=document.notice_id).dce_version == 1


def test_without_a_choice_nothing_is_downloaded_nor_recorded(login, company_member, document, notice):
    response = login(company_member).post(file_url(document), follow=True)

    assert response.redirect_chain[0][0].endswith("#documents")
    assert "Please choose whether to identify yourself" in response.content.decode()
    assert not Download.objects.exists()


def test_a_get_never_records_an_identity_even_when_logged_in(login, company_member, document):
    login(company_member).get(file_url(document))

    assert Download.objects.get().user is None


def test_an_unconfirmed_account_cannot_download_identified(login, make_user, company, document):
    from intranet.models import Membership

    unconfirmed = make_user(email_confirmed_at=None)
    Membership.objects.create(user=unconfirmed, organization=company, role=Membership.Role.MEMBER)

    login(unconfirmed).post(file_url(document), {"identity": "identified"})

    assert not Download.objects.filter(user=unconfirmed).exists()


def test_a_buyer_downloading_identified_is_recorded_for_their_body(login, other_admin, other_body, document):
    login(other_admin).post(file_url(document), {"identity": "identified"})

    assert Download.objects.get().organization == other_body


def test_a_drafts_documents_are_for_those_who_may_read_the_draft(client, login, make_notice, buyer, company_member):
    draft = make_notice(live=False)
    document = add_document(draft, buyer)
    zip_url = reverse("procurement:dce_zip", args=[draft.pk])

    assert client.get(file_url(document)).status_code == 404
    assert client.get(zip_url).status_code == 404
    assert login(company_member).get(file_url(document)).status_code == 404
    assert body_of(login(buyer).get(file_url(document))) == PDF


def test_a_cancelled_notices_documents_stay_downloadable(client, document, notice):
    from django.utils import timezone

    NoticePage.objects.filter(pk=notice.pk).update(cancelled_at=timezone.now(), cancellation_reason="Infructueux")

    assert body_of(client.get(file_url(document))) == PDF


def test_a_removed_document_or_another_notices_is_not_served(client, document, make_notice, buyer):
    other = make_notice()
    assert client.get(reverse("procurement:document_download", args=[other.pk, document.pk])).status_code == 404


def documents_section(html: str) -> str:
    """The notice page's DCE section: from its heading to the next section's."""
    return html.split('id="notice-documents-title"')[1].split("<h2")[0]


def test_the_notice_page_offers_the_choice_to_people_who_may_identify(
    client, login, company_member, make_notice, buyer
):
    notice = make_notice(lots=[(1, "Voirie", "45233140-2", None), (2, "Éclairage", "", None)])
    add_document(notice, buyer, title="Règlement de la consultation", filename="RC.pdf")
    add_document(notice, buyer, title="CCTP voirie", filename="cctp-1.pdf", lot=1)

    visitor_page = client.get(notice.url).content.decode()
    member_page = login(company_member).get(notice.url).content.decode()

    for page in (visitor_page, member_page):
        html = documents_section(page)
        assert "Règlement de la consultation" in html and "CCTP voirie" in html
        assert "Lot 1: Voirie" in html and "Lot 2: Éclairage" not in html  # no document for lot 2
        assert reverse("procurement:dce_zip", args=[notice.pk]) + "?lot=1" in html
    assert 'name="identity"' not in visitor_page and "Log in</a> to identify yourself" in visitor_page
    assert 'name="identity" value="identified"' in member_page and "Identify me — recommended" in member_page
    assert 'name="identity" value="anonymous"' in member_page
    assert "<script" not in documents_section(member_page) and " onclick" not in documents_section(member_page)
