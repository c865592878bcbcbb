"""The bureau's public pages: front page, notices, the plan and the checklist."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from casework.models import ChecklistCategory
from casework.monthly.figures import public_progress

from .blocks import PlanStreamBlock


class HomePage(Page):
    """The bureau site's front page, listing the latest notices."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["home.NoticePage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["notices"] = (
            NoticePage.objects.child_of(self)
            .live()
            .public()
            .order_by("-issued_on", "-first_published_at")[:10]
        )
        return context


class NoticePage(Page):
    """A notice or document (通知/文件) of the bureau, laid out like a government document."""

    issuer = models.CharField(_("issuing authority"), max_length=100)
    document_number = models.CharField(_("document number"), max_length=50)
    signer = models.CharField(_("signed by"), max_length=20, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    recipients = models.CharField(_("addressed to"), max_length=200)
    body = RichTextField(_("body"))
    disclosure = models.CharField(
        _("disclosure"), max_length=50, default="此件公开发布", blank=True
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("issuer"),
                FieldPanel("document_number"),
                FieldPanel("signer"),
                FieldPanel("issued_on"),
            ],
            heading=_("document header"),
        ),
        FieldPanel("recipients"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("attachments")),
        FieldPanel("disclosure"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("document_number"),
        index.SearchField("body"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.PlanPage", "home.ChecklistPage"]

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")


class NoticeAttachment(Orderable):
    """An attachment of a notice, linking to the page that publishes it."""

    notice = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    panels = [
        FieldPanel("title"),
        PageChooserPanel("page", ["home.PlanPage", "home.ChecklistPage"]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class PlanPage(Page):
    """An implementation plan (实施方案): sections and the tasks of the four checks."""

    attachment_label = models.CharField(_("attachment label"), max_length=20, blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    body = StreamField(PlanStreamBlock(), verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("attachment_label"),
        FieldPanel("preamble"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("preamble"), index.SearchField("body")]
    parent_page_types = ["home.NoticePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("implementation plan")


class ChecklistPage(Page):
    """The supervision responsibility checklist (attachment 2), rendered from the checklist items."""

    attachment_label = models.CharField(_("attachment label"), max_length=20, blank=True)
    intro = RichTextField(_("introduction"), blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("attachment_label"),
        FieldPanel("intro"),
        FieldPanel("closing_note"),
    ]
    parent_page_types = ["home.NoticePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("responsibility checklist")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["categories"] = ChecklistCategory.objects.prefetch_related("items")
        context["progress"] = public_progress()
        return context
