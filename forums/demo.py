"""Demo forum (seed_demo hook): categories per visibility and French discussions among the seeded buyers.

Idempotent: categories are keyed by slug and topics by (category, title); only what is missing is added.
Rows are written directly (dated in the past, counters and numbers computed here) rather than through the
posting actions, which would notify, rate-limit and date everything now. With --scale N > 1, N * 1000
generated topics are added in bulk to their own public category, for the benchmarks.
"""

import datetime
import hashlib
import itertools
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail import hooks

from forums.actions.moderation import refresh_category, refresh_topic
from forums.models import Category, Post, Reaction, Topic
from intranet.management.commands.seed_demo import BODIES, DEMO_DOMAIN, make_siret
from intranet.models import Organization, User
from intranet.text import render_markdown

GENERATED_PER_SCALE = 1000
GENERATED_SLUG = "sujets-generes"


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    name: str
    description: str
    visibility: str
    parent: str = ""
    organization: str = ""  # demo organization key (seed_demo.BODIES)
    group: str = ""
    moderators: tuple[str, ...] = ("admin",)  # e-mail local parts


@dataclass(frozen=True)
class DemoTopic:
    category: str
    title: str
    days_ago: int
    # (author local part, Markdown text, hours after the topic was opened); the first one opens the topic.
    posts: list[tuple[str, str, int]]
    solution: int | None = None  # index in `posts` of the reply that answers the question
    reactions: list[tuple[int, str, str]] = field(default_factory=list)  # (post index, person, kind)


HOSPITAL_GROUP = "Réseau des acheteurs hospitaliers"
HOSPITAL_GROUP_MEMBERS = (
    "acheteur.chu-brest",
    "admin.chu-brest",
    "admin.chu-rennes",
    "admin.chba",
    "admin.ch-saint-brieuc",
)

CATEGORIES = [
    DemoCategory(
        "procedures-et-seuils",
        "Procédures et seuils",
        "Choisir la bonne procédure, appliquer les seuils, rédiger et publier : questions et retours de terrain.",
        "public",
        moderators=("admin", "admin.region"),
    ),
    DemoCategory(
        "achats-durables",
        "Achats durables",
        "Clauses sociales et environnementales, SPASER, économie circulaire : ce qui marche chez les uns "
        "et les autres.",
        "members",
        moderators=("admin", "admin.region"),
    ),
    DemoCategory(
        "entre-acheteurs",
        "Entre acheteurs",
        "L'espace des acheteurs publics des collectivités et établissements membres.",
        "buyers",
        moderators=("admin", "admin.region"),
    ),
    DemoCategory(
        "mutualisation",
        "Mutualisation",
        "Groupements de commandes, centrales d'achat, achats partagés entre membres.",
        "buyers",
        parent="entre-acheteurs",
        moderators=("admin.rennes",),
    ),
    DemoCategory(
        "ville-de-rennes-interne",
        "Ville de Rennes — interne",
        "Échanges internes à la direction de la commande publique de la Ville de Rennes.",
        "organization",
        organization="rennes",
        moderators=("admin.rennes",),
    ),
    DemoCategory(
        "reseau-acheteurs-hospitaliers",
        HOSPITAL_GROUP,
        "Les acheteurs des établissements de santé bretons : GHT, dispositifs médicaux, achats mutualisés.",
        "group",
        group=HOSPITAL_GROUP,
        moderators=("admin.chu-brest",),
    ),
]

TOPICS = [
    DemoTopic(
        "procedures-et-seuils",
        "Achat de faible montant sans publicité : comment documenter le choix du prestataire ?",
        42,
        [
            (
                "acheteur.rennes",
                "Bonjour à tous,\n\nPour les achats sous le seuil de dispense de procédure (article R. 2122-8 du code "
                "de la commande publique), nous n'avons pas d'obligation de publicité ni de mise en concurrence, "
                "mais nous devons choisir une offre pertinente, faire une bonne utilisation des deniers publics et "
                "ne pas contracter systématiquement avec le même opérateur.\n\nComment gardez-vous la trace de ce "
                "choix ? Un simple devis suffit-il à votre avis ?",
                0,
            ),
            (
                "acheteur.region",
                "Chez nous, une fiche d'une page par achat : besoin, opérateurs consultés (2 ou 3 devis quand c'est "
                "possible), motif du choix. Elle est jointe au bon de commande. En cas de contrôle, c'est ce qu'on "
                "nous demande en premier.",
                3,
            ),
            (
                "admin.chu-brest",
                "Même pratique. Nous suivons aussi le cumul par famille d'achats sur l'année : c'est la valeur "
                "totale du besoin qui compte pour apprécier le seuil, pas le montant de chaque commande.",
                5,
            ),
            ("acheteur.rennes", "Merci, la fiche type et le suivi par famille, c'est ce qu'il me fallait.", 30),
        ],
        solution=1,
        reactions=[(1, "acheteur.rennes", "thanks"), (1, "admin.brest", "useful"), (2, "acheteur.region", "agree")],
    ),
    DemoTopic(
        "procedures-et-seuils",
        "Seuils européens : où trouver les valeurs en vigueur ?",
        35,
        [
            (
                "admin.quimper",
                "Les seuils des procédures formalisées sont révisés tous les deux ans par la Commission européenne. "
                "Quelle source de référence utilisez-vous pour être sûrs d'avoir les bonnes valeurs ?",
                0,
            ),
            (
                "acheteur.region",
                "L'avis publié au Journal officiel, repris dans l'annexe 2 du code de la commande publique. La DAJ "
                "de Bercy publie aussi une fiche à chaque révision : nous mettons à jour nos modèles le jour même.",
                2,
            ),
            (
                "admin.lorient",
                "Attention aussi aux seuils différents pour l'État, les collectivités et les travaux : une erreur "
                "fréquente est d'appliquer le seuil des fournitures de l'État à une commune.",
                6,
            ),
        ],
        solution=1,
        reactions=[(1, "admin.quimper", "useful"), (2, "admin.vannes", "like")],
    ),
    DemoTopic(
        "procedures-et-seuils",
        "MAPA : quel délai de réponse laisser aux entreprises ?",
        20,
        [
            (
                "admin.vannes",
                "En procédure adaptée, le code n'impose pas de délai minimal, seulement un délai raisonnable selon "
                "l'objet. Pour une petite prestation de nettoyage, 15 jours vous paraissent-ils suffisants ?",
                0,
            ),
            (
                "acheteur.rennes",
                "Nous partons sur 3 semaines au minimum, plus si la visite des locaux est obligatoire. Les PME nous "
                "disent régulièrement que les délais courts les empêchent de répondre.",
                4,
            ),
            (
                "admin.saint-malo",
                "Pensez aux périodes de congés : une consultation lancée mi-juillet avec 15 jours de délai, c'est "
                "souvent peu de réponses.",
                9,
            ),
        ],
        reactions=[(1, "admin.vannes", "thanks"), (2, "admin.vannes", "agree")],
    ),
    DemoTopic(
        "procedures-et-seuils",
        "Allotissement : justifier un marché global",
        9,
        [
            (
                "admin.brest",
                "Pour des travaux de réhabilitation d'une école, nous envisageons un marché global. Le principe reste "
                "l'allotissement : quels motifs avez-vous retenus dans vos rapports de présentation ?",
                0,
            ),
            (
                "acheteur.region",
                "Les motifs prévus par le code : dévolution en lots de nature à restreindre la concurrence, ou à "
                "rendre l'exécution techniquement difficile ou financièrement plus coûteuse. Il faut les démontrer "
                "concrètement (interfaces entre corps d'état, planning en site occupé…), pas seulement les citer.",
                6,
            ),
        ],
        solution=1,
        reactions=[(1, "admin.brest", "useful")],
    ),
    DemoTopic(
        "achats-durables",
        "Critère environnemental obligatoire : vos retours d'expérience",
        28,
        [
            (
                "acheteur.region",
                "La loi Climat et résilience généralise la prise en compte des caractéristiques environnementales "
                "dans les critères d'attribution. Quels critères avez-vous testés et comment les notez-vous ?",
                0,
            ),
            (
                "acheteur.chu-brest",
                "Pour les fournitures : emballages, distance de livraison et reprise des produits en fin de vie. "
                "Nous demandons des éléments vérifiables (fiches techniques, engagements chiffrés) plutôt que des "
                "déclarations d'intention.",
                8,
            ),
            (
                "gerant.breizh-proprete",
                "Côté entreprise : les critères précis et mesurables nous aident à progresser. Les questionnaires "
                "très ouverts favorisent surtout ceux qui ont un service de rédaction de mémoires.",
                20,
            ),
            (
                "acheteur.region",
                "Merci pour ce point de vue, c'est précieux. Nous allons ajouter des sous-critères chiffrés.",
                26,
            ),
        ],
        reactions=[(2, "acheteur.region", "useful"), (2, "admin.brest", "agree"), (1, "admin.quimper", "like")],
    ),
    DemoTopic(
        "achats-durables",
        "Clause d'insertion dans un marché de nettoyage",
        16,
        [
            (
                "admin.lorient",
                "Nous voulons introduire une clause d'insertion (heures réservées à des personnes éloignées de "
                "l'emploi). Qui vous accompagne pour calibrer le volume d'heures et suivre l'exécution ?",
                0,
            ),
            (
                "admin.rennes",
                "Le facilitateur des clauses sociales du territoire : il aide à estimer les heures et suit les "
                "bilans. Sans suivi, la clause reste lettre morte.",
                5,
            ),
            (
                "commercial.breizh-proprete",
                "Nous travaillons avec plusieurs structures d'insertion : prévoir un temps d'échange avant le "
                "démarrage du marché facilite beaucoup les choses.",
                30,
            ),
        ],
        solution=1,
        reactions=[(1, "admin.lorient", "thanks"), (2, "admin.lorient", "useful")],
    ),
    DemoTopic(
        "achats-durables",
        "Mobilier de réemploi : quelqu'un a essayé ?",
        6,
        [
            (
                "acheteur.rennes",
                "Nous réfléchissons à un lot de mobilier de bureau issu du réemploi. Comment avez-vous rédigé les "
                "spécifications (état, garantie) ?",
                0,
            ),
            (
                "admin.quimper",
                "Nous avons fixé des catégories d'état avec photos de référence et une garantie d'un an. Les "
                "retours des agents sont très bons.",
                12,
            ),
        ],
        reactions=[(1, "acheteur.rennes", "like")],
    ),
    DemoTopic(
        "entre-acheteurs",
        "Sourcing : jusqu'où peut-on échanger avec les entreprises avant la consultation ?",
        24,
        [
            (
                "acheteur.chu-brest",
                "Nous préparons un marché de maintenance et voudrions rencontrer quelques fournisseurs. Quelles "
                "précautions prenez-vous pour respecter l'égalité de traitement ?",
                0,
            ),
            (
                "admin.rennes",
                "Les études et échanges préalables sont permis à condition de ne pas fausser la concurrence : "
                "nous publions un avis de sourcing, gardons un compte rendu de chaque rencontre et partageons "
                "dans le dossier de consultation les informations données à un seul opérateur.",
                4,
            ),
            ("acheteur.chu-brest", "Parfait, le compte rendu systématique est une bonne idée.", 10),
        ],
        solution=1,
        reactions=[(1, "acheteur.chu-brest", "thanks"), (1, "acheteur.region", "useful")],
    ),
    DemoTopic(
        "entre-acheteurs",
        "Offre anormalement basse : comment mener l'échange contradictoire ?",
        11,
        [
            (
                "admin.saint-brieuc",
                "Une offre est 40 % sous l'estimation et sous les autres offres. Nous devons demander des "
                "précisions avant tout rejet : quelles questions posez-vous ?",
                0,
            ),
            (
                "acheteur.region",
                "Nous demandons la décomposition du prix, les hypothèses de productivité et le respect des "
                "obligations sociales. Le rejet doit être motivé à partir des réponses, pas du seul écart de prix.",
                7,
            ),
        ],
        solution=1,
        reactions=[(1, "admin.saint-brieuc", "useful")],
    ),
    DemoTopic(
        "mutualisation",
        "Groupement de commandes pour les fournitures de bureau 2027",
        14,
        [
            (
                "admin.rennes",
                "La Ville de Rennes coordonnera un groupement de commandes pour les fournitures de bureau. La "
                "convention constitutive est en préparation : qui souhaite en être ?",
                0,
            ),
            ("admin.fougeres", "Fougères est intéressée. Quel calendrier pour les délibérations ?", 6),
            (
                "admin.rennes",
                "Délibérations avant la fin du trimestre prochain, recensement des besoins en parallèle. Je "
                "joindrai le modèle de convention à ce fil.",
                8,
            ),
            ("admin.vitre", "Vitré aussi, avec un besoin plus modeste.", 24),
        ],
        reactions=[(0, "admin.fougeres", "like"), (0, "admin.vitre", "like"), (2, "admin.fougeres", "thanks")],
    ),
    DemoTopic(
        "mutualisation",
        "Passer par une centrale d'achat : retour d'expérience",
        4,
        [
            (
                "admin.morlaix",
                "Recourir à une centrale d'achat nous dispense de mise en concurrence pour les achats concernés. "
                "Avez-vous comparé les prix avec vos propres marchés ?",
                0,
            ),
            (
                "admin.landerneau",
                "Oui, sur les véhicules : prix intéressants, mais frais de gestion à intégrer et moins de prise "
                "sur les délais de livraison. Nous comparons à chaque renouvellement.",
                9,
            ),
        ],
        reactions=[(1, "admin.morlaix", "useful")],
    ),
    DemoTopic(
        "ville-de-rennes-interne",
        "Calendrier des renouvellements de marchés du premier semestre",
        7,
        [
            (
                "admin.rennes",
                "Le tableau des marchés arrivant à échéance est à jour, joint au premier message. Merci de "
                "vérifier vos lignes avant vendredi.",
                0,
            ),
            ("acheteur.rennes", "C'est fait pour les marchés de services. Deux dates corrigées.", 20),
        ],
        reactions=[(1, "admin.rennes", "thanks")],
    ),
    DemoTopic(
        "reseau-acheteurs-hospitaliers",
        "Dispositifs médicaux : harmoniser les références au sein du GHT",
        10,
        [
            (
                "acheteur.chu-brest",
                "Nous travaillons à réduire le nombre de références de pansements entre établissements du GHT. "
                "Comment avez-vous associé les soignants au choix ?",
                0,
            ),
            (
                "admin.chu-rennes",
                "Un groupe de travail avec des infirmiers de chaque établissement, des essais en service et une "
                "grille d'évaluation commune. Sans eux, les références reviennent par la petite porte.",
                6,
            ),
            ("admin.chba", "Même approche ici, avec un retour formel aux services après la décision.", 26),
        ],
        solution=1,
        reactions=[(1, "acheteur.chu-brest", "useful"), (1, "admin.chba", "agree")],
    ),
]


# --- writing the demo forum -------------------------------------------------------------------------------


@hooks.register("register_demo_content")
def seed_forums(command, scale: int = 1) -> None:
    created = create_forums()
    generated = add_generated_topics(scale * GENERATED_PER_SCALE) if scale > 1 else 0
    command.stdout.write(
        f"Forums: {created['categories']} categories, {created['topics']} topics and {generated} generated topics "
        "added."
    )


def _content_hash(scope: str, source: str, title: str = "") -> str:
    # The same shape as the posting actions' duplicate guard.
    return hashlib.sha256(f"{scope}\n{title}\n{source}".encode()).hexdigest()


@transaction.atomic
def create_forums() -> dict[str, int]:
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
    if not people:
        return {"categories": 0, "topics": 0}
    group, _created = Group.objects.get_or_create(name=HOSPITAL_GROUP)
    group.user_set.add(*[people[key] for key in HOSPITAL_GROUP_MEMBERS if key in people])
    categories, new_categories = _ensure_categories(people, group)
    existing = set(Topic.objects.filter(category__in=categories.values()).values_list("category_id", "title"))
    now = timezone.now()
    new_topics = 0
    for demo in TOPICS:
        category = categories[demo.category]
        if (category.pk, demo.title) in existing:
            continue
        if any(author not in people for author, _text, _hours in demo.posts):
            continue  # a person of the demo is missing (a partial seed): leave this discussion out
        _create_topic(category, demo, people, now)
        new_topics += 1
    for category in categories.values():
        refresh_category(category)
    return {"categories": new_categories, "topics": new_topics}


def _ensure_categories(people: dict[str, User], group: Group) -> tuple[dict[str, Category], int]:
    existing = {c.slug: c for c in Category.objects.filter(slug__in=[c.slug for c in CATEGORIES])}
    organizations = {}
    sirets = {d.key: make_siret(d.code) for d in BODIES}
    for demo in CATEGORIES:
        if demo.organization:
            organizations[demo.organization] = Organization.objects.filter(siret=sirets[demo.organization]).first()
    created = 0
    for position, demo in enumerate(CATEGORIES):
        if demo.slug in existing:
            continue
        organization = organizations.get(demo.organization)
        if demo.organization and organization is None:
            continue
        category = Category.objects.create(
            slug=demo.slug,
            name=demo.name,
            description=demo.description,
            visibility=demo.visibility,
            parent=existing.get(demo.parent),
            position=position,
            organization=organization,
            group=group if demo.group else None,
        )
        category.moderators.set([people[key] for key in demo.moderators if key in people])
        existing[demo.slug] = category
        created += 1
    return existing, created


def _create_topic(category: Category, demo: DemoTopic, people: dict[str, User], now) -> Topic:
    opened = now - datetime.timedelta(days=demo.days_ago)
    first_author = demo.posts[0][0]
    topic = Topic.objects.create(category=category, title=demo.title, author=people[first_author], last_post_at=opened)
    posts = []
    for number, (author, text, _hours) in enumerate(demo.posts, start=1):
        scope = f"category:{category.pk}" if number == 1 else f"topic:{topic.pk}"
        posts.append(
            Post(
                topic=topic,
                author=people[author],
                number=number,
                source=text,
                html=render_markdown(text),
                content_hash=_content_hash(scope, text, demo.title if number == 1 else ""),
            )
        )
    posts = Post.objects.bulk_create(posts)
    for post, (_author, _text, hours) in zip(posts, demo.posts, strict=True):
        post.created_at = opened + datetime.timedelta(hours=hours)  # auto_now_add: dated afterwards
    Post.objects.bulk_update(posts, ["created_at"])
    Topic.objects.filter(pk=topic.pk).update(created_at=opened)
    if demo.solution is not None:
        topic.solution = posts[demo.solution]
    refresh_topic(topic)
    Reaction.objects.bulk_create(
        [
            Reaction(post=posts[index], user=people[person], kind=kind, notified_at=now)
            for index, person, kind in demo.reactions
            if person in people
        ],
        ignore_conflicts=True,
    )
    return topic


# --- --scale: generated topics for the benchmarks -----------------------------------------------------


def add_generated_topics(target: int) -> int:
    """Bring the generated category to `target` topics of one post each, in bulk (no actions: plain rows)."""
    authors = list(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_active=True).order_by("pk")[:50])
    if not authors:
        return 0
    category, _created = Category.objects.get_or_create(
        slug=GENERATED_SLUG,
        defaults={
            "name": "Sujets générés (tests de charge)",
            "description": "Sujets générés automatiquement pour mesurer les performances.",
            "visibility": Category.Visibility.PUBLIC,
            "position": 100,
        },
    )
    existing = Topic.objects.filter(category=category).count()
    missing = max(0, target - existing)
    if not missing:
        return 0
    now = timezone.now()
    html = render_markdown("Message généré pour les tests de charge.")
    cycle = itertools.cycle(authors)
    added = 0
    for start in range(existing, existing + missing, 1000):
        with transaction.atomic():
            numbers = range(start + 1, min(existing + missing, start + 1000) + 1)
            stamps = {n: now - datetime.timedelta(minutes=n) for n in numbers}
            topics = Topic.objects.bulk_create(
                [
                    Topic(category=category, title=f"Sujet généré n° {n}", author=next(cycle), last_post_at=stamps[n])
                    for n in numbers
                ]
            )
            posts = Post.objects.bulk_create(
                [
                    Post(
                        topic=topic,
                        author_id=topic.author_id,
                        number=1,
                        source="Message généré pour les tests de charge.",
                        html=html,
                        content_hash=_content_hash(f"generated:{topic.pk}", ""),
                    )
                    for topic in topics
                ]
            )
            for topic, post in zip(topics, posts, strict=True):
                topic.first_post = topic.last_post = post
            Topic.objects.bulk_update(topics, ["first_post", "last_post"], batch_size=500)
            added += len(topics)
    with transaction.atomic():
        refresh_category(category)
    return added
