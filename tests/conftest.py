"""Shared fixtures: organizations and people for each role; the order of tests under pytest-xdist."""

import itertools
from collections import Counter

import pytest
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from intranet.actions.accounts import sync_wagtail_groups
from intranet.models import HomePage, Membership, Organization, User

Role = Membership.Role
PASSWORD = "Motdepasse-solide-2026"

# Valid SIRENs/SIRETs (Luhn) for tests; the demo data has its own.
_siret_counter = itertools.count(1)


def luhn_complete(prefix: str) -> str:
    """Append the check digit that makes `prefix` + digit pass the Luhn check."""
    for digit in "0123456789":
        candidate = prefix + digit
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def make_siret() -> str:
    siren = luhn_complete(f"{next(_siret_counter) + 40000000:08d}")
    return luhn_complete(siren + "0001")


@pytest.fixture
def make_org(db):
    def make(name="Commune de Test", kind=Organization.Kind.COMMUNE, **fields):
        fields.setdefault("siret", make_siret())
        fields.setdefault("department", "35")
        return Organization.objects.create(name=name, kind=kind, **fields)

    return make


@pytest.fixture
def make_user(db):
    counter = itertools.count(1)

    def make(email=None, organization=None, role=None, **fields):
        email = email or f"personne{next(counter)}@example.fr"
        fields.setdefault("email_confirmed_at", timezone.now())
        fields.setdefault("first_name", "Camille")
        fields.setdefault("last_name", "Martin")
        user = User.objects.create_user(email=email, password=PASSWORD, **fields)
        if organization is not None:
            Membership.objects.create(user=user, organization=organization, role=role or Role.BUYER)
            # What every membership action does: the Wagtail groups of the role (admin rights on the body's pages).
            sync_wagtail_groups(user)
        return user

    return make


@pytest.fixture
def body(make_org):
    return make_org("Ville de Rennes", Organization.Kind.COMMUNE)


@pytest.fixture
def other_body(make_org):
    return make_org("CHU de Brest", Organization.Kind.HOSPITAL, department="29")


@pytest.fixture
def company(make_org):
    return make_org("Bretagne Nettoyage SARL", Organization.Kind.COMPANY)


@pytest.fixture
def buyer(make_user, body):
    return make_user("acheteur@rennes.fr", body, Role.BUYER)


@pytest.fixture
def editor(make_user, body):
    return make_user("redacteur@rennes.fr", body, Role.EDITOR)


@pytest.fixture
def org_admin(make_user, body):
    return make_user("admin@rennes.fr", body, Role.ORG_ADMIN)


@pytest.fixture
def other_admin(make_user, other_body):
    return make_user("admin@chu-brest.fr", other_body, Role.ORG_ADMIN)


@pytest.fixture
def company_admin(make_user, company):
    return make_user("gerant@bretagne-nettoyage.fr", company, Role.COMPANY_ADMIN)


@pytest.fixture
def company_member(make_user, company):
    return make_user("commercial@bretagne-nettoyage.fr", company, Role.MEMBER)


@pytest.fixture
def platform_admin(make_user):
    return make_user("admin@plateforme.fr", is_staff=True, is_superuser=True)


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return do


@pytest.fixture
def home_page(db):
    """The site's HomePage (migration intranet 0003 makes it the default site's root)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page.specific if site else None
    if isinstance(root, HomePage):
        return root
    top = Page.get_first_root_node()
    if top is None:  # a transactional test before this one emptied the database, Wagtail's root page included
        locale, _created = Locale.objects.get_or_create(language_code="fr")
        top = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = top.add_child(instance=HomePage(title="Accueil", slug="accueil-test"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    return home


@pytest.fixture
def empty_search_index(db):
    """The test starts from an empty Whoosh index (in the test run's temporary folder) and leaves it empty."""
    from django.core.management import call_command

    call_command("clear_index", interactive=False, verbosity=0)
    yield
    call_command("clear_index", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: visitors' cached pages are keyed by the content's generation, the
    last ContentChange id, which a rolled-back test gives again to the next (SQLite reuses rolled-back ids)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fresh_channel_layers():
    """Each test gets new channel layer objects. A layer's queues and locks belong to the event loop that first
    used them, and each test (WebsocketCommunicator, async_to_sync, a server thread) runs its own loop: a layer
    kept from an earlier test fails with "bound to a different event loop" or waits on a dead loop's future."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (`-n 2`), whatever `--dist` says but `each`: whole test files to each worker, in the
    order pytest-django sorted the tests, as Django's runner does: the tests in a rolled-back transaction first,
    then the transactional ones (`transaction=True`, live server, browser), which leave the database empty,
    without the rows the data migrations wrote (the Wagtail root and home page, the default Site, the CPV codes),
    then those without a database. xdist's own modes deal out files, or single tests, regardless of that order:
    a worker would run a transactional test, then a rolled-back one that needs the home page (`home_page`)."""
    if config.getvalue("dist") == "each":
        return None
    from xdist.scheduler import LoadFileScheduling

    class DjangoOrderScheduling(LoadFileScheduling):
        """A work unit is a file's tests that follow one another in the sorted collection: a file with tests of
        both kinds makes two units, the transactional one queued behind every rolled-back unit. The units go
        out in that order (xdist's reordering by size is off), so each worker runs them in Django's order."""

        _units: dict[str, str] | None = None

        def schedule(self):
            self.config.option.loadscopereorder = False
            super().schedule()

        def _split_scope(self, nodeid):
            if self._units is None:
                self._units, runs, previous = {}, Counter(), None
                for test in self.collection:
                    path = test.split("::", 1)[0]
                    if path != previous:
                        runs[path] += 1
                        previous = path
                    self._units[test] = path if runs[path] == 1 else f"{path} (part {runs[path]})"
            return self._units[nodeid]

    return DjangoOrderScheduling(config, log)
