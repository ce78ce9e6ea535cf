"""Calls for tender (notices) as Wagtail pages, and what happens around them: consultation documents
(DCE) and their downloads, questions and answers, amendments, followers, saved searches, reference codes.

A notice's editorial content (title, description, dates, lots...) lives in the page and its
revisions. Its lifecycle (opening, award, cancellation, the announced state amendments compare
against) is written by `procurement.actions` only and survives the publication of any revision
(`NoticePage.LIFECYCLE_FIELDS`, kept by `with_content_json`).
"""

import secrets
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from intranet.models import Organization
from intranet.validators import DEPARTMENT_CHOICES
from procurement.widgets import CPVCodesTextarea, CPVPickerInput

# --- reference codes --------------------------------------------------------------------------


class CPVCode(models.Model):
    """One code of the EU Common Procurement Vocabulary (CPV 2008) with its official French and English
    labels. The list ships in `procurement/reference/` and a migration writes it, so every database has it;
    `manage.py load_reference_data` updates an existing table."""

    code = models.CharField(_("code"), max_length=10, primary_key=True)  # "45233140-2"
    digits = models.CharField(_("digits"), max_length=8, db_index=True)  # "45233140", for prefix search
    label = models.CharField(_("French label"), max_length=400)
    label_en = models.CharField(_("English label"), max_length=400, blank=True)
    # The labels lower-cased, without accents or ligatures (`reference_data.fold`): the picker's search
    # then ignores case and accents on every database (SQLite's LIKE folds ASCII letters only).
    search_fr = models.CharField(max_length=400, blank=True, editable=False)
    search_en = models.CharField(max_length=400, blank=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")

    def __str__(self):
        return f"{self.code} {self.localized_label}"

    @property
    def prefix(self) -> str:
        """The significant digits: 45000000 → "45", 45233140 → "4523314"."""
        return self.digits.rstrip("0") or self.digits[:2]

    @staticmethod
    def reads_english(language: str | None = None) -> bool:
        """Whether labels go out in English: for English readers; French (the site's language) otherwise."""
        from django.utils.translation import get_language

        return (language or get_language() or settings.LANGUAGE_CODE).lower().startswith("en")

    @classmethod
    def search_field(cls, language: str | None = None) -> str:
        return "search_en" if cls.reads_english(language) else "search_fr"

    @property
    def localized_label(self) -> str:
        """The label in the active language (the French one when a code has no English label)."""
        return (self.reads_english() and self.label_en) or self.label

    @classmethod
    def labels(cls, codes, language: str | None = None) -> dict[str, str]:
        """{code: label in `language` (default: the active one)} for these codes, in one query (none without codes)."""
        codes = {code for code in codes if code}
        if not codes:
            return {}
        rows = cls.objects.filter(code__in=codes).values_list("code", "label", "label_en")
        english = cls.reads_english(language)
        return {code: (english and label_en) or label for code, label, label_en in rows}


# --- choices -----------------------------------------------------------------------------------


class ContractNature(models.TextChoices):
    WORKS = "works", _("Works")
    SUPPLIES = "supplies", _("Supplies")
    SERVICES = "services", _("Services")


class Procedure(models.TextChoices):
    OPEN = "open", _("Open procedure")
    RESTRICTED = "restricted", _("Restricted procedure")
    NEGOTIATED = "negotiated", _("Competitive procedure with negotiation")
    NEGOTIATED_NO_CALL = "negotiated_no_call", _("Negotiated procedure without prior call for competition")
    DIALOGUE = "dialogue", _("Competitive dialogue")
    INNOVATION = "innovation", _("Innovation partnership")
    ADAPTED = "adapted", _("Adapted procedure (MAPA)")


class Status(models.TextChoices):
    """Where a notice stands; derived from dates and lifecycle fields (`NoticePage.status_at`)."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open, questions accepted")
    QUESTIONS_CLOSED = "questions_closed", _("Open, questions closed")
    BIDS_CLOSED = "bids_closed", _("Bids closed")
    OPENED = "opened", _("Bids opened")
    AWARDED = "awarded", _("Awarded")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    NONE = "", _("None yet")
    AWARDED = "awarded", _("Awarded")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")


# --- pages -------------------------------------------------------------------------------------


class NoticeIndexPage(RoutablePageMixin, Page):
    """The "salle des marchés" (one per site): lists and filters published notices, serves feeds."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["intranet.HomePage"]
    subpage_types = ["procurement.BuyerNoticesPage"]
    max_count = 1

    class Meta:
        verbose_name = _("notice list")

    def get_context(self, request, *args, **kwargs):
        """The filters and results (`finder`: its HTML, the page number and the query an alert would save) are the
        same for everyone for the same query: kept per content generation and language (intranet/fragments.py),
        computed only when rendered. Creating an alert is the reader's own, rendered for each request."""
        from django.template.loader import render_to_string
        from django.utils.safestring import mark_safe

        from intranet import access as core_access
        from intranet.fragments import cached_fragment
        from procurement import listing

        context = super().get_context(request, *args, **kwargs)

        def render_finder() -> dict:
            found = listing.notice_list_context(request, self)
            context.update(found)  # for whoever reads the context (tests)
            html = render_to_string("procurement/includes/notice_finder.html", {**context, **found}, request=request)
            return {"html": html, "page_number": found["page_obj"].number, "search_query": found["search_query"]}

        finder = cached_fragment(request, f"notice-list:{self.pk}", request.GET.urlencode(), render_finder)
        context.update(
            finder={**finder, "html": mark_safe(finder["html"])},  # noqa: S308 - our template's HTML
            search_query=finder["search_query"],
            can_save_search=core_access.can_act(request.user),
        )
        return context


class BuyerNoticesPage(Page):
    """One member body's notices: its subtree of the list page (/appels-d-offres/<body>/), created with
    the body. The body's Wagtail groups hold their rights on this page only (`procurement.setup`), so
    Wagtail's own permission model keeps each body's drafts to itself in every admin view, report,
    chooser and bulk action. Visitors opening it see the list filtered on this buyer."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="notice_section",
        limit_choices_to=~Q(kind=Organization.Kind.COMPANY),
    )

    content_panels = [FieldPanel("title")]
    promote_panels = []
    parent_page_types = ["procurement.NoticeIndexPage"]
    subpage_types = ["procurement.NoticePage"]
    is_creatable = False  # made with the body (`procurement.setup.ensure_buyer_section`)

    class Meta:
        verbose_name = _("buyer's notices")
        verbose_name_plural = _("buyers' notices")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        index = self.get_parent()
        return redirect(f"{index.url}?buyer={self.organization_id}")


class NoticePage(Page):
    """A call for tender (avis d'appel public à la concurrence) of one buyer organization."""

    # Written by procurement.actions, never by the page form; kept when any revision is published.
    LIFECYCLE_FIELDS = (
        "announced",
        "opened_at",
        "outcome",
        "outcome_at",
        "outcome_reason",
        "award_supplier_name",
        "award_supplier_siret",
        "award_value",
        "cancelled_at",
        "cancellation_reason",
        "notified_status",
        "dce_version",
        "practice",
    )
    # The fields whose change, once published, is an amendment (rectificatif).
    AMENDABLE_FIELDS = (
        "title",
        "questions_deadline",
        "bids_deadline",
        "opening_date",
        "estimated_value",
        "main_cpv",
        "additional_cpv",
        "department",
        "award_criteria",
    )

    reference = models.CharField(
        _("reference"),
        max_length=50,
        help_text=_("The buyer's own reference, unique for this buyer (e.g. 2027-AOO-014)."),
    )
    buyer = models.ForeignKey(
        Organization,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="notices",
        limit_choices_to=~Q(kind=Organization.Kind.COMPANY),
    )
    description = RichTextField(_("description"), features=["h3", "h4", "bold", "italic", "link", "ol", "ul"])
    nature = models.CharField(_("contract nature"), max_length=10, choices=ContractNature.choices)
    procedure = models.CharField(_("procedure"), max_length=20, choices=Procedure.choices)
    main_cpv = models.CharField(_("main CPV code"), max_length=10, help_text=_("For example 45233140-2."))
    additional_cpv = models.TextField(
        _("additional CPV codes"), blank=True, help_text=_("Separated by commas or spaces.")
    )
    # " 45233140-2 45000000-7 ": main, additional and lots' codes, for prefix filters (`cpv_index__contains=" 4523"`).
    cpv_index = models.TextField(editable=False, default="")
    department = models.CharField(_("place of performance (département)"), max_length=3, choices=DEPARTMENT_CHOICES)
    estimated_value = models.DecimalField(
        _("estimated value (€ excl. VAT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    hide_estimated_value = models.BooleanField(_("do not publish the estimated value"), default=False)
    questions_deadline = models.DateTimeField(_("deadline for questions"))
    bids_deadline = models.DateTimeField(_("deadline for bids"))
    opening_date = models.DateTimeField(_("opening of bids"), null=True, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    award_criteria = models.TextField(_("award criteria"), blank=True)
    reserved = models.BooleanField(
        _("reserved contract"),
        default=False,
        help_text=_("Reserved for sheltered workshops or social integration structures."),
    )
    environmental_clause = models.BooleanField(_("environmental clause"), default=False)
    social_clause = models.BooleanField(_("social clause"), default=False)
    amendment_reason = models.TextField(
        _("reason for the amendment"),
        blank=True,
        help_text=_("Required when you change the dates, lots or other announced details of a published notice."),
    )

    # --- lifecycle (see LIFECYCLE_FIELDS) ---
    announced = models.JSONField(editable=False, default=dict)  # the published state amendments compare against
    opened_at = models.DateTimeField(_("bids opened at"), null=True, blank=True, editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default="", blank=True, editable=False
    )
    outcome_at = models.DateTimeField(_("outcome date"), null=True, blank=True, editable=False)
    outcome_reason = models.TextField(_("reason"), blank=True, editable=False)
    award_supplier_name = models.CharField(_("awarded to"), max_length=200, blank=True, editable=False)
    award_supplier_siret = models.CharField(_("SIRET of the awardee"), max_length=14, blank=True, editable=False)
    award_value = models.DecimalField(
        _("awarded value (€ excl. VAT)"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True, editable=False)
    notified_status = models.CharField(max_length=20, blank=True, editable=False)  # last status the worker announced
    dce_version = models.PositiveIntegerField(default=0, editable=False)  # bumped by every DCE change
    # The permanent practice consultation (consultation de test): its bids are rehearsals, opened for their own
    # company after a short delay; kept out of statistics, alerts, buyers' search and open data.
    practice = models.BooleanField(default=False, editable=False)

    content_panels = [
        TitleFieldPanel("title", heading=_("Object of the contract")),
        FieldPanel("reference"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("nature"), FieldPanel("procedure")]),
        MultiFieldPanel(
            [
                FieldPanel("main_cpv", widget=CPVPickerInput),
                FieldPanel("additional_cpv", widget=CPVCodesTextarea),
                FieldPanel("department"),
            ],
            heading=_("Classification and place"),
        ),
        MultiFieldPanel(
            [FieldPanel("estimated_value"), FieldPanel("hide_estimated_value")], heading=_("Estimated value")
        ),
        MultiFieldPanel(
            [FieldPanel("questions_deadline"), FieldPanel("bids_deadline"), FieldPanel("opening_date")],
            heading=_("Dates (Paris time)"),
        ),
        InlinePanel("lots", heading=_("Lots"), label=_("Lot"), help_text=_("A notice without lots is a single lot.")),
        FieldPanel("award_criteria"),
        MultiFieldPanel(
            [FieldPanel("reserved"), FieldPanel("environmental_clause"), FieldPanel("social_clause")],
            heading=_("Clauses"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")], heading=_("Contact")
        ),
        FieldPanel("amendment_reason"),
    ]
    parent_page_types = ["procurement.BuyerNoticesPage"]  # its buyer's section: the buyer follows from it
    subpage_types = []

    @classproperty
    def base_form_class(cls):
        # Imported when Wagtail builds the admin form: procurement.forms imports this module.
        from procurement.forms import NoticePageForm

        return NoticePageForm

    search_fields = [
        *Page.search_fields,
        index.SearchField("reference"),
        index.SearchField("description"),
        index.FilterField("buyer"),
    ]

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            # Drafts included: a reference is the buyer's, whatever the notice's state.
            models.UniqueConstraint(fields=["buyer", "reference"], name="procurement_unique_reference_per_buyer"),
        ]
        indexes = [
            models.Index(fields=["bids_deadline"], name="procurement_bids_deadline"),
        ]

    def __str__(self):
        return f"{self.reference} – {self.title}"

    # --- status ---

    def status_at(self, now: datetime | None = None) -> str:
        """The status at `now` (default: now), from the page's liveness, dates and lifecycle fields."""
        now = now or timezone.now()
        if not self.live and not self.first_published_at:
            return Status.DRAFT
        if self.cancelled_at:
            return Status.CANCELLED
        if self.outcome == Outcome.AWARDED:
            return Status.AWARDED
        if self.outcome == Outcome.UNSUCCESSFUL:
            return Status.UNSUCCESSFUL
        if self.opened_at:
            return Status.OPENED
        if now >= self.bids_deadline:
            return Status.BIDS_CLOSED
        if now >= self.questions_deadline:
            return Status.QUESTIONS_CLOSED
        return Status.PUBLISHED

    @property
    def status(self) -> str:
        return self.status_at()

    def get_status_display(self) -> str:
        return Status(self.status).label

    @property
    def accepts_questions(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def cpv_codes(self) -> list[str]:
        """Main then additional codes, as entered (normalized by the form)."""
        return [self.main_cpv, *split_cpv_codes(self.additional_cpv)]

    def with_content_json(self, content):
        """Publishing or previewing a revision never rolls back the lifecycle written by actions."""
        obj = super().with_content_json(content)
        for name in self.LIFECYCLE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    def full_clean(self, *args, **kwargs):
        self._check_section()
        return super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        # What Wagtail runs instead of full_clean when a draft is saved.
        self._check_section()
        return super().minimal_clean()

    def _check_section(self):
        """The buyer is the body whose section the notice is in: set from it when the notice is added
        there, and never another (a notice stays with the body that created it)."""
        section = self._section()
        if section is None:
            return
        if self.buyer_id is None:
            self.buyer_id = section.organization_id
        elif self.buyer_id != section.organization_id:
            raise ValidationError(
                _("A notice stays with the organization that created it; it cannot be moved to another one.")
            )

    def _section(self):
        """The buyer's section this notice is in (or being added to), if any."""
        if not self.path or self.depth is None or self.depth < 2:
            return None
        return BuyerNoticesPage.objects.filter(path=self.path[: -self.steplen]).only("organization_id").first()

    def save(self, *args, **kwargs):
        """A whole-row save (publishing a revision, the admin) writes the lifecycle as it is in the
        database at that moment, read under a row lock: an award or cancellation committed since this
        object was loaded is never overwritten. Actions write those fields with queryset updates."""
        if self.pk is None or kwargs.get("update_fields") is not None:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            current = NoticePage.objects.select_for_update().filter(pk=self.pk).values(*self.LIFECYCLE_FIELDS).first()
            for name, value in (current or {}).items():
                setattr(self, name, value)
            return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from procurement import reading

        context = super().get_context(request, *args, **kwargs)
        context.update(reading.notice_page_context(request, self))
        return context

    def permissions_for_user(self, user):
        from procurement.access import NoticePermissionTester

        return NoticePermissionTester(user, self)


def split_cpv_codes(text: str) -> list[str]:
    return [code for code in text.replace(",", " ").split() if code]


def status_q(status: str, now: datetime | None = None) -> Q:
    """The filter selecting live notices in `status` at `now`: the SQL twin of `NoticePage.status_at`."""
    now = now or timezone.now()
    undecided = Q(cancelled_at__isnull=True, outcome="")
    if status == Status.DRAFT:
        return Q(live=False, first_published_at__isnull=True)
    if status == Status.CANCELLED:
        return Q(cancelled_at__isnull=False)
    if status in (Status.AWARDED, Status.UNSUCCESSFUL):
        return Q(cancelled_at__isnull=True, outcome=status)
    if status == Status.OPENED:
        return undecided & Q(opened_at__isnull=False)
    open_ = undecided & Q(opened_at__isnull=True)
    if status == Status.BIDS_CLOSED:
        return open_ & Q(bids_deadline__lte=now)
    if status == Status.QUESTIONS_CLOSED:
        return open_ & Q(bids_deadline__gt=now, questions_deadline__lte=now)
    if status == Status.PUBLISHED:
        return open_ & Q(questions_deadline__gt=now)
    raise ValueError(status)


class Lot(Orderable):
    """One lot of a notice; a notice without lots is a single lot."""

    notice = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    cpv = models.CharField(_("CPV code"), max_length=10, blank=True)
    estimated_value = models.DecimalField(
        _("estimated value (€ excl. VAT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("cpv", widget=CPVPickerInput), FieldPanel("estimated_value")]),
        FieldPanel("title"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("lot")
        verbose_name_plural = _("lots")

    def __str__(self):
        return pgettext_lazy("procurement", "Lot %(number)s: %(title)s") % {"number": self.number, "title": self.title}


# --- consultation documents (DCE) --------------------------------------------------------------


def document_upload_path(instance, filename: str) -> str:
    # Random names: the original name is kept in the database only.
    return f"dce/{instance.document.notice_id}/{secrets.token_hex(16)}"


class ConsultationDocument(models.Model):
    """One document of a notice's DCE (règlement de consultation, CCAP, CCTP, BPU...), per notice or per lot."""

    notice = models.ForeignKey(NoticePage, on_delete=models.CASCADE, related_name="documents")
    lot_number = models.PositiveSmallIntegerField(_("lot"), null=True, blank=True)  # None: the whole notice
    title = models.CharField(_("title"), max_length=255)
    position = models.PositiveIntegerField(default=0)
    current = models.ForeignKey("DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)  # removed documents stay for the download history

    class Meta:
        # The whole notice's documents first, then each lot's, on SQLite and PostgreSQL alike.
        ordering = [models.F("lot_number").asc(nulls_first=True), "position", "pk"]
        verbose_name = _("consultation document")
        verbose_name_plural = _("consultation documents")

    def __str__(self):
        return self.title


class DocumentVersion(models.Model):
    """One uploaded file of a consultation document; a replacement is a new version."""

    document = models.ForeignKey(ConsultationDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=document_upload_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    dce_version = models.PositiveIntegerField()  # the notice's DCE version this upload made

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="procurement_unique_document_version")
        ]


class Download(models.Model):
    """One download of DCE files. Identified: who and which versions (the legal event history).
    Anonymous: no user, no organization, no address — only counted."""

    class Kind(models.TextChoices):
        FILE = "file", _("One document")
        ZIP = "zip", _("Whole DCE (ZIP)")

    notice = models.ForeignKey(NoticePage, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    versions = models.ManyToManyField(DocumentVersion, related_name="downloads", blank=True)
    dce_version = models.PositiveIntegerField()
    downloaded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-downloaded_at"]
        indexes = [models.Index(fields=["notice", "user"], name="procurement_download_who")]


# --- questions, amendments, followers ---------------------------------------------------------


class Question(models.Model):
    """A company's question on a notice. The answer is published to all without the asker's identity."""

    notice = models.ForeignKey(NoticePage, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("question"))
    body_html = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answer_html = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answer_corrected_at = models.DateTimeField(null=True, blank=True)
    # Published by the buyer on its own initiative (a question and its answer at once, to all companies).
    is_information = models.BooleanField(default=False)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")


class Amendment(models.Model):
    """A change to a published notice (rectificatif), with its reason and what changed."""

    notice = models.ForeignKey(NoticePage, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField()
    reason = models.TextField(_("reason"))
    # [{"field": "bids_deadline", "label": "...", "before": "...", "after": "..."}], values as displayed.
    changes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["notice", "number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="procurement_unique_amendment_number")]


class Follow(models.Model):
    """Someone following a notice: amendments, answers, cancellation and outcome reach them."""

    notice = models.ForeignKey(NoticePage, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="procurement_unique_follow")]


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class SavedSearch(models.Model):
    """A company user's alert: list filters (as a query string), notified when a new notice matches.
    Its feeds (Atom, iCalendar) are reached by a secret token, since feed readers do not log in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=120)
    query = models.TextField(_("filters"), blank=True)  # the list page's query string, normalized
    notify = models.BooleanField(_("notify me of new notices"), default=True)
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self):
        return self.name


from procurement.models_bids import Bid, BidFile, BidLog, LotAward  # noqa: E402, F401
from procurement.models_groups import Declaration, GroupItem, GroupLot, GroupMember, GroupPurchase  # noqa: E402, F401
from procurement.models_sealing import NoticeKey  # noqa: E402, F401
