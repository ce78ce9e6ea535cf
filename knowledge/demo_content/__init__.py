"""The knowledge base's demo texts, as data: topics, guides and training paths (French, as readers see them).

Guides are written with the small helpers below, which produce the StreamField's raw JSON; references to
other guides name them by slug and are resolved to page ids when the guides are created (knowledge/demo.py).
"""

from dataclasses import dataclass, field

# Demo editors who own the guides (seed_demo creates them; local part of the e-mail address).
RENNES = "redaction.rennes"
CHU_BREST = "redaction.chu-brest"
REGION = "redaction.region"

# The shared tag vocabulary: every guide takes two to four of these.
TAGS = {
    "mapa",
    "seuils",
    "dce",
    "procedures",
    "developpement-durable",
    "mutualisation",
    "entreprises",
    "plateforme",
    "dematerialisation",
    "analyse-des-offres",
    "execution",
    "compte",
    "formation",
}


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    description: str
    parent: str = ""  # slug of the parent topic; "" for a topic directly under the index


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    topic: str  # slug of the topic (or sub-topic) it belongs to
    summary: str
    body: list
    tags: tuple
    owner: str
    audience: str = "everyone"
    # Review dates relative to the day of seeding, so the demo always shows overdue and soon-due guides.
    reviewed_days_ago: int = 60
    review_in_days: int = 300
    related: tuple = ()  # slugs of related guides chosen by the editor


@dataclass(frozen=True)
class TrainingPath:
    slug: str
    title: str
    intro: str
    intended_for: str
    steps: list = field(default_factory=list)  # (guide slug, step title or "")


# --- block helpers: each returns one raw StreamField block ----------------------------------------


def h2(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def h3(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h3"}}


def p(*paragraphs: str) -> dict:
    """Rich text: each argument is a paragraph unless it already is an HTML block (<ul>, <ol>, <h4>)."""
    html = "".join(x if x.startswith("<") else f"<p>{x}</p>" for x in paragraphs)
    return {"type": "text", "value": html}


def ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def callout(kind: str, title: str, *paragraphs: str) -> dict:
    html = "".join(x if x.startswith("<") else f"<p>{x}</p>" for x in paragraphs)
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": html}}


def info(title: str, *paragraphs: str) -> dict:
    return callout("info", title, *paragraphs)


def warning(title: str, *paragraphs: str) -> dict:
    return callout("warning", title, *paragraphs)


def tip(title: str, *paragraphs: str) -> dict:
    return callout("tip", title, *paragraphs)


def steps(*items: tuple[str, str]) -> dict:
    return {
        "type": "steps",
        "value": {"steps": [{"title": title, "text": f"<p>{text}</p>" if text else ""} for title, text in items]},
    }


def table(caption: str, header: list[str], *rows: list[str]) -> dict:
    return {
        "type": "table",
        "value": {
            "data": [header, *rows],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_header_choice": "row",
            "table_caption": caption,
        },
    }


def quote(text: str, source: str = "") -> dict:
    return {"type": "quote", "value": {"text": text, "source": source}}


def ref(slug: str, note: str = "") -> dict:
    """A reference to another guide, by slug (replaced by the page id when seeded)."""
    return {"type": "guide_reference", "value": {"guide": slug, "note": note}}
