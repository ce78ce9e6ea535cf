"""The knowledge base's index, its topics (nested one level) and the two training paths of the training room."""

from knowledge.demo_content import Topic, TrainingPath
from knowledge.demo_content.companies import PRACTICE_URL

INDEX_TITLE = "Guides et formation"
INDEX_SLUG = "guides"
INDEX_INTRO = (
    "<p>Les guides de la commande publique rédigés par les acheteurs bretons pour leurs collègues et pour les "
    "entreprises : préparer un marché, choisir la procédure, acheter durable, mutualiser, répondre à un appel "
    "d'offres et utiliser la plateforme. Chaque guide a un responsable et une date de relecture.</p>"
)

TOPICS = [
    Topic(
        "preparer-un-marche",
        "Préparer un marché",
        "Définir le besoin, l'estimer, choisir la procédure et rédiger le dossier de consultation.",
    ),
    Topic(
        "choisir-la-procedure",
        "Choisir la procédure",
        "Seuils, achats sans publicité, procédure adaptée, appel d'offres, négociation, accords-cadres.",
        parent="preparer-un-marche",
    ),
    Topic(
        "rediger-le-dce",
        "Rédiger le DCE",
        "Les pièces du dossier de consultation des entreprises, les critères et des exemples commentés.",
        parent="preparer-un-marche",
    ),
    Topic(
        "conduire-la-consultation",
        "Conduire la consultation et attribuer",
        "Questions des candidats, dématérialisation, analyse des offres, attribution et information des candidats.",
    ),
    Topic(
        "achats-durables",
        "Achats durables et responsables",
        "Environnement, insertion sociale, restauration collective : les obligations et les bonnes pratiques.",
    ),
    Topic(
        "mutualiser-les-achats",
        "Mutualiser les achats",
        "Groupements de commandes et centrales d'achat : acheter à plusieurs organismes.",
    ),
    Topic(
        "repondre-a-un-appel-d-offres",
        "Répondre à un appel d'offres",
        "Pour les entreprises : lire le dossier, poser une question, rédiger le mémoire technique, répondre à "
        "plusieurs et déposer son offre.",
    ),
    Topic(
        "utiliser-la-plateforme",
        "Utiliser la plateforme",
        "Créer son compte, régler ses notifications, gérer ses données, lire et améliorer les guides.",
    ),
    Topic(
        "gerer-son-organisation",
        "Gérer son organisation",
        "Pour les administrateurs d'un organisme ou d'une entreprise : inviter, accepter, changer les rôles.",
        parent="utiliser-la-plateforme",
    ),
]

TRAINING_PATHS = [
    TrainingPath(
        "prendre-en-main-acheteurs",
        "Prendre en main la plateforme — acheteurs",
        "<p>Sept étapes courtes pour les agents des organismes membres : rejoindre votre organisation, régler "
        "vos notifications, inviter vos collègues, tirer parti des guides et publier vos avis. Cochez chaque étape "
        "une fois lue : votre progression s'affiche sur ce parcours et sur votre profil.</p>",
        "buyers",
        [
            ("acheteurs-premiers-pas", "Rejoindre votre organisation"),
            ("se-connecter-et-mot-de-passe", ""),
            ("preferences-de-notification", "Choisir quand recevoir vos e-mails"),
            ("inviter-des-collegues", "Inviter vos collègues"),
            ("lire-et-contribuer-aux-guides", "Lire et améliorer les guides"),
            ("publier-un-avis-de-marche", "Publier un avis"),
            ("ce-qui-arrive-sur-la-plateforme", "La plateforme aujourd'hui et bientôt"),
        ],
    ),
    TrainingPath(
        "prendre-en-main-entreprises",
        "Prendre en main la plateforme — entreprises",
        "<p>Sept étapes pour les entreprises : inscrire votre entreprise, y accueillir vos collègues, régler "
        "vos notifications, trouver les consultations, télécharger leurs dossiers et déposer vos offres. Cochez "
        "chaque étape une fois lue.</p>"
        f'<p><b>Avant votre premier vrai dépôt, entraînez-vous</b> sur la <a href="{PRACTICE_URL}">consultation de '
        "test</a> : déposez une offre d'essai, recevez l'accusé de réception, puis voyez votre offre ouverte pour "
        "votre seule entreprise quelques minutes plus tard.</p>",
        "companies",
        [
            ("inscrire-son-entreprise", "Inscrire votre entreprise"),
            ("rejoindre-une-entreprise-deja-inscrite", "Votre entreprise est déjà inscrite"),
            ("inviter-des-collegues", "Accueillir vos collègues"),
            ("preferences-de-notification", ""),
            ("donnees-personnelles-et-fermeture", "Vos données personnelles"),
            ("salle-des-marches-entreprises", "Trouver un avis, télécharger le DCE, poser une question"),
            ("deposer-une-offre-electronique", "Déposer une offre, après un essai sur la consultation de test"),
        ],
    ),
]
