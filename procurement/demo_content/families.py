"""The families of purchases of the demo: what Breton communes, hospitals, départements and lycées buy."""

from procurement.demo_content import Family, LotTemplate

COMMUNES = ("commune", "intercommunality")
LOCAL = ("commune", "intercommunality", "department", "region")
ALL_BODIES = ()

PRICE_TECH = "Prix : 40 %\nValeur technique : 60 %"
PRICE_TECH_60 = "Prix : 60 %\nValeur technique : 40 %"
PRICE_TECH_ENV = "Prix : 40 %\nValeur technique : 45 %\nPerformance environnementale : 15 %"
PRICE_DELAY = "Prix : 50 %\nValeur technique : 35 %\nDélai d'exécution : 15 %"
PRICE_ONLY = "Prix : 100 % (offre économiquement la plus avantageuse au regard du seul critère du prix)"
PRICE_QUALITY_SERVICE = "Prix : 45 %\nQualité des produits : 35 %\nService après-vente et délais de livraison : 20 %"

FAMILIES = [
    Family(
        key="restauration",
        code="RES",
        titles=(
            "Fourniture et livraison de repas en liaison froide pour les restaurants scolaires",
            "Restauration scolaire et accueil de loisirs : préparation et livraison des repas {annee}",
            "Fourniture de denrées alimentaires issues de l'agriculture biologique pour la cuisine centrale",
        ),
        title_kinds=(
            ("Fourniture et livraison de repas en liaison froide pour les restaurants scolaires", COMMUNES),
            ("Restauration scolaire et accueil de loisirs : préparation et livraison des repas {annee}", COMMUNES),
        ),
        nature="services",
        cpv="55523100-3",
        additional_cpv=("15000000-8", "55520000-1"),
        kinds=("commune", "intercommunality", "education"),
        description=(
            "Le présent marché a pour objet la fabrication et la livraison en liaison froide des repas servis "
            "dans les restaurants scolaires et l'accueil de loisirs, soit environ 1 800 repas par jour scolaire.",
            "Les repas respectent la loi EGalim : au moins 50 % de produits durables et de qualité, dont 20 % "
            "issus de l'agriculture biologique, et un menu végétarien hebdomadaire. Le titulaire propose les "
            "menus à une commission trimestrielle associant parents, diététicienne et personnels de service.",
            "Le marché est un accord-cadre à bons de commande d'une durée d'un an, reconductible trois fois.",
        ),
        value=(180_000, 2_400_000),
        lots=(
            LotTemplate("Repas des écoles maternelles et élémentaires", "55523100-3", 0.7),
            LotTemplate("Repas de l'accueil de loisirs et portage à domicile", "55520000-1", 0.2),
            LotTemplate("Goûters et produits laitiers", "15800000-6", 0.1),
        ),
        documents=("CCTP", "BPU", "DQE", "Plan alimentaire et grammages"),
        criteria=(PRICE_TECH, PRICE_TECH_ENV),
        environmental=0.8,
        social=0.4,
        suppliers=("restauration-odet", "saveurs-armorique"),
        questions=(
            (
                "Pouvez-vous préciser le nombre de repas servis le mercredi pendant l'accueil de loisirs ?",
                "Environ 320 repas par mercredi hors vacances scolaires, 450 pendant les vacances. Le DQE "
                "a été établi sur ces bases.",
            ),
            (
                "Les cuisines satellites disposent-elles de cellules de remise en température ?",
                "Oui, chaque office est équipé d'un four mixte et d'une cellule de refroidissement ; la liste "
                "des équipements figure en annexe 3 du CCTP.",
            ),
            (
                "La part de produits biologiques s'apprécie-t-elle en valeur d'achat ou en nombre de composantes ?",
                "En valeur d'achat hors taxes, sur l'année civile, conformément à l'article L. 230-5-1 du code rural.",
            ),
        ),
    ),
    Family(
        key="voirie",
        code="VOI",
        titles=(
            "Travaux d'entretien et de grosses réparations de la voirie communale {annee}",
            "Programme de réfection des chaussées et trottoirs {annee}",
            "Aménagement de sécurité et requalification de la rue de la Gare",
            "Accord-cadre de travaux de voirie et réseaux divers",
        ),
        title_kinds=(
            ("Travaux d'entretien et de grosses réparations de la voirie communale {annee}", COMMUNES),
            ("Aménagement de sécurité et requalification de la rue de la Gare", COMMUNES),
        ),
        nature="works",
        cpv="45233141-9",
        additional_cpv=("45233142-6", "45233251-3", "45112500-0"),
        kinds=LOCAL,
        description=(
            "Les travaux comprennent le rabotage et la reprise des enrobés, la réfection des trottoirs, la mise "
            "à niveau des regards et la signalisation horizontale sur le réseau de voirie de la collectivité.",
            "Les interventions sont commandées par bons de commande, avec un délai d'intervention de cinq jours "
            "ouvrés, ramené à 24 heures pour les mises en sécurité.",
            "Les entreprises présentent un plan de circulation et de signalisation de chantier pour chaque "
            "intervention en agglomération.",
        ),
        value=(90_000, 3_500_000),
        lots=(
            LotTemplate("Enrobés et revêtements de chaussée", "45233251-3", 0.6),
            LotTemplate("Trottoirs, bordures et caniveaux", "45233140-2", 0.3),
            LotTemplate("Signalisation horizontale et verticale", "45233290-8", 0.1),
        ),
        documents=("CCTP", "BPU", "DQE", "Plan de situation des voies"),
        criteria=(PRICE_TECH_60, PRICE_DELAY),
        environmental=0.5,
        social=0.5,
        suppliers=("vrd-cornouaille", "iroise-construction"),
        questions=(
            (
                "Les enrobés recyclés sont-ils acceptés, et dans quelle proportion ?",
                "Oui, jusqu'à 30 % d'agrégats d'enrobés en couche de roulement et 50 % en couche de base, sous "
                "réserve des essais prévus à l'article 4.2 du CCTP.",
            ),
            (
                "Une visite des voies concernées est-elle obligatoire ?",
                "Non, la visite est facultative. Les candidats qui le souhaitent peuvent contacter les services "
                "techniques pour convenir d'un rendez-vous.",
            ),
        ),
    ),
    Family(
        key="informatique",
        code="INF",
        titles=(
            "Acquisition d'ordinateurs portables et de stations d'accueil pour les agents",
            "Fourniture de matériel informatique et prestations associées {annee}",
            "Renouvellement du parc informatique des écoles (ordinateurs, tablettes, vidéoprojecteurs)",
        ),
        title_kinds=(
            ("Renouvellement du parc informatique des écoles (ordinateurs, tablettes, vidéoprojecteurs)", COMMUNES),
        ),
        nature="supplies",
        cpv="30213100-6",
        additional_cpv=("30213000-5", "30232000-4", "50312000-5"),
        description=(
            "Le marché porte sur la fourniture d'ordinateurs portables, de stations d'accueil, d'écrans et de "
            "périphériques, leur préparation (masterisation, étiquetage) et leur livraison sur les sites.",
            "Les matériels sont garantis trois ans sur site. Le titulaire reprend les matériels remplacés en vue "
            "de leur réemploi ou de leur recyclage dans une filière agréée.",
        ),
        value=(40_000, 900_000),
        lots=(
            LotTemplate("Ordinateurs portables et stations d'accueil", "30213100-6", 0.6),
            LotTemplate("Écrans et périphériques", "30232000-4", 0.25),
            LotTemplate("Vidéoprojecteurs interactifs", "32322000-6", 0.15),
        ),
        documents=("CCTP", "BPU", "Cadre de réponse technique"),
        criteria=(PRICE_QUALITY_SERVICE, PRICE_TECH_60),
        environmental=0.6,
        suppliers=("kerne-informatique", "oceane-numerique", "bureautique-ouest"),
        questions=(
            (
                "Des matériels reconditionnés peuvent-ils être proposés en variante ?",
                "Oui, les variantes de matériels reconditionnés de grade A sont autorisées, avec la même garantie "
                "de trois ans.",
            ),
            (
                "La masterisation est-elle réalisée à partir d'une image fournie par la collectivité ?",
                "Oui, l'image système est fournie par la direction du numérique ; le titulaire la déploie et "
                "renseigne l'inventaire.",
            ),
        ),
    ),
    Family(
        key="nettoyage",
        code="NET",
        titles=(
            "Nettoyage des locaux administratifs et des équipements sportifs",
            "Prestations de nettoyage et de vitrerie des bâtiments {annee}",
            "Entretien ménager des bâtiments scolaires",
        ),
        title_kinds=(
            ("Nettoyage des locaux administratifs et des équipements sportifs", LOCAL),
            ("Entretien ménager des bâtiments scolaires", LOCAL + ("education",)),
        ),
        nature="services",
        cpv="90910000-9",
        additional_cpv=("90911200-8", "90911300-9"),
        description=(
            "Le marché porte sur le nettoyage quotidien des bureaux, sanitaires et circulations, le nettoyage "
            "périodique des vitres et la remise en état des sols, pour une surface d'environ 12 000 m².",
            "Les produits utilisés portent un écolabel ; le titulaire forme ses agents aux gestes et postures et "
            "privilégie les horaires de journée.",
        ),
        value=(60_000, 1_200_000),
        lots=(
            LotTemplate("Bâtiments administratifs", "90911200-8", 0.5),
            LotTemplate("Équipements sportifs", "90910000-9", 0.3),
            LotTemplate("Vitrerie", "90911300-9", 0.2),
        ),
        documents=("CCTP", "BPU", "Liste des bâtiments et surfaces"),
        criteria=(PRICE_TECH, PRICE_TECH_ENV),
        environmental=0.7,
        social=0.6,
        reserved=0.1,
        suppliers=("breizh-proprete", "armor-nettoyage"),
        questions=(
            (
                "Le personnel actuellement affecté au marché doit-il être repris ?",
                "Oui, la convention collective des entreprises de propreté s'applique. La liste anonymisée du "
                "personnel repris figure en annexe 5 du règlement de consultation.",
            ),
            (
                "Quelles sont les plages horaires autorisées pour les interventions ?",
                "De 6 h 30 à 9 h et de 17 h à 20 h en semaine ; le travail en journée est possible dans les "
                "circulations.",
            ),
            (
                "Pouvez-vous communiquer le montant annuel du marché actuel ?",
                "Le marché en cours s'élève à 214 000 € HT par an, pour un périmètre légèrement inférieur.",
            ),
        ),
    ),
    Family(
        key="electricite",
        code="ENE",
        titles=(
            "Fourniture et acheminement d'électricité pour les bâtiments et l'éclairage public",
            "Fourniture d'électricité d'origine renouvelable {annee}-{annee_suivante}",
        ),
        title_kinds=(("Fourniture et acheminement d'électricité pour les bâtiments et l'éclairage public", COMMUNES),),
        nature="supplies",
        cpv="09310000-5",
        additional_cpv=("65300000-6",),
        kinds=("commune", "intercommunality", "department", "region", "hospital", "education"),
        description=(
            "Le marché porte sur la fourniture d'électricité et les services associés pour les points de "
            "livraison de la collectivité : bâtiments (C4 et C5) et éclairage public.",
            "Une part d'électricité d'origine renouvelable avec garanties d'origine bretonnes est demandée. "
            "Le titulaire fournit une facturation dématérialisée et un outil de suivi des consommations.",
        ),
        value=(200_000, 8_000_000),
        lots=(
            LotTemplate("Points de livraison C2 à C4 (puissance supérieure à 36 kVA)", "09310000-5", 0.6),
            LotTemplate("Points de livraison C5 et éclairage public", "09310000-5", 0.4),
        ),
        lot_chance=0.6,
        documents=("CCTP", "BPU", "Liste des points de livraison"),
        criteria=("Prix : 80 %\nQualité du service client et des outils de suivi : 20 %",),
        environmental=0.9,
        social=0.0,
        suppliers=(),
        questions=(
            (
                "Les profils de consommation des points C4 peuvent-ils être communiqués ?",
                "Les courbes de charge des douze derniers mois ont été ajoutées au DCE (fichier tableur).",
            ),
        ),
    ),
    Family(
        key="gaz",
        code="GAZ",
        titles=("Fourniture et acheminement de gaz naturel pour les bâtiments",),
        nature="supplies",
        cpv="09123000-7",
        kinds=("commune", "intercommunality", "department", "hospital", "education"),
        description=(
            "Fourniture de gaz naturel pour les chaufferies des bâtiments, environ 9 GWh par an sur 48 points "
            "de comptage, dont une part de biométhane injecté produit en Bretagne.",
        ),
        value=(150_000, 2_000_000),
        documents=("CCTP", "BPU", "Liste des points de comptage"),
        criteria=("Prix : 85 %\nQualité du service : 15 %",),
        environmental=0.7,
        social=0.0,
    ),
    Family(
        key="assurances",
        code="ASS",
        titles=(
            "Souscription des contrats d'assurances de la collectivité à compter du 1er janvier {annee_suivante}",
            "Prestations d'assurances : dommages aux biens, responsabilité civile, flotte automobile",
        ),
        title_kinds=(
            (
                "Souscription des contrats d'assurances de la collectivité à compter du 1er janvier {annee_suivante}",
                LOCAL,
            ),
        ),
        nature="services",
        cpv="66510000-8",
        additional_cpv=("66516000-0", "66514110-0", "66513100-0"),
        description=(
            "Le marché porte sur la souscription des contrats d'assurances pour une durée de cinq ans, avec "
            "faculté de résiliation annuelle moyennant un préavis de six mois.",
            "Les candidats répondent sur la base des cahiers des clauses particulières ; les réserves sont "
            "admises si elles sont listées dans l'acte d'engagement.",
        ),
        value=(50_000, 600_000),
        lots=(
            LotTemplate("Dommages aux biens et risques annexes", "66515200-5", 0.45),
            LotTemplate("Responsabilité civile et risques annexes", "66516000-0", 0.25),
            LotTemplate("Flotte automobile et risques annexes", "66514110-0", 0.2),
            LotTemplate("Protection juridique des agents et des élus", "66513100-0", 0.1),
        ),
        lot_chance=0.8,
        documents=("CCTP dommages aux biens", "CCTP responsabilité civile", "Statistiques de sinistralité"),
        criteria=("Prix : 40 %\nÉtendue des garanties : 40 %\nGestion des sinistres : 20 %",),
        environmental=0.0,
        social=0.0,
        questions=(
            (
                "Pouvez-vous communiquer la sinistralité des cinq dernières années ?",
                "Les relevés de sinistralité des cinq dernières années, par lot, sont joints au DCE.",
            ),
        ),
    ),
    Family(
        key="batiment",
        code="BAT",
        titles=(
            "Construction d'un groupe scolaire de dix classes",
            "Réhabilitation et extension de la salle des sports",
            "Rénovation énergétique de l'hôtel de ville",
            "Construction d'un centre technique municipal",
            "Restructuration du service des urgences",
            "Construction d'un internat de 120 lits",
            "Extension du bâtiment des consultations externes",
        ),
        title_kinds=(
            ("Construction d'un groupe scolaire de dix classes", COMMUNES),
            ("Réhabilitation et extension de la salle des sports", COMMUNES),
            ("Rénovation énergétique de l'hôtel de ville", ("commune",)),
            ("Construction d'un centre technique municipal", COMMUNES),
            ("Restructuration du service des urgences", ("hospital",)),
            ("Extension du bâtiment des consultations externes", ("hospital",)),
            ("Construction d'un internat de 120 lits", ("department", "region", "education")),
        ),
        nature="works",
        cpv="45210000-2",
        additional_cpv=("45262500-6", "45311000-0", "45330000-9", "45421000-4"),
        kinds=("commune", "intercommunality", "department", "region", "hospital", "education"),
        description=(
            "L'opération comprend la démolition partielle des bâtiments existants, la construction de "
            "nouveaux locaux et la rénovation thermique de l'ensemble, pour une surface de plancher d'environ "
            "2 400 m².",
            "Les travaux sont allotis. Les entreprises peuvent répondre à un ou plusieurs lots ; une visite du "
            "site est organisée sur rendez-vous auprès de la maîtrise d'œuvre.",
            "Les travaux se déroulent en site occupé : un phasage précis, annexé au CCAP, doit être respecté.",
        ),
        value=(900_000, 8_000_000),
        lots=(
            LotTemplate("Gros œuvre, maçonnerie", "45262500-6", 0.35, "Fondations, élévations, dallages."),
            LotTemplate("Charpente, couverture", "45261000-4", 0.12),
            LotTemplate("Menuiseries extérieures", "45421000-4", 0.1),
            LotTemplate("Menuiseries intérieures", "45421100-5", 0.07),
            LotTemplate("Électricité courants forts et faibles", "45311000-0", 0.12),
            LotTemplate("Plomberie, sanitaires", "45330000-9", 0.08),
            LotTemplate("Chauffage, ventilation", "45331000-6", 0.1),
            LotTemplate("Peinture, revêtements de sols", "45442100-8", 0.06),
        ),
        lot_chance=1.0,
        documents=("CCTP", "DPGF", "Plans", "Planning prévisionnel des travaux"),
        criteria=(PRICE_DELAY, PRICE_TECH_60),
        environmental=0.6,
        social=0.7,
        suppliers=("iroise-construction", "le-goff-maconnerie", "electricite-morvan", "le-roux-chauffage"),
        questions=(
            (
                "La DPGF du lot 1 ne comporte pas de ligne pour les réservations : faut-il les inclure dans les "
                "prix unitaires ?",
                "Oui, les réservations sont comprises dans les prix des ouvrages concernés. La DPGF a été précisée "
                "en ce sens.",
            ),
            (
                "Quelle est la date prévisionnelle de démarrage des travaux ?",
                "La période de préparation débute à la notification ; le démarrage des travaux est prévu trois "
                "semaines plus tard.",
            ),
            (
                "Les plans au format DWG peuvent-ils être communiqués ?",
                "Les plans au format DWG ont été ajoutés au DCE.",
            ),
        ),
    ),
    Family(
        key="espaces-verts",
        code="EV",
        titles=(
            "Entretien des espaces verts et des cimetières",
            "Élagage et abattage d'arbres {annee}",
            "Aménagement paysager du parc urbain",
        ),
        title_kinds=(
            ("Entretien des espaces verts et des cimetières", COMMUNES),
            ("Aménagement paysager du parc urbain", COMMUNES),
        ),
        nature="services",
        cpv="77310000-6",
        additional_cpv=("77313000-7", "77211400-6", "77340000-5"),
        kinds=LOCAL + ("hospital", "education"),
        description=(
            "Le marché porte sur la tonte, la taille des haies, le désherbage sans produits phytosanitaires et "
            "le ramassage des feuilles sur les espaces verts de la collectivité.",
            "Les déchets verts sont valorisés par compostage ou broyage ; le titulaire tient un registre des "
            "quantités évacuées.",
        ),
        value=(30_000, 500_000),
        lots=(
            LotTemplate("Tonte et entretien des pelouses", "77314000-4", 0.5),
            LotTemplate("Taille des haies et élagage", "77340000-5", 0.3),
            LotTemplate("Désherbage des cimetières", "77312000-0", 0.2),
        ),
        documents=("CCTP", "BPU", "Plans des espaces entretenus"),
        criteria=(PRICE_TECH, PRICE_TECH_ENV),
        environmental=0.9,
        social=0.5,
        reserved=0.25,
        suppliers=("jardins-tregor", "paysages-broceliande"),
        questions=(
            (
                "Le désherbage thermique est-il autorisé dans les cimetières ?",
                "Oui, le désherbage thermique et mécanique est autorisé ; aucun produit phytosanitaire n'est admis.",
            ),
        ),
    ),
    Family(
        key="impression",
        code="IMP",
        titles=(
            "Impression du magazine municipal et des supports de communication",
            "Travaux d'impression et de façonnage {annee}",
        ),
        title_kinds=(("Impression du magazine municipal et des supports de communication", COMMUNES),),
        nature="services",
        cpv="79810000-5",
        additional_cpv=("79823000-9", "22000000-0"),
        description=(
            "Impression, façonnage et livraison du magazine d'information (10 numéros par an, 48 000 "
            "exemplaires), des affiches, dépliants et cartons d'invitation.",
            "Le papier est recyclé ou issu de forêts gérées durablement ; l'imprimeur est certifié Imprim'Vert.",
        ),
        value=(20_000, 400_000),
        lots=(
            LotTemplate("Magazine d'information", "79810000-5", 0.7),
            LotTemplate("Affiches et supports de communication", "79823000-9", 0.3),
        ),
        documents=("CCTP", "BPU", "Maquette du magazine"),
        criteria=(PRICE_QUALITY_SERVICE, PRICE_TECH_ENV),
        environmental=0.8,
        suppliers=("imprimerie-abers", "imprimerie-thabor"),
        questions=(
            (
                "Le routage et la mise sous film sont-ils compris dans la prestation ?",
                "Non, la distribution est assurée par un autre prestataire. La livraison se fait sur palettes au "
                "centre technique.",
            ),
        ),
    ),
    Family(
        key="vehicules",
        code="VEH",
        titles=(
            "Location longue durée de véhicules légers électriques",
            "Acquisition de véhicules utilitaires pour les services techniques",
        ),
        nature="supplies",
        cpv="34110000-1",
        additional_cpv=("34144900-7", "34130000-7"),
        description=(
            "Le marché porte sur la location longue durée, entretien compris, de véhicules légers électriques "
            "et hybrides rechargeables destinés aux agents.",
            "Le titulaire assure la livraison, l'entretien, le remplacement en cas d'immobilisation et la "
            "reprise en fin de contrat.",
        ),
        value=(80_000, 1_500_000),
        documents=("CCTP", "BPU", "Cadre de réponse technique"),
        criteria=(PRICE_TECH_60, PRICE_TECH_ENV),
        environmental=0.9,
        social=0.0,
    ),
    Family(
        key="medical",
        code="MED",
        titles=(
            "Fourniture de dispositifs médicaux stériles à usage unique",
            "Fourniture de pansements et de produits de soins",
            "Fourniture de réactifs de laboratoire et mise à disposition d'automates",
        ),
        nature="supplies",
        cpv="33140000-3",
        additional_cpv=("33141000-0", "33141110-4", "33696500-0"),
        kinds=("hospital",),
        description=(
            "Accord-cadre à bons de commande de fourniture de dispositifs médicaux pour les établissements du "
            "groupement hospitalier de territoire.",
            "Les candidats fournissent des échantillons, évalués en service par un panel de soignants selon la "
            "grille jointe au règlement de consultation.",
        ),
        value=(100_000, 5_000_000),
        lots=(
            LotTemplate("Pansements primaires", "33141110-4", 0.3),
            LotTemplate("Compresses et champs opératoires", "33141000-0", 0.3),
            LotTemplate("Seringues et aiguilles", "33141300-3", 0.25),
            LotTemplate("Gants d'examen", "33141420-0", 0.15),
        ),
        lot_chance=0.8,
        documents=("CCTP", "BPU", "Grille d'évaluation des échantillons"),
        criteria=("Prix : 40 %\nQualité et ergonomie (essais en service) : 50 %\nLogistique : 10 %",),
        environmental=0.3,
        social=0.0,
        questions=(
            (
                "Combien d'échantillons faut-il fournir par référence ?",
                "Dix échantillons par référence, livrés à la direction des achats avant la date limite de remise "
                "des offres.",
            ),
        ),
    ),
    Family(
        key="dechets",
        code="DEC",
        titles=(
            "Collecte des ordures ménagères et des emballages en porte-à-porte",
            "Collecte et traitement des déchets des services municipaux",
            "Fourniture de bacs roulants et de conteneurs enterrés",
        ),
        nature="services",
        cpv="90511000-2",
        additional_cpv=("90511100-3", "90512000-9", "90513000-6"),
        kinds=("commune", "intercommunality"),
        description=(
            "Collecte en porte-à-porte des ordures ménagères résiduelles et des emballages recyclables sur le "
            "territoire, environ 42 000 habitants, avec une fréquence hebdomadaire.",
            "Les véhicules de collecte répondent à la norme Euro VI ou fonctionnent au bioGNV ; le titulaire "
            "transmet chaque mois les tonnages et les anomalies de collecte.",
        ),
        value=(300_000, 7_500_000),
        lots=(
            LotTemplate("Ordures ménagères résiduelles", "90511100-3", 0.6),
            LotTemplate("Emballages et papiers", "90511000-2", 0.3),
            LotTemplate("Collecte des déchets des marchés", "90512000-9", 0.1),
        ),
        documents=("CCTP", "BPU", "DQE", "Plans de tournées"),
        criteria=(PRICE_TECH, PRICE_TECH_ENV),
        environmental=0.8,
        social=0.6,
        suppliers=("transports-le-bihan",),
    ),
    Family(
        key="transport-scolaire",
        code="TRS",
        titles=(
            "Transport scolaire des élèves vers les établissements du territoire",
            "Transports d'élèves vers les équipements sportifs et culturels",
            "Services de transport régulier et scolaire {annee}-{annee_suivante}",
        ),
        nature="services",
        cpv="60130000-8",
        additional_cpv=("60112000-6",),
        kinds=("commune", "intercommunality", "department", "region", "education"),
        description=(
            "Le marché porte sur l'exécution de circuits de transport scolaire, décrits par circuit dans "
            "l'annexe au CCTP (itinéraires, points d'arrêt, horaires, nombre d'élèves).",
            "Les conducteurs sont formés à l'accueil des élèves en situation de handicap ; chaque véhicule est "
            "équipé d'éthylotest antidémarrage.",
        ),
        value=(100_000, 4_000_000),
        lots=(
            LotTemplate("Circuits du secteur nord", "60130000-8", 0.4),
            LotTemplate("Circuits du secteur sud", "60130000-8", 0.4),
            LotTemplate("Sorties pédagogiques et piscine", "60112000-6", 0.2),
        ),
        lot_chance=0.7,
        documents=("CCTP", "BPU", "Fiches circuits"),
        criteria=(PRICE_TECH_60,),
        environmental=0.4,
        social=0.3,
        suppliers=("cars-emeraude", "transports-le-bihan"),
        questions=(
            (
                "L'âge maximal des véhicules est-il imposé ?",
                "Oui, douze ans au plus à la date de début d'exécution, et dix ans en moyenne sur le lot.",
            ),
        ),
    ),
    Family(
        key="mobilier",
        code="MOB",
        titles=(
            "Fourniture de mobilier scolaire",
            "Fourniture et installation de mobilier de bureau",
            "Fourniture et pose de jeux pour aires de jeux et de mobilier urbain",
        ),
        title_kinds=(
            ("Fourniture de mobilier scolaire", LOCAL + ("education",)),
            ("Fourniture et pose de jeux pour aires de jeux et de mobilier urbain", COMMUNES),
        ),
        nature="supplies",
        cpv="39160000-1",
        additional_cpv=("39112000-0", "39121000-6", "37535200-9", "34928400-2"),
        description=(
            "Fourniture, livraison et montage de mobilier (tables, chaises, rangements) pour les écoles et les "
            "services. Le mobilier est garanti cinq ans.",
        ),
        value=(15_000, 350_000),
        documents=("CCTP", "BPU"),
        criteria=(PRICE_QUALITY_SERVICE,),
        environmental=0.6,
        social=0.2,
        reserved=0.2,
        suppliers=("mobilier-armoricain", "bureautique-ouest"),
    ),
    Family(
        key="securite",
        code="SEC",
        titles=(
            "Gardiennage et surveillance des bâtiments et des manifestations",
            "Maintenance des systèmes de sécurité incendie et des extincteurs",
        ),
        nature="services",
        cpv="79710000-4",
        additional_cpv=("79713000-5", "50413200-5"),
        description=(
            "Surveillance des bâtiments par rondes et télésurveillance, levée de doute et sécurité des "
            "manifestations organisées par la collectivité.",
        ),
        value=(30_000, 800_000),
        documents=("CCTP", "BPU"),
        criteria=(PRICE_TECH,),
        environmental=0.0,
        social=0.5,
        suppliers=("celtic-securite",),
    ),
    Family(
        key="maitrise-oeuvre",
        code="MOE",
        titles=(
            "Mission de maîtrise d'œuvre pour la réhabilitation du pôle culturel",
            "Maîtrise d'œuvre pour l'aménagement des espaces publics du centre-bourg",
            "Maîtrise d'œuvre pour la restructuration d'un bâtiment d'hospitalisation",
        ),
        title_kinds=(
            ("Mission de maîtrise d'œuvre pour la réhabilitation du pôle culturel", LOCAL),
            ("Maîtrise d'œuvre pour l'aménagement des espaces publics du centre-bourg", COMMUNES),
            ("Maîtrise d'œuvre pour la restructuration d'un bâtiment d'hospitalisation", ("hospital",)),
        ),
        nature="services",
        cpv="71000000-8",
        additional_cpv=("71200000-0", "71320000-7"),
        kinds=LOCAL + ("hospital",),
        description=(
            "Mission de base loi MOP avec missions complémentaires OPC et SSI, pour un montant de travaux estimé "
            "à 3,2 M€ HT.",
            "La procédure se déroule en deux phases : sélection de trois candidats sur références, puis remise "
            "d'une offre avec note méthodologique.",
        ),
        value=(60_000, 450_000),
        documents=("Programme de l'opération", "CCTP"),
        criteria=("Prix : 40 %\nValeur technique (méthodologie, moyens, planning) : 60 %",),
        environmental=0.4,
        social=0.0,
    ),
    Family(
        key="logiciel",
        code="LOG",
        titles=(
            "Acquisition et maintenance d'un logiciel de gestion des ressources humaines",
            "Solution de gestion de la relation aux usagers et portail citoyen",
            "Hébergement et tierce maintenance applicative du site internet",
        ),
        title_kinds=(("Solution de gestion de la relation aux usagers et portail citoyen", LOCAL),),
        nature="services",
        cpv="48000000-8",
        additional_cpv=("72000000-5", "72260000-5", "72415000-2"),
        description=(
            "Fourniture d'une solution logicielle hébergée, reprise des données existantes, paramétrage, "
            "formation des utilisateurs et maintenance pendant quatre ans.",
            "La solution respecte le référentiel général d'accessibilité (RGAA) et le RGPD ; les données sont "
            "hébergées dans l'Union européenne.",
        ),
        value=(40_000, 1_000_000),
        documents=("CCTP", "BPU", "Cadre de réponse technique", "Scénarios de démonstration"),
        criteria=("Prix : 35 %\nValeur technique : 50 %\nDémonstration : 15 %",),
        environmental=0.1,
        social=0.0,
        suppliers=("kerne-informatique", "oceane-numerique"),
        questions=(
            (
                "Les données de l'application actuelle sont-elles exportables dans un format ouvert ?",
                "Oui, un export au format CSV est disponible ; un extrait anonymisé est joint au DCE.",
            ),
        ),
    ),
    Family(
        key="fournitures-bureau",
        code="FB",
        titles=("Fourniture de papier et de fournitures de bureau", "Fournitures scolaires pour les écoles"),
        title_kinds=(("Fournitures scolaires pour les écoles", COMMUNES),),
        nature="supplies",
        cpv="30192000-1",
        additional_cpv=("30199000-0", "30197000-6"),
        description=(
            "Accord-cadre à bons de commande de fournitures de bureau et de papier, livrées en 48 heures dans "
            "les services, avec un catalogue en ligne.",
        ),
        value=(15_000, 250_000),
        documents=("CCTP", "BPU"),
        criteria=(PRICE_QUALITY_SERVICE,),
        environmental=0.7,
        social=0.2,
        reserved=0.3,
        suppliers=("bureautique-ouest",),
    ),
    Family(
        key="chauffage",
        code="CVC",
        titles=(
            "Exploitation et maintenance des installations de chauffage, ventilation et climatisation",
            "Remplacement de la chaufferie par une chaudière bois et un réseau de chaleur",
        ),
        nature="services",
        cpv="50700000-2",
        additional_cpv=("45331000-6",),
        kinds=LOCAL + ("hospital", "education"),
        description=(
            "Conduite, entretien et dépannage des installations de chauffage, de production d'eau chaude et de "
            "ventilation de 35 bâtiments, avec un intéressement aux économies d'énergie.",
        ),
        value=(80_000, 1_800_000),
        documents=("CCTP", "BPU", "Inventaire des installations"),
        criteria=(PRICE_TECH,),
        environmental=0.8,
        social=0.2,
        suppliers=("le-roux-chauffage",),
    ),
]

# How often each family comes up (a commune buys road works more often than a logiciel RH).
WEIGHTS = {
    "restauration": 4,
    "voirie": 6,
    "informatique": 4,
    "nettoyage": 5,
    "electricite": 2,
    "gaz": 1,
    "assurances": 2,
    "batiment": 7,
    "espaces-verts": 4,
    "impression": 3,
    "vehicules": 2,
    "medical": 3,
    "dechets": 2,
    "transport-scolaire": 3,
    "mobilier": 3,
    "securite": 2,
    "maitrise-oeuvre": 2,
    "logiciel": 3,
    "fournitures-bureau": 2,
    "chauffage": 2,
}
