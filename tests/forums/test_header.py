"""The site's header on the forum's pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_administration_link_shows_on_forum_pages_too(login, buyer, public_category, make_topic):
    """The forum's pages put their own `perms` in the context: the header's link does not read it (it was hidden
    there for buyers, who publish their notices in the administration); a company's member still gets none."""
    topic = make_topic(public_category, buyer, "Seuils de procédure")
    html = login(buyer).get(reverse("forums:topic", args=[topic.pk])).content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' in html
    html = login(buyer).get(reverse("forums:category", args=[public_category.slug])).content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' in html


def test_a_company_member_gets_no_administration_link_on_forum_pages(
    login, company_member, public_category, make_topic
):
    topic = make_topic(public_category, company_member, "Question d'une entreprise")
    html = login(company_member).get(reverse("forums:topic", args=[topic.pk])).content.decode()
    assert reverse("wagtailadmin_home") not in html
