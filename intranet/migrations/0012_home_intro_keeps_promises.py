"""The home page's introduction promised group purchasing and bids submitted on the site, which it does not
offer yet (issue 10): it now says what the site does. An introduction an editor has rewritten is left alone."""

from django.db import migrations

OLD_INTRO = (
    "<p><b>Marchés &amp; Partage</b> est la plateforme régionale des acheteurs publics bretons : "
    "communes, intercommunalités, départements, Région, hôpitaux, chambres consulaires et établissements "
    "d'enseignement y publient leurs consultations, mutualisent leurs achats et partagent leur expérience.</p>"
    "<p>Les entreprises y suivent les avis de marché, téléchargent les dossiers de consultation, posent "
    "leurs questions et déposent leurs offres en toute sécurité.</p>"
)
NEW_INTRO = (
    "<p><b>Marchés &amp; Partage</b> est la plateforme régionale des acheteurs publics bretons : "
    "communes, intercommunalités, départements, Région, hôpitaux, chambres consulaires et établissements "
    "d'enseignement y publient leurs consultations, échangent dans les forums et partagent leur expérience "
    "dans les guides.</p>"
    "<p>Les entreprises y suivent les avis de marché, téléchargent les dossiers de consultation et posent "
    "leurs questions aux acheteurs.</p>"
)


def replace_intro(apps, old: str, new: str) -> None:
    HomePage = apps.get_model("intranet", "HomePage")
    Revision = apps.get_model("wagtailcore", "Revision")
    for page in HomePage.objects.filter(intro=old):
        page.intro = new
        page.save(update_fields=["intro"])
        # The admin edits the latest revision: without this, the next edit would bring the old text back.
        revision = Revision.objects.filter(pk=page.latest_revision_id).first()
        if revision is not None and revision.content.get("intro") == old:
            revision.content["intro"] = new
            revision.save(update_fields=["content"])


def forwards(apps, schema_editor):
    replace_intro(apps, OLD_INTRO, NEW_INTRO)


def backwards(apps, schema_editor):
    replace_intro(apps, NEW_INTRO, OLD_INTRO)


class Migration(migrations.Migration):
    dependencies = [
        ("intranet", "0011_organization_department_names"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
