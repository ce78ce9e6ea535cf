"""The one way user-written text becomes HTML: Markdown, then one sanitizing allow-list.

Nothing else in the project marks user input safe.
"""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"linkify": True, "html": False, "typographer": False}).enable(
    ["linkify", "strikethrough", "table"]
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
# Relative URLs are always allowed by nh3; no other scheme than these.
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """CommonMark (with autolinks) rendered to HTML, then sanitized with the one allow-list."""
    return sanitize_html(_markdown.render(source or ""))


def spreadsheet_text(value) -> str:
    """Text a spreadsheet opening a CSV export will not run as a formula (a leading =, +, -, @, tab or return is
    escaped with an apostrophe, as OWASP advises against CSV injection)."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
