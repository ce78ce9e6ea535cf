"""What a reader finds on a guide: contents, review notice, owner, trail, neighbours, tags, related guides."""

import datetime
import html
import re

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from knowledge.models import Audience, RelatedGuide

pytestmark = pytest.mark.django_db


def _section(html: str, css_class: str) -> str:
    """The HTML of the first element with this class (up to its closing tag of the same kind)."""
    match = re.search(rf'<(\w+)[^>]*class="[^"]*\b{css_class}\b[^"]*"[^>]*>', html)
    assert match, f"no element with class {css_class}"
    tag = match.group(1)
    return html[match.start() : html.index(f"</{tag}>", match.end())]


def test_the_table_of_contents_links_to_each_heading_by_a_readable_id(client, make_guide):
    guide = make_guide(
        "Rédiger le CCTP",
        body=[
            ("heading", {"text": "Définir le besoin", "level": "h2"}),
            ("text", "<p>Décrire le service attendu.</p>"),
            ("heading", {"text": "Critères d'exécution", "level": "h3"}),
            ("heading", {"text": "Définir le besoin", "level": "h2"}),
        ],
    )
    page = client.get(guide.url).content.decode()
    toc = _section(page, "guide-toc")
    assert 'href="#definir-le-besoin"' in toc
    assert 'href="#criteres-dexecution"' in toc
    assert 'href="#definir-le-besoin-2"' in toc
    assert '<h2 id="definir-le-besoin">Définir le besoin</h2>' in page
    assert '<h3 id="criteres-dexecution">' in page
    assert '<h2 id="definir-le-besoin-2">' in page


def test_a_guide_without_headings_has_no_table_of_contents(client, make_guide):
    guide = make_guide("Note courte", body=[("text", "<p>Une seule idée.</p>")])
    page = client.get(guide.url).content.decode()
    assert "guide-toc" not in page
    assert "Une seule idée." in page


def test_the_guide_shows_when_it_was_last_reviewed_and_who_owns_it(client, make_user, body, make_guide):
    owner = make_user("proprietaire@rennes.fr", body, first_name="Yann", last_name="Le Gall")
    guide = make_guide("Seuils 2026", owner=owner, last_reviewed_on=datetime.date(2026, 3, 2))
    meta = _section(client.get(guide.url).content.decode(), "guide-meta")
    assert '<time datetime="2026-03-02">' in meta
    assert "Yann Le Gall" in meta


def test_a_guide_past_its_review_date_warns_readers_since_when_it_was_not_reviewed(client, make_guide):
    guide = make_guide("Seuils 2026", last_reviewed_on=datetime.date(2026, 1, 15), review_by=datetime.date(2026, 7, 1))
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 7, 2, 9)), tick=False):
        page = client.get(guide.url).content.decode()
    notice = _section(page, "guide-overdue")
    assert "15 janvier 2026" in notice
    assert "1 juillet 2026" in notice or "1er juillet 2026" in notice


def test_a_guide_within_its_review_date_shows_no_warning(client, make_guide):
    guide = make_guide("Seuils 2026", review_by=datetime.date(2026, 7, 1))
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 6, 30, 9)), tick=False):
        page = client.get(guide.url).content.decode()
    assert "guide-overdue" not in page
    assert '<time datetime="2026-07-01">' in page


def test_an_overdue_guide_never_reviewed_still_warns_readers(client, make_guide):
    guide = make_guide("Jamais relu", last_reviewed_on=None, review_by=datetime.date(2026, 1, 1))
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 2, 1, 9)), tick=False):
        page = client.get(guide.url).content.decode()
    assert "janvier 2026" in _section(page, "guide-overdue")


def test_the_breadcrumb_leads_from_home_through_the_knowledge_base_and_topics(
    client, knowledge_index, make_topic, topic, make_guide
):
    subtopic = make_topic("Clauses sociales", parent=topic)
    guide = make_guide("Clause d'insertion", topic=subtopic)
    page = client.get(guide.url).content.decode()
    trail = _section(page, "breadcrumb")
    assert "aria-label=" in trail
    links = re.findall(r'<a href="([^"]+)"', trail)
    assert links == ["/", knowledge_index.url, topic.url, subtopic.url, guide.url]
    assert f'<a href="{guide.url}" aria-current="page">' in trail


def test_previous_and_next_guides_follow_the_topic_order(client, make_guide):
    first = make_guide("Étape 1 : le besoin")
    second = make_guide("Étape 2 : le DCE")
    third = make_guide("Étape 3 : la publication")
    pager = _section(client.get(second.url).content.decode(), "guide-pager")
    assert f'href="{first.url}" rel="prev"' in pager
    assert f'href="{third.url}" rel="next"' in pager
    first_page = client.get(first.url).content.decode()
    assert 'rel="prev"' not in _section(first_page, "guide-pager")


def test_tags_link_to_a_page_listing_every_guide_with_that_tag(client, knowledge_index, make_guide, make_topic):
    other_topic = make_topic("Achats durables")
    guide = make_guide("Clauses environnementales", tags=("developpement-durable",))
    elsewhere = make_guide("Label et écolabels", topic=other_topic, tags=("developpement-durable",))
    untagged = make_guide("Sans rapport")
    page = client.get(guide.url).content.decode()
    tag_link = f"{knowledge_index.url}tags/developpement-durable/"
    assert f'href="{tag_link}"' in _section(page, "guide-tags")
    tag_page = client.get(tag_link).content.decode()
    assert guide.title in tag_page
    assert elsewhere.title in tag_page
    assert untagged.title not in tag_page


def test_a_tag_with_accents_has_a_working_tag_page(client, make_guide):
    guide = make_guide("Négocier en MAPA", tags=("négociation",))
    page = client.get(guide.url).content.decode()
    link = re.search(r'<a class="tag" href="([^"]+)">négociation</a>', page).group(1)
    tag_page = client.get(link)
    assert tag_page.status_code == 200
    assert guide.title in tag_page.content.decode()


def test_a_tag_no_guide_has_is_not_found(client, knowledge_index, public_guide):
    assert client.get(f"{knowledge_index.url}tags/inconnu/").status_code == 404


def test_related_guides_put_the_editors_choice_first_then_those_sharing_most_tags(client, make_guide):
    guide = make_guide("Nettoyage des locaux", tags=("nettoyage", "mapa", "clauses-sociales"))
    one_tag = make_guide("Seuils", tags=("mapa",))
    two_tags = make_guide("Nettoyage et MAPA", tags=("nettoyage", "mapa"))
    three_tags = make_guide("Tout pareil", tags=("nettoyage", "mapa", "clauses-sociales"))
    chosen = make_guide("Choisi par l'éditeur")
    make_guide("Sans tag commun", tags=("informatique",))
    make_guide("Brouillon", tags=("nettoyage", "mapa", "clauses-sociales"), live=False)
    RelatedGuide.objects.create(page=guide, guide=chosen, sort_order=0)
    related = _section(client.get(guide.url).content.decode(), "guide-related")
    titles = [html.unescape(title) for title in re.findall(r'<a href="[^"]+">([^<]+)</a>', related)]
    assert titles == [chosen.title, three_tags.title, two_tags.title, one_tag.title]
    assert guide.title not in titles


def test_related_guides_stop_at_five(client, make_guide):
    guide = make_guide("Guide central", tags=("mapa",))
    for number in range(8):
        make_guide(f"Voisin {number}", tags=("mapa",))
    related = _section(client.get(guide.url).content.decode(), "guide-related")
    assert len(re.findall(r"<li>", related)) == 5


def test_blocks_render_as_accessible_html(client, make_guide, members_guide):
    guide = make_guide(
        "Guide complet",
        body=[
            ("callout", {"kind": "warning", "title": "Attention au délai", "text": "<p>Trente-cinq jours.</p>"}),
            ("steps", {"steps": [{"title": "Rédiger", "text": "<p>Le besoin.</p>"}, {"title": "Publier", "text": ""}]}),
            ("quote", {"text": "Un achat bien préparé.", "source": "Une acheteuse"}),
            (
                "table",
                {
                    "data": [["Seuil", "Procédure"], ["40 000 €", "MAPA"]],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "Seuils",
                },
            ),
        ],
    )
    page = client.get(guide.url).content.decode()
    assert '<aside class="callout callout-warning"' in page
    assert "Attention au délai" in page
    assert re.search(r'<ol class="steps">.*Rédiger.*Publier.*</ol>', page, re.DOTALL)
    assert "<blockquote><p>Un achat bien préparé.</p></blockquote>" in page
    assert '<div class="table-wrapper" role="region" tabindex="0" aria-label="Seuils">' in page
    assert '<th scope="col"' in page


def test_the_topic_page_lists_sub_topics_and_paginates_guides_by_twenty(client, topic, make_topic, make_guide):
    subtopic = make_topic("Clauses sociales", parent=topic)
    for number in range(23):
        make_guide(f"Guide {number:02d}", tags=("mapa",))
    first = client.get(topic.url).content.decode()
    assert subtopic.title in first
    assert "23 guides" in first
    assert "Guide 19" in first
    assert "Guide 20" not in first
    second = client.get(topic.url, {"page": 2}).content.decode()
    assert "Guide 20" in second
    assert "Guide 22" in second
    assert "Guide 00" not in second


@pytest.mark.parametrize("page_number", ["abc", "99", "-1"])
def test_a_wrong_page_number_still_shows_guides(client, topic, make_guide, page_number):
    make_guide("Seul guide")
    response = client.get(topic.url, {"page": page_number})
    assert response.status_code == 200
    assert "Seul guide" in response.content.decode()


def test_the_knowledge_base_counts_guides_of_sub_topics_with_their_topic(
    client, knowledge_index, topic, make_topic, make_guide
):
    subtopic = make_topic("Clauses sociales", parent=topic)
    make_guide("Dans le thème")
    make_guide("Dans le sous-thème", topic=subtopic)
    make_guide("Réservé", topic=subtopic, audience=Audience.MEMBERS)
    topics = _section(client.get(knowledge_index.url).content.decode(), "topic-cards")
    assert topic.title in topics
    assert "2 guides" in topics
    assert subtopic.title not in topics


def test_the_knowledge_base_links_to_its_feed_and_tags(client, knowledge_index, public_guide):
    page = client.get(knowledge_index.url).content.decode()
    assert f'href="{knowledge_index.url}feed/"' in page
    assert f'href="{knowledge_index.url}tags/"' in page
    assert public_guide.title in _section(page, "knowledge-latest")


def test_the_feed_lists_the_latest_guides_with_their_links(client, knowledge_index, make_guide):
    guides = [make_guide(f"Guide {number}") for number in range(22)]
    for number, guide in enumerate(guides):
        guide.first_published_at = timezone.now() - datetime.timedelta(days=30 - number)
        guide.save(update_fields=["first_published_at"])
    feed = client.get(f"{knowledge_index.url}feed/").content.decode()
    assert feed.count("<entry>") == 20
    assert "<title>Guide 21</title>" in feed
    assert "<title>Guide 0</title>" not in feed
    assert f"http://testserver{guides[21].url}" in feed or f"http://localhost{guides[21].url}" in feed


def test_the_home_page_shows_the_latest_guides_under_their_own_heading(client, public_guide):
    page = client.get("/").content.decode()
    section = page[page.index('class="home-section"') :]
    assert f'<h3 class="guide-item-title"><a href="{public_guide.url}">' in section


def test_a_document_block_offers_a_download_link_with_its_type(client, make_guide):
    document = get_document_model().objects.create(
        title="Modèle de CCAP", file=ContentFile(b"%PDF-1.4 modele", name="modele-ccap.pdf")
    )
    guide = make_guide("Guide avec modèle", body=[("document", {"document": document, "title": ""})])
    page = client.get(guide.url).content.decode()
    download = _section(page, "document-download")
    assert f'href="{document.url}"' in download
    assert "Modèle de CCAP" in download
    assert "PDF" in download
