"""The demo's exchanges: the prefecture and its agent, the Ville de Rennes' acts at each step, a register whose
chain verifies, and a second seed that adds nothing."""

import io

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from exchanges import verification
from exchanges.demo import AGENT_EMAIL, seed_exchanges
from exchanges.models import Act
from intranet import chain
from intranet.management.commands.seed_demo import DEMO_PASSWORD, Command, email_for
from intranet.models import User
from tests.exchanges.conftest import client_for


@pytest.fixture
def seeded(db):
    command = Command(stdout=io.StringIO())
    command.password_hash = make_password(DEMO_PASSWORD)
    command.now = timezone.now()
    command.create_people(command.create_organizations())
    return seed_exchanges()


def test_the_demo_acts_are_at_every_step_and_their_register_verifies(seeded):
    assert seeded["acts"] == 6
    statuses = dict(Act.objects.values_list("number", "status"))
    assert statuses == {
        "DEL2026_041": "acknowledged",
        "DEL2026_042": "acknowledged",
        "AI2026_007": "acknowledged",
        "DEL2026_043": "documents_requested",
        "ARR2026_118": "sent",
        "DEL2026_044": "draft",
    }
    rennes = Act.objects.first().sender
    assert chain.verify(f"exchanges:{rennes.pk}").ok
    assert all(verification.verify_act(act).ok for act in Act.objects.exclude(status="draft"))
    assert seed_exchanges() == {"acts": 0}


def test_the_demo_agent_and_transmitter_log_in_to_their_pages(seeded):
    agent = User.objects.get(email=AGENT_EMAIL)
    assert agent.check_password(DEMO_PASSWORD)
    inbox = client_for(agent).get(reverse("exchanges:index")).content.decode()
    assert "Inbox of Préfecture d&#x27;Ille-et-Vilaine" in inbox
    buyer = User.objects.get(email=email_for("acheteur.rennes"))
    page = client_for(buyer).get(reverse("exchanges:index")).content.decode()
    assert "Transmit an act" in page
