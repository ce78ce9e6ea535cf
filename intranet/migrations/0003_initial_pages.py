"""Replace Wagtail's "Welcome" page with the site's home page and its footer pages (French content)."""

from django.db import migrations
from django.utils import timezone

HOME_PATH = "00010001"

HOME_INTRO = (
    "<p><b>Marchés &amp; Partage</b> est la plateforme régionale des acheteurs publics bretons : "
    "communes, intercommunalités, départements, Région, hôpitaux, chambres consulaires et établissements "
    "d'enseignement y publient leurs consultations, mutualisent leurs achats et partagent leur expérience.</p>"
    "<p>Les entreprises y suivent les avis de marché, téléchargent les dossiers de consultation, posent "
    "leurs questions et déposent leurs offres en toute sécurité.</p>"
)

LEGAL = """
<h2>Éditeur du site</h2>
<p>Le site Marchés &amp; Partage est édité par le groupement d'intérêt public « Marchés &amp; Partage Bretagne »,
dont le siège est situé 1 rue de la Mutualisation, 35000 Rennes.</p>
<p>Directeur de la publication : le président du groupement.</p>
<h2>Hébergement</h2>
<p>Le site est hébergé en France, sur les serveurs du groupement, dans un centre de données situé en Bretagne.</p>
<h2>Propriété intellectuelle</h2>
<p>Les contenus publiés par les membres (avis de marché, guides, documents de consultation) restent la
propriété de leurs auteurs. Les avis de marché publics peuvent être réutilisés librement, dans les conditions
de la licence ouverte Etalab 2.0.</p>
<h2>Données personnelles</h2>
<p>Les données collectées (nom, adresse électronique, organisation, rôle) servent uniquement à la gestion des
comptes, à la publication des consultations et à l'envoi des notifications choisies par chaque personne.
Conformément au règlement général sur la protection des données (RGPD), vous pouvez télécharger vos données
et fermer votre compte depuis votre profil, ou écrire au délégué à la protection des données :
dpo@marches-partage.fr. Vous pouvez aussi adresser une réclamation à la CNIL.</p>
<h2>Cookies</h2>
<p>Le site n'utilise que les cookies strictement nécessaires à son fonctionnement (session, protection contre
la falsification de requêtes, choix de la langue). Aucun cookie de mesure d'audience ni de publicité.</p>
"""

ACCESSIBILITY = """
<p>Le groupement Marchés &amp; Partage Bretagne s'engage à rendre ses services numériques accessibles,
conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.</p>
<p>Cette déclaration d'accessibilité s'applique au site Marchés &amp; Partage.</p>
<h2>État de conformité</h2>
<p>Le site Marchés &amp; Partage est <b>partiellement conforme</b> avec le référentiel général d'amélioration
de l'accessibilité (RGAA), version 4.1, en raison des non-conformités et des dérogations énumérées ci-dessous.</p>
<h2>Résultats des tests</h2>
<p>Le site n'a pas encore fait l'objet d'un audit de conformité par un organisme indépendant. Un audit est
prévu ; ses résultats seront publiés sur cette page. Les pages principales sont vérifiées automatiquement à
chaque version (outil axe-core) et manuellement au clavier et avec un lecteur d'écran.</p>
<h2>Contenus non accessibles</h2>
<ul>
<li>Certains documents de consultation déposés par les acheteurs (PDF numérisés, plans) peuvent ne pas être
accessibles ; ils ne sont pas soumis à l'obligation lorsqu'ils ont été publiés par des tiers.</li>
<li>L'espace d'administration (éditeur de pages) n'a pas été évalué.</li>
</ul>
<h2>Établissement de cette déclaration</h2>
<p>Cette déclaration a été établie le 1er décembre 2026.</p>
<h2>Retour d'information et contact</h2>
<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter le responsable du site
pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme :</p>
<ul>
<li>par courriel : accessibilite@marches-partage.fr ;</li>
<li>par téléphone : 02 99 00 00 00 (du lundi au vendredi, de 9 h à 17 h) ;</li>
<li>par courrier : Marchés &amp; Partage Bretagne, 1 rue de la Mutualisation, 35000 Rennes.</li>
</ul>
<h2>Voies de recours</h2>
<p>Si vous avez signalé au responsable du site un défaut d'accessibilité qui vous empêche d'accéder à un
contenu ou à un des services et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :</p>
<ul>
<li>écrire un message au Défenseur des droits (formulaire en ligne sur le site du Défenseur des droits) ;</li>
<li>contacter le délégué du Défenseur des droits dans votre région ;</li>
<li>envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits,
Libre réponse 71120, 75342 Paris CEDEX 07.</li>
</ul>
"""

CONTACT = """
<p>Une question sur la plateforme, un compte, une consultation ? L'équipe d'assistance vous répond du lundi au
vendredi, de 9 h à 17 h.</p>
<h2>Assistance aux acheteurs et aux entreprises</h2>
<ul>
<li>Courriel : assistance@marches-partage.fr</li>
<li>Téléphone : 02 99 00 00 00</li>
</ul>
<h2>Adresse postale</h2>
<p>Marchés &amp; Partage Bretagne<br>1 rue de la Mutualisation<br>35000 Rennes</p>
<h2>Questions sur une consultation</h2>
<p>Les questions sur le contenu d'une consultation se posent depuis la page de l'avis de marché, afin que la
réponse de l'acheteur soit publiée pour toutes les entreprises. L'assistance ne peut pas y répondre à sa
place.</p>
"""

CHILDREN = [
    ("Mentions légales", "mentions-legales", "legal", LEGAL),
    ("Déclaration d'accessibilité", "accessibilite", "accessibility", ACCESSIBILITY),
    ("Contact", "contact", "contact", CONTACT),
]


def create_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("intranet.HomePage")
    StandardPage = apps.get_model("intranet.StandardPage")

    if HomePage.objects.exists():
        return
    root = Page.objects.get(depth=1)
    # Wagtail's placeholder "Welcome" page (a plain Page at depth 2); its Site row cascades with it.
    Page.objects.filter(depth=2, path=HOME_PATH, content_type__app_label="wagtailcore").delete()
    if Page.objects.filter(path=HOME_PATH).exists():
        return  # someone already built their own tree: leave it alone
    now = timezone.now()
    common = {"locale_id": root.locale_id, "live": True, "first_published_at": now, "last_published_at": now}

    home_type, _created = ContentType.objects.get_or_create(app_label="intranet", model="homepage")
    home = HomePage.objects.create(
        title="Marchés & Partage",
        draft_title="Marchés & Partage",
        slug="accueil",
        content_type=home_type,
        path=HOME_PATH,
        depth=2,
        numchild=len(CHILDREN),
        url_path="/accueil/",
        intro=HOME_INTRO,
        **common,
    )
    standard_type, _created = ContentType.objects.get_or_create(app_label="intranet", model="standardpage")
    for index, (title, slug, role, body) in enumerate(CHILDREN, start=1):
        StandardPage.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=standard_type,
            path=f"{HOME_PATH}{index:04d}",
            depth=3,
            numchild=0,
            url_path=f"/accueil/{slug}/",
            body=body.strip(),
            footer_role=role,
            **common,
        )
    root.numchild = Page.objects.filter(depth=2, path__startswith=root.path).count()
    root.save(update_fields=["numchild"])

    Site.objects.filter(is_default_site=True).update(is_default_site=False)
    Site.objects.update_or_create(
        hostname="localhost",
        port=80,
        defaults={"root_page_id": home.pk, "is_default_site": True, "site_name": "Marchés & Partage"},
    )


def remove_pages(apps, schema_editor):
    """Put back a placeholder root page like Wagtail's, so that earlier migrations can be unapplied."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    home = Page.objects.filter(path=HOME_PATH, content_type__app_label="intranet").first()
    if home is None:
        return
    Page.objects.filter(path__startswith=HOME_PATH).delete()  # historical models do not cascade the tree
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    root = Page.objects.get(depth=1)
    welcome = Page.objects.create(
        title="Welcome to your new Wagtail site!",
        draft_title="Welcome to your new Wagtail site!",
        slug="home",
        content_type=page_type,
        path=HOME_PATH,
        depth=2,
        numchild=0,
        url_path="/home/",
        locale_id=root.locale_id,
    )
    Site.objects.update_or_create(
        hostname="localhost", port=80, defaults={"root_page_id": welcome.pk, "is_default_site": True}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("intranet", "0002_site_pages"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_pages, remove_pages)]
