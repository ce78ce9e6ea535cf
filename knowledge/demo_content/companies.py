"""Guides for companies answering calls for tender."""

from knowledge.demo_content import (
    CHU_BREST,
    REGION,
    RENNES,
    Guide,
    h2,
    h3,
    info,
    p,
    quote,
    ref,
    steps,
    table,
    tip,
    ul,
    warning,
)

# The practice consultation's stable address (`reverse("procurement:practice")`, a redirect to its page).
PRACTICE_URL = "/avis/entrainement/"

GUIDES = [
    Guide(
        slug="lire-un-reglement-de-consultation",
        title="Lire un règlement de la consultation en dix minutes",
        topic="repondre-a-un-appel-d-offres",
        summary=(
            "Avant de vous lancer, le règlement de la consultation (RC) vous dit si le marché est pour vous, "
            "quand et comment répondre, et sur quoi vous serez jugé. Les cinq points à lire en premier."
        ),
        tags=("entreprises", "dce"),
        owner=REGION,
        related=("memoire-technique", "poser-une-question", "contenu-du-dce"),
        body=[
            h2("Les cinq points à lire en premier"),
            steps(
                ("La date et l'heure limites", "Une offre arrivée une minute trop tard est rejetée sans être ouverte."),
                ("L'objet et les lots", "Vous pouvez souvent répondre à un seul lot."),
                ("Les capacités demandées", "Chiffre d'affaires, références, certifications : les remplissez-vous ?"),
                ("Les pièces à fournir", "Candidature (DC1, DC2 ou DUME) et offre (acte d'engagement, prix, mémoire)."),
                ("Les critères et leur pondération", "Ils disent où mettre vos efforts."),
            ),
            h2("Les autres informations utiles"),
            p(
                ul(
                    "Variantes : autorisées ou non, et à quelles conditions.",
                    "Visite de site : obligatoire ou conseillée, et comment la réserver.",
                    "Négociation : prévue ou non (en procédure adaptée). Si elle ne l'est pas, votre première offre "
                    "est la dernière.",
                    "Questions : jusqu'à quand vous pouvez en poser.",
                )
            ),
            tip(
                "Faites une fiche de synthèse",
                "Une page : dates, pièces, critères, points à clarifier. Elle sert de liste de contrôle avant le "
                "dépôt.",
            ),
            ref("poser-une-question", "Un point n'est pas clair ? Posez la question."),
            ref("memoire-technique", "Répondre aux critères techniques."),
        ],
    ),
    Guide(
        slug="memoire-technique",
        title="Rédiger un mémoire technique convaincant",
        topic="repondre-a-un-appel-d-offres",
        summary=(
            "Le mémoire technique pèse souvent autant que le prix. Suivre le plan des critères, parler du "
            "marché de l'acheteur et pas de l'entreprise en général, prouver ce que l'on avance."
        ),
        tags=("entreprises", "analyse-des-offres"),
        owner=RENNES,
        related=("lire-un-reglement-de-consultation", "criteres-et-ponderation"),
        body=[
            quote(
                "Les meilleurs mémoires que nous recevons répondent à nos sous-critères dans l'ordre, en quelques "
                "pages, avec des engagements chiffrés. Les plaquettes commerciales ne rapportent aucun point.",
                "Service de la commande publique, Ville de Rennes",
            ),
            h2("Suivre le plan de l'acheteur"),
            p(
                "Reprenez les sous-critères de la valeur technique dans l'ordre du règlement de la consultation, "
                "avec les mêmes intitulés. Si un cadre de réponse est fourni, utilisez-le : l'analyste doit trouver "
                "chaque réponse sans chercher."
            ),
            h2("Ce qu'on y met"),
            table(
                "Contenu type d'un mémoire technique",
                ["Rubrique", "Ce qui convainc"],
                ["Compréhension du besoin", "les contraintes du site et du service, reformulées"],
                ["Méthodologie", "le déroulé concret de la prestation, étape par étape"],
                ["Moyens humains", "l'équipe affectée, ses qualifications, le remplacement en cas d'absence"],
                ["Moyens matériels", "le matériel dédié, son entretien"],
                ["Délais et planning", "des délais engagés, réalistes"],
                ["Environnement", "des mesures liées au marché : produits, déplacements, déchets"],
            ),
            h3("Prouver"),
            p(
                "Une affirmation sans preuve ne vaut rien : joignez fiches techniques, certificats, références "
                "comparables avec un contact, exemples de comptes rendus."
            ),
            warning(
                "Ce que vous écrivez vous engage",
                "Le mémoire technique est souvent une pièce contractuelle : ne promettez que ce que vous ferez.",
            ),
            tip(
                "Demandez votre note",
                "Si vous n'êtes pas retenu, demandez les motifs détaillés du rejet : c'est la meilleure façon de "
                "progresser pour la consultation suivante.",
            ),
        ],
    ),
    Guide(
        slug="repondre-en-groupement",
        title="Répondre à plusieurs : cotraitance et sous-traitance",
        topic="repondre-a-un-appel-d-offres",
        summary=(
            "Un marché trop gros ou trop varié pour vous seul ? Groupement conjoint ou solidaire, mandataire, "
            "sous-traitants déclarés et payés directement : les règles pour répondre à plusieurs."
        ),
        tags=("entreprises", "procedures"),
        owner=CHU_BREST,
        related=("dume-et-formulaires", "lire-un-reglement-de-consultation"),
        body=[
            h2("Cotraitance ou sous-traitance ?"),
            table(
                "Deux façons de répondre à plusieurs",
                ["", "Groupement (cotraitance)", "Sous-traitance"],
                ["Qui signe le marché", "tous les membres du groupement", "le titulaire seul"],
                [
                    "Lien avec l'acheteur",
                    "chaque cotraitant est titulaire",
                    "le sous-traitant est accepté par l'acheteur",
                ],
                ["Paiement", "chaque membre pour ses prestations", "direct au-delà de 600 € TTC"],
                ["Formulaires", "DC1 commun, DC2 par membre (ou DUME)", "DC4 ou équivalent"],
            ),
            h2("Le groupement"),
            p(
                "Le groupement est <b>conjoint</b> (chaque membre s'engage pour sa part) ou <b>solidaire</b> "
                "(chacun répond de l'ensemble). Un mandataire représente le groupement auprès de l'acheteur. "
                "L'acheteur ne peut pas imposer une forme de groupement pour la candidature, mais il peut exiger "
                "qu'il prenne une forme donnée après l'attribution, si c'est nécessaire à la bonne exécution."
            ),
            h2("La sous-traitance"),
            steps(
                (
                    "Déclarer le sous-traitant",
                    "Dans l'offre ou en cours d'exécution, avec le formulaire DC4 ou équivalent.",
                ),
                ("Obtenir l'acceptation de l'acheteur", "Et l'agrément de ses conditions de paiement."),
                (
                    "Paiement direct",
                    "Le sous-traitant de premier rang est payé directement par l'acheteur au-delà de 600 € TTC.",
                ),
            ),
            warning(
                "Ne sous-traitez pas sans déclaration",
                "Une sous-traitance non déclarée est une faute du titulaire qui peut justifier des pénalités, "
                "voire la résiliation du marché.",
            ),
            ref("dume-et-formulaires", "Les formulaires de candidature."),
        ],
    ),
    Guide(
        slug="poser-une-question",
        title="Poser une question à l'acheteur pendant la consultation",
        topic="repondre-a-un-appel-d-offres",
        summary=(
            "Une clause ambiguë, une quantité manquante ? Posez votre question à temps, par le canal prévu, "
            "et lisez les réponses faites à tous les candidats."
        ),
        tags=("entreprises", "dematerialisation"),
        owner=REGION,
        related=("lire-un-reglement-de-consultation", "questions-des-candidats"),
        body=[
            h2("Quand poser votre question"),
            p(
                "Le plus tôt possible. En appel d'offres ouvert, l'acheteur répond au plus tard six jours avant la "
                "date limite aux demandes reçues en temps utile ; en procédure adaptée, le règlement de la "
                "consultation fixe une date limite pour les questions."
            ),
            h2("Comment la formuler"),
            steps(
                ("Citer la pièce et l'article", "« CCTP, article 4.2 : la fréquence de nettoyage des vitres... »"),
                ("Une question par point", "Les réponses sont plus claires et plus rapides."),
                ("Proposer une interprétation", "« Faut-il comprendre que... ? » aide l'acheteur à trancher."),
                ("Passer par le canal prévu", "Le profil d'acheteur indiqué dans le règlement, pas le téléphone."),
            ),
            info(
                "Votre question est anonyme",
                "L'acheteur transmet la question et sa réponse à tous les candidats, sans dire qui l'a posée.",
            ),
            tip(
                "Relisez les réponses avant de déposer",
                "Les réponses aux questions complètent le DCE : une offre qui les ignore peut être irrégulière.",
            ),
            info(
                "Sur la plateforme",
                "Posez vos questions en ligne sur la page de l'avis, jusqu'à la date limite des questions ; "
                "les réponses sont publiées à toutes les entreprises, sans votre nom.",
            ),
        ],
    ),
    Guide(
        slug="deposer-une-offre-electronique",
        title="Déposer une offre électronique sans stress",
        topic="repondre-a-un-appel-d-offres",
        summary=(
            "Sur la plateforme, l'offre se dépose en ligne, chiffrée dès le premier octet : limites annoncées, envoi "
            "qui reprend après une coupure, accusé de réception avec empreintes SHA-256, remplacement ou retrait "
            "jusqu'à la date limite, registre public et ouverture. Entraînez-vous d'abord sur la consultation de test."
        ),
        tags=("entreprises", "dematerialisation", "plateforme"),
        owner=RENNES,
        reviewed_days_ago=5,
        review_in_days=150,
        related=("salle-des-marches-entreprises", "dematerialisation-acheteur", "lire-un-reglement-de-consultation"),
        body=[
            h2("Avant le jour J"),
            steps(
                (
                    "Vérifiez votre compte d'entreprise",
                    "Seuls les membres confirmés d'une entreprise inscrite déposent une offre : faites-vous "
                    "rattacher à votre entreprise dès maintenant, pas la veille.",
                ),
                (
                    "Entraînez-vous sur la consultation de test",
                    f'La <a href="{PRACTICE_URL}">consultation de test</a> est toujours ouverte : déposez-y une '
                    "offre d'essai, gardez l'accusé de réception, puis téléchargez vos fichiers déchiffrés quelques "
                    "minutes plus tard.",
                ),
                (
                    "Préparez des fichiers lisibles et bien nommés",
                    "PDF pour les pièces rédigées, tableur pour les prix si demandé ; « Lot2_Memoire_technique.pdf » "
                    "plutôt que « doc final v3 ».",
                ),
                ("Déposez la veille", "Un dépôt prend du temps : envoi, chiffrement, accusé de réception."),
            ),
            h2("Déposer sur la plateforme, pas à pas"),
            p(
                "La page de chaque avis annonce, avant tout envoi, les limites du dépôt : taille maximale par fichier "
                "et par offre, nombre de fichiers, types acceptés (PDF, documents bureautiques, tableurs, ZIP, "
                "images). Un fichier qui les dépasse est refusé avant d'être envoyé, avec la raison."
            ),
            steps(
                (
                    "Ouvrez « Mon offre » depuis la page de l'avis",
                    "Votre offre en préparation n'est visible que des membres de votre entreprise.",
                ),
                (
                    "Ajoutez vos fichiers",
                    "Pour chacun, choisissez le lot et la partie (candidature ou offre). L'envoi se fait par "
                    "morceaux : une connexion coupée reprend là où elle s'était arrêtée, sans tout renvoyer. Chaque "
                    "fichier est chiffré dès son premier octet.",
                ),
                (
                    "Relisez, puis déposez",
                    "Le récapitulatif liste les lots et les fichiers avec leur empreinte ; votre offre compte à "
                    "partir du moment où vous la déposez, à l'heure du serveur.",
                ),
                (
                    "Gardez l'accusé de réception",
                    "Il s'affiche aussitôt et vous est envoyé par e-mail, avec sa version PDF : numéro d'accusé, "
                    "heure de réception, empreinte SHA-256 de chaque fichier et empreinte de l'accusé lui-même.",
                ),
            ),
            tip(
                "Vérifier une empreinte",
                "L'empreinte SHA-256 dit exactement quel fichier a été reçu : comparez-la à celle de votre fichier "
                "(sha256sum sous Linux et macOS, certutil -hashfile FICHIER SHA256 sous Windows).",
            ),
            warning(
                "L'heure limite est l'heure de fin de réception",
                "C'est la fin de l'envoi et le dépôt qui comptent, à l'heure du serveur, pas le début du "
                "téléchargement : un envoi encore en cours à l'heure limite est refusé. Commencé à 11 h 58 pour une "
                "limite à 12 h, il peut arriver trop tard.",
            ),
            h3("Remplacer ou retirer avant la date limite"),
            p(
                "Jusqu'à la date limite, vous pouvez préparer une nouvelle offre : elle remplace la précédente au "
                "moment où vous la déposez, avec un nouvel accusé de réception, et seule la dernière déposée est "
                "ouverte. Vous pouvez aussi retirer votre offre : elle ne sera pas ouverte."
            ),
            h2("Après la date limite : le registre et l'ouverture"),
            p(
                "Avant la date limite, personne, ni l'acheteur ni la plateforme, ne peut lire votre offre ni savoir "
                "qu'elle existe.",
                "Dès la date limite, le registre public des dépôts de la consultation liste les numéros d'accusé, "
                "leur heure et l'empreinte de chaque accusé, enchaînés les uns aux autres, sans nom d'entreprise : "
                "chacun y vérifie que son accusé a bien été enregistré et que le registre n'a pas été modifié.",
                "Les acheteurs ouvrent ensuite les plis : les fichiers sont déchiffrés et chacun est comparé à "
                "l'empreinte de votre accusé de réception.",
            ),
            h2("Signer : quoi et quand"),
            p(
                "La signature électronique de l'offre au moment du dépôt n'est pas exigée par le code de la "
                "commande publique, sauf si le règlement de la consultation le prévoit. Si vous êtes retenu, vous "
                "signerez le marché à l'attribution. Un certificat de signature s'obtient auprès d'un prestataire "
                "qualifié : comptez plusieurs jours."
            ),
            h2("La copie de sauvegarde"),
            p(
                "Vous pouvez envoyer en parallèle une copie de sauvegarde, sur support physique ou électronique, "
                "dans les délais, avec la mention « copie de sauvegarde ». Elle n'est ouverte qu'en cas de problème "
                "sur l'offre électronique (virus, fichier illisible, offre non parvenue)."
            ),
            tip(
                "S'entraîner sans risque",
                f'La <a href="{PRACTICE_URL}">consultation de test</a> est une consultation permanente, clairement '
                "signalée, où aucun acheteur ne lit rien : déposez une offre d'essai, recevez l'accusé de réception, "
                "puis, quelques minutes après le dépôt, téléchargez vos fichiers déchiffrés et vérifiez qu'ils "
                "correspondent aux empreintes. Vous saurez que tout fonctionne avant le jour d'une vraie date limite.",
            ),
        ],
    ),
    Guide(
        slug="etre-paye",
        title="Être payé : avance, acomptes et délais de paiement",
        topic="repondre-a-un-appel-d-offres",
        summary=(
            "Les acheteurs publics paient dans des délais fixés par la loi, et les intérêts moratoires sont dus "
            "automatiquement en cas de retard. Avance, acomptes, factures sur Chorus Pro."
        ),
        tags=("entreprises", "execution"),
        owner=CHU_BREST,
        related=("repondre-en-groupement",),
        body=[
            h2("Les délais de paiement"),
            table(
                "Délais maximaux de paiement",
                ["Acheteur", "Délai"],
                ["État, collectivités territoriales et leurs établissements", "30 jours"],
                ["Établissements publics de santé", "50 jours"],
                ["Entreprises publiques", "60 jours"],
            ),
            p(
                "En cas de retard, les intérêts moratoires et une indemnité forfaitaire pour frais de recouvrement "
                "(40 €) sont dus de plein droit, sans que vous ayez à les demander."
            ),
            h2("Avance et acomptes"),
            p(
                ul(
                    "<b>Avance</b> : versée avant le début des prestations, elle est due dans les cas prévus par le "
                    "code (notamment pour les marchés de plus de 50 000 € HT et de plus de deux mois), à un taux "
                    "minimal fixé par le code, plus élevé pour les PME dans certains cas. Vérifiez le CCAP.",
                    "<b>Acomptes</b> : paiements en cours d'exécution, pour les prestations déjà réalisées.",
                )
            ),
            h2("Facturer"),
            steps(
                (
                    "Déposer la facture sur Chorus Pro",
                    "La facturation électronique est obligatoire envers les acheteurs publics.",
                ),
                ("Indiquer les références", "Numéro d'engagement ou de bon de commande, code service."),
                ("Suivre le traitement", "Chorus Pro affiche l'état de la facture et la date de mise en paiement."),
            ),
            tip(
                "Factures refusées",
                "La première cause de retard est une facture incomplète : reprenez exactement les références "
                "données dans le bon de commande.",
            ),
        ],
    ),
]
