"""Guides about using the platform, limited to what it does today (procurement features are announced only)."""

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
                ["Acheteur", "lire tous les guides, y compris ceux réservés aux acheteurs ; suivre les parcours"],
                ["Rédacteur", "en plus, rédiger et proposer des guides dans l'administration du site"],
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
        title="Ce qui arrive bientôt sur la plateforme",
        topic="utiliser-la-plateforme",
        summary=(
            "Aujourd'hui : comptes, organisations, notifications, recherche, guides et formation. Bientôt : les "
            "annonces de marchés, le téléchargement des DCE, les questions, le dépôt des offres et les espaces "
            "de travail."
        ),
        tags=("plateforme", "dematerialisation"),
        owner=RENNES,
        reviewed_days_ago=15,
        review_in_days=60,
        related=("inscrire-son-entreprise", "acheteurs-premiers-pas"),
        body=[
            h2("Disponible aujourd'hui"),
            p(
                ul(
                    "Comptes des acheteurs (sur invitation) et des entreprises (inscription avec le SIRET).",
                    "Gestion des membres de chaque organisation par ses administrateurs.",
                    "Notifications sur le site et par e-mail, selon vos préférences.",
                    "Recherche sur le site.",
                    "Guides, parcours de formation, avis et commentaires.",
                    "Téléchargement de vos données et fermeture de votre compte.",
                )
            ),
            h2("Bientôt sur la plateforme"),
            table(
                "Les prochaines fonctions",
                ["Fonction", "Pour qui"],
                ["Annonces de marchés et alertes", "acheteurs (publication), entreprises (recherche, alertes)"],
                ["Téléchargement des DCE", "entreprises inscrites"],
                ["Questions et réponses des consultations", "entreprises et acheteurs"],
                ["Dépôt des offres sous pli scellé", "entreprises"],
                ["Achats groupés et espaces de travail", "acheteurs des organismes membres"],
                ["Forums", "membres"],
            ),
            info(
                "Ces guides suivront",
                "Chaque fonction sera accompagnée d'un guide pas à pas, ajouté aux parcours de la salle de "
                "formation dès sa mise en service.",
            ),
            tip(
                "Préparez-vous dès maintenant",
                "Inscrivez votre entreprise et invitez vos collègues : vous serez prêts le jour où les premières "
                "consultations seront publiées.",
            ),
        ],
    ),
]
