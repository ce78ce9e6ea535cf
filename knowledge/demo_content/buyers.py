"""Guides for buyers: preparing a contract, choosing the procedure, the DCE, running the consultation."""

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

VERIFY = (
    "Les montants cités ici sont ceux en vigueur à la date de relecture du guide. Ils changent : les seuils "
    "européens sont révisés tous les deux ans par la Commission européenne et publiés dans l'avis annexé au "
    "code de la commande publique ; vérifiez toujours la valeur en vigueur le jour où vous lancez la consultation."
)

GUIDES = [
    Guide(
        slug="definir-son-besoin",
        title="Définir son besoin et estimer sa valeur",
        topic="preparer-un-marche",
        summary=(
            "Tout marché commence par un besoin défini avec précision et une estimation sincère de sa valeur : "
            "c'est elle qui détermine la procédure. Méthode, pièges du « saucissonnage » et sourçage."
        ),
        tags=("seuils", "procedures", "developpement-durable"),
        owner=RENNES,
        related=("seuils-de-procedure", "allotissement"),
        body=[
            p(
                "L'article L. 2111-1 du code de la commande publique (CCP) impose de déterminer la nature et "
                "l'étendue des besoins <b>avec précision</b> avant le lancement de la consultation, en prenant en "
                "compte des objectifs de développement durable dans leurs dimensions économique, sociale et "
                "environnementale."
            ),
            h2("Décrire le besoin, pas la solution"),
            p(
                "Décrivez ce que vous attendez (performances, résultats, contraintes du site, volumes) plutôt "
                "qu'un produit précis. Une spécification qui cite une marque ou un procédé sans la mention "
                "« ou équivalent » est irrégulière, sauf si l'objet du marché le justifie."
            ),
            h2("Estimer la valeur du besoin"),
            p(
                "La valeur estimée se calcule hors taxes, sur <b>toute la durée du marché, reconductions "
                "comprises</b>, options incluses. Pour les fournitures et services, additionnez les achats "
                "homogènes (mêmes caractéristiques) ou formant une unité fonctionnelle ; pour les travaux, "
                "l'ensemble de l'opération."
            ),
            table(
                "Exemples d'estimation",
                ["Besoin", "Calcul", "Valeur estimée"],
                ["Nettoyage de la mairie, 1 an reconductible 3 fois", "4 × 38 000 € HT", "152 000 € HT"],
                ["Fournitures de bureau de tous les services, 2 ans", "2 × 25 000 € HT", "50 000 € HT"],
                ["Réfection d'une école en 4 lots", "somme des 4 lots", "valeur de l'opération"],
            ),
            warning(
                "Le saucissonnage est interdit",
                "Découper artificiellement un besoin pour rester sous un seuil (commander le même service en "
                "plusieurs fois dans l'année, séparer des prestations homogènes) est irrégulier et expose le "
                "marché à l'annulation.",
            ),
            h2("Échanger avec les entreprises avant de lancer : le sourçage"),
            p(
                "L'article R. 2111-1 du CCP autorise les études et échanges préalables avec les opérateurs "
                "économiques pour préparer la passation, à condition de ne pas fausser la concurrence ni "
                "violer l'égalité de traitement."
            ),
            steps(
                ("Annoncer la démarche", "Un court avis de sourçage, ou des rencontres ouvertes à tous."),
                ("Poser les mêmes questions à chacun", "Tracez les échanges dans un compte rendu."),
                ("Ne rien promettre", "Aucune entreprise ne doit en tirer d'information privilégiée."),
                ("Partager ce qui sert à tous", "Les informations utiles figurent ensuite dans le DCE."),
            ),
            ref("seuils-de-procedure", "Comparer la valeur estimée aux seuils en vigueur."),
        ],
    ),
    Guide(
        slug="allotissement",
        title="Allotir son marché : la règle et ses exceptions",
        topic="preparer-un-marche",
        summary=(
            "Les marchés sont passés en lots séparés, sauf exception motivée. Comment découper, combien de lots "
            "par entreprise, et quand justifier un marché global."
        ),
        tags=("dce", "procedures", "entreprises"),
        owner=REGION,
        related=("definir-son-besoin", "contenu-du-dce"),
        body=[
            quote(
                "Les marchés sont passés en lots séparés, sauf si leur objet ne permet pas l'identification de "
                "prestations distinctes.",
                "Code de la commande publique, article L. 2113-10",
            ),
            h2("Pourquoi allotir"),
            p(
                "L'allotissement ouvre le marché aux PME et aux artisans, qui peuvent répondre sur le lot qui "
                "correspond à leur métier. Il permet aussi de mieux comparer les offres, prestation par prestation."
            ),
            h2("Comment découper"),
            p(
                "Le découpage peut être technique (un lot par corps d'état : gros œuvre, électricité, plomberie) "
                "ou géographique (un lot par secteur du territoire). Chaque lot est un marché distinct, attribué "
                "à l'offre économiquement la plus avantageuse pour ce lot."
            ),
            tip(
                "Limiter le nombre de lots par attributaire",
                "Le règlement de la consultation peut limiter le nombre de lots qu'une même entreprise peut "
                "remporter, à condition de fixer à l'avance la règle de choix entre ses offres.",
            ),
            h2("Les exceptions"),
            p(
                "L'acheteur peut passer un marché global s'il n'est pas en mesure d'assurer lui-même les missions "
                "d'organisation, de pilotage et de coordination, ou si la dévolution en lots risque de restreindre "
                "la concurrence ou de rendre l'exécution techniquement difficile ou plus coûteuse. Il motive ce "
                "choix dans les documents du marché."
            ),
            warning(
                "Motivez par écrit",
                "Un refus d'allotir non motivé est l'un des motifs d'annulation les plus fréquents devant le "
                "juge des référés.",
            ),
            ref("contenu-du-dce", "Où décrire les lots dans le dossier de consultation."),
        ],
    ),
    Guide(
        slug="seuils-de-procedure",
        title="Les seuils de la commande publique en 2026-2027",
        topic="choisir-la-procedure",
        summary=(
            "Seuil de dispense, seuils de publicité, seuils européens de procédure formalisée : le tableau de "
            "référence, et comment s'en servir sans se tromper."
        ),
        tags=("seuils", "mapa", "procedures"),
        owner=RENNES,
        reviewed_days_ago=20,
        review_in_days=45,
        related=("achats-sans-publicite", "mapa-mode-d-emploi", "appel-d-offres-ouvert"),
        body=[
            info("Valeurs à vérifier", VERIFY),
            h2("Les seuils européens de procédure formalisée"),
            p(
                "Au-delà de ces montants, une procédure formalisée (appel d'offres, procédure avec négociation, "
                "dialogue compétitif) et une publicité au Journal officiel de l'Union européenne (JOUE) sont "
                "obligatoires. Pour 2026 et 2027, les règlements délégués de la Commission ont fixé :"
            ),
            table(
                "Seuils européens applicables du 1er janvier 2026 au 31 décembre 2027 (montants HT)",
                ["Type de marché", "2024-2025", "2026-2027"],
                ["Fournitures et services de l'État", "143 000 €", "140 000 €"],
                ["Fournitures et services des collectivités et hôpitaux", "221 000 €", "216 000 €"],
                ["Fournitures et services des entités adjudicatrices", "443 000 €", "432 000 €"],
                ["Travaux (tous acheteurs)", "5 538 000 €", "5 404 000 €"],
            ),
            h2("Les seuils nationaux"),
            h3("Dispense de publicité et de mise en concurrence"),
            p(
                "En dessous du seuil de l'article R. 2122-8 du CCP, l'acheteur peut conclure sans publicité ni "
                "mise en concurrence. Fixé à 40 000 € HT depuis 2020, il a été relevé par le décret n° 2025-1386 : "
                "<b>100 000 € HT pour les travaux</b> (depuis le 1er janvier 2026) et <b>60 000 € HT pour les "
                "fournitures et services</b> (consultations lancées depuis le 1er avril 2026)."
            ),
            h3("Publicité des procédures adaptées"),
            p(
                "De 90 000 € HT au seuil européen, l'avis est publié au BOAMP ou dans un journal d'annonces "
                "légales, et sur le profil d'acheteur. En dessous de 90 000 € HT, la publicité est libre et "
                "adaptée au besoin. Au-delà du seuil de dispense, les documents de la consultation sont mis à "
                "disposition sur le profil d'acheteur et les échanges sont électroniques."
            ),
            warning(
                "Quelle date compte ?",
                "C'est la date d'envoi de l'avis d'appel à la concurrence (ou, sans avis, du lancement de la "
                "consultation) qui détermine les règles applicables, pas la date de notification.",
            ),
            ref("achats-sans-publicite", "Ce qui reste obligatoire sous le seuil de dispense."),
            ref("mapa-mode-d-emploi", "Entre le seuil de dispense et le seuil européen."),
        ],
    ),
    Guide(
        slug="achats-sans-publicite",
        title="Acheter sans publicité ni mise en concurrence : ce qui reste obligatoire",
        topic="choisir-la-procedure",
        summary=(
            "Sous le seuil de dispense, pas de procédure imposée, mais trois obligations et quelques réflexes "
            "pour acheter bien et pouvoir le justifier."
        ),
        tags=("seuils", "mapa"),
        owner=CHU_BREST,
        related=("seuils-de-procedure", "definir-son-besoin"),
        body=[
            p(
                "L'article R. 2122-8 du CCP permet de passer un marché sans publicité ni mise en concurrence "
                "préalables lorsque la valeur estimée du besoin est inférieure au seuil de dispense. Ce n'est pas "
                "une zone sans règles."
            ),
            h2("Les trois obligations du code"),
            steps(
                (
                    "Choisir une offre pertinente",
                    "L'offre doit répondre au besoin défini, pas seulement être disponible.",
                ),
                ("Faire une bonne utilisation des deniers publics", "Le prix doit être cohérent avec le marché."),
                (
                    "Ne pas contracter systématiquement avec le même opérateur",
                    "Lorsque plusieurs entreprises peuvent répondre, faites tourner vos fournisseurs.",
                ),
            ),
            h2("Les bons réflexes"),
            p(
                ul(
                    "Demandez deux ou trois devis dès que le montant le justifie : c'est la meilleure preuve.",
                    "Gardez une trace écrite du choix (courriel, note d'une ligne) dans le dossier.",
                    "Vérifiez la valeur <b>annuelle cumulée</b> des achats homogènes : ce n'est pas le montant "
                    "de la facture qui compte.",
                )
            ),
            warning(
                "Le seuil s'apprécie sur le besoin, pas sur la commande",
                "Trois commandes de 25 000 € HT de la même fourniture dans l'année forment un besoin de 75 000 € HT.",
            ),
            tip(
                "Pensez aux PME locales",
                "Sous le seuil, rien n'empêche de consulter des entreprises du territoire, à condition que le "
                "choix reste fondé sur l'offre.",
            ),
            ref("seuils-de-procedure", "Les montants en vigueur."),
        ],
    ),
    Guide(
        slug="mapa-mode-d-emploi",
        title="La procédure adaptée (MAPA) pas à pas",
        topic="choisir-la-procedure",
        summary=(
            "Entre le seuil de dispense et les seuils européens, l'acheteur fixe lui-même les règles de la "
            "procédure adaptée. Ce qu'il peut choisir, ce qu'il doit respecter, et les étapes."
        ),
        tags=("mapa", "procedures", "dce"),
        owner=RENNES,
        reviewed_days_ago=330,
        review_in_days=5,
        related=("seuils-de-procedure", "procedure-avec-negociation", "criteres-et-ponderation"),
        body=[
            p(
                "Dans une procédure adaptée, l'acheteur « détermine les modalités de la procédure en fonction de "
                "la nature et des caractéristiques du besoin, du nombre ou de la localisation des opérateurs "
                "économiques susceptibles d'y répondre et des circonstances de l'achat » (article R. 2123-4 du CCP)."
            ),
            h2("Quand recourir au MAPA"),
            p(
                ul(
                    "En raison du montant : valeur estimée inférieure aux seuils européens.",
                    "En raison de l'objet : certains services sociaux et services spécifiques, quel que soit "
                    "le montant, dans les conditions du code.",
                    "Pour les « petits lots » d'une opération allotie, dans les limites fixées par le code.",
                )
            ),
            h2("Les étapes"),
            steps(
                ("Définir le besoin et l'estimer", "La valeur estimée fixe la publicité à faire."),
                (
                    "Rédiger un DCE proportionné",
                    "Règlement de consultation, cahier des charges, acte d'engagement, prix.",
                ),
                ("Publier", "Publicité adaptée sous 90 000 € HT ; BOAMP ou JAL et profil d'acheteur au-delà."),
                ("Laisser un délai raisonnable", "Adapté à la complexité : trois semaines sont un minimum courant."),
                ("Analyser et, si prévu, négocier", "Avec les candidats annoncés dans le règlement."),
                ("Informer les candidats non retenus", "Puis signer et notifier le marché."),
            ),
            tip(
                "Négocier en MAPA",
                "La négociation est possible si le règlement de la consultation l'a prévue : précisez si vous "
                "vous réservez la possibilité d'attribuer sans négocier.",
            ),
            warning(
                "Les principes s'appliquent toujours",
                "Liberté d'accès, égalité de traitement des candidats, transparence des procédures : un MAPA "
                "mal conduit s'annule comme un appel d'offres.",
            ),
            ref("procedure-avec-negociation", "Bien conduire une négociation."),
        ],
    ),
    Guide(
        slug="appel-d-offres-ouvert",
        title="L'appel d'offres ouvert : délais et étapes",
        topic="choisir-la-procedure",
        summary=(
            "La procédure formalisée la plus courante : publicité européenne, délai minimal de 35 jours, pas de "
            "négociation. Le calendrier type et les points de vigilance."
        ),
        tags=("procedures", "dematerialisation", "seuils"),
        owner=REGION,
        related=("seuils-de-procedure", "questions-des-candidats", "attribuer-et-informer-les-candidats"),
        body=[
            p(
                "Dans l'appel d'offres ouvert, tout opérateur intéressé peut remettre une offre. L'acheteur choisit "
                "sur la base de critères objectifs portés à la connaissance des candidats, <b>sans négociation</b>."
            ),
            h2("Les délais minimaux"),
            table(
                "Délais de l'appel d'offres ouvert",
                ["Étape", "Délai", "Observation"],
                ["Réception des offres", "35 jours minimum", "à compter de l'envoi de l'avis au JOUE"],
                ["Avec avis de préinformation ou urgence justifiée", "réductible", "dans les cas prévus par le code"],
                ["Renseignements complémentaires", "6 jours avant la date limite", "si la demande arrive à temps"],
                ["Suspension avant signature", "11 jours", "après l'envoi de la décision de rejet"],
            ),
            h2("Les étapes"),
            steps(
                ("Publier l'avis", "Au JOUE et au BOAMP, DCE en accès libre sur le profil d'acheteur."),
                ("Répondre aux questions", "Réponse à tous les candidats, au plus tard 6 jours avant la date limite."),
                ("Ouvrir les plis", "Après la date limite ; aucune offre hors délai n'est acceptée."),
                ("Analyser candidatures et offres", "Les offres irrégulières peuvent être régularisées si prévu."),
                ("Réunir la commission d'appel d'offres", "Pour les collectivités, elle choisit l'attributaire."),
                ("Informer les évincés et respecter le délai de suspension", "Puis signer et notifier."),
            ),
            info(
                "Pas de négociation",
                "L'acheteur peut seulement demander des précisions sur une offre, sans la modifier. S'il veut "
                "négocier, il doit choisir une procédure qui le permet.",
            ),
            ref("questions-des-candidats", "Répondre aux questions pendant la consultation."),
            ref("attribuer-et-informer-les-candidats", "Attribution et délai de suspension."),
        ],
    ),
    Guide(
        slug="procedure-avec-negociation",
        title="Négocier : MAPA, procédure avec négociation et marchés sans publicité",
        topic="choisir-la-procedure",
        summary=(
            "Quand la négociation est permise, comment la conduire à égalité entre candidats, et les cas "
            "où l'on peut négocier directement avec une seule entreprise."
        ),
        tags=("procedures", "mapa", "analyse-des-offres"),
        owner=CHU_BREST,
        audience="members",
        related=("mapa-mode-d-emploi", "criteres-et-ponderation"),
        body=[
            h2("Où la négociation est possible"),
            table(
                "La négociation selon la procédure",
                ["Procédure", "Négociation", "Condition"],
                ["Procédure adaptée", "oui", "si le règlement de la consultation le prévoit"],
                ["Appel d'offres", "non", "seules des précisions peuvent être demandées"],
                ["Procédure avec négociation", "oui", "cas limitativement énumérés par le code"],
                [
                    "Marché sans publicité ni mise en concurrence",
                    "oui",
                    "cas prévus par le code (urgence impérieuse, procédure infructueuse, exclusivité...)",
                ],
            ),
            h2("Conduire la négociation"),
            steps(
                ("Annoncer les règles", "Critères, nombre de tours, possibilité d'attribuer sans négocier."),
                ("Traiter chacun de la même façon", "Mêmes informations, même calendrier pour tous les candidats."),
                ("Ne jamais révéler l'offre d'un concurrent", "Ni son prix, ni ses solutions techniques."),
                ("Garder une trace", "Comptes rendus de chaque échange, versés au dossier."),
                ("Demander des offres finales", "À date fixe, puis analyser selon les critères annoncés."),
            ),
            warning(
                "Les exigences minimales ne se négocient pas",
                "Les exigences minimales et les critères d'attribution annoncés ne peuvent pas être modifiés "
                "au cours de la négociation.",
            ),
            quote(
                "Nous négocions d'abord les délais et les conditions d'exécution : le prix suit souvent de lui-même.",
                "Un acheteur hospitalier du Finistère",
            ),
            ref("criteres-et-ponderation", "Les critères restent le cadre de la négociation."),
        ],
    ),
    Guide(
        slug="accords-cadres",
        title="Accords-cadres et bons de commande",
        topic="choisir-la-procedure",
        summary=(
            "Acheter des besoins récurrents sans en connaître les quantités exactes : accord-cadre à bons de "
            "commande ou à marchés subséquents, durée maximale et montant maximal obligatoire."
        ),
        tags=("procedures", "execution"),
        owner=REGION,
        audience="members",
        related=("groupement-de-commandes", "definir-son-besoin"),
        body=[
            p(
                "L'accord-cadre fixe les règles d'achats répétés pendant une durée donnée. Il s'exécute par "
                "<b>bons de commande</b> (prix et conditions fixés dès l'origine) ou par <b>marchés subséquents</b> "
                "(remise en concurrence des titulaires au moment du besoin)."
            ),
            h2("Les règles à connaître"),
            p(
                ul(
                    "Durée maximale : 4 ans pour les pouvoirs adjudicateurs, 8 ans pour les entités "
                    "adjudicatrices, sauf cas justifiés.",
                    "Un <b>montant ou une quantité maximale</b> est obligatoire depuis le 1er janvier 2022 : une "
                    "fois atteint, l'accord-cadre cesse de produire ses effets.",
                    "Un minimum est possible, sans être obligatoire.",
                    "Mono-attributaire ou multi-attributaires : à décider dès la consultation.",
                )
            ),
            tip(
                "Estimer le maximum",
                "Partez de la consommation des années passées, ajoutez une marge argumentée et documentez le "
                "calcul : c'est ce maximum qui sert à déterminer la procédure.",
            ),
            h2("Bons de commande ou marchés subséquents ?"),
            table(
                "Deux façons d'exécuter un accord-cadre",
                ["", "Bons de commande", "Marchés subséquents"],
                ["Prix", "fixés dans l'accord-cadre (BPU)", "fixés à chaque remise en concurrence"],
                ["Souplesse", "faible, mais rapide", "forte, pour les besoins qui évoluent"],
                ["Exemples", "fournitures de bureau, petit entretien", "informatique, prestations intellectuelles"],
            ),
            ref("groupement-de-commandes", "Un accord-cadre se prête bien à l'achat à plusieurs."),
        ],
    ),
    Guide(
        slug="contenu-du-dce",
        title="Le contenu d'un DCE : RC, CCAP, CCTP, AE, BPU et DQE",
        topic="rediger-le-dce",
        summary=(
            "Le dossier de consultation des entreprises (DCE) rassemble tout ce dont un candidat a besoin pour "
            "répondre. Le rôle de chaque pièce et l'ordre dans lequel les rédiger."
        ),
        tags=("dce", "entreprises"),
        owner=RENNES,
        related=(
            "rediger-le-reglement-de-consultation",
            "criteres-et-ponderation",
            "lire-un-reglement-de-consultation",
        ),
        body=[
            h2("Les pièces du DCE"),
            table(
                "Les pièces usuelles d'un DCE",
                ["Pièce", "Rôle", "Contractuelle ?"],
                ["RC — règlement de la consultation", "règles du jeu : délais, pièces à fournir, critères", "non"],
                ["AE — acte d'engagement (formulaire ATTRI1)", "l'offre signée de l'attributaire", "oui"],
                [
                    "CCAP — clauses administratives particulières",
                    "prix, délais, pénalités, paiement, résiliation",
                    "oui",
                ],
                ["CCTP — clauses techniques particulières", "ce qu'il faut livrer ou exécuter", "oui"],
                ["BPU — bordereau des prix unitaires", "le prix de chaque prestation", "oui"],
                [
                    "DQE — détail quantitatif estimatif",
                    "quantités fictives pour comparer les offres",
                    "non, en général",
                ],
                ["DPGF — décomposition du prix global et forfaitaire", "pour les prix forfaitaires", "selon le CCAP"],
            ),
            h2("Dans quel ordre les rédiger"),
            steps(
                ("Le CCTP", "Le besoin décrit en premier : le reste en découle."),
                ("Le cadre de prix", "BPU et DQE, ou DPGF, cohérents avec le CCTP."),
                ("Le CCAP", "En s'appuyant sur le CCAG adapté (travaux, fournitures courantes et services, etc.)."),
                ("Le RC", "Enfin, les règles de la consultation et les critères."),
            ),
            h3("Les cahiers des clauses administratives générales"),
            p(
                "Les CCAG (travaux, fournitures courantes et services, prestations intellectuelles, techniques de "
                "l'information et de la communication, marchés industriels, maîtrise d'œuvre) s'appliquent si le "
                "marché s'y réfère. Le CCAP liste les articles auxquels il déroge."
            ),
            warning(
                "Cohérence des pièces",
                "Une contradiction entre CCTP et BPU est la première source de questions des candidats et "
                "d'offres irrégulières. Faites relire le DCE par un collègue qui n'a pas participé à sa rédaction.",
            ),
            ref("rediger-le-reglement-de-consultation"),
            ref("lire-un-reglement-de-consultation", "Le même dossier vu par les entreprises."),
        ],
    ),
    Guide(
        slug="rediger-le-reglement-de-consultation",
        title="Rédiger le règlement de la consultation",
        topic="rediger-le-dce",
        summary=(
            "Le règlement de la consultation fixe les règles du jeu. Les rubriques indispensables et les "
            "formulations qui évitent les offres irrégulières."
        ),
        tags=("dce", "procedures"),
        owner=REGION,
        audience="buyers",
        related=("contenu-du-dce", "criteres-et-ponderation"),
        body=[
            h2("Les rubriques indispensables"),
            p(
                ul(
                    "Objet, allotissement, durée et forme du marché (ordinaire, accord-cadre).",
                    "Variantes autorisées ou interdites, prestations supplémentaires éventuelles.",
                    "Contenu du dossier de candidature et de l'offre, pièce par pièce.",
                    "Date et heure limites de remise, adresse du profil d'acheteur.",
                    "Critères d'attribution et leur pondération, et les sous-critères s'il y en a.",
                    "Négociation possible ou non (en procédure adaptée), régularisation des offres.",
                    "Modalités pour poser des questions et date limite de réponse.",
                )
            ),
            h2("Les pièces de l'offre : demander peu, mais clairement"),
            p(
                "Chaque pièce demandée doit servir à juger la candidature ou l'offre. Un mémoire technique "
                "structuré selon vos sous-critères facilite la comparaison des offres et la réponse des PME."
            ),
            tip(
                "Un cadre de mémoire technique",
                "Fournissez un cadre de réponse reprenant vos sous-critères, avec un nombre de pages indicatif : "
                "les offres deviennent comparables et l'analyse plus rapide.",
            ),
            warning(
                "Ne demandez pas ce que vous pouvez obtenir vous-même",
                "Les documents disponibles gratuitement en ligne (extrait Kbis, attestations accessibles par "
                "un espace sécurisé) n'ont pas à être fournis si le candidat indique où les trouver.",
            ),
            ref("criteres-et-ponderation"),
        ],
    ),
    Guide(
        slug="criteres-et-ponderation",
        title="Choisir et pondérer les critères d'attribution",
        topic="rediger-le-dce",
        summary=(
            "Le marché est attribué à l'offre économiquement la plus avantageuse selon des critères liés à "
            "l'objet du marché, annoncés et pondérés. Exemples de pondérations et méthode de notation du prix."
        ),
        tags=("analyse-des-offres", "dce", "developpement-durable"),
        owner=RENNES,
        related=("loi-climat-et-resilience", "offre-anormalement-basse", "memoire-technique"),
        body=[
            p(
                "Les critères doivent être liés à l'objet du marché ou à ses conditions d'exécution, non "
                "discriminatoires, et permettre une comparaison objective des offres. En procédure formalisée, "
                "ils sont pondérés ou, si la pondération est impossible, hiérarchisés."
            ),
            h2("Critères courants"),
            table(
                "Exemples de pondération",
                ["Marché", "Prix", "Valeur technique", "Environnement"],
                ["Fournitures de bureau", "50 %", "30 %", "20 %"],
                ["Nettoyage des locaux", "40 %", "45 %", "15 %"],
                ["Études de maîtrise d'œuvre", "30 %", "60 %", "10 %"],
            ),
            info(
                "Un critère environnemental dans chaque marché",
                "Depuis l'entrée en vigueur de la loi Climat et résilience (au plus tard en août 2026), au moins "
                "un critère prend en compte les caractéristiques environnementales de l'offre.",
            ),
            h2("Noter le prix"),
            p(
                "La formule la plus répandue est proportionnelle : note = note maximale × (prix le plus bas / prix "
                "de l'offre). Annoncez la formule dans le règlement de la consultation ; évitez les formules qui "
                "écrasent les écarts ou neutralisent le critère prix."
            ),
            h2("Noter la valeur technique"),
            p(
                "Découpez-la en sous-critères annoncés (méthodologie, moyens humains, organisation, engagements "
                "de délai) et notez chacun sur une échelle décrite à l'avance, par exemple de 0 (absent) à 4 "
                "(très satisfaisant)."
            ),
            warning(
                "Pas de critère caché",
                "Tout sous-critère qui pèse sur le classement doit être porté à la connaissance des candidats.",
            ),
            ref("offre-anormalement-basse", "Quand une offre est trop basse pour être sérieuse."),
        ],
    ),
    Guide(
        slug="cctp-nettoyage-des-locaux",
        title="Exemple commenté : le CCTP d'un marché de nettoyage des locaux",
        topic="rediger-le-dce",
        summary=(
            "Le besoin le plus souvent demandé sur la plateforme : structure d'un cahier des clauses techniques "
            "pour le nettoyage, fréquences par type de local, produits, personnel et contrôle de la qualité."
        ),
        tags=("dce", "developpement-durable", "execution"),
        owner=RENNES,
        audience="members",
        related=("contenu-du-dce", "clauses-sociales", "criteres-et-ponderation"),
        body=[
            p(
                "Cet exemple s'appuie sur les marchés de nettoyage de plusieurs communes bretonnes. Adaptez les "
                "surfaces et les fréquences à vos bâtiments : c'est là que se joue la qualité des offres."
            ),
            h2("Structure conseillée"),
            steps(
                ("Description des sites", "Adresse, surfaces par type de local, horaires d'accès, contraintes."),
                ("Prestations et fréquences", "Un tableau par site, prestation par prestation."),
                ("Produits et matériels", "Écolabels, dosage, matériel de microfibre, stockage."),
                ("Personnel", "Reprise du personnel selon la convention collective, formation, encadrement."),
                ("Contrôle de la qualité", "Grille de contrôle contradictoire, fréquence, pénalités au CCAP."),
            ),
            h2("Fréquences par type de local"),
            table(
                "Exemple de fréquences",
                ["Local", "Fréquence", "Prestations"],
                ["Bureaux", "2 fois par semaine", "sols, poubelles, points de contact"],
                ["Sanitaires", "quotidienne", "désinfection, consommables"],
                ["Halls et circulations", "quotidienne", "sols, vitres d'entrée"],
                ["Vitrerie intérieure", "trimestrielle", "vitres accessibles sans nacelle"],
            ),
            h3("Produits et environnement"),
            p(
                "Exigez des produits porteurs d'un écolabel (Écolabel européen ou équivalent) et des méthodes "
                "économes en eau. Le nettoyage en journée, quand il est possible, améliore les conditions de "
                "travail des agents d'entretien."
            ),
            info(
                "Reprise du personnel",
                "La convention collective des entreprises de propreté prévoit des règles de reprise du personnel "
                "affecté au site en cas de changement de prestataire : indiquez dans le DCE les effectifs et "
                "horaires actuels, sans données personnelles.",
            ),
            ref("clauses-sociales", "Ce marché se prête bien à une clause d'insertion."),
        ],
    ),
    Guide(
        slug="dume-et-formulaires",
        title="DUME, DC1, DC2 : les pièces de candidature",
        topic="rediger-le-dce",
        summary=(
            "Pour candidater, les entreprises utilisent les formulaires DC1 et DC2 ou le document unique de "
            "marché européen (DUME). Ce que l'acheteur peut exiger et ce qu'il doit accepter."
        ),
        tags=("dce", "entreprises", "dematerialisation"),
        owner=CHU_BREST,
        reviewed_days_ago=420,
        review_in_days=-10,
        related=("contenu-du-dce", "repondre-en-groupement"),
        body=[
            h2("Les formulaires"),
            table(
                "Les formulaires de candidature",
                ["Formulaire", "Contenu"],
                ["DC1 — lettre de candidature", "identité du candidat ou du groupement, déclaration sur l'honneur"],
                ["DC2 — déclaration du candidat", "capacités économiques, financières, techniques et professionnelles"],
                ["DUME", "document européen qui remplace DC1 et DC2, réutilisable d'une consultation à l'autre"],
                [
                    "DC4 — déclaration de sous-traitance",
                    "présentation d'un sous-traitant à l'acceptation de l'acheteur",
                ],
            ),
            p(
                "Les formulaires DC1 et DC2, proposés par la direction des affaires juridiques du ministère de "
                "l'Économie, ne sont pas obligatoires : le candidat peut présenter sa candidature autrement s'il "
                "fournit les mêmes informations. L'acheteur doit en revanche <b>accepter le DUME</b>."
            ),
            h2("Ce que l'acheteur peut demander"),
            p(
                "Des niveaux minimaux de capacité liés et proportionnés à l'objet du marché. Le chiffre d'affaires "
                "minimal exigé est plafonné par le code (il a été abaissé à une fois et demie le montant du marché "
                "par le décret n° 2025-1386) ; vérifiez le plafond en vigueur."
            ),
            tip(
                "« Dites-le nous une fois »",
                "Le candidat n'a pas à fournir les documents que l'acheteur peut obtenir directement par un "
                "système d'information ou un espace de stockage numérique, s'il indique comment y accéder.",
            ),
            warning(
                "Les attestations de l'attributaire",
                "Seul l'attributaire pressenti doit produire les attestations fiscales et sociales ; fixez-lui un "
                "délai raisonnable, faute de quoi son offre est rejetée et l'offre suivante examinée.",
            ),
            ref("repondre-en-groupement", "Candidature d'un groupement et sous-traitance."),
        ],
    ),
    Guide(
        slug="questions-des-candidats",
        title="Répondre aux questions des candidats pendant la consultation",
        topic="conduire-la-consultation",
        summary=(
            "Les renseignements complémentaires : à qui répondre, dans quels délais, et quand modifier le "
            "dossier ou reporter la date limite."
        ),
        tags=("procedures", "dematerialisation", "dce"),
        owner=REGION,
        audience="buyers",
        related=("appel-d-offres-ouvert", "poser-une-question"),
        body=[
            h2("Les délais"),
            p(
                "En appel d'offres ouvert, l'acheteur envoie les renseignements complémentaires <b>six jours au "
                "plus tard</b> avant la date limite de réception des offres, pour les demandes présentées en "
                "temps utile (quatre jours en cas d'urgence). En procédure adaptée, le règlement de la consultation "
                "fixe ces délais : fixez une date limite de questions, par exemple dix jours avant la date limite."
            ),
            h2("La méthode"),
            steps(
                ("Anonymiser la question", "Ne révélez jamais qui l'a posée."),
                ("Répondre à tous", "La question et la réponse sont communiquées à tous les candidats."),
                ("Vérifier l'impact sur le DCE", "Une réponse qui change le dossier est une modification du DCE."),
                (
                    "Reporter la date limite si nécessaire",
                    "Si la modification est importante, ou si la réponse est tardive.",
                ),
            ),
            warning(
                "Modifier le DCE en cours de consultation",
                "Les modifications de détail sont possibles jusqu'à quelques jours avant la date limite fixée "
                "dans le règlement. Au-delà, ou si la modification est substantielle, reportez la date limite, "
                "voire relancez la procédure.",
            ),
            tip(
                "Une question, c'est un signal",
                "Plusieurs questions sur le même point révèlent souvent une ambiguïté du DCE : clarifiez-la pour "
                "tous plutôt que de répondre au cas par cas.",
            ),
            info(
                "Sur la plateforme",
                "Les questions et réponses des consultations se gèrent directement sur la plateforme, depuis la "
                "page de l'avis : vous répondez, la réponse est publiée à tous sans le nom de l'entreprise.",
            ),
            ref("poser-une-question", "Le même sujet côté entreprises."),
        ],
    ),
    Guide(
        slug="offre-anormalement-basse",
        title="Détecter et traiter une offre anormalement basse",
        topic="conduire-la-consultation",
        summary=(
            "Une offre trop basse met en péril l'exécution du marché. L'acheteur doit demander des explications "
            "avant de la rejeter ; méthode de détection et exemples de justifications recevables."
        ),
        tags=("analyse-des-offres", "procedures"),
        owner=CHU_BREST,
        audience="buyers",
        related=("criteres-et-ponderation", "attribuer-et-informer-les-candidats"),
        body=[
            p(
                "Le code de la commande publique impose à l'acheteur qui soupçonne une offre d'être anormalement "
                "basse de demander par écrit des précisions et justifications au candidat. Il ne peut pas la rejeter "
                "sans cet échange ; il la rejette si les justifications ne sont pas satisfaisantes."
            ),
            h2("Détecter"),
            p(
                ul(
                    "Comparez à votre estimation et à la moyenne des offres : un écart de 20 à 30 % doit alerter.",
                    "Regardez le détail : une offre peut être normale au total et anormale sur un poste clé.",
                    "Vérifiez les heures de main-d'œuvre et le coût horaire minimal (salaires conventionnels).",
                )
            ),
            h2("Traiter"),
            steps(
                ("Écrire au candidat", "Questions précises, délai de réponse raisonnable."),
                ("Examiner les justifications", "Procédé économique, conditions favorables, originalité de l'offre..."),
                ("Décider et motiver", "Retenir l'offre ou la rejeter, par une décision motivée versée au dossier."),
            ),
            warning(
                "Rejet obligatoire dans certains cas",
                "L'offre est rejetée si elle est anormalement basse parce qu'elle ne respecte pas les obligations "
                "en matière de droit de l'environnement, social et du travail.",
            ),
            quote(
                "Le prix le plus bas n'est pas toujours la meilleure affaire : une entreprise qui perd de l'argent "
                "sur votre marché finit par vous le faire payer.",
                "Direction des achats, CHU de Brest",
            ),
        ],
    ),
    Guide(
        slug="attribuer-et-informer-les-candidats",
        title="Attribuer le marché et informer les candidats évincés",
        topic="conduire-la-consultation",
        summary=(
            "Après le choix de l'offre : informer les candidats non retenus, respecter le délai de suspension, "
            "signer, notifier et publier l'avis d'attribution."
        ),
        tags=("procedures", "analyse-des-offres"),
        owner=RENNES,
        related=("appel-d-offres-ouvert", "offre-anormalement-basse"),
        body=[
            h2("Les étapes après le choix"),
            steps(
                ("Obtenir les pièces de l'attributaire", "Attestations fiscales et sociales, certificats demandés."),
                (
                    "Informer les candidats évincés",
                    "Motifs du rejet et, en procédure formalisée, nom de l'attributaire, "
                    "caractéristiques et avantages de son offre.",
                ),
                (
                    "Respecter le délai de suspension",
                    "En procédure formalisée : 11 jours entre l'envoi de la décision "
                    "de rejet et la signature (16 jours si l'envoi n'est pas électronique).",
                ),
                ("Signer et notifier le marché", "La notification fait démarrer le marché."),
                ("Publier l'avis d'attribution", "Dans les 30 jours en procédure formalisée."),
            ),
            info(
                "Et si l'attributaire se désiste ?",
                "Depuis le décret n° 2025-1386, l'acheteur peut, avant la notification, retenir l'offre classée en "
                "second lorsque l'attributaire ne peut pas exécuter le marché.",
            ),
            h2("Répondre aux demandes des candidats"),
            p(
                "Un candidat évincé peut demander les motifs détaillés du rejet. Communiquez les notes et "
                "appréciations le concernant et celles de l'attributaire, sans révéler le secret des affaires "
                "(prix détaillés, savoir-faire)."
            ),
            warning(
                "Le délai de suspension protège le marché",
                "Signer avant son expiration expose le contrat au référé contractuel.",
            ),
        ],
    ),
    Guide(
        slug="dematerialisation-acheteur",
        title="Dématérialisation : ce que l'acheteur doit faire",
        topic="conduire-la-consultation",
        summary=(
            "Profil d'acheteur, échanges électroniques, signature, données essentielles : les obligations de la "
            "dématérialisation et ce qui reste au choix de l'acheteur."
        ),
        tags=("dematerialisation", "procedures", "seuils"),
        owner=REGION,
        related=("deposer-une-offre-electronique", "seuils-de-procedure"),
        body=[
            h2("Les obligations"),
            p(
                ul(
                    "Au-delà du seuil de dispense, pour les consultations avec avis de publicité : documents de la "
                    "consultation gratuits et en accès libre sur le <b>profil d'acheteur</b>, et échanges "
                    "(questions, candidatures, offres) par voie électronique. Ce seuil est de 60 000 € HT pour les "
                    "consultations lancées depuis le 1er avril 2026 (40 000 € HT auparavant).",
                    "Publication des données essentielles des marchés, au-delà du seuil fixé par le code.",
                    "Acceptation du DUME électronique.",
                )
            ),
            h2("Ce qui n'est pas obligatoire"),
            p(
                "La signature électronique de l'offre au moment du dépôt n'est pas exigée par le code, sauf si "
                "le règlement de la consultation le prévoit : c'est le marché qui est signé par l'attributaire au "
                "moment de l'attribution, de façon manuscrite ou électronique."
            ),
            tip(
                "N'exigez pas la signature au dépôt",
                "Exiger la signature électronique de chaque offre élimine des PME pour une erreur de certificat. "
                "Faites signer l'attributaire seulement.",
            ),
            h2("La copie de sauvegarde"),
            p(
                "Les candidats peuvent envoyer, en parallèle, une copie de sauvegarde (sur support physique ou "
                "électronique). Elle n'est ouverte que si l'offre électronique est illisible, contient un virus ou "
                "n'est pas parvenue dans les délais."
            ),
            ref("deposer-une-offre-electronique", "Le dépôt vu par les entreprises."),
        ],
    ),
    Guide(
        slug="loi-climat-et-resilience",
        title="Loi Climat et résilience : l'environnement dans chaque marché",
        topic="achats-durables",
        summary=(
            "Depuis août 2026 au plus tard, chaque marché comporte un critère environnemental et des "
            "spécifications techniques tenant compte de l'environnement. Ce que cela change en pratique."
        ),
        tags=("developpement-durable", "dce", "analyse-des-offres"),
        owner=REGION,
        reviewed_days_ago=350,
        review_in_days=9,
        related=("criteres-et-ponderation", "spaser", "clauses-sociales"),
        body=[
            p(
                "La loi n° 2021-1104 du 22 août 2021 portant lutte contre le dérèglement climatique et "
                "renforcement de la résilience face à ses effets (dite « Climat et résilience ») a modifié le code "
                "de la commande publique. Ses principales mesures s'appliquent au plus tard cinq ans après sa "
                "promulgation, soit en août 2026."
            ),
            h2("Les obligations"),
            table(
                "Ce que la loi impose",
                ["Obligation", "Portée"],
                ["Au moins un critère d'attribution environnemental", "tous les marchés, sauf exceptions du code"],
                ["Spécifications techniques tenant compte de l'environnement", "tous les marchés"],
                ["Condition d'exécution sociale (insertion)", "marchés au-delà des seuils européens, sauf exceptions"],
                ["SPASER publié, avec des indicateurs", "acheteurs dont les achats dépassent le seuil fixé par décret"],
            ),
            h2("En pratique"),
            steps(
                ("Identifier l'impact principal de l'achat", "Énergie, déchets, transport, produits chimiques..."),
                ("Traduire dans le CCTP", "Exigences minimales : écolabels ou équivalents, réemploi, emballages."),
                (
                    "Ajouter un critère mesurable",
                    "Par exemple, émissions liées aux livraisons, durabilité, réparabilité.",
                ),
                ("Le contrôler à l'exécution", "Un critère sans suivi n'a pas d'effet."),
            ),
            warning(
                "Un critère lié à l'objet du marché",
                "Le critère environnemental doit porter sur les prestations achetées, pas sur la politique "
                "générale de l'entreprise.",
            ),
            ref("spaser", "Pour les grands acheteurs."),
            ref("clauses-sociales"),
        ],
    ),
    Guide(
        slug="spaser",
        title="Le SPASER : un schéma pour les grands acheteurs",
        topic="achats-durables",
        summary=(
            "Le schéma de promotion des achats publics socialement et écologiquement responsables est "
            "obligatoire pour les collectivités et organismes dont les achats annuels dépassent 50 millions "
            "d'euros HT. Contenu et méthode."
        ),
        tags=("developpement-durable", "mutualisation"),
        owner=REGION,
        audience="members",
        related=("loi-climat-et-resilience", "clauses-sociales"),
        body=[
            p(
                "Le SPASER est adopté par les collectivités territoriales et les acheteurs publics dont le montant "
                "total annuel des achats dépasse <b>50 millions d'euros HT</b> (seuil fixé par décret, à "
                "vérifier). Il est rendu public et comporte, depuis la loi Climat et résilience, des indicateurs "
                "précis exprimés en nombre de contrats ou en valeur."
            ),
            h2("Ce qu'il contient"),
            p(
                ul(
                    "Des objectifs d'achats comportant des clauses sociales (insertion, handicap, commerce équitable).",
                    "Des objectifs d'achats comportant des éléments écologiques.",
                    "Les modalités de mise en œuvre et d'évaluation annuelle.",
                )
            ),
            h2("Construire le schéma"),
            steps(
                ("Faire l'état des lieux", "Familles d'achats, montants, clauses déjà utilisées."),
                ("Choisir les familles prioritaires", "Là où l'impact et la marge de progrès sont les plus forts."),
                ("Fixer des indicateurs", "Part des marchés avec clause d'insertion, heures d'insertion réalisées..."),
                ("Faire adopter et publier", "Par l'assemblée délibérante, puis bilan chaque année."),
            ),
            tip(
                "Même sous le seuil",
                "Plusieurs communes bretonnes de taille moyenne ont adopté un SPASER volontaire : c'est un bon "
                "outil pour fixer un cap aux services.",
            ),
        ],
    ),
    Guide(
        slug="clauses-sociales",
        title="Clauses sociales d'insertion : mode d'emploi",
        topic="achats-durables",
        summary=(
            "Réserver des heures de travail à des personnes éloignées de l'emploi dans vos marchés : comment "
            "calibrer la clause, avec l'appui d'un facilitateur, et comment la suivre."
        ),
        tags=("developpement-durable", "execution", "entreprises"),
        owner=RENNES,
        related=("loi-climat-et-resilience", "cctp-nettoyage-des-locaux"),
        body=[
            h2("Trois façons d'intégrer l'insertion"),
            table(
                "Les outils de l'achat socialement responsable",
                ["Outil", "Principe", "Exemple"],
                ["Condition d'exécution", "l'attributaire réserve un nombre d'heures à l'insertion", "5 % des heures"],
                ["Critère d'attribution", "la qualité du parcours d'insertion est notée", "10 % de la note"],
                [
                    "Marché réservé",
                    "réservé aux structures d'insertion ou entreprises adaptées",
                    "entretien d'espaces verts",
                ],
            ),
            h2("Calibrer la clause"),
            steps(
                (
                    "Contacter le facilitateur du territoire",
                    "Les facilitateurs des clauses sociales accompagnent gratuitement acheteurs et entreprises.",
                ),
                ("Estimer la part de main-d'œuvre", "Le nombre d'heures d'insertion se calcule sur elle."),
                ("Rédiger la clause au CCAP", "Heures à réaliser, publics visés, modalités de suivi, pénalités."),
                ("Suivre l'exécution", "Bilan des heures réalisées avec le facilitateur."),
            ),
            info(
                "Une obligation au-delà des seuils européens",
                "Depuis la loi Climat et résilience, les marchés au-delà des seuils européens comportent une "
                "condition d'exécution prenant en compte des considérations sociales, sauf exceptions prévues par "
                "le code.",
            ),
            quote(
                "Sur le chantier du groupe scolaire, la clause a représenté 2 400 heures ; trois des personnes "
                "recrutées ont été embauchées en CDI par les entreprises.",
                "Retour d'expérience d'une commune d'Ille-et-Vilaine",
            ),
        ],
    ),
    Guide(
        slug="restauration-collective-egalim",
        title="Restauration collective : les objectifs EGalim",
        topic="achats-durables",
        summary=(
            "Les restaurants collectifs publics doivent servir au moins 50 % de produits durables et de qualité, "
            "dont 20 % de produits biologiques. Comment les atteindre par vos marchés de denrées."
        ),
        tags=("developpement-durable", "dce", "mutualisation"),
        owner=CHU_BREST,
        related=("allotissement", "groupement-de-commandes"),
        body=[
            p(
                "La loi EGalim du 30 octobre 2018, complétée depuis, fixe aux restaurants collectifs publics "
                "(écoles, hôpitaux, administrations) des objectifs en valeur d'achats, applicables depuis le "
                "1er janvier 2022."
            ),
            h2("Les objectifs"),
            p(
                ul(
                    "<b>50 %</b> de produits durables et de qualité (labels et signes officiels de qualité, "
                    "produits de la pêche durable, produits bénéficiant de certaines mentions valorisantes...).",
                    "dont <b>20 %</b> de produits issus de l'agriculture biologique.",
                    "Des objectifs complémentaires pour les viandes et poissons, à vérifier dans les textes en "
                    "vigueur.",
                )
            ),
            h2("Acheter en conséquence"),
            steps(
                ("Allotir finement", "Par famille de produits et par filière, pour ouvrir aux producteurs locaux."),
                ("Exiger les labels dans le CCTP", "Avec la mention « ou équivalent »."),
                ("Suivre les achats", "Déclarer chaque année vos achats sur la plateforme nationale prévue."),
            ),
            warning(
                "Pas de critère « local »",
                "Un critère de proximité géographique est discriminatoire. Travaillez plutôt la fraîcheur, la "
                "saisonnalité, les circuits courts (nombre d'intermédiaires) et l'allotissement.",
            ),
            ref("groupement-de-commandes", "Acheter à plusieurs pour peser davantage."),
        ],
    ),
    Guide(
        slug="groupement-de-commandes",
        title="Monter un groupement de commandes",
        topic="mutualiser-les-achats",
        summary=(
            "Plusieurs acheteurs passent ensemble un ou plusieurs marchés : convention constitutive, "
            "coordonnateur, répartition des rôles. La méthode pas à pas."
        ),
        tags=("mutualisation", "procedures"),
        owner=RENNES,
        related=("centrales-d-achat", "accords-cadres"),
        body=[
            quote(
                "Des groupements de commandes peuvent être constitués entre des acheteurs afin de passer "
                "conjointement un ou plusieurs marchés.",
                "Code de la commande publique, article L. 2113-6",
            ),
            h2("Les étapes"),
            steps(
                ("Recenser les besoins des membres", "Quantités, calendrier, exigences propres de chacun."),
                ("Rédiger la convention constitutive", "Membres, objet, coordonnateur, missions, frais, sortie."),
                (
                    "La faire approuver",
                    "Par l'organe compétent de chaque membre (délibération pour les collectivités).",
                ),
                (
                    "Le coordonnateur passe le marché",
                    "Il peut aussi le signer, le notifier, voire l'exécuter, si la convention le prévoit.",
                ),
                ("Chaque membre exécute sa part", "Sauf si la convention confie l'exécution au coordonnateur."),
            ),
            h2("Qui fait quoi"),
            table(
                "Répartition type des rôles",
                ["Étape", "Coordonnateur", "Membres"],
                ["Recensement des besoins", "organise", "transmettent leurs besoins"],
                ["Procédure de passation", "conduit", "participent à l'analyse si prévu"],
                ["Signature et notification", "selon la convention", "selon la convention"],
                ["Commandes et paiement", "pour sa part", "pour leur part"],
            ),
            tip(
                "Sur la plateforme",
                'Les <a href="/groupements/">groupements de commandes</a> réunissent tout cela en un lieu : le '
                "coordonnateur dépose la convention et le catalogue, chaque membre la signe en ligne et déclare "
                "ses besoins avant la date limite, le tableau consolidé prépare la consultation, et chacun lit sa "
                "quote-part après l'attribution.",
            ),
            ref("centrales-d-achat", "L'autre façon de mutualiser."),
        ],
    ),
    Guide(
        slug="centrales-d-achat",
        title="Recourir à une centrale d'achat",
        topic="mutualiser-les-achats",
        summary=(
            "Un acheteur qui passe par une centrale d'achat est dispensé de ses propres obligations de publicité "
            "et de mise en concurrence pour les achats qu'elle réalise. Comment choisir et utiliser une centrale."
        ),
        tags=("mutualisation", "procedures"),
        owner=CHU_BREST,
        reviewed_days_ago=500,
        review_in_days=-25,
        related=("groupement-de-commandes",),
        body=[
            p(
                "Une centrale d'achat (articles L. 2113-2 à L. 2113-5 du CCP) acquiert des fournitures ou services "
                "destinés à des acheteurs, ou passe des marchés et accords-cadres pour leur compte. L'acheteur "
                "qui y recourt est considéré comme ayant respecté ses obligations de publicité et de mise en "
                "concurrence pour les opérations qu'elle réalise."
            ),
            h2("Ce qui reste à votre charge"),
            p(
                ul(
                    "Décider de recourir à la centrale : une convention ou une adhésion, selon la centrale.",
                    "Vérifier que son offre couvre votre besoin et qu'elle a été mise en concurrence régulièrement.",
                    "Exécuter les marchés pour votre part : commandes, contrôle, paiement.",
                )
            ),
            h2("Comparer avant d'adhérer"),
            steps(
                ("Comparer les prix", "Avec vos marchés précédents et ceux de collègues."),
                ("Lire les conditions", "Frais d'adhésion ou de service, durée, minimum de commande."),
                ("Regarder l'allotissement", "Une centrale nationale peut écarter les fournisseurs locaux."),
            ),
            info(
                "Centrales nationales et régionales",
                "Il existe des centrales nationales publiques (l'UGAP est la plus connue) et des centrales créées "
                "par des collectivités ou des établissements à l'échelle d'un territoire.",
            ),
            ref("groupement-de-commandes"),
        ],
    ),
]
