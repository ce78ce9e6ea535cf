"""The knowledge base's demo content: topics nested one level, 30+ real guides, both training paths, safe twice."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Page

from knowledge.demo import GENERATED_SLUG, add_generated_guides
from knowledge.demo_content import TAGS
from knowledge.models import Audience, GuidePage, KnowledgeIndexPage, TopicPage, TrainingPathPage

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", *args, stdout=io.StringIO())


def knowledge_counts() -> tuple[int, ...]:
    return (
        Page.objects.count(),
        GuidePage.objects.count(),
        TopicPage.objects.count(),
        TrainingPathPage.objects.count(),
        sum(path.steps.count() for path in TrainingPathPage.objects.all()),
    )


@pytest.fixture
def seeded():
    seed()


def test_seed_demo_creates_the_knowledge_base_with_nested_topics(seeded):
    index = KnowledgeIndexPage.objects.get()
    assert (index.title, index.slug, index.live) == ("Guides et formation", "guides", True)
    assert index.get_parent().slug == "accueil"
    sub_topics = [t for t in TopicPage.objects.all() if isinstance(t.get_parent().specific, TopicPage)]
    assert {t.slug for t in sub_topics} >= {"rediger-le-dce", "choisir-la-procedure"}
    for topic in sub_topics:  # one level of nesting only
        assert isinstance(topic.get_parent().get_parent().specific, KnowledgeIndexPage)


def test_seeded_guides_are_complete_published_and_owned_by_editors(seeded):
    guides = GuidePage.objects.live()
    assert guides.count() >= 30
    for guide in guides:
        headings = [b for b in guide.body if b.block_type == "heading"]
        assert guide.summary, guide.slug
        assert len(headings) >= 2, guide.slug
        assert 2 <= guide.tags.count() <= 4, guide.slug
        assert set(guide.tags.names()) <= TAGS, guide.slug
        assert guide.owner_user.email.startswith("redaction."), guide.slug
        assert guide.last_reviewed_on and guide.review_by, guide.slug
        assert guide.revisions.exists() and guide.live_revision_id, guide.slug  # published through a revision
    kinds = {b.block_type for g in guides for b in g.body}
    assert kinds >= {"heading", "text", "callout", "steps", "table", "quote", "guide_reference"}
    assert set(guides.values_list("audience", flat=True)) == {Audience.EVERYONE, Audience.MEMBERS, Audience.BUYERS}
    assert any(g.is_overdue for g in guides)
    assert GuidePage.objects.filter(related_links__isnull=False).distinct().count() >= 10


def test_guide_references_point_at_seeded_guides(seeded):
    ids = set(GuidePage.objects.values_list("pk", flat=True))
    references = [
        b.value["guide"] for g in GuidePage.objects.all() for b in g.body if b.block_type == "guide_reference"
    ]
    assert references and all(ref.pk in ids for ref in references)


def test_both_training_paths_have_ordered_steps(seeded):
    paths = {p.intended_for: p for p in TrainingPathPage.objects.live()}
    assert set(paths) == {TrainingPathPage.For.BUYERS, TrainingPathPage.For.COMPANIES}
    for path in paths.values():
        steps = list(path.steps.all())
        assert 4 <= len(steps) <= 7
        assert all("plateforme" in step.guide.tags.names() for step in steps)
    company_steps = paths[TrainingPathPage.For.COMPANIES].steps.all()
    assert all(step.guide.audience == Audience.EVERYONE for step in company_steps)  # companies can read them


def test_seed_demo_twice_adds_nothing_and_keeps_the_tree_valid(seeded):
    before = knowledge_counts()
    seed()
    assert knowledge_counts() == before
    assert Page.find_problems() == ([], [], [], [], [])


def test_generated_guides_are_bulk_added_once_and_keep_the_tree_valid(seeded):
    assert add_generated_guides(50) == 50
    assert add_generated_guides(50) == 0
    generated = GuidePage.objects.live().filter(slug__startswith=GENERATED_SLUG)
    assert generated.count() == 50
    assert Page.find_problems() == ([], [], [], [], [])
    guide = generated.first()
    assert guide.url_path == guide.get_parent().url_path + guide.slug + "/"
    assert guide.tags.count() == 2
