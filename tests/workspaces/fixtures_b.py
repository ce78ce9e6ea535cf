"""Helpers of the workspace files and notes tests: real files of each accepted type, hostile names, and a
checker of whole pages for anything that could run script."""

import io
import zipfile
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Hostile strings for names and texts (the naughty strings list adds hundreds more where it is used).
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "[clic](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "[x](JaVaScRiPt:alert(1))",
    '![img](x "onerror=alert(1)")',
    "<iframe src=javascript:alert(1)>",
    "{{ 7|add:7 }} {% now 'Y' %}",
]


def image(name="plan.png", image_format="PNG"):
    data = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(data, image_format)
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


def pdf(name="cahier des charges.pdf", content=b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def zipped(name="mémoire technique.docx"):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return SimpleUploadedFile(name, data.getvalue(), content_type="application/octet-stream")


def ole(name="ancien tableau.xls"):
    return SimpleUploadedFile(name, OLE_MAGIC + b"\x00" * 504, content_type="application/octet-stream")


def text(name="compte rendu.txt", content="Réunion du 12 mars : lots 1 à 3.\n"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/html")


class PageInspector(HTMLParser):
    """What in a whole page could run script: inline scripts, handlers, dangerous URLs, foreign elements."""

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
        if tag in {"math", "iframe", "object", "embed", "base", "frame"}:
            self.found.append(f"<{tag}>")
        if tag == "svg" and attributes.get("class") != "bell-icon":  # the header's own icon
            self.found.append("<svg>")
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
