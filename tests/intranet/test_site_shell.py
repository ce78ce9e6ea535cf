"""The site shell every page shares: header, navigation, account menu, footer, home and error pages."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Page, Site

from intranet.models import HomePage, Notification, StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(db):
    """The site's HomePage, whether or not the data migration made one."""
    site = Site.objects.get(is_default_site=True)
    root_page = site.root_page.specific
    if isinstance(root_page, HomePage):
        return root_page
    home = Page.get_first_root_node().add_child(instance=HomePage(title="Accueil", slug="accueil-test"))
    site.root_page = home
    site.save()
    return home


@pytest.fixture
def accessibility_page(home):
    page = StandardPage.objects.filter(footer_role=StandardPage.Role.ACCESSIBILITY).first()
    if page is None:
        page = home.add_child(
            instance=StandardPage(title="Déclaration d'accessibilité", slug="a11y", footer_role="accessibility")
        )
    return page


def test_visitors_see_the_main_navigation_and_how_to_log_in_or_register(client, home):
    html = client.get("/").content.decode()
    assert 'aria-label="Menu principal"' in html or 'aria-label="Main menu"' in html
    for href in ("/appels-d-offres/", "/guides/", reverse("forums:index"), reverse("search")):
        assert f'href="{href}"' in html
    assert f'href="{reverse("login")}"' in html
    assert f'href="{reverse("register")}"' in html
    assert reverse("logout") not in html


def test_the_workspaces_entry_is_back_in_the_menu_and_leads_somewhere(client, home):
    """The entry came back by itself with the workspaces app; a visitor following it is asked to log in."""
    html = client.get("/").content.decode()
    assert 'href="/espaces/"' in html and "Espaces de travail" in html
    response = client.get("/espaces/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_main_menu_entry_shows_once_its_url_name_exists(monkeypatch):
    from intranet.templatetags import intranet_tags

    monkeypatch.setattr(intranet_tags, "MAIN_MENU", (("Forums", "forums:index"), ("Plus tard", "later:index")))
    assert intranet_tags.main_menu() == [("Forums", reverse("forums:index"))]


def test_the_search_link_is_marked_current_on_the_search_page(client, home):
    html = client.get(reverse("search")).content.decode()
    assert f'href="{reverse("search")}" aria-current="page"' in html


def test_a_logged_in_buyer_sees_their_name_unread_count_and_a_logout_form(login, buyer, home):
    Notification.objects.create(recipient=buyer, verb="test", message="Hello")
    Notification.objects.create(recipient=buyer, verb="test", message="Hello again")
    html = login(buyer).get("/").content.decode()
    assert "Camille Martin" in html
    assert '<span class="bell-count" data-unread-count>2</span>' in html
    assert f'<form method="post" action="{reverse("logout")}"' in html
    assert reverse("login") + '"' not in html
    # Buyers publish their body's notices in the Wagtail admin: the menu leads there, named in French.
    assert f'<a href="{reverse("wagtailadmin_home")}">Administration du site</a>' in html
    assert "Administration Wagtail" not in html and "Wagtail admin" not in html


def test_a_company_member_gets_no_admin_link(login, company_member, home):
    html = login(company_member).get("/").content.decode()
    assert reverse("wagtailadmin_home") not in html


def test_an_organization_admin_gets_a_link_to_manage_its_members(login, org_admin, body, home):
    html = login(org_admin).get("/").content.decode()
    assert reverse("organization_members", args=[body.pk]) in html
    assert "Ville de Rennes" in html


def test_staff_see_the_wagtail_admin_link(login, platform_admin, home):
    html = login(platform_admin).get("/").content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' in html


def test_the_footer_links_the_accessibility_statement_with_the_compliance_status(client, accessibility_page):
    html = client.get("/").content.decode()
    # Once among the footer pages, once on the "Accessibility: partially compliant" line.
    assert html.count(f'<a href="{accessibility_page.url}">') == 2
    assert escape(accessibility_page.title) in html


def test_the_language_switcher_posts_to_set_language_with_a_labelled_select(client, home):
    html = client.get("/?x=1").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert '<label for="language-select">' in html
    assert '<input type="hidden" name="next" value="/?x=1">' in html


def test_switching_to_english_translates_the_page_language(client, home):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()


def test_a_standard_page_shows_its_breadcrumb_back_to_home(client, accessibility_page):
    html = client.get(accessibility_page.url).content.decode()
    assert 'class="breadcrumb"' in html
    assert 'aria-current="page"' in html
    assert f"<h1>{escape(accessibility_page.title)}</h1>" in html


def test_an_unknown_address_shows_the_site_404_page(client, home):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert 'id="main"' in response.content.decode()


def test_the_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "<h1>" in html and 'href="/"' in html


def test_the_home_pages_title_names_it_without_repeating_the_site_name(client, home, settings):
    """RGAA 8.6: a title that says which page this is (the home page is titled after the site in the demo)."""
    home.title = settings.SITE_NAME
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert f"<title>Accueil — {escape(settings.SITE_NAME)}</title>" in html
    home.seo_title = "Portail des achats publics"
    home.save_revision().publish()
    assert f"<title>Portail des achats publics — {escape(settings.SITE_NAME)}</title>" in client.get("/").text


def test_what_the_header_shows_of_the_person_follows_every_change_at_the_next_request(login, buyer, body, home):
    """The header's values for the person (the bell's count, the account menu's entries, the administration link) are
    kept between requests (intranet.context_processors.person_header), and a new notification (a personal table),
    a notification read, a lost membership or a permission withdrawn (content) show at the next request."""
    from django.contrib.auth.models import Group

    from intranet.models import Membership

    client = login(buyer)
    my_notices = reverse("procurement:my_notices")
    html = client.get(reverse("profile")).content.decode()
    assert '<span class="bell-count is-zero" data-unread-count>0</span>' in html
    assert f'href="{my_notices}"' in html and f'href="{reverse("wagtailadmin_home")}"' in html

    notification = Notification.objects.create(recipient=buyer, verb="test", message="Hello")
    html = client.get(reverse("profile")).content.decode()
    assert '<span class="bell-count" data-unread-count>1</span>' in html

    Notification.objects.filter(pk=notification.pk).update(read_at=notification.created_at)
    html = client.get(reverse("profile")).content.decode()
    assert '<span class="bell-count is-zero" data-unread-count>0</span>' in html

    for group in Group.objects.filter(permissions__codename="access_admin"):
        group.permissions.remove(*group.permissions.filter(codename="access_admin"))
    html = client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' not in html

    Membership.objects.filter(user=buyer, organization=body).delete()
    html = client.get(reverse("profile")).content.decode()
    assert f'href="{my_notices}"' not in html
