"""Knowledge base fixtures: the index under the site's home page, a topic, guides of each audience.

Other knowledge tests reuse these: keep their names and signatures stable.
"""

import datetime
import itertools

import pytest
from django.utils.text import slugify

from knowledge.models import Audience, GuidePage, KnowledgeIndexPage, TopicPage

_slug_counter = itertools.count(1)


def small_body(title: str) -> list[tuple[str, object]]:
    """A short body: two headings and a paragraph (enough for a table of contents)."""
    return [
        ("heading", {"text": "Avant de commencer", "level": "h2"}),
        ("text", f"<p>Ce que vous devez savoir sur « {title} ».</p>"),
        ("heading", {"text": "Les étapes", "level": "h3"}),
    ]


@pytest.fixture
def knowledge_index(home_page):
    """The knowledge base at /guides/ (reuses one a data migration may have made)."""
    existing = KnowledgeIndexPage.objects.child_of(home_page).first()
    if existing is not None:
        return existing
    return home_page.add_child(
        instance=KnowledgeIndexPage(
            title="Base de connaissances",
            slug="guides",
            intro="<p>Les guides des acheteurs publics bretons.</p>",
        )
    )


@pytest.fixture
def make_topic(knowledge_index):
    def make(title="Rédiger un DCE", parent=None, description="", live=True):
        parent = parent or knowledge_index
        slug = f"{slugify(title)[:40]}-{next(_slug_counter)}"
        return parent.add_child(instance=TopicPage(title=title, slug=slug, description=description, live=live))

    return make


@pytest.fixture
def topic(make_topic):
    return make_topic("Rédiger un DCE", description="Préparer le dossier de consultation des entreprises.")


@pytest.fixture
def make_guide(topic):
    """make_guide(title, audience=..., topic=None, tags=(), owner=None, review_by=None, live=True, **fields)."""

    def make(
        title="Guide",
        audience=Audience.EVERYONE,
        topic=None,
        tags=(),
        owner=None,
        review_by=None,
        live=True,
        **fields,
    ):
        parent = topic or _default_topic
        fields.setdefault("summary", f"Résumé : {title}.")
        fields.setdefault("body", small_body(title))
        fields.setdefault("last_reviewed_on", datetime.date(2026, 1, 15))
        guide = GuidePage(
            title=title,
            slug=f"{slugify(title)[:40]}-{next(_slug_counter)}",
            audience=audience,
            owner_user=owner,
            review_by=review_by,
            live=live,
            **fields,
        )
        if tags:
            guide.tags.add(*tags)
        guide = parent.add_child(instance=guide)
        return guide

    _default_topic = topic
    return make


@pytest.fixture
def public_guide(make_guide):
    return make_guide("Seuils des MAPA", Audience.EVERYONE, tags=("mapa", "seuils"))


@pytest.fixture
def members_guide(make_guide):
    return make_guide("Mutualiser un achat de nettoyage", Audience.MEMBERS, tags=("mapa", "nettoyage"))


@pytest.fixture
def buyers_guide(make_guide):
    return make_guide("Négocier avec les candidats", Audience.BUYERS, tags=("mapa", "négociation"))
