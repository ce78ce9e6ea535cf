"""The practice consultation (consultation de test): a permanent, clearly marked notice on which any company user
rehearses a whole submission (files sent in resumable pieces, confirmation, receipt) and then sees their own test
bid opened automatically, a short while after its confirmation (`procurement.access_practice`), so that nobody
discovers a problem on the day of a real deadline.

- One notice with `practice=True` (a lifecycle field: never set by a form), made by :func:`ensure_practice_notice`
  from `seed_demo`, `manage.py ensure_practice_notice` or :func:`ensure_practice`; published by the platform's own
  body (`practice_buyer`), never by a real buyer.
- Permanent: its bids deadline is pushed a year ahead whenever it comes within `KEEP_AHEAD` (a daily job,
  registered in `procurement.transitions`, and every call of :func:`ensure_practice_notice`). The change is
  published as a revision without an amendment: nobody is told about a rehearsal's dates.
- Kept out of statistics, alerts, feeds, the notice list and the site search (each entry point excludes
  `practice=True`); its page stays reachable by its address and by `/avis/entrainement/`, with a banner.
- Its bids are never read by a buyer or a platform admin: its deadline never passes, so it is never opened, and its
  public receipt register is never shown (`access.register_is_public`).

Page content is in the site's language (French), as `procurement.setup` writes the notice list page.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from intranet.actions.accounts import do_create_organization
from intranet.models import Organization
from procurement.models import Lot, NoticeIndexPage, NoticePage, Status
from procurement.setup import ensure_buyer_section

logger = logging.getLogger(__name__)

REFERENCE = "ENTRAINEMENT"
SLUG = "consultation-de-test"
TITLE = "Consultation de test — entraînez-vous à déposer une offre"
# The platform's own body, which publishes the practice notice (no demo or real body owns it).
PLATFORM_BODY_NAME = "Plateforme Marchés & Partage (consultation de test)"
PLATFORM_BODY_SIREN = "99999999800001"  # fictitious SIRET (SIREN 999999998), both pass the Luhn check
# The deadline is always at least KEEP_AHEAD away: pushed to AHEAD from today when it gets closer.
KEEP_AHEAD = datetime.timedelta(days=30)
AHEAD = datetime.timedelta(days=365)
LOTS = (
    (1, "Lot 1 — Prestation fictive de nettoyage (entraînement)", "90910000-9"),
    (2, "Lot 2 — Fourniture fictive de matériel informatique (entraînement)", "30200000-1"),
)


def practice_notice(live_only: bool = True) -> NoticePage | None:
    """The practice consultation (the first one, should there ever be two), or None."""
    notices = NoticePage.objects.filter(practice=True)
    if live_only:
        notices = notices.live()
    return notices.select_related("buyer").order_by("pk").first()


def practice_buyer() -> Organization:
    """The platform's own member body, made the first time (kind « other »: not a company, not a real buyer)."""
    organization = Organization.objects.filter(siret=PLATFORM_BODY_SIREN).first()
    if organization is None:
        organization = do_create_organization(
            name=PLATFORM_BODY_NAME, kind=Organization.Kind.OTHER, siret=PLATFORM_BODY_SIREN, department="35"
        )
    return organization


def practice_deadline(now: datetime.datetime) -> datetime.datetime:
    """A year after `now`, at noon Paris time."""
    local = timezone.localtime(now + AHEAD)
    return local.replace(hour=12, minute=0, second=0, microsecond=0)


def _delay_text() -> str:
    minutes = max(1, round(settings.PROCUREMENT_PRACTICE_OPENING_DELAY.total_seconds() / 60))
    return "une minute" if minutes == 1 else f"{minutes} minutes"


def practice_description() -> str:
    delay = _delay_text()
    return (
        "<p><b>Ceci n'est pas un vrai marché.</b> Cette consultation permanente sert à s'entraîner au dépôt d'une "
        "offre électronique : aucun acheteur ne lit ce que vous y déposez et aucun marché ne sera conclu.</p>"
        "<h3>Comment s'entraîner</h3>"
        "<ol>"
        "<li>Connectez-vous avec votre compte d'entreprise et ouvrez « Mon offre ».</li>"
        "<li>Ajoutez un ou plusieurs fichiers, pour le lot 1, le lot 2 ou les deux, en candidature ou en offre. "
        "Un fichier de test suffit : n'y mettez rien de confidentiel. Les limites (taille par fichier et par offre, "
        "types acceptés) sont celles des vraies consultations ; un envoi interrompu reprend là où il s'était "
        "arrêté.</li>"
        "<li>Relisez votre offre puis déposez-la : l'accusé de réception s'affiche aussitôt et vous est envoyé par "
        "e-mail, avec l'heure du serveur et l'empreinte SHA-256 de chaque fichier.</li>"
        f"<li>{delay[:1].upper()}{delay[1:]} après le dépôt, votre offre d'essai est ouverte pour votre seule "
        "entreprise : sur la page de l'accusé de réception, téléchargez vos fichiers déchiffrés et vérifiez qu'ils "
        "correspondent aux empreintes de l'accusé.</li>"
        "</ol>"
        "<p>Vous pouvez aussi remplacer votre offre par une nouvelle ou la retirer, autant de fois que vous le "
        "souhaitez : seule la dernière offre déposée est ouverte, comme sur une vraie consultation. Les questions "
        "ne sont pas ouvertes ici.</p>"
        "<p>La date limite est repoussée automatiquement : cette consultation reste toujours ouverte. Elle "
        "n'apparaît ni dans la liste des avis, ni dans la recherche, ni dans les alertes, ni dans les données "
        "ouvertes.</p>"
    )


def _free_slug(section) -> str:
    slug = SLUG
    siblings = set(section.get_children().values_list("slug", flat=True))
    number = 2
    while slug in siblings:
        slug = f"{SLUG}-{number}"
        number += 1
    return slug


def _create(notice_index: NoticeIndexPage, buyer_org: Organization, now: datetime.datetime) -> NoticePage:
    section = ensure_buyer_section(buyer_org, notice_index)
    notice = NoticePage(
        title=TITLE,
        slug=_free_slug(section),
        buyer=buyer_org,
        reference=REFERENCE,
        live=False,
        practice=True,
        description=practice_description(),
        nature="services",
        procedure="adapted",
        main_cpv="79000000-4",
        department=buyer_org.department or "35",
        # No questions on a rehearsal: nobody would answer them.
        questions_deadline=now,
        bids_deadline=practice_deadline(now),
        contact_name="L'équipe de la plateforme",
    )
    for number, title, cpv in LOTS:
        notice.lots.add(Lot(number=number, title=title, cpv=cpv))
    section.add_child(instance=notice)
    notice.save_revision().publish(skip_permission_checks=True)
    # Questions closed from the start: the deadline job has nothing to announce (it skips this notice anyway).
    NoticePage.objects.filter(pk=notice.pk).update(notified_status=Status.QUESTIONS_CLOSED)
    notice.refresh_from_db()
    return notice


def keep_open(notice: NoticePage, now: datetime.datetime | None = None) -> bool:
    """Push the practice notice's bids deadline a year ahead if it is less than KEEP_AHEAD away; True if pushed.

    Published as a new revision (the page, its history and the admin's form agree), with the announced state
    moved first, so that the publication records no amendment and tells nobody."""
    from procurement.actions.publication import notice_snapshot

    now = now or timezone.now()
    if not notice.practice or notice.bids_deadline - now >= KEEP_AHEAD:
        return False
    with transaction.atomic():
        page = NoticePage.objects.select_for_update().get(pk=notice.pk)
        if not page.practice or page.bids_deadline - now >= KEEP_AHEAD:
            return False
        page.bids_deadline = practice_deadline(now)
        page.opening_date = None
        page.amendment_reason = ""
        NoticePage.objects.filter(pk=page.pk).update(announced=notice_snapshot(page))
        page.save_revision().publish(skip_permission_checks=True)
    notice.refresh_from_db()
    logger.info("Practice notice %s: deadline pushed to %s", notice.pk, notice.bids_deadline.isoformat())
    return True


def ensure_practice_notice(notice_index: NoticeIndexPage, buyer_org: Organization, now=None) -> NoticePage:
    """The practice consultation, made and published under `buyer_org`'s section if there is none; its deadline
    kept at least KEEP_AHEAD away. Idempotent: an existing practice notice is kept (whoever its buyer)."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = practice_notice(live_only=False)
        if existing is None:
            return _create(notice_index, buyer_org, now)
    keep_open(existing, now)
    return existing


def ensure_practice(now=None) -> NoticePage | None:
    """The practice consultation of this site under the platform's own body (None without a notice list page)."""
    existing = practice_notice(live_only=False)
    if existing is not None:
        keep_open(existing, now)
        return existing
    index = NoticeIndexPage.objects.first()
    if index is None:
        return None
    return ensure_practice_notice(index, practice_buyer(), now)


@task()
def keep_practice_notice_open() -> bool:
    """The daily job: the existing practice notice's deadline pushed if it came close (none is made here: that is
    `seed_demo`'s or `manage.py ensure_practice_notice`'s)."""
    notice = practice_notice(live_only=False)
    return notice is not None and keep_open(notice)
