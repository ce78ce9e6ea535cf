"""Guides, topics and the training room, as Wagtail pages; readers' feedback, comments and progress."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page
from wagtail.search import index

COMMENT_MAX_LENGTH = 5000
FEEDBACK_COMMENT_MAX_LENGTH = 2000


class Audience(models.TextChoices):
    """Who may read a guide. Members are the people of member bodies (buyers, editors, admins)."""

    EVERYONE = "everyone", _("Everyone")
    MEMBERS = "members", _("Members of member bodies only")
    BUYERS = "buyers", _("Buyers only")


# --- StreamField blocks ---------------------------------------------------------------------


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(label=_("Level"), choices=[("h2", _("Section")), ("h3", _("Sub-section"))], default="h2")

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "knowledge/blocks/heading.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("info", _("Good to know")), ("warning", _("Warning")), ("tip", _("Tip"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "knowledge/blocks/callout.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"), max_length=200)
    text = blocks.RichTextBlock(label=_("Details"), required=False, features=["bold", "italic", "link", "ol", "ul"])


class StepsBlock(blocks.StructBlock):
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Numbered steps")
        template = "knowledge/blocks/steps.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    source = blocks.CharBlock(label=_("Source"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "knowledge/blocks/quote.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "knowledge/blocks/document.html"


class GuideReferenceBlock(blocks.StructBlock):
    guide = blocks.PageChooserBlock(label=_("Guide"), page_type="knowledge.GuidePage")
    note = blocks.CharBlock(label=_("Why read it"), required=False, max_length=300)

    class Meta:
        icon = "link"
        label = _("Reference to another guide")
        template = "knowledge/blocks/guide_reference.html"


class GuideBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "document-link", "ol", "ul", "h4"])
    callout = CalloutBlock()
    steps = StepsBlock()
    image = ImageBlock(label=_("Image"))
    document = DocumentBlock()
    table = TableBlock(label=_("Table"), template="knowledge/blocks/table.html")
    quote = QuoteBlock()
    guide_reference = GuideReferenceBlock()


# --- pages ----------------------------------------------------------------------------------


class KnowledgeIndexPage(RoutablePageMixin, Page):
    """The base of the knowledge base (one per site): lists topics; serves tag pages and the feed."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["intranet.HomePage"]
    subpage_types = ["knowledge.TopicPage", "knowledge.TrainingPathPage"]
    max_count = 1

    class Meta:
        verbose_name = _("knowledge base")

    def get_context(self, request, *args, **kwargs):
        from knowledge import access, reading

        context = super().get_context(request, *args, **kwargs)
        topics = list(TopicPage.objects.live().child_of(self).order_by("path"))
        counts = reading.guide_counts_by_topic(request.user, self, topics)
        for topic in topics:
            topic.visible_guide_count = counts[topic.pk]
        context.update(
            topics=topics,
            latest_guides=list(reading.latest_guides(request.user, self)),
            training_paths=list(access.visible_training_paths(request.user).child_of(self).order_by("path")),
            knowledge_index_url=self.get_url(request),
        )
        return context

    @path("tags/", name="all_tags")
    def all_tags(self, request):
        from knowledge import reading

        return self.render(
            request,
            template="knowledge/tag_page.html",
            context_overrides={"tags": reading.tags_with_counts(request.user, self), "tag": None},
        )

    @re_path(r"^tags/(?P<tag>[-\w]+)/$", name="tag")
    def tag(self, request, tag):
        from knowledge import reading

        tag_object = reading.tag_in_use(tag)
        if tag_object is None:
            raise Http404
        guides = reading.paginate(request, reading.tagged_guides(request.user, self, tag))
        return self.render(
            request,
            template="knowledge/tag_page.html",
            context_overrides={"tag": tag_object, "page_obj": guides, "guides": guides.object_list},
        )

    @path("feed/", name="feed")
    def feed(self, request):
        from knowledge.feeds import LatestGuidesFeed

        return LatestGuidesFeed(self)(request)


class TopicPage(Page):
    """A theme ("Rédiger un DCE", "Achats durables"...) grouping guides; topics nest one level."""

    description = models.TextField(_("description"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("description")]
    parent_page_types = ["knowledge.KnowledgeIndexPage", "knowledge.TopicPage"]
    subpage_types = ["knowledge.GuidePage", "knowledge.TopicPage"]
    search_fields = [*Page.search_fields, index.SearchField("description")]

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def get_context(self, request, *args, **kwargs):
        """The trail, the sub-topics and the page of guides (`topic_content`: their HTML and the page number) are the
        same for every reader of the same audiences: kept per content generation, language and page asked
        (intranet/fragments.py), computed only when rendered."""
        from django.template.loader import render_to_string
        from django.utils.safestring import mark_safe

        from intranet.fragments import cached_fragment
        from knowledge import reading
        from knowledge.access import audiences_for

        context = super().get_context(request, *args, **kwargs)

        def render_content() -> dict:
            ancestors = reading.trail(self)
            index = reading.knowledge_index_of(ancestors)
            guides = reading.paginate(request, reading.topic_guides(request.user, self))
            found = {
                "ancestors": ancestors,
                "page_obj": guides,
                "guides": guides.object_list,
                "subtopics": list(TopicPage.objects.live().child_of(self).order_by("path")),
                "knowledge_index_url": index.get_url(request) if index else "",
            }
            context.update(found)  # for whoever reads the context (tests)
            parts = {**context, **found}
            return {
                "html": render_to_string("knowledge/includes/topic_content.html", parts, request=request),
                "trail": render_to_string("knowledge/includes/breadcrumb.html", parts, request=request),
                "page_number": guides.number,
            }

        vary = (tuple(audiences_for(request.user)), request.GET.get("page", ""))
        content = cached_fragment(request, f"knowledge-topic:{self.pk}", vary, render_content)
        context["topic_content"] = {
            **content,
            "html": mark_safe(content["html"]),  # noqa: S308 - our templates' HTML
            "trail": mark_safe(content["trail"]),  # noqa: S308
        }
        return context

    @classmethod
    def can_create_at(cls, parent):
        # Topics nest one level only: a sub-topic's parent must itself sit under the index.
        if not super().can_create_at(parent):
            return False
        specific_parent = parent.specific
        if isinstance(specific_parent, TopicPage):
            return isinstance(specific_parent.get_parent().specific, KnowledgeIndexPage)
        return True


class GuidePageTag(TaggedItemBase):
    content_object = ParentalKey("knowledge.GuidePage", on_delete=models.CASCADE, related_name="tagged_items")


class GuidePage(Page):
    """A guide written by editors: how buyers (or companies) did something, kept reviewed."""

    summary = models.TextField(_("summary"), max_length=600)
    body = StreamField(GuideBodyBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=GuidePageTag, blank=True, verbose_name=_("tags"))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("content owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_guides",
        help_text=_("Reminded before the review date, told when readers report outdated content."),
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    review_by = models.DateField(_("review by"), null=True, blank=True, db_index=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("related_links", label=_("Related guides")),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("tags")],
            heading=_("Audience and tags"),
        ),
        MultiFieldPanel(
            [FieldPanel("owner_user"), FieldPanel("last_reviewed_on"), FieldPanel("review_by")],
            heading=_("Ownership and review"),
        ),
    ]
    parent_page_types = ["knowledge.TopicPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("audience"),
    ]

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    @property
    def is_overdue(self) -> bool:
        return self.review_by is not None and self.review_by < timezone.localdate()

    def serve(self, request, *args, **kwargs):
        from knowledge.access import check_guide_readable

        check_guide_readable(request.user, self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        """The guide's parts, computed only when rendered: the page keeps them per content generation for readers
        of the same audiences (`{% kept %}` in knowledge/guide_page.html, intranet/fragments.py)."""
        from knowledge import reading
        from knowledge.access import audiences_for

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        ancestors = SimpleLazyObject(lambda: reading.trail(self))
        index = SimpleLazyObject(lambda: reading.knowledge_index_of(ancestors))
        contents = SimpleLazyObject(lambda: reading.table_of_contents(self.body))  # (toc, anchors)
        tags = SimpleLazyObject(lambda: list(self.tags.all()))
        neighbours = SimpleLazyObject(lambda: reading.neighbours(user, self))
        context.update(
            reader_audiences=tuple(audiences_for(user)),
            ancestors=ancestors,
            topics=SimpleLazyObject(lambda: [page for page in ancestors if page.specific_class is TopicPage]),
            knowledge_index_url=SimpleLazyObject(lambda: index.get_url(request) if index else ""),
            toc=SimpleLazyObject(lambda: contents[0]),
            body_blocks=SimpleLazyObject(lambda: [(block, contents[1].get(block.id)) for block in self.body]),
            guide_tags=tags,
            owner=SimpleLazyObject(lambda: self.owner_user),
            previous_guide=SimpleLazyObject(lambda: neighbours[0]),
            next_guide=SimpleLazyObject(lambda: neighbours[1]),
            related_guides=SimpleLazyObject(lambda: reading.related_guides(user, self, [tag.pk for tag in tags])),
        )
        return context


class RelatedGuide(Orderable):
    """A related guide chosen by the editor (automatic ones come from shared tags)."""

    page = ParentalKey(GuidePage, on_delete=models.CASCADE, related_name="related_links")
    guide = models.ForeignKey(
        "knowledge.GuidePage", verbose_name=_("guide"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("guide", page_type="knowledge.GuidePage")]


class TrainingPathPage(Page):
    """A course in the training room: an ordered list of guides that members mark done."""

    class For(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        BUYERS = "buyers", _("Buyers")
        COMPANIES = "companies", _("Companies")

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    intended_for = models.CharField(_("intended for"), max_length=10, choices=For.choices, default=For.EVERYONE)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("intended_for"),
        InlinePanel("steps", label=_("Steps"), min_num=1),
    ]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("training path")
        verbose_name_plural = _("training paths")


class TrainingStep(Orderable):
    """One step of a training path: a guide to read."""

    path = ParentalKey(TrainingPathPage, on_delete=models.CASCADE, related_name="steps")
    guide = models.ForeignKey(GuidePage, verbose_name=_("guide"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(
        _("step title"), max_length=200, blank=True, help_text=_("Leave empty to use the guide's title.")
    )

    panels = [PageChooserPanel("guide", page_type="knowledge.GuidePage"), FieldPanel("title")]

    def __str__(self):
        return self.title or self.guide.title


# --- readers' contributions -----------------------------------------------------------------


class GuideFeedback(models.Model):
    """ "Was this helpful?": one vote per member per guide, which they may change."""

    guide = models.ForeignKey(GuidePage, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guide_feedback")
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, validators=[MaxLengthValidator(FEEDBACK_COMMENT_MAX_LENGTH)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback on a guide")
        verbose_name_plural = _("feedback on guides")
        constraints = [models.UniqueConstraint(fields=["guide", "user"], name="one_vote_per_member_per_guide")]

    def __str__(self):
        return f"{self.guide_id} {self.user_id} {self.helpful}"


class GuideComment(models.Model):
    """A member's comment under a guide: Markdown source and its sanitized HTML."""

    guide = models.ForeignKey(GuidePage, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guide_comments")
    source = models.TextField(_("comment"), validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)])
    html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("comment on a guide")
        verbose_name_plural = _("comments on guides")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.guide_id}: {self.source[:50]}"


class OutdatedReport(models.Model):
    """A reader's report that a guide is out of date; its owner is notified."""

    guide = models.ForeignKey(GuidePage, on_delete=models.CASCADE, related_name="outdated_reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("what is out of date"), validators=[MaxLengthValidator(FEEDBACK_COMMENT_MAX_LENGTH)])
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outdated content report")
        verbose_name_plural = _("outdated content reports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.guide_id}: {self.reason[:50]}"


class ReviewReminder(models.Model):
    """That the owner was reminded of one review date: reminders go out once per date."""

    guide = models.ForeignKey(GuidePage, on_delete=models.CASCADE, related_name="review_reminders")
    review_by = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["guide", "review_by"], name="one_reminder_per_review_date")]

    def __str__(self):
        return f"{self.guide_id} {self.review_by}"


class TrainingProgress(models.Model):
    """A member marked one step of a training path done."""

    step = models.ForeignKey(TrainingStep, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_progress")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["step", "user"], name="one_completion_per_step")]

    def __str__(self):
        return f"{self.user_id} {self.step_id}"
