"""Guides about using the platform as it works today: accounts, guides, the salle des marchés with its electronic
bids (and the practice consultation to rehearse them) and its open data (group purchases and workspaces are announced
only)."""

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
from knowledge.demo_content.companies import PRACTICE_URL

GUIDES = [
    Guide(
        slug="inscrire-son-entreprise",
        title="Inscrire son entreprise avec son SIRET",
        topic="utiliser-la-plateforme",
        summary=(
            "Créer le compte de votre entreprise en deux minutes : votre SIRET, vos coordonnées, puis la "
            "confirmation de votre adresse e-mail. Le premier inscrit devient administrateur de l'entreprise."
        ),
        tags=("plateforme", "entreprises", "compte"),
        owner=REGION,
        related=("rejoindre-une-entreprise-deja-inscrite", "inviter-des-collegues"),
        body=[
            p(
                "Les entreprises s'inscrivent elles-mêmes. Les agents des organismes membres (communes, hôpitaux, "
                "chambres...) n'utilisent pas ce formulaire : ils rejoignent la plateforme sur invitation de "
                "l'administrateur de leur organisation."
            ),
            h2("Les étapes"),
            steps(
                ("Ouvrir « Inscrire votre entreprise »", "Depuis la page de connexion."),
                ("Saisir vos nom, prénom et adresse e-mail professionnelle", "Elle servira d'identifiant."),
                (
                    "Saisir le numéro SIRET et le nom de l'entreprise",
                    "14 chiffres, sans espaces ou avec : la plateforme vérifie la clé de contrôle.",
                ),
                ("Choisir un mot de passe et accepter les conditions d'utilisation", ""),
                (
                    "Confirmer votre adresse e-mail",
                    "Ouvrez le lien reçu, puis cliquez sur « Confirmer mon adresse "
                    "e-mail ». Le lien est valable trois jours.",
                ),
            ),
            h2("Après la confirmation"),
            table(
                "Ce qui se passe selon le cas",
                ["Situation", "Résultat"],
                ["L'entreprise n'était pas inscrite", "elle est créée et vous en êtes l'administrateur"],
                ["L'entreprise était déjà inscrite", "votre demande attend la validation de son administrateur"],
                ["Le SIRET est celui d'un organisme membre", "l'inscription est refusée : demandez une invitation"],
            ),
            warning(
                "Le lien a expiré ?",
                "Au-delà de trois jours, le lien n'est plus valable et le compte n'est pas activé : inscrivez-vous "
                "à nouveau avec la même adresse.",
            ),
            tip(
                "Où trouver votre SIRET",
                "Sur un extrait Kbis, une facture ou l'annuaire des entreprises de l'administration. Le SIREN "
                "(9 chiffres) identifie l'entreprise, le SIRET (14 chiffres) l'établissement.",
            ),
            ref("rejoindre-une-entreprise-deja-inscrite", "Si un collègue a déjà inscrit l'entreprise."),
        ],
    ),
    Guide(
        slug="rejoindre-une-entreprise-deja-inscrite",
        title="Votre entreprise est déjà inscrite : rejoindre son équipe",
        topic="utiliser-la-plateforme",
        summary=(
            "Un collègue a déjà inscrit l'entreprise ? Deux façons de la rejoindre : une invitation de son "
            "administrateur, ou une demande d'adhésion qu'il valide."
        ),
        tags=("plateforme", "entreprises", "compte"),
        owner=REGION,
        related=("inscrire-son-entreprise", "changer-un-role"),
        body=[
            h2("Le plus simple : demander une invitation"),
            p(
                "Demandez à l'administrateur de l'entreprise sur la plateforme de vous inviter. Vous recevez un "
                "lien à usage unique, valable sept jours ; en l'ouvrant, vous créez votre mot de passe et rejoignez "
                "directement l'entreprise avec le rôle choisi."
            ),
            h2("Sinon : s'inscrire avec le SIRET"),
            steps(
                ("Inscrivez-vous avec le SIRET de l'entreprise", "Comme pour une première inscription."),
                ("Confirmez votre adresse e-mail", "La plateforme indique que l'entreprise est déjà inscrite."),
                (
                    "Attendez la validation",
                    "L'administrateur de l'entreprise reçoit une notification et accepte ou "
                    "refuse votre demande depuis la page des membres.",
                ),
                ("Vous êtes notifié", "Dès que votre demande est traitée."),
            ),
            info(
                "En attendant",
                "Votre compte existe et vous pouvez vous connecter, mais vous n'agissez pas encore au nom de "
                "l'entreprise : votre profil affiche l'appartenance « En attente de validation ».",
            ),
            tip(
                "Pour les administrateurs",
                "Les demandes en attente apparaissent en haut de la page « Membres » de l'entreprise, avec les "
                "boutons « Accepter » et « Refuser ».",
            ),
            ref("changer-un-role"),
        ],
    ),
    Guide(
        slug="acheteurs-premiers-pas",
        title="Acheteurs : vos premiers pas sur la plateforme",
        topic="utiliser-la-plateforme",
        summary=(
            "Les agents des organismes membres rejoignent la plateforme sur invitation. Accepter l'invitation, "
            "comprendre les rôles (acheteur, rédacteur, administrateur) et trouver l'essentiel."
        ),
        tags=("plateforme", "compte"),
        owner=RENNES,
        audience="members",
        related=("inviter-des-collegues", "preferences-de-notification"),
        body=[
            h2("Accepter votre invitation"),
            steps(
                ("Ouvrez le lien reçu par e-mail", "Il est valable sept jours et ne sert qu'une fois."),
                ("Créez votre mot de passe", "Si vous n'avez pas encore de compte ; sinon, connectez-vous."),
                ("Vous voilà membre", "Avec le rôle choisi par l'administrateur de votre organisation."),
            ),
            warning(
                "L'invitation a expiré ?",
                "Demandez-en une nouvelle à l'administrateur de votre organisation : elle remplace la précédente.",
            ),
            h2("Les rôles dans un organisme membre"),
            table(
                "Rôles des organismes membres",
                ["Rôle", "Ce qu'il permet aujourd'hui"],
                [
                    "Acheteur",
                    "publier les avis de son organisme, répondre aux questions ; lire tous les guides, y compris "
                    "ceux réservés aux acheteurs",
                ],
                [
                    "Rédacteur",
                    "en plus, rédiger et proposer des guides dans l'administration du site, et aider à corriger "
                    "les avis de son organisme (sans les publier)",
                ],
                [
                    "Administrateur de l'organisation",
                    "en plus, inviter des collègues, changer les rôles, retirer des membres",
                ],
            ),
            h2("Trouver l'essentiel"),
            p(
                ul(
                    "<b>Mon profil</b> : vos coordonnées, vos organisations, vos préférences d'e-mail.",
                    "<b>Notifications</b> : ce qui vous concerne, en un coup d'œil.",
                    "<b>Recherche</b> : tout le site, dans la limite de ce que vous avez le droit de voir.",
                    "<b>Guides et formation</b> : ces guides et la salle de formation.",
                )
            ),
            ref("preferences-de-notification"),
        ],
    ),
    Guide(
        slug="se-connecter-et-mot-de-passe",
        title="Se connecter et retrouver son mot de passe",
        topic="utiliser-la-plateforme",
        summary=(
            "Connexion avec votre adresse e-mail, mot de passe oublié, compte bloqué après plusieurs erreurs : "
            "ce qu'il faut savoir."
        ),
        tags=("plateforme", "compte"),
        owner=CHU_BREST,
        related=("acheteurs-premiers-pas", "donnees-personnelles-et-fermeture"),
        body=[
            h2("Se connecter"),
            p(
                "Tout le monde se connecte avec son adresse e-mail et son mot de passe, acheteurs comme "
                "entreprises. Un compte dont l'adresse n'est pas encore confirmée ne peut pas se connecter."
            ),
            h2("Mot de passe oublié"),
            steps(
                ("Cliquez sur « Mot de passe oublié ? »", "Sur la page de connexion."),
                ("Saisissez l'adresse de votre compte", "Par discrétion, la plateforme ne dit pas si elle existe."),
                ("Ouvrez le lien reçu", "Il est valable un jour."),
                ("Choisissez un nouveau mot de passe", "Puis connectez-vous avec lui."),
            ),
            warning(
                "Compte bloqué après cinq erreurs",
                "Après cinq tentatives de connexion échouées, le compte et la connexion utilisée sont bloqués pendant "
                "un quart d'heure : même le bon mot de passe est alors refusé. Patientez, ou contactez les "
                "administrateurs de la plateforme.",
            ),
            h3("Changer de mot de passe"),
            p("Depuis <b>Mon profil</b>, « Modifier mon mot de passe » : votre mot de passe actuel vous sera demandé."),
            tip(
                "Un gestionnaire de mots de passe",
                "Utilisez un mot de passe long et propre à la plateforme ; un gestionnaire de mots de passe le "
                "retient pour vous.",
            ),
        ],
    ),
    Guide(
        slug="inviter-des-collegues",
        title="Inviter des collègues dans votre organisation",
        topic="gerer-son-organisation",
        summary=(
            "Les administrateurs d'un organisme ou d'une entreprise invitent leurs collègues par e-mail et "
            "choisissent leur rôle. Comment inviter, relancer ou révoquer une invitation."
        ),
        tags=("plateforme", "compte"),
        owner=RENNES,
        related=("changer-un-role", "acheteurs-premiers-pas"),
        body=[
            p(
                "Seuls les administrateurs de l'organisation (ou de l'entreprise) peuvent inviter. Depuis <b>Mon "
                "profil</b>, suivez le lien « Gérer les membres de... » à côté de votre organisation."
            ),
            h2("Inviter"),
            steps(
                ("Ouvrez la page des membres", "« Gérer les membres de » votre organisation, depuis votre profil."),
                ("Rubrique « Inviter une personne »", "Saisissez son adresse e-mail professionnelle."),
                (
                    "Choisissez son rôle",
                    "Acheteur, rédacteur ou administrateur pour un organisme ; membre ou "
                    "administrateur pour une entreprise.",
                ),
                ("Envoyez", "La personne reçoit un lien à usage unique, valable sept jours."),
            ),
            h2("Suivre les invitations"),
            p(
                "Les invitations en cours sont listées sur la même page, avec leur auteur. Une invitation peut "
                "être révoquée tant qu'elle n'est pas acceptée ; inviter de nouveau la même adresse remplace "
                "l'invitation précédente."
            ),
            info(
                "Déjà membre ?",
                "La plateforme refuse d'inviter une personne qui est déjà membre de l'organisation : changez "
                "plutôt son rôle.",
            ),
            ref("changer-un-role"),
        ],
    ),
    Guide(
        slug="changer-un-role",
        title="Changer le rôle d'un membre, accepter une demande, retirer un membre",
        topic="gerer-son-organisation",
        summary=(
            "Sur la page des membres, l'administrateur change les rôles, traite les demandes d'adhésion et "
            "retire les personnes qui ont quitté l'organisation. L'organisation garde toujours un administrateur."
        ),
        tags=("plateforme", "compte"),
        owner=REGION,
        related=("inviter-des-collegues", "rejoindre-une-entreprise-deja-inscrite"),
        body=[
            h2("Changer un rôle"),
            steps(
                ("Ouvrez la page des membres", "Depuis votre profil."),
                ("Choisissez le nouveau rôle", "Dans la ligne du membre, puis validez."),
                ("Le membre est notifié", "Son nouveau rôle s'applique immédiatement."),
            ),
            info(
                "Devenir rédacteur",
                "Le rôle « Rédacteur » donne accès à l'administration du site pour rédiger des guides. Le retirer "
                "retire cet accès.",
            ),
            h2("Accepter ou refuser une demande"),
            p(
                "Les personnes qui se sont inscrites avec le SIRET de votre entreprise apparaissent dans les "
                "demandes en attente. « Accepter » en fait des membres ; « Refuser » clôt la demande. Dans les deux "
                "cas, la personne est notifiée."
            ),
            h2("Retirer un membre"),
            p(
                "Quand un collègue quitte l'organisation, retirez-le : il perd l'accès aux contenus réservés aux "
                "membres. Son compte personnel n'est pas supprimé."
            ),
            warning(
                "Toujours au moins un administrateur",
                "Vous ne pouvez pas retirer ni rétrograder le dernier administrateur : nommez d'abord un autre "
                "administrateur.",
            ),
            tip(
                "Deux administrateurs valent mieux qu'un",
                "Pendant les congés, un second administrateur peut accueillir les nouveaux arrivants.",
            ),
        ],
    ),
    Guide(
        slug="preferences-de-notification",
        title="Régler vos notifications : immédiatement, résumé quotidien ou jamais",
        topic="utiliser-la-plateforme",
        summary=(
            "Les notifications s'affichent toujours sur le site ; vous choisissez quand elles vous sont aussi "
            "envoyées par e-mail : à chaque fois, en un résumé quotidien, ou jamais."
        ),
        tags=("plateforme", "compte"),
        owner=CHU_BREST,
        reviewed_days_ago=340,
        review_in_days=12,
        related=("acheteurs-premiers-pas",),
        body=[
            h2("Trois choix"),
            table(
                "Notifications par e-mail",
                ["Réglage", "Ce que vous recevez"],
                ["Immédiatement", "un e-mail à chaque notification (réglage par défaut)"],
                ["Un résumé par jour", "un seul e-mail le matin, qui reprend les notifications de la veille"],
                ["Jamais", "aucun e-mail ; les notifications restent visibles sur le site"],
            ),
            h2("Changer le réglage"),
            steps(
                ("Ouvrez « Mon profil »", ""),
                ("Rubrique « Mes informations et préférences »", "Champ « Notifications par e-mail »."),
                ("Choisissez et enregistrez", "Le réglage s'applique aux notifications suivantes."),
            ),
            h2("Lire ses notifications sur le site"),
            p(
                "Le lien « Notifications » de l'en-tête indique le nombre de notifications non lues. La page liste "
                "les plus récentes d'abord ; « Tout marquer comme lu » remet le compteur à zéro."
            ),
            tip(
                "Le bon réglage pour un administrateur",
                "Si vous validez les demandes d'adhésion de votre entreprise, gardez « Immédiatement » : "
                "vos collègues n'attendront pas le lendemain.",
            ),
        ],
    ),
    Guide(
        slug="donnees-personnelles-et-fermeture",
        title="Télécharger vos données et fermer votre compte (RGPD)",
        topic="utiliser-la-plateforme",
        summary=(
            "Vous pouvez à tout moment télécharger vos données personnelles dans un fichier JSON et fermer "
            "votre compte. Ce qui est supprimé, et ce qui reste, et pourquoi."
        ),
        tags=("plateforme", "compte"),
        owner=RENNES,
        related=("se-connecter-et-mot-de-passe",),
        body=[
            p(
                "Le règlement général sur la protection des données (RGPD) vous donne notamment un droit d'accès, "
                "de rectification, d'effacement et de portabilité de vos données. La plateforme vous permet "
                "d'exercer vous-même les principaux, depuis <b>Mon profil</b>."
            ),
            h2("Télécharger vos données"),
            p(
                "« Télécharger mes données personnelles (fichier JSON) » produit un fichier lisible par un tableur "
                "ou un autre logiciel : votre compte, vos appartenances à des organisations, vos notifications, "
                "et ce que vous avez écrit sur la plateforme. Le téléchargement est inscrit au journal de sécurité."
            ),
            h2("Corriger vos données"),
            p("Nom, prénom, fonction et préférences se modifient directement dans <b>Mon profil</b>."),
            h2("Fermer votre compte"),
            steps(
                ("Téléchargez d'abord vos données", "Si vous souhaitez les conserver."),
                ("Ouvrez « Fermer mon compte »", "Depuis votre profil."),
                ("Confirmez", "Avec votre mot de passe actuel et la case de confirmation."),
            ),
            table(
                "Ce que devient votre compte",
                ["Supprimé", "Conservé"],
                [
                    "adresse e-mail, nom, prénom, fonction, mot de passe",
                    "vos contributions, attribuées à « Ancien membre »",
                ],
                ["appartenances, notifications, invitations en cours", "le journal de sécurité, sans votre adresse"],
            ),
            warning(
                "La fermeture est définitive",
                "Vous ne pourrez plus vous connecter. Pour revenir, il faudra créer un nouveau compte ou être "
                "invité de nouveau.",
            ),
            quote(
                "Ce que vous avez publié reste sur la plateforme, car d'autres personnes s'en servent.",
                "Page de fermeture du compte",
            ),
        ],
    ),
    Guide(
        slug="lire-et-contribuer-aux-guides",
        title="Lire les guides, dire s'ils sont utiles, signaler et commenter",
        topic="utiliser-la-plateforme",
        summary=(
            "Chaque guide a un responsable et une date de relecture. Vous pouvez dire s'il vous a été utile, "
            "signaler un contenu dépassé et, si vous êtes membre, commenter."
        ),
        tags=("plateforme", "formation"),
        owner=REGION,
        related=("salle-de-formation", "rediger-un-guide"),
        body=[
            h2("Lire un guide"),
            p(
                ul(
                    "Le sommaire en haut du guide reprend ses intertitres.",
                    "« Relu le » et le nom du responsable indiquent qui tient le guide à jour.",
                    "Un bandeau prévient quand la date de relecture est dépassée : vérifiez les montants et les "
                    "références avant de vous en servir.",
                    "Les étiquettes mènent à tous les guides sur le même sujet ; les guides liés apparaissent en bas.",
                    "La page s'imprime proprement, sans menus.",
                )
            ),
            h2("Contribuer"),
            steps(
                (
                    "Dire si le guide vous a été utile",
                    "Oui ou non, avec un commentaire facultatif ; vous pouvez "
                    "changer d'avis. Les rédacteurs voient les totaux.",
                ),
                ("Signaler un contenu dépassé", "Expliquez ce qui a changé : le responsable du guide est prévenu."),
                (
                    "Commenter",
                    "En bas du guide, pour partager votre expérience. Vous pouvez modifier vos "
                    "commentaires ; les rédacteurs peuvent retirer ceux qui ne respectent pas la charte.",
                ),
            ),
            info(
                "Qui peut contribuer",
                "Il faut être connecté avec un compte confirmé. Certains guides sont réservés aux membres des "
                "organismes ou aux acheteurs : ils n'apparaissent qu'à eux.",
            ),
            tip(
                "Mise en forme des commentaires",
                "Les commentaires acceptent une mise en forme simple (Markdown) : **gras**, listes, liens.",
            ),
            ref("salle-de-formation"),
        ],
    ),
    Guide(
        slug="salle-de-formation",
        title="Suivre un parcours dans la salle de formation",
        topic="utiliser-la-plateforme",
        summary=(
            "Un parcours est une suite ordonnée de guides. Cochez chaque étape une fois lue : votre progression "
            "s'affiche sur le parcours, sur votre profil et sur la page d'accueil."
        ),
        tags=("plateforme", "formation"),
        owner=RENNES,
        related=("lire-et-contribuer-aux-guides",),
        body=[
            h2("Les parcours disponibles"),
            table(
                "Parcours de la salle de formation",
                ["Parcours", "Pour qui"],
                ["Prendre en main la plateforme — acheteurs", "agents des organismes membres"],
                ["Prendre en main la plateforme — entreprises", "entreprises inscrites"],
            ),
            h2("Suivre un parcours"),
            steps(
                ("Ouvrez le parcours", "Depuis « Guides et formation »."),
                ("Lisez l'étape", "Chaque étape renvoie à un guide."),
                ("Marquez-la comme faite", "Votre progression est enregistrée."),
                ("Reprenez plus tard", "La page d'accueil vous propose de continuer là où vous en étiez."),
            ),
            tip(
                "Commencez par le parcours de votre profil",
                "Les entreprises voient le parcours des entreprises, les acheteurs celui des acheteurs.",
            ),
        ],
    ),
    Guide(
        slug="rediger-un-guide",
        title="Rédiger et publier un guide (rédacteurs)",
        topic="utiliser-la-plateforme",
        summary=(
            "Les rédacteurs écrivent les guides dans l'administration du site et les soumettent à validation "
            "avant publication. Structure, public, responsable et date de relecture."
        ),
        tags=("plateforme", "formation"),
        owner=REGION,
        audience="members",
        related=("lire-et-contribuer-aux-guides",),
        body=[
            p(
                "Le rôle « Rédacteur » est attribué par l'administrateur de votre organisation. Il donne accès à "
                "l'administration du site, à l'adresse /admin/."
            ),
            h2("Créer le guide"),
            steps(
                (
                    "Choisir le thème",
                    "Dans l'arborescence « Guides et formation », ajoutez une page « Guide » sous le thème.",
                ),
                ("Écrire le résumé", "Deux phrases : ce que le lecteur saura faire après lecture."),
                (
                    "Construire le corps",
                    "Intertitres (ils forment le sommaire), texte, encadrés, étapes numérotées, "
                    "tableaux, citations, renvois vers d'autres guides.",
                ),
                (
                    "Régler l'onglet « Promotion »",
                    "Public (tout le monde, membres, acheteurs), étiquettes, responsable, dates de relecture.",
                ),
                ("Soumettre à validation", "Le guide est publié une fois approuvé."),
            ),
            h2("Bien écrire"),
            p(
                ul(
                    "Une idée par section, des intertitres qui disent ce que contient la section.",
                    "Citez l'article du code quand c'est utile, sans recopier le code.",
                    "Pour un montant susceptible de changer, dites-le et fixez une date de relecture proche.",
                )
            ),
            warning(
                "Public du guide",
                "Un conseil interne aux acheteurs (négociation, analyse des offres) se publie pour le public "
                "« Acheteurs » : il ne sera visible ni des entreprises ni des visiteurs.",
            ),
            info(
                "Relecture",
                "Le responsable reçoit un rappel avant la date de relecture ; les rédacteurs disposent d'une liste "
                "des guides à relire dans l'administration.",
            ),
        ],
    ),
    Guide(
        slug="ce-qui-arrive-sur-la-plateforme",
        title="Ce que fait la plateforme aujourd'hui, et ce qui arrive bientôt",
        topic="utiliser-la-plateforme",
        summary=(
            "Aujourd'hui : comptes, organisations, notifications, recherche, guides, forums et la salle des marchés "
            "(avis, alertes, DCE, questions, rectificatifs, dépôt des offres sous pli scellé avec sa consultation de "
            "test, données ouvertes), les espaces de travail et les groupements de commandes. Bientôt : les échanges "
            "avec la préfecture et le Trésor."
        ),
        tags=("plateforme", "dematerialisation"),
        owner=RENNES,
        reviewed_days_ago=5,
        review_in_days=90,
        related=(
            "salle-des-marches-entreprises",
            "deposer-une-offre-electronique",
            "publier-un-avis-de-marche",
            "inscrire-son-entreprise",
        ),
        body=[
            h2("Disponible aujourd'hui"),
            p(
                ul(
                    "Comptes des acheteurs (sur invitation) et des entreprises (inscription avec le SIRET).",
                    "Gestion des membres de chaque organisation par ses administrateurs.",
                    "Notifications sur le site et par e-mail, selon vos préférences.",
                    "Recherche sur le site.",
                    "Guides, parcours de formation, avis et commentaires ; forums entre membres.",
                    "<b>La salle des marchés</b> : les avis des organismes membres, leurs filtres, les alertes et "
                    "les flux, le téléchargement des DCE, les questions et réponses, les rectificatifs, le suivi "
                    "d'un avis et les données ouvertes au format OCDS.",
                    "<b>Le dépôt des offres</b> sous pli scellé : fichiers chiffrés dès leur envoi, qui reprend après "
                    "une coupure, accusé de réception avec les empreintes SHA-256, remplacement ou retrait jusqu'à la "
                    "date limite, registre public des dépôts, ouverture des plis par l'acheteur.",
                    f'<b>La <a href="{PRACTICE_URL}">consultation de test</a></b>, toujours ouverte, pour s\'entraîner '
                    "au dépôt : votre offre d'essai est ouverte pour votre seule entreprise quelques minutes après.",
                    "<b>Les espaces de travail</b> privés : membres de plusieurs organismes et invités, fichiers, "
                    "notes et discussion en direct.",
                    "<b>Les groupements de commandes</b> : convention signée en ligne, recensement des besoins de "
                    "chaque membre, tableau consolidé (CSV, XLSX), consultation préparée à partir des besoins et "
                    "quote-part de chaque membre après l'attribution.",
                    "Téléchargement de vos données et fermeture de votre compte.",
                )
            ),
            ref("deposer-une-offre-electronique", "Pour les entreprises : déposer une offre, pas à pas."),
            ref("salle-des-marches-entreprises", "Pour les entreprises : trouver, suivre et préparer une réponse."),
            ref("publier-un-avis-de-marche", "Pour les acheteurs : publier et faire vivre une consultation."),
            h2("Bientôt sur la plateforme"),
            table(
                "Les prochaines fonctions",
                ["Fonction", "Pour qui"],
                ["Transmission des actes au contrôle de légalité", "organismes membres, préfectures"],
                ["Envoi des pièces comptables au Trésor public", "organismes membres, comptables publics"],
            ),
            info(
                "Un guide pour chaque fonction",
                "Chaque nouvelle fonction est accompagnée d'un guide pas à pas.",
            ),
            tip(
                "Préparez-vous dès maintenant",
                "Inscrivez votre entreprise, créez vos alertes et invitez vos collègues : vous serez prévenus dès "
                f'qu\'un avis vous concerne. Puis faites un essai de dépôt sur la <a href="{PRACTICE_URL}">'
                "consultation de test</a>.",
            ),
        ],
    ),
    Guide(
        slug="salle-des-marches-entreprises",
        title="Entreprises : trouver un avis, télécharger le DCE, poser une question",
        topic="utiliser-la-plateforme",
        summary=(
            "La salle des marchés liste les avis de tous les organismes membres. Filtrez, créez une alerte ou "
            "abonnez-vous au flux, téléchargez le DCE (identifié ou anonyme), posez vos questions, suivez les "
            "rectificatifs et déposez votre offre."
        ),
        tags=("plateforme", "entreprises", "dce", "dematerialisation"),
        owner=REGION,
        reviewed_days_ago=5,
        review_in_days=180,
        related=(
            "deposer-une-offre-electronique",
            "ce-qui-arrive-sur-la-plateforme",
            "inscrire-son-entreprise",
            "donnees-ouvertes-des-marches",
        ),
        body=[
            p(
                "La salle des marchés (« Appels d'offres » dans le menu principal) est ouverte à tous, sans "
                "compte. Un compte d'entreprise confirmé permet en plus de télécharger en étant identifié, de poser "
                "des questions, de suivre un avis et de créer des alertes."
            ),
            h2("Trouver les avis qui vous concernent"),
            table(
                "Les filtres de la liste",
                ["Filtre", "Exemple"],
                ["Mots-clés", "« nettoyage vitrerie » dans l'objet, la référence ou la description"],
                ["Nature", "travaux, fournitures ou services"],
                ["Procédure", "procédure adaptée (MAPA), appel d'offres ouvert ou restreint..."],
                ["Code CPV", "les premiers chiffres suffisent : 9091 couvre tous les services de nettoyage"],
                ["Département", "22, 29, 35, 56 : le lieu d'exécution"],
                ["Acheteur, date limite, montant estimé", "pour resserrer la liste"],
                ["État", "en cours (par défaut), attribués, sans suite, annulés, ou tous"],
            ),
            tip(
                "Le code CPV par le début",
                "Le filtre CPV cherche aussi dans les codes complémentaires et ceux des lots : « 4523 » trouve "
                "les travaux de voirie même quand ils sont un lot d'une opération plus large.",
            ),
            h2("Alertes et flux"),
            steps(
                ("Réglez les filtres de la liste", "Par exemple : services, département 35, CPV 9091."),
                (
                    "Cliquez sur « Créer une alerte », sous les résultats",
                    "Donnez-lui un nom, puis « Créer l'alerte » ; elle apparaît dans « Mes alertes ».",
                ),
                (
                    "Recevez les nouveaux avis",
                    "Une notification, sur le site et par e-mail selon vos préférences, à chaque nouvel avis qui "
                    "correspond.",
                ),
                (
                    "Ou abonnez-vous au flux",
                    "Chaque alerte a son flux Atom (lecteur de flux) et son calendrier iCalendar (dates limites "
                    "dans votre agenda), à une adresse secrète : ne la partagez pas.",
                ),
            ),
            h2("Télécharger le dossier de consultation (DCE)"),
            p(
                "Sur la page de l'avis, la rubrique « Documents de la consultation » liste les pièces (règlement "
                "de la consultation, CCAP, CCTP, bordereau des prix...), pour l'ensemble du marché ou par lot. "
                "Téléchargez une pièce ou tout le dossier en un fichier ZIP."
            ),
            table(
                "Identifié ou anonyme : vous choisissez",
                ["", "Téléchargement identifié", "Téléchargement anonyme"],
                ["Qui", "entreprise connectée", "tout le monde"],
                [
                    "Ce qui est enregistré",
                    "vous, votre entreprise, les versions téléchargées",
                    "un compteur, rien d'autre",
                ],
                ["Rectificatifs et réponses", "vous êtes prévenu", "à vérifier vous-même sur l'avis"],
            ),
            warning(
                "Téléchargez identifié si vous comptez répondre",
                "Un DCE peut changer en cours de consultation. Identifié, vous êtes prévenu de chaque nouvelle "
                "version ; anonyme, vous risquez de répondre sur une pièce remplacée.",
            ),
            h2("Poser une question"),
            steps(
                ("Connectez-vous avec votre compte d'entreprise", ""),
                (
                    "Rubrique « Questions et réponses » de l'avis",
                    "Jusqu'à la date limite des questions indiquée sur l'avis.",
                ),
                (
                    "L'acheteur répond à tous",
                    "La réponse est publiée sur l'avis pour toutes les entreprises, sans le nom de la vôtre ; "
                    "vous êtes prévenu, comme celles qui suivent l'avis ou ont téléchargé le DCE en étant "
                    "identifiées.",
                ),
            ),
            h2("Rectificatifs et suivi"),
            p(
                "Quand l'acheteur modifie un avis publié (date limite reportée, pièce du DCE remplacée, montant "
                "ou lots corrigés), un rectificatif numéroté apparaît sur l'avis avec son motif et le détail de "
                "ce qui a changé. Le bouton « Suivre cet avis » vous tient informé des rectificatifs, des "
                "réponses, de l'annulation ou de l'attribution, sans télécharger le DCE."
            ),
            h2("Déposer votre offre"),
            p(
                "Sur la page de l'avis, « Mon offre » reçoit vos fichiers, chiffrés dès leur envoi, jusqu'à la date "
                "limite à l'heure du serveur ; le dépôt vous donne aussitôt un accusé de réception avec l'empreinte "
                "SHA-256 de chaque fichier. Vous pouvez remplacer ou retirer votre offre jusqu'à la date limite."
            ),
            tip(
                "Faites un essai avant le jour J",
                f'La <a href="{PRACTICE_URL}">consultation de test</a> est toujours ouverte : déposez-y une offre '
                "d'essai, puis téléchargez vos fichiers déchiffrés quelques minutes plus tard.",
            ),
            ref("deposer-une-offre-electronique", "Le dépôt pas à pas : limites, envoi, accusé, registre, ouverture."),
            ref("donnees-ouvertes-des-marches"),
        ],
    ),
    Guide(
        slug="publier-un-avis-de-marche",
        title="Acheteurs : publier un avis et faire vivre la consultation",
        topic="utiliser-la-plateforme",
        summary=(
            "Rédiger l'avis dans l'administration du site, joindre le DCE, publier ; puis répondre aux questions, "
            "publier un rectificatif, ouvrir les plis, attribuer ou déclarer sans suite."
        ),
        tags=("plateforme", "dce", "procedures", "dematerialisation"),
        owner=RENNES,
        audience="members",
        reviewed_days_ago=5,
        review_in_days=180,
        related=("salle-des-marches-entreprises", "ce-qui-arrive-sur-la-plateforme"),
        body=[
            p(
                "Les acheteurs et les administrateurs d'un organisme membre publient les avis de leur organisme, "
                "et seulement les siens, depuis l'administration du site (/admin/), sous la page de leur organisme "
                "dans « Appels d'offres » ; aucun autre organisme ne voit leurs brouillons."
            ),
            h2("Rédiger et publier"),
            steps(
                (
                    "Ajoutez une page « Avis »",
                    "Sous la page de votre organisme, dans « Appels d'offres » : l'administration s'ouvre sur elle.",
                ),
                (
                    "Renseignez l'avis",
                    "Objet, référence (unique pour votre organisme), description, nature, procédure, codes CPV, "
                    "département, montant estimé (publié ou non), dates limites, lots, critères, clauses, contact.",
                ),
                (
                    "Joignez le DCE",
                    "Depuis la page de l'avis : règlement de la consultation, CCAP, CCTP, BPU ou DPGF, plans, pour "
                    "l'ensemble ou par lot. Avant la publication, les pièces se modifient librement.",
                ),
                (
                    "Publiez",
                    "Tout de suite, ou à une date programmée (« Date de mise en ligne ») : les entreprises dont une "
                    "alerte correspond sont prévenues au moment où l'avis est en ligne, pas avant.",
                ),
            ),
            h2("Pendant la consultation"),
            table(
                "Ce que vous faites, et qui est prévenu",
                ["Action", "Qui est prévenu"],
                ["Répondre à une question", "l'entreprise qui l'a posée, les abonnés et les téléchargeurs identifiés"],
                ["Publier une information à tous", "les mêmes"],
                ["Modifier l'avis publié (rectificatif)", "les abonnés et les téléchargeurs identifiés"],
                ["Remplacer ou ajouter une pièce du DCE", "idem : c'est aussi un rectificatif"],
            ),
            warning(
                "Un rectificatif demande un motif",
                "Une fois l'avis publié, toute modification des dates, des lots, du montant ou du DCE est un "
                "rectificatif : indiquez son motif, il est publié avec le détail des changements.",
            ),
            tip(
                "Reporter plutôt que raccourcir",
                "Si une réponse ou une nouvelle pièce change le travail des candidats, reportez la date limite "
                "de remise des offres d'autant.",
            ),
            h2("Après la date limite"),
            p(
                ul(
                    "« Ouvrir les plis » une fois la date limite passée ;",
                    "« Attribuer » : nom et SIRET du titulaire, montant ; l'attribution est publiée ;",
                    "« Déclarer sans suite » (infructueux) ou « Annuler », avec le motif, publié sur l'avis.",
                )
            ),
            info(
                "Données ouvertes",
                "Vos avis publiés, leurs rectificatifs et attributions alimentent automatiquement les données "
                "ouvertes de la plateforme au format OCDS.",
            ),
        ],
    ),
    Guide(
        slug="donnees-ouvertes-des-marches",
        title="Les données ouvertes des marchés (OCDS)",
        topic="utiliser-la-plateforme",
        summary=(
            "Les avis publiés, leurs rectificatifs et leurs attributions sont publiés en données ouvertes au "
            "format international OCDS : où les trouver et comment les lire."
        ),
        tags=("plateforme", "dematerialisation"),
        owner=CHU_BREST,
        reviewed_days_ago=5,
        review_in_days=180,
        related=("salle-des-marches-entreprises",),
        body=[
            p(
                "L'Open Contracting Data Standard (OCDS) décrit chaque étape d'un marché public dans un format "
                "commun, lisible par les logiciels d'analyse. La plateforme publie un « release » pour chaque "
                "étape d'un avis : publication, rectificatifs, attribution ou clôture."
            ),
            h2("Les adresses"),
            table(
                "Les données publiées",
                ["Adresse", "Contenu"],
                [
                    "/donnees/ocds/releases.json",
                    "tous les avis publiés, 100 avis par page, du plus ancien au plus récent",
                ],
                ["/donnees/ocds/releases.json?page=2", "la page suivante (indiquée aussi dans l'en-tête HTTP Link)"],
                ["/donnees/ocds/avis/[numéro].json", "toutes les étapes d'un avis (numéro interne de l'avis)"],
            ),
            h2("Ce qui est publié, et ce qui ne l'est jamais"),
            p(
                "Pour chaque avis : l'acheteur et son SIRET, l'objet, les lots, les codes CPV, les dates limites, "
                "les pièces du DCE, les rectificatifs avec leur motif, puis l'attribution (attributaire et montant) "
                "ou l'annulation avec sa raison."
            ),
            info(
                "Ce qui n'est jamais publié",
                "Les brouillons, le montant estimé quand l'acheteur a choisi de le masquer, l'identité des "
                "entreprises qui posent des questions ou téléchargent le DCE.",
            ),
            tip(
                "Pour un tableur",
                "Les outils de l'Open Contracting Partnership (par exemple Flatten Tool) convertissent ces "
                "fichiers en tableaux.",
            ),
        ],
    ),
]
