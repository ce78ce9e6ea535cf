"""Who sees a notice before publication, what a closed notice still accepts, and what amendments may
say publicly: the rules found in review, each with the person it refuses."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from intranet.actions.accounts import sync_wagtail_groups
from intranet.models import Membership
from procurement import access
from procurement.actions.documents import do_add_document
from procurement.models import Amendment, NoticePage
from procurement.setup import ensure_buyer_section
from tests.procurement.test_admin_notices import notice_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_editor(make_user, other_body):
    person = make_user("redaction@chu-brest.fr", other_body, Membership.Role.EDITOR)
    sync_wagtail_groups(person)
    return person


def pdf(name="cctp.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 cahier des clauses\n%%EOF")


def test_an_editor_of_another_body_sees_nothing_of_a_draft(make_notice, buyer, other_editor, client):
    draft = make_notice(live=False)
    document = do_add_document(draft, title="CCTP", lot_number=None, upload=pdf(), actor=buyer)
    client.force_login(other_editor)

    assert not access.can_edit_notice(other_editor, draft)
    assert client.get(f"/avis/{draft.pk}/documents/{document.pk}/telecharger/").status_code == 404
    assert client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).status_code in (302, 403, 404)
    assert not access.editable_notices(other_editor).filter(pk=draft.pk).exists()


def test_an_editor_of_the_same_body_may_help_edit_but_not_publish(make_notice, editor, client):
    sync_wagtail_groups(editor)
    draft = make_notice(live=False)
    client.force_login(editor)

    assert access.can_edit_notice(editor, draft)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).status_code == 200
    assert not draft.permissions_for_user(editor).can_publish()
    assert not access.is_notice_buyer(editor, draft)  # the download log and answers stay with buyers


def test_an_amendment_of_a_hidden_estimated_value_does_not_publish_the_figures(make_notice, buyer, client):
    sync_wagtail_groups(buyer)
    notice = make_notice(estimated_value=Decimal("123456"), hide_estimated_value=True)
    notice.estimated_value = Decimal("654321")
    notice.amendment_reason = "Réévaluation du besoin"
    notice.save_revision(user=buyer).publish(user=buyer)

    amendment = Amendment.objects.get(notice=notice)
    assert [change["field"] for change in amendment.changes] == ["estimated_value"]
    html = client.get(notice.url).content.decode()
    # The figures in any spelling (123456, 123 456, 123,456, 123.456); a bare « 123 » also turns up in random tokens.
    for figure in (r"123\D?456", r"654\D?321"):
        assert not re.search(figure, str(amendment.changes)) and not re.search(figure, html)


def test_documents_of_a_cancelled_notice_no_longer_change(make_notice, buyer):
    notice = make_notice()
    NoticePage.objects.filter(pk=notice.pk).update(cancelled_at=timezone.now(), cancellation_reason="Besoin abandonné")
    notice.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        do_add_document(notice, title="CCTP", lot_number=None, upload=pdf(), actor=buyer, reason="Ajout")
    assert refused.value.code == "closed" or "closed" in str(refused.value)
    assert not notice.documents.exists()


def test_a_notice_cannot_be_given_an_expiry_date(notice_index, buyer, body, client, cpv_codes):
    sync_wagtail_groups(buyer)
    client.force_login(buyer)
    start = timezone.localtime() + datetime.timedelta(days=2)
    data = notice_form(
        body,
        questions_deadline=(start + datetime.timedelta(days=20)).strftime("%Y-%m-%d %H:%M"),
        bids_deadline=(start + datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M"),
        expire_at=(start + datetime.timedelta(days=40)).strftime("%Y-%m-%d %H:%M"),
    )
    data["action-publish"] = "Publish"
    response = client.post(
        reverse(
            "wagtailadmin_pages:add", args=["procurement", "noticepage", ensure_buyer_section(body, notice_index).pk]
        ),
        data,
    )

    assert response.status_code == 200
    assert "never withdrawn from publication" in response.content.decode()
    assert not NoticePage.objects.filter(reference="2027-AOO-014").exists()


def test_the_account_menu_offers_notices_of_ones_body_to_its_members_only(client, home_page, buyer, company_member):
    client.force_login(buyer)
    menu = client.get(home_page.url).content.decode()
    assert 'href="/avis/mes-avis/"' in menu and 'href="/avis/alertes/"' in menu

    client.force_login(company_member)
    menu = client.get(home_page.url).content.decode()
    assert 'href="/avis/mes-avis/"' not in menu
    assert 'href="/avis/suivis/"' in menu and 'href="/avis/alertes/"' in menu
