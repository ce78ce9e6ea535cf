"""PDF documents of electronic bids, built with fpdf2: the receipt (accusé de réception) of a submitted bid and
the buyers' opening register (registre des dépôts / procès-verbal d'ouverture des plis).

Pure functions of the data they are given (no database, no request, no clock): the document's creation date is
the bid's or the opening's time, so the same data gives the same bytes. The texts are French literals, the
documents being French by law. The core PDF fonts are Latin-1 only, so DejaVu Sans (shipped in
``procurement/fonts/``, Bitstream Vera licence, see its ``LICENSE``) is embedded, subset, for accents, ’, « »,
€ and non-breaking spaces.
"""

import contextlib
import datetime
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parent / "fonts"
PARIS = ZoneInfo("Europe/Paris")
NBSP, NNBSP = "\u00a0", "\u202f"  # espace insécable, espace fine insécable

PARTS = {"application": "Candidature", "offer": "Offre"}
STATUSES = {"submitted": "Ouverte", "replaced": "Remplacée (non ouverte)", "withdrawn": "Retirée (non ouverte)"}
INTEGRITY = {True: "Intègre", False: "ALTÉRÉ", None: "non vérifié"}
WHOLE_NOTICE = "Consultation entière (sans lots)"
VERIFY = (
    "Chaque fichier peut être comparé à son empreinte SHA-256 (par exemple « sha256sum fichier » ou "
    "« certutil -hashfile fichier SHA256 ») ; l’empreinte de cet accusé figure dans le registre public des dépôts "
    "de la consultation, publié après la date limite."
)

BOLD = FontFace(emphasis="BOLD")
ALERT = FontFace(emphasis="BOLD", color=(180, 0, 0))
HEADINGS = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


def _mono(size: float) -> FontFace:
    return FontFace(family="DejaVuMono", size_pt=size)


def _when(iso: str) -> datetime.datetime:
    """An ISO 8601 time; a naive one is taken as UTC."""
    moment = datetime.datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def paris_time(iso: str) -> str:
    """The French local time of a UTC ISO time: 14/01/2027 à 10:12:33 (heure de Paris)."""
    return _when(iso).astimezone(PARIS).strftime(f"%d/%m/%Y à %H:%M:%S{NBSP}(heure de Paris)")


def utc_iso(iso: str) -> str:
    return _when(iso).astimezone(datetime.UTC).isoformat()


def _time_lines(iso: str | None) -> str:
    return f"{paris_time(iso)}\nUTC{NBSP}: {utc_iso(iso)}" if iso else "—"


def _french(text: str) -> str:
    """No-break spaces before : ; and inside « »."""
    for plain, tied in ((" :", f"{NBSP}:"), (" ;", f"{NBSP};"), ("« ", f"«{NBSP}"), (" »", f"{NBSP}»")):
        text = text.replace(plain, tied)
    return text


def exact_size(size: int) -> str:
    """The exact size, thousands split by a narrow no-break space: 123 456 octets."""
    return f"{size:,}".replace(",", NNBSP) + f"{NBSP}octet" + ("s" if size > 1 else "")


def human_size(size: int) -> str:
    """French binary units: "120,6 Ko" for 123456 bytes."""
    if size < 1024:
        return exact_size(size)
    value, unit = size / 1024, "Ko"
    for bigger in ("Mo", "Go", "To"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f}".replace(".", ",") + f"{NBSP}{unit}"


def _size_lines(size) -> str:
    size = int(size or 0)
    return exact_size(size) if size < 1024 else f"{human_size(size)}\n{exact_size(size)}"


def lot_label(lot: int) -> str:
    return f"Lot{NBSP}{lot}" if lot else "Sans lots"


def lots_label(lots) -> str:
    lots = list(lots or [])
    if not lots or lots == [0]:
        return WHOLE_NOTICE
    return ", ".join(lot_label(lot) if lot else WHOLE_NOTICE for lot in lots)


class _Document(FPDF):
    """A4 with DejaVu Sans embedded, French, metadata set, "Page x / y" at the foot of each page."""

    def __init__(self, *, title: str, subject: str, author: str, created: str, landscape=False, compress=True):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.document_title = title
        self.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
        self.add_font("DejaVuMono", "", FONTS / "DejaVuSansMono.ttf")
        self.glyphs = set(self.fonts["dejavu"].ttfont.getBestCmap())
        self.set_lang("fr")
        self.set_title(title)
        self.set_subject(subject)
        self.set_author(author)
        self.set_creator(author)
        self.set_creation_date(_when(created))
        self.set_compression(compress)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.add_page()

    def footer(self):
        self.set_y(-13)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(90)
        self.cell(0, 5, self.clean(self.document_title), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0)

    def clean(self, text, newlines: bool = False) -> str:
        """User text made printable: a control character (a line break in a file name...) or a character the
        font lacks (CJK...) becomes U+FFFD, shown rather than silently dropped."""

        def printable(char: str) -> bool:
            return (char == "\n" and newlines) or (ord(char) in self.glyphs and unicodedata.category(char) != "Cc")

        return "".join(char if printable(char) else "\ufffd" for char in ("" if text is None else str(text)))

    def heading(self, text: str, size: float = 11, space: float = 4):
        if self.will_page_break(space + 30):  # never alone at the foot of a page
            self.add_page()
        else:
            self.ln(space)
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, size * 0.5, _french(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 9)
        self.ln(1)

    def paragraph(self, text: str, size: float = 8.5):
        self.set_font("DejaVu", "", size)
        self.multi_cell(0, size * 0.5, _french(text), align="L", new_x="LMARGIN", new_y="NEXT")

    @contextlib.contextmanager
    def grid(self, col_widths, headings, size: float = 8):
        """A bordered table, its headings repeated on each page."""
        self.set_font("DejaVu", "", size)
        options = {"text_align": "LEFT", "line_height": size / 2, "padding": (1, 1.2), "headings_style": HEADINGS}
        with self.table(col_widths=col_widths, **options) as table:
            table.row(headings)
            yield table

    def fields(self, pairs, label_width: float = 58):
        """Label / value lines, without borders; a value given as (text, FontFace) gets that style."""
        self.set_font("DejaVu", "", 9)
        widths = (label_width, self.epw - label_width)
        options = {"first_row_as_headings": False, "borders_layout": "NONE", "v_align": "TOP", "padding": (0.8, 1)}
        with self.table(col_widths=widths, text_align="LEFT", line_height=4.6, **options) as table:
            for label, value in pairs:
                text, style = value if isinstance(value, tuple) else (value, None)
                row = table.row()
                row.cell(label, style=BOLD)
                row.cell(_french(self.clean(text, newlines=True)) or "—", style=style)


def receipt_pdf(receipt: dict, digest: str, *, compress: bool = True) -> bytes:
    """The accusé de réception of a submitted bid, from the receipt stored on it and its digest."""
    notice, company = receipt.get("notice") or {}, receipt.get("company") or {}
    submitter, files = receipt.get("submitter") or {}, receipt.get("files") or []
    platform, replaces = receipt.get("platform") or "", receipt.get("replaces")
    title = "Accusé de réception d’une offre électronique"
    subject = f"Consultation {notice.get('reference', '')} – {company.get('name', '')}"
    pdf = _Document(
        title=f"{title} {receipt['receipt']}", subject=subject, author=platform, created=receipt["submitted_at"],
        compress=compress,
    )  # fmt: skip
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 5, pdf.clean(platform), new_x="LMARGIN", new_y="NEXT")
    pdf.heading(title, size=16, space=2)
    pdf.cell(0, 6, "Numéro d’accusé de réception", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(0, 11, pdf.clean(receipt["receipt"]), border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.paragraph(
        f"La plateforme {pdf.clean(platform)} atteste avoir reçu, à l’heure de son serveur indiquée ci-dessous, "
        "l’offre électronique décrite dans ce document et les fichiers énumérés avec leur empreinte SHA-256."
    )
    who = submitter.get("name") or ""
    if submitter.get("email"):
        who += f" <{submitter['email']}>"
    earlier = f"Ce dépôt remplace l’accusé de réception {replaces}, qui n’est plus valable." if replaces else None
    pdf.heading("Dépôt")
    pdf.fields([
        ("Plateforme", platform),
        ("Acheteur", receipt.get("buyer")),
        ("Consultation", f"{notice.get('reference', '')} – {notice.get('title', '')}"),
        ("Date limite de remise", _time_lines(receipt.get("deadline"))),
        ("Entreprise", company.get("name")),
        ("SIRET", company.get("siret")),
        ("Déposant", who),
        ("Horodatage du serveur", _time_lines(receipt["submitted_at"])),
        ("Lots concernés", lots_label(receipt.get("lots"))),
        ("Dépôt antérieur", earlier or "Aucun : ce dépôt ne remplace pas un dépôt antérieur."),
    ])  # fmt: skip
    total = sum(int(item.get("size") or 0) for item in files)
    pdf.heading(f"Fichiers déposés : {len(files)} ({human_size(total)})")
    if files:
        with pdf.grid((22, 28, 80, pdf.epw - 130), ["Lot", "Pièce", "Nom du fichier", "Taille"], size=8.5) as table:
            for item in files:
                row = table.row()
                row.cell(lot_label(item.get("lot")), rowspan=2)  # keeps the file's two lines on one page
                row.cell(PARTS.get(item.get("part")) or pdf.clean(item.get("part")))
                row.cell(pdf.clean(item.get("name")))
                row.cell(_size_lines(item.get("size")))
                table.row().cell(f"SHA-256{NBSP}: {pdf.clean(item.get('sha256'))}", colspan=3, style=_mono(7.5))
    else:
        pdf.paragraph("Aucun fichier.")
    pdf.heading("Empreinte de cet accusé de réception (SHA-256)")
    pdf.set_font("DejaVuMono", "", 9)
    pdf.multi_cell(0, 5, pdf.clean(digest), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.paragraph(
        "Cette empreinte est le SHA-256 du contenu de l’accusé (au format JSON canonique) tel que la plateforme "
        f"l’a enregistré. {VERIFY}"
    )
    return bytes(pdf.output())


def opening_register_pdf(
    notice_info: dict, rows: list[dict], opened_at_iso: str, opened_by: str, chain_head: str, *, compress: bool = True
) -> bytes:
    """The buyers' register of the bids received, as at the opening: one line per bid, then its files."""
    reference = notice_info.get("reference") or ""
    title = "Registre des dépôts – procès-verbal d’ouverture des plis"
    subject = f"Consultation {reference} – {notice_info.get('title', '')}"
    pdf = _Document(
        title=f"{title} – {reference}", subject=subject, author=notice_info.get("buyer") or "", created=opened_at_iso,
        landscape=True, compress=compress,
    )  # fmt: skip
    pdf.heading(title, size=15, space=0)
    count = {status: sum(1 for row in rows if row.get("status") == status) for status in STATUSES}
    received = (
        f"{len(rows)} : {count['submitted']} ouvert(s), {count['replaced']} remplacé(s) par un dépôt ultérieur, "
        f"{count['withdrawn']} retiré(s)"
    )
    pdf.fields([
        ("Acheteur", notice_info.get("buyer")),
        ("Consultation", f"{reference} – {notice_info.get('title', '')}"),
        ("Date limite de remise", _time_lines(notice_info.get("deadline"))),
        ("Ouverture des plis", _time_lines(opened_at_iso)),
        ("Ouverture par", opened_by),
        ("Dépôts reçus", received),
        ("Tête de chaîne du registre public", (chain_head, _mono(8.5)) if chain_head else "registre vide"),
    ], label_width=70)  # fmt: skip
    pdf.heading("Dépôts")
    if rows:
        headings = ["N°", "Accusé de réception", "Entreprise", "SIRET", "Déposant", "Déposé le", "Lots", "Statut"]
        with pdf.grid((10, 48, 52, 30, 40, 42, 20, pdf.epw - 242), headings) as table:
            for number, row in enumerate(rows, start=1):
                at = paris_time(row["submitted_at"]) if row.get("submitted_at") else "—"
                status = STATUSES.get(row.get("status")) or row.get("status")
                cells = [number, row.get("receipt"), row.get("company"), row.get("siret"), row.get("submitter"), at]
                table.row([pdf.clean(cell) for cell in [*cells, lots_label(row.get("lots")), status]])
    else:
        pdf.paragraph("Aucun dépôt.")
    for number, row in enumerate(rows, start=1):
        status = STATUSES.get(row.get("status")) or pdf.clean(row.get("status"))
        receipt, company = pdf.clean(row.get("receipt")), pdf.clean(row.get("company"))
        pdf.heading(f"Dépôt n° {number} – {receipt} – {company} – {status}", size=10)
        files = row.get("files") or []
        if not files:
            pdf.paragraph("Aucun fichier.")
            continue
        headings = ["Lot", "Pièce", "Nom du fichier", "Taille", "SHA-256", "Contrôle"]
        with pdf.grid((16, 24, 70, 30, 100, pdf.epw - 240), headings) as table:
            for item in files:
                line = table.row()
                line.cell(lot_label(item.get("lot")))
                line.cell(PARTS.get(item.get("part")) or pdf.clean(item.get("part")))
                line.cell(pdf.clean(item.get("name")))
                line.cell(_size_lines(item.get("size")))
                line.cell(pdf.clean(item.get("sha256")), style=_mono(7))
                intact = item.get("intact")
                line.cell(INTEGRITY.get(intact, "non vérifié"), style=ALERT if intact is False else None)
    pdf.ln(3)
    pdf.paragraph(
        "« Intègre » : le fichier déchiffré à l’ouverture a la même empreinte SHA-256 que celle de l’accusé de "
        "réception ; « ALTÉRÉ » : l’empreinte diffère ou le fichier n’a pu être déchiffré ; « non vérifié » : "
        "fichier d’un dépôt remplacé ou retiré, non ouvert, ou contrôle pas encore fait. La tête de chaîne est "
        "l’empreinte de la dernière entrée du registre public des dépôts, où chaque entrée enchaîne la précédente."
    )
    return bytes(pdf.output())
