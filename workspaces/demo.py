"""Demo workspaces (seed_demo hook): three workspaces of the demo's buyers, with a guest, files, notes and a
few hundred French chat messages over the past weeks.

- « Réseau des acheteurs hospitaliers » (visibility organization: the CHU de Brest's people join freely, the
  other hospitals were invited), « Groupe de travail achats durables » (open: any buyer joins; communes and
  the Région), « Achat groupé — restauration scolaire » (private, with a guest: a consultant who belongs to no
  organization, `GUEST_EMAIL`).
- Written through the actions (`workspaces.actions.*`), in the order things would have happened: creation,
  invitations accepted, channels (one restricted per workspace), folders, files (small PDF, CSV and Markdown
  files made in memory, one with two versions), notes with revisions, then the chat: exchanges drawn from a
  seeded generator (`SEED`), so the same run always writes the same messages, with threads, quoted replies,
  @mentions, reactions, pinned messages and an attachment; and a few direct conversations.
- The actions date everything "now": each step's rows are then moved back to the moment they happened
  (queryset updates, as the procurement demo does); messages are posted with their past `created_at`.
  Notifications of that history (invitations, mentions) are left read and e-mailed; read markers leave each
  person a few unread messages.
- Idempotent: a workspace is keyed by its slug and written in one transaction (all or nothing), a direct
  conversation by its two people; a second run adds nothing.
"""

import datetime
import io
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy
from wagtail import hooks

from intranet.management.commands.seed_demo import BODIES, DEMO_DOMAIN, DEMO_PASSWORD, make_siret
from intranet.models import Notification, Organization, User
from workspaces import access
from workspaces.actions.chat import (
    REACTIONS,
    do_create_channel,
    do_mark_read,
    do_open_direct,
    do_pin_message,
    do_post_message,
    do_toggle_reaction,
)
from workspaces.actions.files import do_create_folder, do_upload_file
from workspaces.actions.members import do_accept_invitation, do_change_role, do_invite, do_join
from workspaces.actions.notes import do_create_note, do_save_note
from workspaces.actions.workspaces import do_create_workspace
from workspaces.models import (
    Activity,
    Channel,
    ChannelMember,
    File,
    FileVersion,
    Folder,
    Invitation,
    Member,
    Message,
    Note,
    NoteRevision,
    Reaction,
    ReadMarker,
    Workspace,
)
from workspaces.notifications import MENTION_VERB, handle_for

SEED = 1111
HISTORY_DAYS = 42  # the chat covers the last six weeks
GUEST_EMAIL = f"consultante.restauration@{DEMO_DOMAIN}"  # the README's guest account (password DEMO_PASSWORD)
GUEST = {
    "first_name": "Armelle",
    "last_name": "Quéméner",
    "job_title": "Consultante en restauration collective (cabinet indépendant)",
}
# What each person leaves unread: their most recent workspace's #général keeps the last messages of others.
UNREAD_IN_GENERAL = 2
READ_DELAY = datetime.timedelta(hours=1)  # how long after it arrived a notification of the history was read


# --- the plan ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoChannel:
    name: str
    topic: str
    restricted_to: tuple[str, ...] = ()  # e-mail local parts; empty: open to the workspace
    exchanges: int = 10  # how many drawn exchanges


@dataclass(frozen=True)
class DemoWorkspace:
    slug: str
    name: str
    description: str
    visibility: str
    owner: str
    organization: str = ""  # seed_demo.BODIES key, for the "organization" visibility
    joined: tuple[str, ...] = ()  # join by themselves (organization or open visibility)
    invited: tuple[tuple[str, str], ...] = ()  # (person, role) invited by the owner, who accept
    admins: tuple[str, ...] = ()  # made admins by the owner
    channels: tuple[DemoChannel, ...] = ()
    general_exchanges: int = 14
    theme: str = ""
    folders: tuple[str, ...] = ()
    # (folder or "", file name, kind: pdf | csv | md, title lines); a name twice is a second version.
    files: tuple[tuple[str, str, str, tuple[str, ...]], ...] = ()
    # (title, [(author, Markdown text), ...]): the first text creates the note, the others are revisions.
    notes: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    welcome: str = ""
    created_days_ago: int = HISTORY_DAYS + 3


HOSPITALS = DemoWorkspace(
    slug="reseau-acheteurs-hospitaliers",
    name="Réseau des acheteurs hospitaliers",
    description=(
        "Les acheteurs des établissements de santé bretons : dispositifs médicaux, achats mutualisés du GHT, "
        "retours d'expérience et veille sur les ruptures d'approvisionnement."
    ),
    visibility=Workspace.Visibility.ORGANIZATION,
    organization="chu-brest",
    owner="admin.chu-brest",
    joined=("acheteur.chu-brest",),
    invited=(("admin.chu-rennes", "member"), ("admin.chba", "member"), ("admin.ch-saint-brieuc", "member")),
    admins=("acheteur.chu-brest",),
    channels=(
        DemoChannel("dispositifs-médicaux", "Références, essais en service, ruptures", exchanges=12),
        DemoChannel(
            "pilotage",
            "Préparation des comités du réseau (direction des achats)",
            restricted_to=("acheteur.chu-brest", "admin.chu-rennes"),
            exchanges=6,
        ),
    ),
    theme="hospital",
    folders=("Modèles", "Comptes rendus"),
    files=(
        ("Modèles", "CCAP-type-dispositifs-medicaux.pdf", "pdf", ("CCAP type", "Fourniture de dispositifs médicaux")),
        ("Comptes rendus", "CR-reunion-reseau-mars.md", "md", ("Compte rendu de la réunion du réseau",)),
        ("", "references-pansements-GHT.csv", "csv", ()),
        ("", "references-pansements-GHT.csv", "csv", ("v2",)),
    ),
    notes=(
        (
            "Charte du réseau",
            (
                (
                    "admin.chu-brest",
                    "# Charte du réseau\n\nLe réseau réunit les acheteurs des établissements de santé membres.\n\n"
                    "- échanges de pratiques et de documents types ;\n- préparation d'achats mutualisés ;\n"
                    "- veille sur les ruptures d'approvisionnement.\n\nLes documents partagés restent internes.",
                ),
                (
                    "acheteur.chu-brest",
                    "# Charte du réseau\n\nLe réseau réunit les acheteurs des établissements de santé membres.\n\n"
                    "- échanges de pratiques et de documents types ;\n- préparation d'achats mutualisés ;\n"
                    "- veille sur les ruptures d'approvisionnement ;\n- calendrier commun des renouvellements.\n\n"
                    "Les documents partagés restent internes. **Aucune donnée de prix d'un fournisseur** n'est "
                    "diffusée hors du réseau.",
                ),
            ),
        ),
        (
            "Ordre du jour — comité d'avril",
            (
                (
                    "acheteur.chu-brest",
                    "1. Harmonisation des références de pansements\n2. Pondération des critères pour les gants "
                    "d'examen\n3. Sourcing maintenance biomédicale",
                ),
                (
                    "admin.chba",
                    "1. Harmonisation des références de pansements\n2. Pondération des critères pour les gants "
                    "d'examen\n3. Sourcing maintenance biomédicale\n4. Retour sur les clauses RSE (CHBA)",
                ),
                (
                    "admin.chu-rennes",
                    "1. Harmonisation des références de pansements (essais en service terminés)\n2. Pondération "
                    "des critères pour les gants d'examen\n3. Sourcing maintenance biomédicale\n4. Retour sur les "
                    "clauses RSE (CHBA)\n5. Questions diverses",
                ),
            ),
        ),
    ),
    welcome=(
        "Bienvenue dans l'espace du réseau ! La charte est dans les notes, les modèles dans les fichiers. "
        "Présentez-vous en quelques mots 🙂"
    ),
)

SUSTAINABLE = DemoWorkspace(
    slug="achats-durables",
    name="Groupe de travail achats durables",
    description=(
        "Clauses sociales et environnementales, SPASER, réemploi, coût du cycle de vie : le groupe de travail "
        "ouvert à tous les acheteurs des collectivités membres."
    ),
    visibility=Workspace.Visibility.OPEN,
    owner="acheteur.region",
    joined=(
        "admin.region",
        "acheteur.rennes",
        "admin.quimper",
        "admin.lorient",
        "admin.brest",
        "admin.vannes",
        "admin.finistere",
    ),
    admins=("admin.region",),
    channels=(
        DemoChannel("clauses-sociales", "Insertion, marchés réservés, suivi des heures", exchanges=10),
        DemoChannel("veille-réglementaire", "Textes, guides et jurisprudence", exchanges=6),
        DemoChannel(
            "animation",
            "Organisation des ateliers du groupe (animateurs)",
            restricted_to=("admin.region",),
            exchanges=4,
        ),
    ),
    general_exchanges=14,
    theme="sustainable",
    folders=("Guides", "Bilans"),
    files=(
        ("Guides", "Guide-criteres-environnementaux.pdf", "pdf", ("Guide", "Critères environnementaux")),
        ("Bilans", "bilan-clauses-sociales-2025.csv", "csv", ()),
        ("", "SPASER-Region-Bretagne.pdf", "pdf", ("SPASER", "Schéma de promotion des achats responsables")),
    ),
    notes=(
        (
            "Feuille de route du groupe",
            (
                (
                    "acheteur.region",
                    "## Objectifs\n\n1. Un critère environnemental dans chaque marché d'ici l'été.\n2. Un "
                    "facilitateur des clauses sociales par département.\n3. Partager les bilans annuels.",
                ),
                (
                    "admin.quimper",
                    "## Objectifs\n\n1. Un critère environnemental dans chaque marché d'ici l'été.\n2. Un "
                    "facilitateur des clauses sociales par département.\n3. Partager les bilans annuels.\n4. "
                    "Recenser les achats de mobilier de réemploi.",
                ),
            ),
        ),
        (
            "Critères environnementaux testés",
            (
                (
                    "admin.lorient",
                    "| Famille | Critère | Preuve |\n| --- | --- | --- |\n| Fournitures | Emballages | Fiche "
                    "technique |\n| Nettoyage | Produits écolabellisés | Liste des produits |\n| Véhicules | Coût "
                    "du cycle de vie | Méthode publiée dans le RC |",
                ),
            ),
        ),
    ),
    welcome="Bonjour à toutes et à tous ! Le groupe est ouvert : invitez vos collègues acheteurs.",
)

SCHOOL_MEALS = DemoWorkspace(
    slug="achat-groupe-restauration-scolaire",
    name="Achat groupé — restauration scolaire",
    description=(
        "Préparation du groupement de commandes de denrées alimentaires pour les cuisines scolaires de Rennes, "
        "Saint-Malo, Fougères et Vitré (coordonnateur : Ville de Rennes)."
    ),
    visibility=Workspace.Visibility.PRIVATE,
    owner="admin.rennes",
    invited=(
        ("acheteur.rennes", "admin"),
        ("admin.saint-malo", "member"),
        ("admin.fougeres", "member"),
        ("admin.vitre", "member"),
        ("guest", "guest"),
    ),
    channels=(
        DemoChannel("allotissement", "Découpage en lots et pondération", exchanges=10),
        DemoChannel(
            "coordination",
            "Entre les agents du coordonnateur (Ville de Rennes)",
            restricted_to=("acheteur.rennes",),
            exchanges=5,
        ),
    ),
    general_exchanges=14,
    theme="meals",
    folders=("Recensement", "Projets de pièces"),
    files=(
        ("Recensement", "recensement-besoins-denrees.csv", "csv", ()),
        ("Projets de pièces", "projet-CCAP-denrees.pdf", "pdf", ("Projet de CCAP", "Denrées alimentaires")),
        ("Projets de pièces", "projet-CCAP-denrees.pdf", "pdf", ("Projet de CCAP (v2)", "Denrées alimentaires")),
        ("", "convention-constitutive-groupement.pdf", "pdf", ("Convention constitutive", "Groupement")),
        ("", "note-methodologique-EGalim.md", "md", ("Note méthodologique EGalim",)),
    ),
    notes=(
        (
            "Calendrier du groupement",
            (
                (
                    "admin.rennes",
                    "- Délibérations des communes : avant fin mars\n- Recensement des besoins : mi-avril\n"
                    "- Publication : mai\n- Attribution : juillet",
                ),
                (
                    "acheteur.rennes",
                    "- Délibérations des communes : avant fin mars ✅\n- Recensement des besoins : mi-avril\n"
                    "- Publication : début mai (35 jours de délai de réponse)\n- Attribution : avant le 14 juillet",
                ),
            ),
        ),
        (
            "Allotissement envisagé",
            (
                (
                    "guest",
                    "## Proposition\n\n1. Épicerie\n2. Produits laitiers\n3. Viandes et volailles\n4. Fruits et "
                    "légumes frais\n5. Pain\n\nLe lot 4 peut valoriser la fraîcheur (délai entre récolte et "
                    "livraison) sans exiger d'origine géographique.",
                ),
                (
                    "admin.saint-malo",
                    "## Proposition\n\n1. Épicerie\n2. Produits laitiers\n3. Viandes et volailles\n4. Fruits et "
                    "légumes frais\n5. Pain et viennoiseries\n6. Produits de la mer\n\nLe lot 4 peut valoriser la "
                    "fraîcheur (délai entre récolte et livraison) sans exiger d'origine géographique.",
                ),
            ),
        ),
    ),
    welcome=(
        "Bienvenue dans l'espace du groupement. Le calendrier est dans les notes, le recensement dans les fichiers."
    ),
)

WORKSPACES = (HOSPITALS, SUSTAINABLE, SCHOOL_MEALS)

# Direct conversations: (person, person, [(0 or 1: who writes, text), ...]).
DIRECT = (
    (
        "acheteur.rennes",
        "admin.rennes",
        (
            (0, "Tu as vu le retour de Saint-Malo sur le recensement ?"),
            (1, "Oui, il manque encore les effectifs des écoles maternelles."),
            (0, "Je les relance demain matin."),
            (1, "Merci ! Et pense à mettre à jour le calendrier dans les notes."),
            (0, "C'est fait."),
        ),
    ),
    (
        "acheteur.chu-brest",
        "admin.chu-rennes",
        (
            (0, "Je t'envoie notre grille d'évaluation des pansements, tu me diras si elle vous convient."),
            (1, "Reçue, merci. On ajoute une ligne sur la tolérance cutanée."),
            (0, "Bonne idée, je l'intègre pour le comité."),
        ),
    ),
    (
        "guest",
        "admin.rennes",
        (
            (0, "Bonjour, je vous propose un point sur l'allotissement jeudi à 10 h ?"),
            (1, "Jeudi 10 h, c'est noté. En visio ?"),
            (0, "Oui, je vous envoie le lien. J'aurai les chiffres du recensement d'ici là."),
        ),
    ),
)

# --- what is said: exchanges drawn per theme --------------------------------------------------------------

FILL = {
    "hospital": {
        "famille": [
            "dispositifs médicaux stériles",
            "pansements",
            "gants d'examen",
            "perfusion",
            "linge hospitalier",
            "produits d'incontinence",
            "maintenance biomédicale",
            "blanchisserie",
        ],
        "produit": ["sérum physiologique", "gants nitrile", "seringues 10 ml", "compresses stériles"],
    },
    "sustainable": {
        "famille": [
            "fournitures de bureau",
            "nettoyage des locaux",
            "véhicules",
            "mobilier",
            "espaces verts",
            "travaux de voirie",
            "matériel informatique",
            "vêtements de travail",
        ],
        "produit": ["papier recyclé", "mobilier de réemploi", "véhicules électriques", "produits écolabellisés"],
    },
    "meals": {
        "famille": ["épicerie", "produits laitiers", "viandes et volailles", "fruits et légumes", "pain"],
        "produit": ["yaourts bio", "pommes de Bretagne", "steaks hachés", "pain frais"],
    },
}
COMMON_FILL = {
    "pct": ["5", "10", "15", "20", "30"],
    "part": ["40", "50", "55", "60"],
    "jour": ["lundi", "mardi", "jeudi", "vendredi"],
    "heure": ["9 h 30", "10 h", "14 h", "16 h 30"],
    "n": ["3", "4", "5", "6"],
    "delai": ["la fin du mois", "deux semaines", "le prochain comité", "l'été"],
    "commune": ["Saint-Malo", "Fougères", "Vitré", "Rennes"],
    "montant": ["180 000", "350 000", "520 000", "1,2 million d'"],
}

OPENERS = {
    "hospital": [
        "Quelqu'un a déjà passé un marché de {famille} en groupement au sein du GHT ? Je cherche un retour sur "
        "l'allotissement.",
        "Le CCAP de notre futur marché de {famille} prévoit des pénalités de {pct} % par jour de retard : ça vous "
        "paraît proportionné ?",
        "Nous lançons un sourcing sur les {famille} d'ici {delai}. Qui veut partager ses contacts fournisseurs ?",
        "Rappel : réunion du réseau {jour} à {heure}, l'ordre du jour est dans les notes.",
        "Avez-vous intégré des clauses RSE dans vos marchés de {famille} ? Quels indicateurs de suivi ?",
        "Question pondération : pour les {famille}, vous mettez combien sur la valeur technique ? Nous hésitons "
        "entre {part} et 60 %.",
        "Ruptures d'approvisionnement sur les {produit} : vous avez activé vos marchés de substitution ?",
        "Le délai de validité des offres à 120 jours est-il suffisant pour vos commissions d'appel d'offres ?",
        "Vous demandez des échantillons pour les {famille} ? Nous hésitons à cause du délai d'essai en service.",
        "Notre titulaire pour les {famille} annonce une hausse de {pct} % : vous avez une clause de révision "
        "de prix avec un indice pertinent ?",
    ],
    "sustainable": [
        "Le SPASER : qui l'a déjà adopté ? Nous rédigeons le nôtre pour {delai}.",
        "Vous avez des exemples de critère environnemental noté sur des éléments vérifiables pour {famille} ?",
        "Clause d'insertion sur le marché de {famille} : combien d'heures prévoir pour {montant} € HT ?",
        "La loi Climat et résilience impose un critère environnemental dans tous les marchés : où en êtes-vous ?",
        "Retour d'expérience sur le {produit} {jour} à {heure} en visio, qui est partant ?",
        "Quel label accepter pour les {famille} sans restreindre la concurrence ? Vous écrivez « ou équivalent » "
        "partout ?",
        "Qui a déjà utilisé le coût du cycle de vie comme critère prix, par exemple pour les {famille} ?",
        "Marché réservé aux structures d'insertion pour les {famille} : des retours sur le nombre d'offres ?",
        "Comment suivez-vous les engagements RSE des titulaires pendant l'exécution ?",
        "Nous voulons simplifier le mémoire technique pour aider les PME à répondre : des exemples de cadre de "
        "réponse ?",
    ],
    "meals": [
        "Recensement des besoins : il manque encore les chiffres de {commune}, merci de compléter le tableau "
        "avant {jour}.",
        "Proposition d'allotissement : {n} lots (épicerie, produits laitiers, viandes, fruits et légumes, pain). "
        "Des avis ?",
        "Loi EGalim : 50 % de produits durables dont 20 % de bio. On le met en clause d'exécution ou en critère ?",
        "La convention constitutive du groupement passe en conseil municipal {jour} à {commune}.",
        "Pondération proposée : prix {part} %, valeur technique 40 %, performance environnementale 20 %.",
        "Peut-on réserver un lot aux circuits courts pour les {famille} ? Je doute que ce soit compatible avec le "
        "code.",
        "Calendrier : publication début mai, remise des offres 35 jours après, attribution avant l'été.",
        "Faut-il autoriser des variantes sur le conditionnement des {famille} ?",
        "Les cuisines de {commune} demandent des livraisons {n} fois par semaine pour les {famille} : c'est tenable ?",
        "Quel maximum annuel par commune pour l'accord-cadre à bons de commande ?",
    ],
}

ANSWERS = {
    "hospital": [
        "Chez nous, {n} lots géographiques et un lot de produits spécifiques : ça a bien ouvert la concurrence aux "
        "PME.",
        "Nous avons plafonné les pénalités à 10 % du montant du bon de commande : le juge regarde la proportionnalité.",
        "Je t'envoie la grille d'évaluation en message direct.",
        "Nous avons mis {part} % sur la valeur technique, dont un sous-critère sur la continuité d'approvisionnement.",
        "Attention au délai de validité : avec la CAO en septembre, nous sommes passés à 180 jours.",
        "Essais en service obligatoires avant attribution, les soignants notent sur une grille commune.",
        "La hausse dépasse 10 % : pas de modification non substantielle possible, il faut relancer.",
        "Bonne question, je regarde ce que prévoit le CCAG-FCS et je reviens vers toi.",
        "On peut en parler à la réunion de {jour} ?",
        "Pour le sourcing, un avis publié et un compte rendu de chaque rencontre, partagé dans le DCE.",
        "Indice de révision : nous utilisons celui de l'INSEE propre aux produits de santé, avec une clause butoir.",
    ],
    "sustainable": [
        "Nous notons les emballages et la distance de livraison, sur justificatifs (fiches techniques, "
        "engagements chiffrés).",
        "Le facilitateur calcule les heures avec nous : compter environ 5 % du montant de main-d'œuvre.",
        "Label « ou équivalent » systématique, et on accepte tout moyen de preuve approprié.",
        "Notre SPASER a été voté en juin, il est dans les fichiers de l'espace.",
        "Coût du cycle de vie testé sur les véhicules : la méthode doit figurer dans le RC, sinon recours assuré.",
        "Pour les PME, nous avons simplifié le mémoire technique : un cadre de réponse de 4 pages.",
        "La DAJ a publié une fiche sur le sujet, je la mets dans #veille-réglementaire.",
        "Marché réservé testé sur l'entretien des espaces verts : 3 offres, toutes de bonne qualité.",
        "Un bilan annuel avec le titulaire, et des pénalités modestes mais appliquées : ça change tout.",
        "Partante pour {jour} !",
        "Chez nous le critère environnemental pèse {pct} %, noté sur des engagements vérifiables.",
    ],
    "meals": [
        "On ne peut pas exiger l'origine géographique, mais on peut valoriser la fraîcheur et le délai entre "
        "récolte et livraison.",
        "Je préfère la clause d'exécution : suivi trimestriel avec les justificatifs de labels.",
        "{commune} a délibéré, la convention est signée.",
        "Allotir finement, c'est plus de PME, mais plus de marchés à suivre pour les cuisines.",
        "On garde un accord-cadre à bons de commande, sans minimum, avec un maximum annuel par commune.",
        "D'accord pour 35 jours, en évitant la période d'été.",
        "Attention au seuil : sur 4 ans, le montant cumulé dépasse le seuil européen, procédure formalisée "
        "obligatoire.",
        "Les chiffres de {commune} sont dans le tableau depuis ce matin.",
        "Les variantes compliquent l'analyse : je propose de les interdire sauf pour le lot épicerie.",
        "{n} livraisons par semaine pour le frais, c'est ce que prévoit déjà le marché actuel.",
    ],
}

ACKS = [
    "Merci, c'est très utile !",
    "Parfait, je prends.",
    "Super, je le note dans la synthèse.",
    "Vu, merci 🙏",
    "Top, je transmets à l'équipe.",
    "Je note, merci pour le retour.",
    "D'accord, on fait comme ça.",
    "Merci pour la réactivité !",
]


# --- files made in memory -----------------------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(lines) -> bytes:
    """A one-page PDF showing `lines` (Helvetica, WinAnsi encoding): small, but opens in any reader."""
    stream = ["BT", "/F1 12 Tf", "16 TL", "56 780 Td"]
    stream += [f"({_pdf_text(line)}) Tj T*" for line in lines]
    stream.append("ET")
    content = "\n".join(stream).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


CSV_CONTENT = {
    "references-pansements-GHT.csv": [
        "Référence;Désignation;Établissements;Consommation annuelle",
        "PAN-001;Pansement hydrocellulaire 10x10;CHU Brest, CHU Rennes, CHBA;48000",
        "PAN-014;Compresse stérile 7,5x7,5;Tous;310000",
        "PAN-022;Film transparent 6x7;CHU Brest, CH Saint-Brieuc;26000",
    ],
    "bilan-clauses-sociales-2025.csv": [
        "Collectivité;Marchés avec clause;Heures prévues;Heures réalisées",
        "Région Bretagne;18;24500;26120",
        "Ville de Quimper;7;6200;5980",
        "Ville de Lorient;9;8100;8870",
    ],
    "recensement-besoins-denrees.csv": [
        "Commune;Repas par jour;Épicerie (k€);Produits laitiers (k€);Viandes (k€);Fruits et légumes (k€);Pain (k€)",
        "Rennes;11500;410;380;620;450;120",
        "Saint-Malo;2600;95;88;140;102;30",
        "Fougères;1700;60;55;92;66;19",
        "Vitré;1500;52;49;81;60;17",
    ],
}


def _upload(name: str, kind: str, lines) -> SimpleUploadedFile:
    if kind == "pdf":
        data, content_type = minimal_pdf(lines or [name]), "application/pdf"
    elif kind == "csv":
        rows = CSV_CONTENT.get(name, ["Colonne;Valeur"])
        if lines:  # a later version: one more row
            rows = [*rows, f"Mise à jour;{' '.join(lines)}"]
        data, content_type = ("\n".join(rows) + "\n").encode(), "text/csv"
    else:
        title = lines[0] if lines else name
        data = f"# {title}\n\nDocument de travail de l'espace, à compléter.\n".encode()
        content_type = "text/markdown"
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- writing ----------------------------------------------------------------------------------------------


def _people() -> dict[str, User]:
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
    guest = people.pop(GUEST_EMAIL.split("@")[0], None)
    if guest is not None:
        people["guest"] = guest
    return people


def ensure_guest(command=None) -> User:
    """The consultant invited as a guest: e-mail confirmed, no organization (created once)."""
    guest = User.objects.filter(email=GUEST_EMAIL).first()
    if guest is None:
        password = getattr(command, "password_hash", None) or make_password(DEMO_PASSWORD)
        # No action creates an account without an e-mail round trip; seed_demo uses the model's own API too.
        guest = User.objects.create(email=GUEST_EMAIL, password=password, email_confirmed_at=timezone.now(), **GUEST)
    return guest


class _Clock:
    """Moves what the actions just wrote (dated now) back to the moment it happened."""

    # (model, date fields set to "now" by the actions)
    STAMPED = (
        (Workspace, ("created_at",)),
        (Member, ("joined_at",)),
        (Invitation, ("created_at", "responded_at")),
        (Channel, ("created_at",)),
        (ChannelMember, ("added_at",)),
        (Activity, ("created_at",)),
        (Folder, ("created_at",)),
        (File, ("created_at", "updated_at")),
        (FileVersion, ("uploaded_at",)),
        (Note, ("created_at", "updated_at")),
        (NoteRevision, ("created_at",)),
    )

    def __init__(self, now):
        self.now = now  # the seed's start: anything dated after it was written by this run

    def stamp(self, moment) -> None:
        for model, fields in self.STAMPED:
            for name in fields:
                model.objects.filter(**{f"{name}__gte": self.now}).update(**{name: moment})
        notifications = Notification.objects.filter(verb__startswith="workspaces.", created_at__gte=self.now)
        notifications.update(created_at=moment, read_at=moment + READ_DELAY, emailed_at=moment)


def rng_for(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret


def _draw(rng: random.Random, text: str, theme: str) -> str:
    values = {**COMMON_FILL, **FILL[theme]}
    for key, choices in values.items():
        token = "{" + key + "}"
        while token in text:
            text = text.replace(token, rng.choice(choices), 1)
    return text


def _exchange_times(rng: random.Random, count: int, start, end) -> list:
    """`count` working-hours moments between start and end, sorted, at least an hour apart."""
    span_days = max(1, (end - start).days)
    moments = set()
    while len(moments) < count:
        day = start + datetime.timedelta(days=rng.randrange(span_days))
        if day.weekday() >= 5 and rng.random() < 0.85:
            continue  # little on weekends
        local = timezone.localtime(day).replace(hour=rng.randint(8, 17), minute=rng.choice((0, 10, 20, 30, 40, 50)))
        moments.add(local.replace(second=0, microsecond=0))
    return sorted(moments)


class _Writer:
    def __init__(self, plan: DemoWorkspace, people: dict[str, User], clock: _Clock, rng: random.Random):
        self.plan = plan
        self.people = people
        self.clock = clock
        self.rng = rng
        self.now = clock.now
        self.start = self.now - datetime.timedelta(days=plan.created_days_ago)
        self.cursor = {}  # channel id: date of its last message

    def at(self, days_after_start: float):
        return self.start + datetime.timedelta(days=days_after_start)

    def write(self) -> Workspace:
        plan, people = self.plan, self.people
        owner = people[plan.owner]
        organization = None
        if plan.organization:
            siret = make_siret(next(d.code for d in BODIES if d.key == plan.organization))
            organization = Organization.objects.get(siret=siret)
        workspace = do_create_workspace(
            owner,
            name=plan.name,
            description=plan.description,
            visibility=plan.visibility,
            organization=organization,
            slug=plan.slug,
        )
        self.clock.stamp(self.at(0))
        self.workspace = workspace
        self._members(owner)
        channels = self._channels(owner)
        files = self._files()
        self._notes()
        self._chat(owner, channels, files)
        return workspace

    def _members(self, owner) -> None:
        plan, people, workspace = self.plan, self.people, self.workspace
        day = 0.2
        for local in plan.joined:
            do_join(workspace, people[local])
            self.clock.stamp(self.at(day))
            day += 0.3
        for local, role in plan.invited:
            invitation, _token = do_invite(workspace, owner, user=people[local], role=role)
            self.clock.stamp(self.at(day))
            do_accept_invitation(invitation, people[local])
            self.clock.stamp(self.at(day + 0.1))
            day += 0.3
        for local in plan.admins:
            member = Member.objects.get(workspace=workspace, user=people[local])
            do_change_role(workspace, owner, member, Member.Role.ADMIN)
        for user in people.values():
            access.forget_workspace_memberships(user)
        self.members = [
            m.user for m in Member.objects.filter(workspace=workspace).select_related("user").order_by("pk")
        ]

    def _channels(self, owner) -> list[tuple[Channel, DemoChannel | None]]:
        general = Channel.objects.get(workspace=self.workspace, is_general=True)
        channels = [(general, None)]
        for number, demo in enumerate(self.plan.channels):
            readers = tuple(self.people[local] for local in demo.restricted_to)
            channel = do_create_channel(
                self.workspace,
                owner,
                name=demo.name,
                topic=demo.topic,
                restricted=bool(demo.restricted_to),
                members=readers,
            )
            self.clock.stamp(self.at(1 + 0.2 * number))
            channels.append((channel, demo))
        return channels

    def _files(self) -> list[File]:
        folders = {}
        owner = self.people[self.plan.owner]
        for name in self.plan.folders:
            folders[name] = do_create_folder(self.workspace, owner, name=name)
        self.clock.stamp(self.at(1.5))
        files = []
        for number, (folder, name, kind, lines) in enumerate(self.plan.files):
            author = self.members[number % len(self.members)]
            file = do_upload_file(self.workspace, author, _upload(name, kind, lines), folder=folders.get(folder))
            self.clock.stamp(self.at(2 + 3 * number))
            if file not in files:
                files.append(file)
        return files

    def _notes(self) -> None:
        for number, (title, texts) in enumerate(self.plan.notes):
            (author, body), revisions = texts[0], texts[1:]
            note = do_create_note(self.workspace, self.people[author], title=title, body=body)
            day = 3 + 6 * number
            self.clock.stamp(self.at(day))
            for author, body in revisions:
                day += 4
                note = do_save_note(note, self.people[author], title=title, body=body, base_version=note.version)
                self.clock.stamp(self.at(day))

    # The chat ---------------------------------------------------------------------------------------------

    def _readers(self, channel: Channel) -> list[User]:
        if not channel.restricted:
            return self.members
        ids = set(ChannelMember.objects.filter(channel=channel).values_list("user_id", flat=True))
        return [user for user in self.members if user.pk in ids]

    def _chat(self, owner, channels, files) -> None:
        rng, plan = self.rng, self.plan
        first_day = self.at(2)
        for channel, demo in channels:
            readers = self._readers(channel)
            count = plan.general_exchanges if demo is None else demo.exchanges
            times = _exchange_times(rng, count, first_day, self.now - datetime.timedelta(hours=6))
            posted = []
            if demo is None:
                welcome = self._post(owner, channel, plan.welcome, self.at(1.1))
                do_pin_message(owner, welcome, True)
                self.clock.stamp(self.at(1.1))
                posted.append(welcome)
            for number, moment in enumerate(times):
                attach = files[0] if demo is None and number == 3 and files else None
                posted += self._exchange(channel, readers, moment, attach=attach)
            self._react(posted, readers)
            self._pin_one(posted, channel, readers)

    def _post(self, author, channel, body, moment, **kwargs) -> Message:
        """Post at `moment` (never before the channel's previous message: dates follow the ids)."""
        moment = max(moment, self.cursor.get(channel.pk, moment) + datetime.timedelta(minutes=1))
        self.cursor[channel.pk] = moment
        message, _created = do_post_message(author, channel, body, created_at=moment, **kwargs)
        if "@" in body:  # the people it mentions were told then, and have read it since
            Notification.objects.filter(verb=MENTION_VERB, target_id=str(message.pk), created_at__gte=self.now).update(
                created_at=moment, read_at=moment + READ_DELAY, emailed_at=moment
            )
        return message

    def _exchange(self, channel, readers, moment, attach=None) -> list[Message]:
        """A question, one to three answers (in a thread, quoted, or plain), sometimes thanks."""
        rng, theme = self.rng, self.plan.theme
        if len(readers) < 2:
            return []
        opener_author, *others = rng.sample(readers, len(readers))
        opener_text = _draw(rng, rng.choice(OPENERS[theme]), theme)
        if attach is not None:
            opener_text = f"Je dépose « {attach.name} » dans les fichiers, vos remarques sont bienvenues. {opener_text}"
        opener = self._post(opener_author, channel, opener_text, moment, attachment=attach)
        posted = [opener]
        style = rng.choices(("thread", "quote", "plain"), weights=(3, 2, 5))[0]
        at = moment
        for author in others[: rng.randint(1, min(3, len(others)))]:
            at += datetime.timedelta(minutes=rng.randint(3, 45))
            text = _draw(rng, rng.choice(ANSWERS[theme]), theme)
            if rng.random() < 0.25:
                text = f"@{handle_for(opener_author)} {text}"
            kwargs = {}
            if style == "thread":
                kwargs["thread_root"] = opener
            elif style == "quote":
                kwargs["reply_to"] = opener
            posted.append(self._post(author, channel, text, at, **kwargs))
        if rng.random() < 0.5:
            at += datetime.timedelta(minutes=rng.randint(5, 30))
            kwargs = {"thread_root": opener} if style == "thread" else {}
            posted.append(self._post(opener_author, channel, rng.choice(ACKS), at, **kwargs))
        return posted

    def _react(self, messages, readers) -> None:
        rng = self.rng
        for message in messages:
            if rng.random() > 0.2:
                continue
            others = [user for user in readers if user.pk != message.author_id]
            for user in rng.sample(others, min(len(others), rng.randint(1, 2))):
                do_toggle_reaction(user, message, rng.choice(REACTIONS[:4]))
            moment = min(message.created_at + datetime.timedelta(minutes=rng.randint(5, 300)), self.now)
            Reaction.objects.filter(message=message).update(created_at=moment)

    def _pin_one(self, messages, channel, readers) -> None:
        """Pin the channel's most reacted message (by an admin), dated a little after it was written."""
        candidates = [m for m in messages if m.thread_root_id is None]
        if len(candidates) < 5:
            return
        message = self.rng.choice(candidates[len(candidates) // 3 :])
        pinner = self.people[self.plan.owner]
        if pinner not in readers:
            return
        do_pin_message(pinner, message, True)
        moment = min(message.created_at + datetime.timedelta(hours=1), self.now)
        Message.objects.filter(pk=message.pk).update(pinned_at=moment)
        self.clock.stamp(moment)


def _direct_conversations(people: dict[str, User], clock: _Clock, rng: random.Random) -> int:
    created = 0
    for number, (first, second, lines) in enumerate(DIRECT):
        pair = (people.get(first), people.get(second))
        if None in pair:
            continue
        channel = do_open_direct(*pair)
        if Message.objects.filter(channel=channel).exists():
            continue
        with transaction.atomic():
            moment = clock.now - datetime.timedelta(days=6 - 2 * number, hours=rng.randint(1, 5))
            for who, text in lines:
                moment += datetime.timedelta(minutes=rng.randint(3, 50))
                do_post_message(pair[who], channel, text, created_at=min(moment, clock.now))
            clock.stamp(moment)
        created += 1
    return created


def _settle_reading(channels, now) -> None:
    """Channels' last activity is their last message's date. Read markers: each reader has read everything but
    the last `UNREAD_IN_GENERAL` messages of others in the #général of their most recently active workspace,
    and the last message of a direct conversation when it was written to them."""
    for channel in channels:
        channel.last_message_at = Message.objects.filter(channel=channel).aggregate(at=Max("created_at"))["at"]
        Channel.objects.filter(pk=channel.pk).update(last_message_at=channel.last_message_at)
    generals = sorted((c for c in channels if c.is_general and c.last_message_at), key=lambda c: c.last_message_at)
    unread_in = {}
    for channel in generals:  # the most recent one wins
        for user_id in Member.objects.filter(workspace_id=channel.workspace_id).values_list("user_id", flat=True):
            unread_in[user_id] = channel.pk
    for channel in channels:
        messages = list(Message.objects.filter(channel=channel).order_by("seq").values_list("seq", "author_id"))
        if not messages:
            continue
        for user in _channel_readers(channel):
            if channel.is_direct:
                keep = 1 if messages[-1][1] != user.pk else 0
            else:
                keep = UNREAD_IN_GENERAL if unread_in.get(user.pk) == channel.pk else 0
            others = [seq for seq, author in messages if author != user.pk]
            seq = messages[-1][0] if keep == 0 or len(others) < keep else others[-keep] - 1
            do_mark_read(user, channel, seq)
    ReadMarker.objects.filter(channel__in=channels).update(updated_at=now)


def _channel_readers(channel: Channel) -> list[User]:
    if channel.is_direct or channel.restricted:
        return [row.user for row in ChannelMember.objects.filter(channel=channel).select_related("user")]
    return [m.user for m in Member.objects.filter(workspace_id=channel.workspace_id).select_related("user")]


def seed_workspaces(command=None, now=None) -> dict[str, int]:
    """Add the demo workspaces (and direct conversations) that are missing; returns what was added."""
    people = _people()
    if not any(key.startswith("acheteur.") for key in people):
        return {"workspaces": 0, "messages": 0, "direct": 0}
    people["guest"] = ensure_guest(command)
    now = now or timezone.now()
    clock = _Clock(now)
    existing = set(Workspace.objects.filter(slug__in=[w.slug for w in WORKSPACES]).values_list("slug", flat=True))
    added, before = 0, Message.objects.count()
    new_channels = []
    for number, plan in enumerate(WORKSPACES):
        needed = {plan.owner, *plan.joined, *(local for local, _role in plan.invited)}
        if plan.slug in existing or not needed <= set(people):
            continue
        with transaction.atomic():
            workspace = _Writer(plan, people, clock, rng_for(SEED + number)).write()
            new_channels += list(Channel.objects.filter(workspace=workspace))
        added += 1
    direct_before = set(Channel.objects.filter(kind=Channel.Kind.DIRECT).values_list("pk", flat=True))
    direct = _direct_conversations(people, clock, rng_for(SEED - 1))
    new_channels += list(Channel.objects.filter(kind=Channel.Kind.DIRECT).exclude(pk__in=direct_before))
    if new_channels:
        with transaction.atomic():
            for channel in new_channels:
                channel.refresh_from_db()
            _settle_reading(new_channels, now)
    return {"workspaces": added, "messages": Message.objects.count() - before, "direct": direct}


@hooks.register("register_demo_logins")
def demo_guest_login():
    """The guest consultant, printed with the core's demo accounts by seed_demo and runsite."""
    return [(GUEST_EMAIL, gettext_lazy("Guest of one workspace"), "—")]


@hooks.register("register_demo_content")
def seed_demo_workspaces(command, scale: int = 1) -> None:
    started = timezone.now()
    out = getattr(command, "stdout", None) or io.StringIO()
    result = seed_workspaces(command)
    seconds = (timezone.now() - started).total_seconds()
    out.write(
        f"Workspaces: {result['workspaces']} workspaces, {result['messages']} chat messages and "
        f"{result['direct']} direct conversations added ({seconds:.1f} s). Guest account: {GUEST_EMAIL}"
    )
