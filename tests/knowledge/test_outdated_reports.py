""" "Report outdated content": readers tell the guide's owner (or, without one, the moderators)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from intranet.models import Notification
from knowledge.models import OutdatedReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    # Assertions read the English msgids, whatever the French catalog says.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def report(client, guide, reason):
    return client.post(reverse("knowledge:report_outdated", args=[guide.pk]), {"report-reason": reason})


def test_a_member_reports_outdated_content_and_the_owner_is_notified(client, login, buyer, editor, make_guide):
    guide = make_guide("Seuils 2024", owner=editor)
    login(buyer)
    assert reverse("knowledge:report_outdated", args=[guide.pk]) in client.get(guide.url).content.decode()
    response = report(client, guide, "Les seuils ont changé au 1er janvier.")
    assert response.status_code == 302
    assert response["Location"] == f"{guide.url}#outdated"
    saved = OutdatedReport.objects.get()
    assert (saved.guide_id, saved.reporter, saved.reason) == (guide.pk, buyer, "Les seuils ont changé au 1er janvier.")
    notification = Notification.objects.get()
    assert notification.recipient == editor
    assert notification.verb == "knowledge.outdated_reported"
    assert notification.url == guide.url
    assert "Les seuils ont changé" in notification.message
    assert "the people in charge of this guide have been told" in client.get(guide.url).content.decode()


def test_without_an_owner_the_moderators_and_platform_admins_are_notified(
    client, login, make_user, buyer, platform_admin, public_guide
):
    moderator = make_user("moderatrice@plateforme.fr")
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    bystander = make_user("autre@plateforme.fr")
    login(buyer)
    report(client, public_guide, "Le lien vers le formulaire ne marche plus.")
    recipients = set(
        Notification.objects.filter(verb="knowledge.outdated_reported").values_list("recipient", flat=True)
    )
    assert recipients == {moderator.pk, platform_admin.pk}
    assert bystander.pk not in recipients


def test_an_empty_report_is_refused_with_a_clear_error(client, login, buyer, public_guide):
    login(buyer)
    response = report(client, public_guide, "  ")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please say what is out of date." in html
    assert 'href="#id_report-reason"' in html
    assert not OutdatedReport.objects.exists()


def test_a_too_long_report_is_refused_and_what_was_typed_is_kept(client, login, buyer, public_guide):
    login(buyer)
    typed = "x" * 2001
    html = report(client, public_guide, typed).content.decode()
    assert "at most 2,000 characters, you typed 2,001" in html
    assert typed in html
    assert not OutdatedReport.objects.exists()


def test_visitors_are_sent_to_the_login_page_and_see_no_report_form(client, public_guide):
    assert (
        reverse("knowledge:report_outdated", args=[public_guide.pk])
        not in client.get(public_guide.url).content.decode()
    )
    response = report(client, public_guide, "Obsolète")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not OutdatedReport.objects.exists()


def test_company_user_reporting_a_members_only_guide_gets_404(client, login, company_member, members_guide):
    login(company_member)
    assert report(client, members_guide, "Obsolète").status_code == 404
    assert not OutdatedReport.objects.exists()
    assert not Notification.objects.exists()


def test_an_account_with_an_unconfirmed_email_may_not_report(client, login, make_user, body, public_guide):
    login(make_user(organization=body, email_confirmed_at=None))
    assert report(client, public_guide, "Le seuil a changé").status_code == 403
    assert not OutdatedReport.objects.exists()
