"""A published notice's changes are amendments: a reason, a history on the page, one notice to each reader."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from intranet.actions.accounts import sync_wagtail_groups
from intranet.models import Membership, Notification
from procurement.models import Amendment, Download, Follow, NoticePage
from procurement.setup import ensure_buyer_section
from tests.procurement.conftest import paris
from tests.procurement.test_admin_notices import add_url, errors_of, notice_form, post_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2027-01-10 09:00 +01:00", tick=True):
        yield


@pytest.fixture
def published(make_notice, buyer):
    sync_wagtail_groups(buyer)
    return make_notice(
        title="Entretien des espaces verts",
        reference="2027-AOO-014",
        questions_deadline=paris(2027, 2, 20),
        bids_deadline=paris(2027, 3, 1),
        estimated_value="80000",
        award_criteria="Prix 60 %, valeur technique 40 %",
        contact_email="marches@rennes.fr",
    )


def edit_and_publish(client, notice, **overrides):
    values = {
        "slug": notice.slug,
        "reference": notice.reference,
        "questions_deadline": "2027-02-20 12:00",
        "bids_deadline": "2027-03-01 12:00",
    }
    data = notice_form(notice.buyer, **(values | overrides))
    data["action-publish"] = "Publish"
    return client.post(reverse("wagtailadmin_pages:edit", args=[notice.pk]), data)


def test_the_first_publication_stores_the_announced_deadline(published):
    assert published.announced["bids_deadline"] == "2027-03-01T11:00:00+00:00"


def test_postponing_the_deadline_with_a_reason_records_an_amendment_shown_on_the_page(login, buyer, published, client):
    response = edit_and_publish(
        login(buyer), published, bids_deadline="2027-03-08 12:00", amendment_reason="Visite des sites reportée."
    )

    assert response.status_code == 302, errors_of(response)
    amendment = Amendment.objects.get(notice=published)
    assert amendment.number == 1 and amendment.reason == "Visite des sites reportée." and amendment.created_by == buyer
    (change,) = amendment.changes
    assert change["field"] == "bids_deadline"
    assert "12:00" in change["before"] and "1" in change["before"] and "8" in change["after"]
    published.refresh_from_db()
    assert published.announced["bids_deadline"] == "2027-03-08T11:00:00+00:00"

    with translation.override("en"):
        page = client.get(published.url).content.decode()
    assert '<h2 id="notice-amendments-title">Amendments</h2>' in page
    assert "Visite des sites reportée." in page
    assert "<del>" in page and "<ins>" in page


def edit_url(notice) -> str:
    return reverse("wagtailadmin_pages:edit", args=[notice.pk])


def test_a_notice_never_published_has_no_reason_field(login, buyer, body, notice_index, make_notice):
    client = login(buyer)
    draft = make_notice(live=False)

    for url in (add_url(ensure_buyer_section(body, notice_index)), edit_url(draft)):
        response = client.get(url)
        assert "amendment_reason" not in response.context["form"].fields
        assert 'name="amendment_reason"' not in response.content.decode()


def test_a_reason_sent_with_a_first_publication_is_not_kept(login, buyer, body, notice_index, cpv_codes):
    response = post_notice(login(buyer), notice_index, body, publish=True, amendment_reason="Motif inventé")

    assert response.status_code == 302, errors_of(response)
    notice = NoticePage.objects.get(reference="2027-AOO-014")
    assert notice.live and notice.amendment_reason == ""


def test_a_published_notice_and_its_drafts_show_the_reason_field(login, buyer, published):
    client = login(buyer)
    response = client.get(edit_url(published))
    assert 'name="amendment_reason"' in response.content.decode()

    # A change saved as a draft keeps its reason until it is published.
    data = notice_form(
        published.buyer,
        slug=published.slug,
        reference=published.reference,
        questions_deadline="2027-02-20 12:00",
        bids_deadline="2027-03-08 12:00",
        amendment_reason="Visite reportée.",
    )
    assert client.post(edit_url(published), data).status_code == 302

    form = client.get(edit_url(published)).context["form"]
    assert form["amendment_reason"].value() == "Visite reportée."
    assert not Amendment.objects.exists()


def test_the_reason_field_is_empty_on_the_next_edit(login, buyer, published):
    client = login(buyer)
    edit_and_publish(client, published, bids_deadline="2027-03-08 12:00", amendment_reason="Visite reportée.")

    form = client.get(reverse("wagtailadmin_pages:edit", args=[published.pk])).context["form"]

    assert form["amendment_reason"].value() == ""


def test_a_change_without_a_reason_is_refused(login, buyer, published):
    response = edit_and_publish(login(buyer), published, bids_deadline="2027-03-08 12:00")

    assert response.status_code == 200
    assert "say why you change" in " ".join(errors_of(response)["amendment_reason"])
    assert not Amendment.objects.exists()
    published.refresh_from_db()
    assert published.bids_deadline == paris(2027, 3, 1)


def test_adding_a_lot_to_a_published_notice_needs_a_reason(login, buyer, published):
    response = edit_and_publish(login(buyer), published, lots=[(1, "Parcs du centre", "", "")])

    assert response.status_code == 200
    assert "Lot 1" in " ".join(errors_of(response)["amendment_reason"])


def test_bringing_the_deadline_forward_is_refused(login, buyer, published):
    response = edit_and_publish(login(buyer), published, bids_deadline="2027-02-25 12:00", amendment_reason="Urgence.")

    assert response.status_code == 200
    assert "never bring it forward" in " ".join(errors_of(response)["bids_deadline"])
    assert not Amendment.objects.exists()


def test_the_amendment_reaches_identified_downloaders_and_followers_once_each(
    login, buyer, published, make_user, company
):
    downloader = make_user("dl@example.fr", company, Membership.Role.MEMBER)
    follower = make_user("suivi@example.fr")
    both = make_user("les-deux@example.fr")
    make_user("autre@example.fr")  # neither: hears nothing
    for user in (downloader, both, both, None):
        Download.objects.create(notice=published, user=user, kind=Download.Kind.ZIP, dce_version=1)
    Follow.objects.create(notice=published, user=follower)
    Follow.objects.create(notice=published, user=both)
    Follow.objects.create(notice=published, user=buyer)  # the author of the change is not told

    response = edit_and_publish(
        login(buyer), published, bids_deadline="2027-03-08 12:00", amendment_reason="Visite reportée."
    )

    assert response.status_code == 302, errors_of(response)
    notified = Notification.objects.filter(verb="procurement.amendment")
    assert sorted(n.recipient.email for n in notified) == sorted([downloader.email, follower.email, both.email])


def test_publishing_again_without_changes_records_nothing(login, buyer, published):
    response = edit_and_publish(login(buyer), published, amendment_reason="")

    assert response.status_code == 302, errors_of(response)
    assert not Amendment.objects.exists()
    assert NoticePage.objects.get(pk=published.pk).live
