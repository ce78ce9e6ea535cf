"""Fixtures of the exchanges: a prefecture with its agent, a Treasury service, a commune's transmitter, acts."""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from exchanges.actions import acts as actions
from exchanges.models import Act, Authority, Subject, Transmitter
from exchanges.reference.subjects import ensure_subjects
from intranet.models import Membership, Organization

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="deliberation.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def client_for(user) -> Client:
    """A person's browser, in English like the `client` fixture."""
    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


@pytest.fixture(autouse=True)
def english_interface(client):
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def prefecture(make_org):
    organization = make_org("Préfecture d'Ille-et-Vilaine", Organization.Kind.STATE_SERVICE)
    return Authority.objects.create(organization=organization, role=Authority.Role.LEGALITY, departments="35")


@pytest.fixture
def treasury(make_org):
    organization = make_org("Service de gestion comptable de Rennes", Organization.Kind.STATE_SERVICE)
    return Authority.objects.create(organization=organization, role=Authority.Role.ACCOUNTING, departments="35")


@pytest.fixture
def agent(make_user, prefecture):
    return make_user("controle.legalite@ille-et-vilaine.gouv.fr", prefecture.organization, Membership.Role.BUYER)


@pytest.fixture
def transmitter(make_user, body, org_admin):
    user = make_user("secretariat@rennes.fr", body, Membership.Role.BUYER)
    Transmitter.objects.create(organization=body, user=user, granted_by=org_admin)
    return user


@pytest.fixture
def subject(db):
    ensure_subjects(Subject)  # a transactional test (the browser's) empties what the migration seeded
    return Subject.objects.get(code="1.1")


@pytest.fixture
def act_data(prefecture, subject):
    def make(**overrides):
        data = {
            "authority": prefecture,
            "nature": Act.Nature.DELIBERATION,
            "subject": subject,
            "number": "DEL2026_001",
            "decision_date": timezone.localdate() - datetime.timedelta(days=2),
            "object": "Attribution du marché de nettoyage des écoles",
            "signatory": "Marie Le Goff, maire",
            "is_public": False,
        }
        data.update(overrides)
        return data

    return make


@pytest.fixture
def make_draft(body, transmitter, act_data):
    def make(with_main=True, **overrides):
        act = actions.do_save_draft(transmitter, body, act_data(**overrides))
        if with_main:
            actions.do_set_main_document(transmitter, act, pdf())
        return act

    return make


@pytest.fixture
def make_sent(make_draft, transmitter):
    def make(**overrides):
        return actions.do_transmit(transmitter, make_draft(**overrides))

    return make
