"""The PDF receipt of a bid and the opening register: pure functions, no database. The text is read back with
pypdf (fpdf2 writes an embedded TrueType font's text as glyph ids, so the raw bytes cannot be searched)."""

import hashlib
import io

import pypdf
import pytest

from procurement.receipts_pdf import human_size, opening_register_pdf, paris_time, receipt_pdf

DIGEST = hashlib.sha256(b"receipt").hexdigest()
HEAD = hashlib.sha256(b"chain head").hexdigest()


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def a_file(lot: int, part: str, name: str, size: int = 123456) -> dict:
    return {"lot": lot, "part": part, "name": name, "size": size, "sha256": sha(name)}


def a_receipt(files=None, replaces=None) -> dict:
    return {
        "receipt": "AR-7K3F-9QXM-2B4T-ABCD",
        "platform": "Marchés & Partage",
        "notice": {"id": 12, "reference": "2027-AOO-014", "title": "Travaux de rénovation énergétique de l’école"},
        "buyer": "Commune de Plérin",
        "deadline": "2027-01-15T11:00:00+00:00",
        "company": {"name": "Bâtiments Armor SARL", "siret": "36252187900034"},
        "submitter": {"name": "Anne Le Goff", "email": "anne@example.fr"},
        "submitted_at": "2027-01-14T09:12:33.123456+00:00",
        "lots": [1, 2],
        "files": files
        if files is not None
        else [
            a_file(1, "application", "DC1-DC2.pdf"),
            a_file(1, "offer", "Devis n°3 – Lot « A ».pdf", 5_300_000),
            a_file(2, "offer", "Prix 1 500 € HT – œuvre.pdf", 12),
        ],
        "replaces": replaces,
    }


def read(pdf: bytes) -> tuple[str, pypdf.PdfReader]:
    """The document's text, no-break spaces made plain, and its reader."""
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u00a0", " ").replace("\u202f", " "), reader


def test_receipt_shows_everything_in_french():
    receipt = a_receipt(replaces="AR-AAAA-BBBB-CCCC-DDDD")
    text, reader = read(receipt_pdf(receipt, DIGEST, compress=False))
    for expected in [
        "Accusé de réception d’une offre électronique",
        "AR-7K3F-9QXM-2B4T-ABCD",
        "Marchés & Partage",
        "Commune de Plérin",
        "2027-AOO-014 – Travaux de rénovation énergétique de l’école",
        "15/01/2027 à 12:00:00 (heure de Paris)",
        "Bâtiments Armor SARL",
        "36252187900034",
        "Anne Le Goff <anne@example.fr>",
        "14/01/2027 à 10:12:33 (heure de Paris)",
        "2027-01-14T09:12:33.123456+00:00",
        "Lot 1, Lot 2",
        "Candidature",
        "Offre",
        "120,6 Ko",
        "123 456 octets",
        "12 octets",
        "Ce dépôt remplace l’accusé de réception AR-AAAA-BBBB-CCCC-DDDD",
        DIGEST,
        "sha256sum fichier",
        "certutil -hashfile fichier SHA256",
        "Page 1 / 1",
    ]:
        assert expected in text, expected
    for item in receipt["files"]:
        assert item["name"] in text
        assert item["sha256"] in text  # the 64 hex digits, unbroken
    assert reader.metadata.title == "Accusé de réception d’une offre électronique AR-7K3F-9QXM-2B4T-ABCD"
    assert reader.metadata.author == "Marchés & Partage"
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_receipt_is_deterministic_and_compressed_by_default():
    receipt = a_receipt()
    pdf = receipt_pdf(receipt, DIGEST)
    assert pdf == receipt_pdf(receipt, DIGEST)
    assert len(pdf) < len(receipt_pdf(receipt, DIGEST, compress=False))
    text, reader = read(pdf)
    assert "ne remplace pas un dépôt antérieur" in text
    assert reader.metadata.creation_date.isoformat().startswith("2027-01-14T09:12:33")


def test_receipt_of_the_whole_notice_and_odd_names():
    files = [a_file(0, "offer", "ligne\nbrisée.pdf", 0), a_file(0, "application", "名前.pdf", 1)]
    receipt = a_receipt(files=files) | {"lots": [0]}
    text, _ = read(receipt_pdf(receipt, DIGEST))
    assert "Consultation entière (sans lots)" in text
    assert "Sans lots" in text
    assert "ligne\ufffdbrisée.pdf" in text  # a control character is shown as such, not obeyed
    assert "\ufffd\ufffd.pdf" in text  # glyphs the font lacks are shown missing, not silently dropped
    assert "0 octet" in text and "1 octet" in text
    assert all(item["sha256"] in text for item in files)


def test_receipt_with_forty_files_spans_pages_and_keeps_every_hash():
    parts = ("application", "offer")
    files = [a_file(1 + index % 3, parts[index % 2], f"pièce-{index:02d}.pdf") for index in range(40)]
    text, reader = read(receipt_pdf(a_receipt(files=files), DIGEST))
    pages = len(reader.pages)
    assert pages > 1
    assert f"Page 1 / {pages}" in text and f"Page {pages} / {pages}" in text
    for item in files:
        assert item["name"] in text
        assert item["sha256"] in text
    assert DIGEST in text


def bid_row(receipt: str, status: str, files: list[dict], lots=(1,)) -> dict:
    return {
        "receipt": receipt,
        "company": f"Entreprise {receipt}",
        "siret": "36252187900034",
        "submitter": "Anne Le Goff",
        "submitted_at": "2027-01-14T09:12:33+00:00",
        "status": status,
        "lots": list(lots),
        "files": files,
    }


def test_opening_register():
    rows = [
        bid_row("AR-0001", "submitted", [a_file(1, "offer", "offre-a.pdf") | {"intact": True}]),
        bid_row("AR-0002", "submitted", [a_file(1, "offer", "offre-b.pdf") | {"intact": False}]),
        bid_row("AR-0003", "replaced", [a_file(0, "offer", "Devis n°3 – Lot « A ».pdf") | {"intact": None}], [0]),
        bid_row("AR-0004", "withdrawn", []),
    ]
    info = {"reference": "2027-AOO-014", "title": "Travaux de l’école", "buyer": "Commune de Plérin",
            "deadline": "2027-01-15T11:00:00+00:00"}  # fmt: skip
    pdf = opening_register_pdf(info, rows, "2027-01-15T11:05:00+00:00", "Jean Dupont", HEAD, compress=False)
    text, reader = read(pdf)
    for expected in [
        "Registre des dépôts – procès-verbal d’ouverture des plis",
        "2027-AOO-014 – Travaux de l’école",
        "15/01/2027 à 12:05:00 (heure de Paris)",
        "Jean Dupont",
        HEAD,
        "4 : 2 ouvert(s), 1 remplacé(s)",
        "Ouverte",
        "Remplacée (non ouverte)",
        "Retirée (non ouverte)",
        "Intègre",
        "ALTÉRÉ",
        "non vérifié",
        "Lot 1",
        "Sans lots",
        "Aucun fichier.",
        "Page 1 / ",
    ]:
        assert expected in text, expected
    for row in rows:
        assert row["receipt"] in text
        for item in row["files"]:
            assert item["name"] in text and item["sha256"] in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_empty_opening_register():
    info = {"reference": "R", "title": "T", "buyer": "B", "deadline": "2027-01-15T11:00:00+00:00"}
    text, _ = read(opening_register_pdf(info, [], "2027-01-15T11:05:00+00:00", "", ""))
    assert "Aucun dépôt." in text and "registre vide" in text


@pytest.mark.parametrize(
    ("size", "expected"),
    [(0, "0 octet"), (1023, "1 023 octets"), (123456, "120,6 Ko"), (5_300_000, "5,1 Mo"), (3 * 1024**3, "3,0 Go")],
)
def test_human_size(size, expected):
    assert human_size(size).replace("\u00a0", " ").replace("\u202f", " ") == expected


def test_paris_time_follows_summer_time():
    assert paris_time("2027-07-01T08:00:00+00:00") == "01/07/2027 à 10:00:00\u00a0(heure de Paris)"
    assert paris_time("2027-01-14T09:12:33") == "14/01/2027 à 10:12:33\u00a0(heure de Paris)"  # naive: UTC
