"""What happens around the demo notices: generic questions, reasons for amendments, cancellations and
unsuccessful procedures, and the company users' saved searches."""

# Asked on any notice; the answer is written by the buyer (None: still waiting for an answer).
GENERIC_QUESTIONS = (
    (
        "La visite du site est-elle obligatoire pour remettre une offre ?",
        "Non, la visite est facultative. Elle peut être organisée sur rendez-vous avec le contact indiqué dans l'avis.",
    ),
    (
        "Les candidats peuvent-ils se présenter en groupement ? Le mandataire doit-il être solidaire ?",
        "Oui, les groupements sont admis. Le mandataire du groupement conjoint sera solidaire de chacun des "
        "membres pour ses obligations contractuelles (article 3 du règlement de consultation).",
    ),
    (
        "Faut-il signer électroniquement l'acte d'engagement au moment du dépôt de l'offre ?",
        "Non, la signature n'est pas exigée au dépôt. Seul l'attributaire signera le marché, électroniquement.",
    ),
    (
        "Une avance est-elle prévue ? À partir de quel montant ?",
        "Oui, une avance de 20 % est versée pour tout marché ou bon de commande supérieur à 50 000 € HT d'une "
        "durée de plus de deux mois, sauf renonciation du titulaire dans l'acte d'engagement.",
    ),
    (
        "Pouvez-vous confirmer le délai de validité des offres ?",
        "Le délai de validité des offres est de 120 jours à compter de la date limite de remise des offres.",
    ),
    (
        "Le mémoire technique est-il limité en nombre de pages ?",
        "Oui, 20 pages au format A4 hors annexes et CV. Les pages au-delà ne seront pas lues.",
    ),
    (
        "Des variantes sont-elles autorisées ?",
        "Les variantes à l'initiative des candidats ne sont pas autorisées ; seule l'offre de base est analysée.",
    ),
)
PENDING_QUESTIONS = (
    "Le bordereau de prix mentionne une unité « forfait » pour la ligne 12 : s'agit-il d'un forfait annuel ?",
    "Pouvez-vous préciser les horaires d'accès aux sites pour les livraisons ?",
    "Le DQE est-il contractuel ou seulement indicatif pour le jugement des offres ?",
    "Une réunion de lancement est-elle prévue après la notification ?",
)

DEADLINE_EXTENSIONS = (
    "Report de la date limite de remise des offres pour laisser aux candidats le temps d'intégrer les "
    "réponses apportées aux questions.",
    "Prolongation du délai de remise des offres à la suite de la mise à jour du DCE.",
    "Report de la date limite de remise des offres de huit jours, à la demande de plusieurs candidats.",
)
DOCUMENT_REPLACEMENTS = (
    "Remplacement du bordereau des prix : correction de la ligne 7 et ajout d'une ligne pour les interventions "
    "d'urgence.",
    "Nouvelle version du CCTP : précision des fréquences d'intervention en annexe 2.",
    "Mise à jour des plans : le niveau R+1 a été ajouté.",
)

CANCELLATION_REASONS = (
    "Procédure déclarée sans suite pour motif d'intérêt général : le besoin a été redéfini à la suite du "
    "vote du budget supplémentaire.",
    "Procédure déclarée sans suite : le projet est reporté à l'exercice suivant.",
    "Procédure déclarée sans suite pour motif d'intérêt général : le périmètre des bâtiments concernés est "
    "modifié par la mutualisation des services avec l'intercommunalité.",
    "Abandon de la consultation : le besoin sera couvert par l'accord-cadre de la centrale d'achat régionale.",
)
UNSUCCESSFUL_REASONS = (
    "Procédure infructueuse : aucune offre n'a été reçue dans le délai.",
    "Procédure infructueuse : toutes les offres reçues étaient irrégulières ou inacceptables.",
    "Procédure infructueuse : les offres reçues dépassaient largement les crédits budgétaires alloués.",
)

# (e-mail local part of a company user, name of the alert, list query string)
SAVED_SEARCHES = (
    ("gerant.breizh-proprete", "Nettoyage en Ille-et-Vilaine", "cpv=9091&department=35&nature=services"),
    ("commercial.breizh-proprete", "Propreté en Bretagne", "cpv=909"),
    ("gerant.kerne-informatique", "Matériel informatique", "cpv=302&nature=supplies"),
    ("commercial.kerne-informatique", "Logiciels et services numériques", "cpv=48"),
    ("gerant.iroise-construction", "Bâtiment dans le Finistère", "department=29&nature=works"),
    ("commercial.iroise-construction", "Gros œuvre", "cpv=452"),
)
