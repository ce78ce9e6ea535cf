"""The site search page over guides and forum topics: filtered by access at the engine (exact counts and facets, no
cap), each hit re-checked, with excerpts, per-type details, facets, sort and messages for unusable queries."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from haystack import connections
from wagtail import hooks

from forums.models import Category, Post, Topic
from intranet.models import Membership
from knowledge.models import Audience, GuidePage
from tests.forums.conftest import _add_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_search_index")]

_slugs = itertools.count(1)


def index_now(*objects) -> None:
    """What the worker does after the commit: write these objects' documents (guides as published now)."""
    GuidePage.objects.filter(last_published_at__isnull=True).update(last_published_at=timezone.now())
    unified = connections["default"].get_unified_index()
    backend = connections["default"].get_backend()
    by_model = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    for model, instances in by_model.items():
        index = unified.get_index(model)
        backend.update(index, list(index.index_queryset().filter(pk__in=[obj.pk for obj in instances])))


def category(name, visibility=Category.Visibility.PUBLIC, organization=None):
    return Category.objects.create(
        name=name, slug=f"categorie-{next(_slugs)}", visibility=visibility, organization=organization
    )


def forum_topic(cat, author, title, text, when=None, solved=False, replies=0):
    when = when or timezone.now()
    topic = Topic.objects.create(category=cat, author=author, title=title, last_post_at=when)
    first = _add_post(topic, author, text, 1, when)
    last = first
    for number in range(2, replies + 2):
        last = _add_post(topic, author, f"Réponse {number}", number, when)
    Topic.objects.filter(pk=topic.pk).update(
        first_post=first, last_post=last, reply_count=replies, solution=last if solved else None
    )
    topic.refresh_from_db()
    return topic


def search(client, **params):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    context = response.context
    titles = sorted(str(result.object.title) for result in context.get("results") or [])
    return titles, context.get("result_count"), response


@pytest.fixture
def member(make_user, body):
    return make_user("agent@rennes.fr", body, Membership.Role.MEMBER)


@pytest.fixture
def other_buyer(make_user, other_body):
    return make_user("acheteur@chu-brest.fr", other_body, Membership.Role.BUYER)


@pytest.fixture
def content(make_guide, buyer, body):
    """One unique word, « zircon », in a document of each access level."""
    guides = {
        "guide everyone": make_guide("Zircon pour tous", Audience.EVERYONE),
        "guide members": make_guide("Zircon des membres", Audience.MEMBERS),
        "guide buyers": make_guide("Zircon des acheteurs", Audience.BUYERS),
    }
    topics = {
        "topic public": forum_topic(category("Général"), buyer, "Sujet public", "Le zircon en marché public."),
        "topic buyers": forum_topic(
            category("Acheteurs", Category.Visibility.BUYERS), buyer, "Sujet acheteurs", "Zircon entre acheteurs."
        ),
        "topic rennes": forum_topic(
            category("Rennes", Category.Visibility.ORGANIZATION, body),
            buyer,
            "Sujet rennais",
            "Zircon à Rennes.",
        ),
    }
    index_now(*GuidePage.objects.all(), *topics.values())
    return {**guides, **topics}


TITLES = {
    "guide everyone": "Zircon pour tous",
    "guide members": "Zircon des membres",
    "guide buyers": "Zircon des acheteurs",
    "topic public": "Sujet public",
    "topic buyers": "Sujet acheteurs",
    "topic rennes": "Sujet rennais",
}
SEES = {
    "visitor": ["guide everyone", "topic public"],
    "company": ["guide everyone", "topic public"],
    # The forums' « buyers » categories are open to every person of a public body (forums.access).
    "member": ["guide everyone", "guide members", "topic public", "topic buyers", "topic rennes"],
    "buyer": list(TITLES),
    "other buyer": ["guide everyone", "guide members", "guide buyers", "topic public", "topic buyers"],
}


@pytest.mark.parametrize("role", list(SEES))
def test_each_reader_gets_exactly_what_they_may_see_in_the_list_the_count_and_the_facets(
    role, client, login, content, company_member, member, buyer, other_buyer
):
    readers = {"company": company_member, "member": member, "buyer": buyer, "other buyer": other_buyer}
    web = login(readers[role]) if role in readers else client
    titles, count, response = search(web, q="zircon")
    expected = sorted(TITLES[key] for key in SEES[role])
    assert (titles, count) == (expected, len(expected))
    html = response.content.decode()
    for key, title in TITLES.items():
        assert (title in html) == (key in SEES[role]), (role, key)
    type_counts = {entry["label"]: entry["count"] for entry in response.context["type_facet"]}
    guides = sum(key.startswith("guide") for key in SEES[role])
    topics = sum(key.startswith("topic") for key in SEES[role])
    assert type_counts == {"Guides": guides, "Sujets": topics}
    assert sum(entry["count"] for entry in response.context["year_facet"]) == len(expected)
    # The organization facet names only what the reader sees: the Rennes-only category's organization.
    organizations = {entry["label"]: entry["count"] for entry in response.context["organization_facet"]}
    assert organizations == ({"Ville de Rennes": 1} if "topic rennes" in SEES[role] else {})


def test_counts_and_the_last_page_are_exact_beyond_the_old_cap_of_500(client, login, make_user, other_body, buyer):
    """2,000 matching topics of which 1,500 are private to another body: a visitor counts 500 on 25 pages."""
    author = buyer
    public, private = category("Général"), category("Brest", Category.Visibility.ORGANIZATION, other_body)
    when = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(category=public if n < 500 else private, author=author, title=f"Quartz {n}", last_post_at=when)
        for n in range(2000)
    )
    unified = connections["default"].get_unified_index()
    connections["default"].get_backend().update(unified.get_index(Topic), topics)

    _titles, count, first = search(client, q="quartz")
    assert count == 500
    assert first.context["page_obj"].paginator.num_pages == 25
    assert 'href="?q=quartz&amp;page=2"' in first.content.decode()
    _titles, _count, last = search(client, q="quartz", page=25)
    assert len(last.context["results"]) == 20
    assert all(result.object.category_id == public.pk for result in last.context["results"])

    brest_buyer = make_user("acheteur2@chu-brest.fr", other_body, Membership.Role.BUYER)
    _titles, count, response = search(login(brest_buyer), q="quartz", page=100)
    assert count == 2000 and response.context["page_obj"].number == 100


def test_the_query_count_does_not_grow_with_the_hits(client, login, buyer, make_guide):
    general = category("Général")

    def queries(n):
        topics = [forum_topic(general, buyer, f"Onyx {len(Topic.objects.all())}", "Onyx.") for _ in range(n)]
        guides = [make_guide(f"Onyx guide {GuidePage.objects.count()}") for _ in range(n)]
        index_now(*topics, *guides)
        web = login(buyer)
        search(web, q="onyx")  # the site's root paths are cached by the first page of the test
        with CaptureQueriesContext(connection) as captured:
            _titles, count, _response = search(web, q="onyx")
        return len(captured), count

    few, many = queries(2), queries(8)
    assert (few[1], many[1]) == (4, 20)
    assert few[0] == many[0]


def test_hits_show_a_highlighted_escaped_excerpt_and_their_type_details(client, make_guide, buyer):
    guide = make_guide(
        "Acheter des fournitures",
        body=[("text", "<p>Pour les <b>marchés</b> de fournitures &lt;script&gt;, comparez trois devis.</p>")],
        last_reviewed_on=datetime.date(2026, 3, 2),
    )
    topic = forum_topic(
        category("Pratiques"),
        buyer,
        "Un marché de balayage",
        "Retour sur nos marches de balayage.",
        replies=2,
        solved=True,
    )
    index_now(guide, topic)
    _titles, count, response = search(client, q="marches")
    assert count == 2
    html = response.content.decode()
    assert "<mark>marchés</mark>" in html and "<mark>marches</mark>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html.split("<main", 1)[1].split("</main>")[0]
    # A guide: its topic and last review; a topic: its category, replies and solved mark.
    assert "Rédiger un DCE" in html and "2 mars 2026" in html
    assert "Pratiques" in html and "Résolu" in html
    details = {hit["object"].pk: hit for hit in response.context["hits"]}
    assert details[topic.pk]["url"] == topic.get_absolute_url()


def test_facets_narrow_the_results_and_a_chosen_one_can_be_removed(client, make_guide, buyer):
    old = timezone.make_aware(datetime.datetime(2024, 5, 1, 12))
    topics = [forum_topic(category("Général"), buyer, "Granit ancien", "Granit.", when=old)]
    topics.append(forum_topic(category("Voirie"), buyer, "Granit récent", "Granit."))
    guide = make_guide("Granit en voirie")
    index_now(*topics, guide)

    titles, count, response = search(client, q="granit", type="forums.topic")
    assert (titles, count) == (["Granit ancien", "Granit récent"], 2)
    chosen = [entry for entry in response.context["type_facet"] if entry["selected"]]
    assert chosen[0]["url"] == "?q=granit"  # choosing it again removes it
    # The type facet still counts the other types, so the reader can switch.
    assert {entry["label"]: entry["count"] for entry in response.context["type_facet"]} == {"Sujets": 2, "Guides": 1}

    titles, count, _response = search(client, q="granit", type="forums.topic", year="2024")
    assert (titles, count) == (["Granit ancien"], 1)
    titles, count, response = search(client, q="granit", sort="date")
    assert [result.object.title for result in response.context["results"]][-1] == "Granit ancien"
    # A forged facet value is ignored, not an error.
    titles, count, _response = search(client, q="granit", type="auth.user", year="x")
    assert count == 3


def test_a_query_of_common_words_only_or_too_long_gets_a_message_and_keeps_the_text(client, content):
    _titles, count, response = search(client, q="le de pour , !")
    html = response.content.decode()
    assert count is None and "mots très courants" in html
    assert 'aria-invalid="true"' in html and 'value="le de pour , !"' in html

    long_query = "zircon " * 300
    _titles, count, response = search(client, q=long_query)
    html = response.content.decode()
    assert count is None and "2099 caractères" in html
    assert 'aria-invalid="true"' in html


def test_a_hit_dropped_by_the_database_check_is_not_counted_and_an_app_hook_decides(client, make_guide):
    guides = [make_guide(f"Basalte {n}") for n in range(3)]
    index_now(*guides)
    GuidePage.objects.filter(pk=guides[0].pk).update(audience=Audience.BUYERS)  # the index lags behind
    titles, count, _response = search(client, q="basalte")
    assert (titles, count) == (["Basalte 1", "Basalte 2"], 2)

    def drop_basalte_two(request, results):
        return [result for result in results if result.object.title != "Basalte 2"]

    with hooks.register_temporarily("filter_search_results", drop_basalte_two):
        titles, count, _response = search(client, q="basalte")
    assert (titles, count) == (["Basalte 1"], 1)

    guides[1].delete()  # its document is still in the index until the worker runs
    titles, count, _response = search(client, q="basalte")
    assert (titles, count) == (["Basalte 2"], 1)


def test_the_header_has_a_search_box_on_every_page(client):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'id="header-search-q"' in html
    assert f'action="{reverse("search")}"' in html


def test_editors_promoted_results_are_shown_first_only_to_those_who_may_read_them(
    client, login, content, buyer, editor
):
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    query = Query.objects.create(query_string="zircon")
    SearchPromotion.objects.create(
        query=query, page=content["guide buyers"], sort_order=0, description="Pour négocier."
    )
    SearchPromotion.objects.create(query=query, page=content["guide everyone"], sort_order=1)
    SearchPromotion.objects.create(
        query=query, external_link_url="https://www.marches-publics.gouv.fr/", external_link_text="PLACE", sort_order=2
    )
    _titles, _count, response = search(client, q="  Zircon ")
    assert [entry["title"] for entry in response.context["promoted"]] == ["Zircon pour tous", "PLACE"]
    _titles, _count, response = search(login(buyer), q="zircon")
    assert [entry["title"] for entry in response.context["promoted"]] == [
        "Zircon des acheteurs",
        "Zircon pour tous",
        "PLACE",
    ]
    assert "Pour négocier." in response.content.decode()
    # Not on a narrowed list, and a search nobody promoted records nothing.
    _titles, _count, response = search(login(buyer), q="zircon", type="forums.topic")
    assert response.context["promoted"] == []
    search(client, q="topaze")
    assert list(Query.objects.values_list("query_string", flat=True)) == ["zircon"]

    # Editors manage the promotions in the admin; a buyer may not.
    assert login(editor).get(reverse("wagtailsearchpromotions:index")).status_code == 200
    # ...and find them in the admin's menu (under the settings).
    assert reverse("wagtailsearchpromotions:index") in login(editor).get(reverse("wagtailadmin_home")).content.decode()
    assert login(buyer).get(reverse("wagtailsearchpromotions:index")).status_code in (302, 403)


def suggest(client, words: str) -> list[dict]:
    response = client.get(reverse("search_suggestions"), {"q": words})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.json()["results"]


def test_suggestions_complete_titles_folded_and_only_what_the_reader_may_see(
    client, login, content, buyer, member, company_member
):
    # « zirc » starts « Zircon » in three guide titles; topics are titled « Sujet … »: only their titles count.
    assert sorted(entry["title"] for entry in suggest(client, "zirc")) == ["Zircon pour tous"]
    assert sorted(entry["title"] for entry in suggest(login(member), "ZIRC")) == [
        "Zircon des membres",
        "Zircon pour tous",
    ]
    titles = sorted(entry["title"] for entry in suggest(login(buyer), "zircon ache"))
    assert titles == ["Zircon des acheteurs"]
    entry = suggest(login(buyer), "sujet rennais")[0]
    assert entry == {"title": "Sujet rennais", "type": "sujet", "url": content["topic rennes"].get_absolute_url()}
    client.logout()
    assert suggest(client, "sujet rennais") == []  # an organization-only category's topic
    assert suggest(login(member), "sujet rennais")[0]["title"] == "Sujet rennais"
    assert suggest(login(company_member), "sujet") == [
        {"title": "Sujet public", "type": "sujet", "url": content["topic public"].get_absolute_url()}
    ]
    assert suggest(client, "z") == [] and suggest(client, "z" * 201) == []


def test_suggestions_fold_accents_both_ways(client, make_guide):
    guide = make_guide("Marché d'électricité")
    index_now(guide)
    assert [entry["title"] for entry in suggest(client, "marche elec")] == ["Marché d'électricité"]
    assert [entry["title"] for entry in suggest(client, "MARCHÉ")] == ["Marché d'électricité"]
    assert suggest(client, "marchex") == []


def test_the_header_box_is_a_combobox_source_for_suggestions(client):
    html = client.get("/").content.decode()
    assert f'data-suggest-url="{reverse("search_suggestions")}"' in html
    assert "intranet/js/search_suggest" in html


def test_a_misspelt_search_gets_a_suggestion_only_towards_what_the_reader_may_see(client, login, make_guide, buyer):
    public = make_guide("Restauration scolaire", Audience.EVERYONE)
    private = make_guide("Dématérialisation des achats", Audience.BUYERS)
    index_now(public, private)
    _titles, count, response = search(client, q="restoration scolaire")
    html = response.content.decode()
    assert count == 0 and response.context["suggestion"] == "restauration scolaire"
    assert 'href="?q=restauration+scolaire"' in html and "Vouliez-vous dire" in html
    # The buyers' guide's words are never offered to a visitor, but are to a buyer.
    _titles, count, response = search(client, q="dématérialisasion")
    assert count == 0 and response.context["suggestion"] == ""
    _titles, count, response = search(login(buyer), q="dématérialisasion")
    assert response.context["suggestion"] == "dématérialisation"
    # Nothing to correct: no suggestion.
    _titles, count, response = search(client, q="xylophone")
    assert response.context["suggestion"] == ""


def test_guides_are_narrowed_by_tag(client, make_guide):
    index_now(
        make_guide("Marbre et voirie", tags=("voirie", "mapa")),
        make_guide("Marbre et écoles", tags=("écoles",)),
    )
    _titles, count, response = search(client, q="marbre")
    facets = {facet["param"]: facet for facet in response.context["extra_facets"]}
    assert facets["etiquette"]["title"] == "Étiquette"
    assert {entry["label"]: entry["count"] for entry in facets["etiquette"]["entries"]} == {
        "voirie": 1,
        "mapa": 1,
        "écoles": 1,
    }
    titles, count, _response = search(client, q="marbre", etiquette="écoles")
    assert (titles, count) == (["Marbre et écoles"], 1)


def test_the_forums_have_their_own_search_box_scoped_to_topics(client, content):
    html = client.get(reverse("forums:index")).content.decode()
    assert '<input type="hidden" name="type" value="forums.topic">' in html
    assert '<label for="forum-search-q">' in html
    titles, count, _response = search(client, q="zircon", type="forums.topic")
    assert (titles, count) == (["Sujet public"], 1)


def test_counts_and_pages_stay_exact_when_the_hits_score_differently(client, login, buyer, other_body):
    """Hits of several types scoring differently, many more than a page: Whoosh's top-N collector used to drop,
    as it went, the documents admitted by an access condition alone (a workspace note passes the forums'
    condition by not being a topic) and to estimate the count: « voirie » counted 4 of 623 on the search
    benchmark's index. Every hit counts and every page holds what it should."""
    import random

    from workspaces.actions.workspaces import do_create_workspace
    from workspaces.models import Note

    rng = random.Random(5)

    def words():
        return " ".join(
            ["silex"] * rng.randint(1, 12) + [f"mot{rng.randint(0, 999)}" for _ in range(rng.randint(5, 60))]
        )

    public, private = category("Général"), category("Brest", Category.Visibility.ORGANIZATION, other_body)
    when = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(category=public if n % 4 == 0 else private, author=buyer, title=words()[:200], last_post_at=when)
        for n in range(800)
    )
    workspace = do_create_workspace(buyer, name="Achats de pierre")
    notes = Note.objects.bulk_create(
        Note(workspace=workspace, title=f"Note {n}", body=words(), body_html=f"<p>{words()}</p>") for n in range(400)
    )
    backend = connections["default"].get_backend()
    unified = connections["default"].get_unified_index()
    for start in range(0, 800, 400):  # several segments of several posting blocks, as a rebuild writes them
        backend.update(unified.get_index(Topic), topics[start : start + 400])
    backend.update(unified.get_index(Note), notes)

    web = login(buyer)
    _titles, count, response = search(web, q="silex")
    assert count == 200 + 400 and response.context["page_obj"].paginator.num_pages == 30
    type_counts = {entry["label"]: entry["count"] for entry in response.context["type_facet"]}
    assert type_counts == {"Sujets": 200, "Notes": 400}
    seen = set()
    for number in range(1, 31):
        _titles, _count, page = search(web, q="silex", page=number)
        seen |= {(type(result.object).__name__, result.object.pk) for result in page.context["results"]}
    assert len(seen) == 600


def test_a_page_past_the_end_shows_the_last_page(client, make_guide):
    index_now(*[make_guide(f"Porphyre {n}") for n in range(25)])
    _titles, count, response = search(client, q="porphyre", page=9)
    assert count == 25 and response.context["page_obj"].number == 2
    assert len(response.context["results"]) == 5


def test_an_excerpt_shows_the_words_as_they_are_now_not_a_hidden_post(client, buyer):
    topic = forum_topic(category("Général"), buyer, "Gneiss", "Premier message sur le gneiss.")
    secret = _add_post(topic, buyer, "Le gneiss confidentiel du fournisseur Kaolinex.", 2, timezone.now())
    index_now(topic)
    Post.objects.filter(pk=secret.pk).update(hidden_at=timezone.now())  # hidden; the worker has not run yet
    _titles, count, response = search(client, q="gneiss")
    html = response.content.decode()
    assert count == 1 and "<mark>gneiss</mark>" in html
    assert "Kaolinex" not in html


class _WithoutFind:
    """Our Whoosh backend without its one-pass search: the page searches through haystack's query and counts
    with `facet_counts` (as when an app narrows the query with a `narrow_search_query` hook)."""

    @property
    def find(self):
        raise AttributeError("find")


class _WithoutWhooshPaths(_WithoutFind):
    """Nor its facets: haystack's facets and one count per choice, as with Elasticsearch (no such server here;
    the same index answers)."""

    @property
    def facet_counts(self):
        raise AttributeError("facet_counts")


@pytest.mark.parametrize("without", [_WithoutFind, _WithoutWhooshPaths])
@pytest.mark.parametrize("role", ["visitor", "buyer"])
def test_the_one_pass_search_and_haystacks_agree(role, without, client, login, content, buyer, make_guide, monkeypatch):
    """The same hits over all pages (in the same order when sorted by date), counts, page numbers and facets,
    whichever path answers: `find` (Whoosh, one pass on the index's columns) or haystack's query (another
    engine). By relevance the order may differ: haystack's query scores the access keys too, `find` the words
    only."""
    for n in range(23):
        make_guide(f"Zircon numéro {n}", Audience.EVERYONE if n % 2 else Audience.BUYERS)
    index_now(*GuidePage.objects.all())
    web = login(buyer) if role == "buyer" else client
    asks = [
        {},
        {"sort": "date"},
        {"type": "knowledge.guidepage"},
        {"type": "forums.topic"},
        {"type": "knowledge.guidepage", "sort": "date"},
        {"organization": str(buyer.memberships.first().organization_id)},
    ]

    def answers():
        seen = []
        for ask in asks:
            _titles, count, response = search(web, q="zircon", **ask)
            context = response.context
            pages = context["page_obj"].paginator.num_pages if count else 1
            titles = []
            for number in range(1, pages + 1):
                _t, _c, page = search(web, q="zircon", page=str(number), **ask)
                assert page.context["page_obj"].number == number
                titles += [str(result.object.title) for result in page.context["results"]]
            _t, _c, past = search(web, q="zircon", page="9", **ask)
            facets = [
                [(entry["label"], entry["count"]) for entry in context[name]]
                for name in ("type_facet", "year_facet", "organization_facet")
            ]
            extra = [[(e["label"], e["count"]) for e in facet["entries"]] for facet in context["extra_facets"]]
            ordered = titles if ask.get("sort") else sorted(titles)
            seen.append((ask, count, pages, ordered, past.context["page_obj"].number, facets, extra))
        return seen

    one_pass = answers()
    backend = connections["default"].get_backend()
    monkeypatch.setattr(backend, "__class__", type("Fallback", (without, type(backend)), {}))
    assert not hasattr(connections["default"].get_backend(), "find")
    assert answers() == one_pass
    visible = sum(1 for n in range(23) if n % 2 or role == "buyer") + len(SEES[role])
    pages = -(-visible // 20)
    assert one_pass[0][1:3] == (visible, pages) and len(one_pass[0][3]) == visible and one_pass[0][4] == pages
    assert pages == (2 if role == "buyer" else 1)


def test_an_index_written_before_the_access_column_still_gives_each_reader_what_they_may_see(
    login, buyer, make_guide, monkeypatch
):
    """An index written before the access and key columns existed, then updated by the worker with them (no
    `rebuild_index` after the upgrade): Whoosh then holds segments with and without the columns, or merges them
    with empty values. Each reader still gets exactly what they may see, whatever the path."""
    from django.test import Client
    from whoosh.fields import ID, KEYWORD

    backend = connections["default"].get_backend()
    built = type(backend).build_schema

    def without_columns(self, fields):
        name, schema = built(self, fields)
        old_fields = {"access": KEYWORD(stored=True, commas=True, scorable=True), "django_id": ID(stored=True)}
        for field, kind in old_fields.items():
            schema.remove(field)
            schema.add(field, kind)
        return name, schema

    private = make_guide("Zircon ancien des acheteurs", Audience.BUYERS)
    public = make_guide("Zircon ancien pour tous", Audience.EVERYONE)
    later = make_guide("Zircon récent pour tous", Audience.EVERYONE)
    backend.clear()
    monkeypatch.setattr(type(backend), "build_schema", without_columns)
    backend.setup_complete = False
    index_now(private, public)  # the old index
    monkeypatch.undo()
    backend.setup_complete = False
    index_now(later)  # the worker's first write after the upgrade
    visitor, reader = Client(), login(buyer)
    assert search(visitor, q="zircon")[:2] == (sorted([public.title, later.title]), 2)
    assert search(reader, q="zircon")[:2] == (sorted([private.title, public.title, later.title]), 3)
    backend.optimize()  # the nightly merge: one segment, the old documents with empty column values
    assert search(visitor, q="zircon")[:2] == (sorted([public.title, later.title]), 2)
    assert search(reader, q="zircon")[:2] == (sorted([private.title, public.title, later.title]), 3)


def _as_another_process(write) -> None:
    """Run `write(backend)` with a backend of its own (haystack's are per thread), as the worker would: the page's
    backend, which keeps the index open between searches, hears nothing of it but what the index says."""
    import threading

    errors = []

    def run():
        try:
            write(connections["default"].get_backend())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert errors == []


def test_the_page_sees_at_once_what_the_worker_writes_and_removes(client, make_guide):
    """The index is kept open between searches: a document the worker adds is found by the next search, and one
    it removes (still live in the database: only the index says it is gone) is neither shown nor counted."""
    first = make_guide("Porphyre rouge")
    index_now(first)
    assert search(client, q="porphyre")[:2] == (["Porphyre rouge"], 1)
    second = make_guide("Porphyre vert")
    index_now()  # publication dates, as the worker's queryset reads them
    guides = list(GuidePage.objects.filter(pk__in=[first.pk, second.pk]).prefetch_related("tags"))
    index = connections["default"].get_unified_index().get_index(GuidePage)

    _as_another_process(lambda backend: backend.update(index, [guide for guide in guides if guide.pk == second.pk]))
    assert search(client, q="porphyre")[:2] == (["Porphyre rouge", "Porphyre vert"], 2)

    _as_another_process(lambda backend: backend.remove_documents([f"knowledge.guidepage.{first.pk}"]))
    titles, count, response = search(client, q="porphyre")
    assert (titles, count) == (["Porphyre vert"], 1)
    assert [entry["count"] for entry in response.context["type_facet"]] == [1]


def test_the_page_sees_an_index_cleared_and_written_again_to_the_same_generation(client, make_guide):
    """A rebuild clears the index (its files deleted) and writes it again: the generation numbers start again, so
    the same number does not mean the same index."""
    old, new = make_guide("Porphyre ancien"), make_guide("Porphyre nouveau")
    index_now()
    guides = {guide.pk: guide for guide in GuidePage.objects.prefetch_related("tags")}
    index = connections["default"].get_unified_index().get_index(GuidePage)
    backend = connections["default"].get_backend()
    backend.update(index, [guides[old.pk]])
    generation = backend.index.latest_generation()
    assert search(client, q="porphyre")[:2] == (["Porphyre ancien"], 1)

    def rebuild(other):
        other.clear()
        other.update(index, [guides[new.pk]])

    _as_another_process(rebuild)
    assert backend.index.latest_generation() == generation
    assert search(client, q="porphyre")[:2] == (["Porphyre nouveau"], 1)


@pytest.mark.parametrize("seconds, asked", [(300, 2), (0, 3)])
def test_a_readers_keys_are_asked_once_per_content_generation_unless_kept_for_no_time(
    client, make_guide, settings, seconds, asked
):
    """A visitor's keys too are kept between searches while nothing changes; SEARCH_KEYS_CACHE_SECONDS=0 asks the
    apps at every search. A guide made members-only in between is no longer counted for the visitor at once."""
    settings.SEARCH_KEYS_CACHE_SECONDS = seconds
    guide = make_guide("Serpentine pour tous", Audience.EVERYONE)
    index_now(guide)
    calls = []
    with hooks.register_temporarily("search_access_keys", lambda request: calls.append(request.user) or []):
        assert search(client, q="serpentine")[:2] == (["Serpentine pour tous"], 1)
        assert search(client, q="serpentine")[:2] == (["Serpentine pour tous"], 1)
        GuidePage.objects.filter(pk=guide.pk).update(audience=Audience.MEMBERS)  # the index not told yet
        assert search(client, q="serpentine")[:2] == ([], 0)
    assert len(calls) == asked  # kept: once, then again after the change (a new generation); not kept: each time


def test_documents_of_a_model_no_longer_indexed_are_neither_shown_nor_counted(client, make_guide):
    """A model removed from the search leaves its documents until `rebuild_index`: they are found by no one, in
    neither the count nor the type facet."""
    guide = make_guide("Zircon du guide")
    index_now(guide)
    backend = connections["default"].get_backend()
    with backend._one_writer(5) as writer:
        writer.add_document(
            id="archives.oldmodel.1",
            django_ct="archives.oldmodel",
            django_id="1",
            text="zircon ancien",
            access="public",
        )
    titles, count, response = search(client, q="zircon")
    assert (titles, count) == (["Zircon du guide"], 1)
    assert [(entry["label"], entry["count"]) for entry in response.context["type_facet"]] == [("Guides", 1)]


def test_each_facet_choice_is_searched_as_haystack_builds_it():
    """The page builds its facet choices' query strings on the engine's query object: the same strings as
    haystack's search query set filtered by them (dates, stages, exact values)."""
    from haystack.inputs import Raw
    from haystack.query import SQ, SearchQuerySet

    from intranet.views.search import _query_string
    from procurement.search_hooks import status_choices

    conditions = [condition for _label, condition in status_choices().values()]
    conditions += [SQ(tags=Raw('"marchés publics"')), SQ(organization=Raw('"12"')) & SQ(year=Raw('"2026"'))]
    for condition in conditions:
        assert _query_string(condition) == SearchQuerySet().filter(condition).query.build_query()


def test_a_promoted_search_and_a_guide_edited_show_at_the_next_search(client, make_guide):
    """What the page keeps per content generation (the searches that have promoted results, a guide's body text
    for its excerpt) is renewed by the next write: a promotion added after a search, a guide's body changed."""
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    guide = make_guide("Zircon du guide")
    index_now(guide)
    _titles, _count, response = search(client, q="zircon")
    assert response.context["promoted"] == [] and "Ce que vous devez savoir" in response.content.decode()

    SearchPromotion.objects.create(query=Query.objects.create(query_string="zircon"), page=guide, sort_order=0)
    guide.body = [("text", "<p>Le zircon se négocie désormais au kilogramme.</p>")]
    guide.save()
    _titles, _count, response = search(client, q="zircon")
    assert [entry["title"] for entry in response.context["promoted"]] == ["Zircon du guide"]
    page = response.content.decode()
    assert "négocie désormais au kilogramme" in page and "Ce que vous devez savoir" not in page
