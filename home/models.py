"""The bureau's public pages: front page, notices, the plan and the checklist."""

import re

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, Panel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from casework.models import ChecklistCategory, ChecklistItem
from casework.monthly.figures import approved_checklist_text, public_progress

from .blocks import PlanStreamBlock


class HomePage(Page):
    """The bureau site's front page, listing the latest notices."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    subpage_types = ["home.NoticeIndexPage", "home.PrivacyNoticePage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["notices"] = NoticePage.objects.descendant_of(self).listed()[:8]
        context["notice_index"] = NoticeIndexPage.objects.child_of(self).live().first()
        return context


#: The year in a document number: 石大教体发〔2020〕38号 was issued in 2020.
DOCUMENT_YEAR = re.compile(r"[〔\[(（](\d{4})[〕\])）]")


class NoticeQuerySet(PageQuerySet):
    def listed(self):
        """Live, public notices, newest first by date issued; undated ones last."""
        return (
            self.live()
            .public()
            .order_by(F("issued_on").desc(nulls_last=True), "-first_published_at", "-pk")
        )

    def of_year(self, year):
        """Notices of a year: by date issued, or by the year in the number when undated."""
        return self.filter(
            Q(issued_on__year=year)
            | Q(issued_on__isnull=True, document_number__regex=rf"[〔\[(（]{year}[〕\])）]")
        )

    def years(self):
        """The years that have notices, newest first."""
        years = {d.year for d in self.exclude(issued_on=None).dates("issued_on", "year")}
        for number in self.filter(issued_on=None).values_list("document_number", flat=True):
            if match := DOCUMENT_YEAR.search(number):
                years.add(int(match.group(1)))
        return sorted(years, reverse=True)


NoticeManager = PageManager.from_queryset(NoticeQuerySet)


class NoticeIndexPage(Page):
    """通知公告: the bureau's notices, newest first, by year."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NoticePage"]
    per_page = 15

    class Meta:
        verbose_name = _("notice index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        notices = NoticePage.objects.child_of(self).listed()
        years = notices.years()
        year = request.GET.get("year", "").strip()
        if year:
            if year.isdigit() and int(year) in years:
                notices = notices.of_year(int(year))
                context["year"] = int(year)
            else:
                context["year_error"] = _("There are no notices of the year “%(year)s”.") % {
                    "year": year[:10]
                }
        paginator = Paginator(notices, self.per_page)
        try:
            notices_page = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            notices_page = paginator.page(1)
        except EmptyPage:
            notices_page = paginator.page(paginator.num_pages)
        context.update(years=years, notices=notices_page)
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
        index.SearchField("issuer"),
        index.SearchField("signer"),
        index.SearchField("recipients"),
        index.SearchField("body"),
        index.RelatedFields("attachments", [index.SearchField("title")]),
        # The admin's page search matches only autocomplete fields: editors find a notice by
        # its number and its words, as the public does.
        index.AutocompleteField("document_number"),
        index.AutocompleteField("body"),
        index.FilterField("issued_on"),
    ]
    parent_page_types = ["home.NoticeIndexPage"]
    subpage_types = ["home.PlanPage", "home.ChecklistPage"]

    objects = NoticeManager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")


#: "1." or "2、" before an attachment's title, as a paper notice numbers its list.
ATTACHMENT_NUMBER = re.compile(r"^\s*\d+\s*[.．、]\s*")


class NoticeAttachment(Orderable):
    """An attachment of a notice: an uploaded file, or a page of the site that publishes it."""

    notice = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the title of the file or page."),
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("file"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A Word, PDF or spreadsheet file: choose one or upload it here."),
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Or a page of this site, such as an implementation plan."),
    )

    panels = [FieldPanel("title"), FieldPanel("document"), FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def clean(self):
        super().clean()
        if self.document_id and self.page_id:
            raise ValidationError(
                {"page": _("An attachment is either a file or a page, not both.")}
            )
        if not self.document_id and not self.page_id:
            raise ValidationError({"document": _("Choose or upload a file, or choose a page.")})

    @property
    def label(self):
        """The title shown in the list of attachments, without a number: the list numbers it."""
        target = self.document or self.page
        title = self.title or (target.title if target else "")
        return ATTACHMENT_NUMBER.sub("", title)

    @property
    def kind(self):
        """What the attachment is: the file's type (PDF, DOCX) or the page's kind."""
        if self.document:
            return self.document.file_extension.upper()
        if self.page:
            return self.page.specific_class._meta.verbose_name
        return ""

    @property
    def size(self):
        """The file's size, as people read it; nothing for a page."""
        size = self.document.get_file_size() if self.document else None
        return filesizeformat(size) if size else ""


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
    search_fields = Page.search_fields + [
        index.SearchField("attachment_label"),
        index.SearchField("preamble"),
        index.SearchField("body"),
        index.AutocompleteField("preamble"),
        index.AutocompleteField("body"),
    ]
    parent_page_types = ["home.NoticePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("implementation plan")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # "对应责任清单项 N" links to row N of the checklist published beside the plan.
        checklist = ChecklistPage.objects.sibling_of(self).live().public().first()
        context["checklist_url"] = checklist.get_url(request) if checklist else ""
        return context


#: The particulars of a checklist item that are the bureau's official wording.
OFFICIAL_PARTICULARS = ("title", "content", "deadline_text", "leader", "offices", "units")


def official_particulars():
    """Each checklist item's official wording as the checklist admin holds it now."""
    return {
        str(item["number"]): {name: item[name] for name in OFFICIAL_PARTICULARS}
        for item in ChecklistItem.objects.values("number", *OFFICIAL_PARTICULARS)
    }


class UnpublishedParticularsPanel(Panel):
    """Tells the editor which items an office has changed since the page was last published."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "home/panels/unpublished_particulars.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["numbers"] = self.instance.unpublished_particulars() if self.instance.pk else []
            return context


class ChecklistPage(Page):
    """The supervision responsibility checklist (attachment 2), rendered from the checklist items.

    An office may correct its items' particulars in the checklist admin, but the public reads
    them as this page last published them: every revision of the page records the particulars
    of that moment, so a change goes public only when the page goes through its workflow."""

    attachment_label = models.CharField(_("attachment label"), max_length=20, blank=True)
    intro = RichTextField(_("introduction"), blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    published_particulars = models.JSONField(
        _("checklist items as published"), default=dict, blank=True, editable=False
    )

    content_panels = Page.content_panels + [
        UnpublishedParticularsPanel(heading=_("Checklist items")),
        FieldPanel("attachment_label"),
        FieldPanel("intro"),
        FieldPanel("closing_note"),
    ]
    # The rows come from the checklist items, so they are indexed with the page (and the page
    # is indexed again when an item changes: see home.signals).
    search_fields = Page.search_fields + [
        index.SearchField("attachment_label"),
        index.SearchField("intro"),
        index.SearchField("checklist_text"),
        index.SearchField("closing_note"),
        index.AutocompleteField("checklist_text"),
    ]
    parent_page_types = ["home.NoticePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("responsibility checklist")

    def save_revision(self, *args, **kwargs):
        self.published_particulars = official_particulars()
        return super().save_revision(*args, **kwargs)

    def unpublished_particulars(self):
        """The numbers of the items whose particulars differ from what this page published."""
        current = official_particulars()
        return sorted(
            (n for n, fields in current.items() if self.published_particulars.get(n) != fields),
            key=int,
        )

    def checklist_rows(self):
        """Per category, its items with the text the public may read in 发现的问题 / 整改情况 /
        备注: the latest month the responsible leaders approved, or else the item's own."""
        month, approved = approved_checklist_text()
        categories = list(ChecklistCategory.objects.prefetch_related("items"))
        for category in categories:
            category.rows = []
            for item in category.items.all():
                published = self.published_particulars.get(str(item.number))
                if published is None:  # an item this page has not published yet
                    continue
                for name in OFFICIAL_PARTICULARS:
                    setattr(item, name, published[name])
                source = approved.get(item.number, item)
                item.public_problems = source.problems_found
                item.public_rectification = source.rectification
                item.public_remarks = source.remarks
                category.rows.append(item)
        return month, categories

    def checklist_text(self):
        """The text of the checklist's rows, as the page shows them."""
        parts = []
        for category in self.checklist_rows()[1]:
            parts += [category.heading, category.description]
            for item in category.rows:
                parts += [
                    item.title if item.title != category.name else "",
                    item.content,
                    item.public_problems,
                    item.public_rectification,
                    item.deadline_text,
                    item.leader,
                    item.offices,
                    item.units,
                    item.public_remarks,
                ]
        return "\n".join(p for p in parts if p)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["approved_month"], context["categories"] = self.checklist_rows()
        context["progress"] = public_progress()
        return context


class PrivacyNoticePage(Page):
    """个人信息保护告知: what the site's casework holds about children, why, who sees it, how
    long it is kept and how a guardian asks for a copy (PIPL arts. 17, 31, 45)."""

    body = RichTextField(_("body"))

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("privacy notice")

    def get_context(self, request, *args, **kwargs):
        from casework.conf import conf

        context = super().get_context(request, *args, **kwargs)
        # Said from the setting, so the page never promises another period than the job keeps.
        context["retention_years"] = conf.RETENTION_YEARS
        return context


@register_setting(icon="site")
class GovernmentSiteFooter(BaseSiteSetting):
    """The footer every Chinese government website carries (政府网站发展指引, 国办发〔2017〕47号)."""

    #: The registries the filing numbers are looked up in.
    ICP_REGISTRY_URL = "https://beian.miit.gov.cn/"
    PUBLIC_SECURITY_REGISTRY_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"

    sponsor = models.CharField(_("sponsor"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    telephone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    site_code = models.CharField(
        _("website identification code"),
        max_length=20,
        blank=True,
        help_text=_("The code the government website census gave the site, e.g. 6402020001."),
    )
    icp_number = models.CharField(
        _("ICP filing number"),
        max_length=50,
        blank=True,
        help_text=_("As issued, e.g. 宁ICP备12345678号-1."),
    )
    public_security_number = models.CharField(
        _("public security filing number"),
        max_length=50,
        blank=True,
        help_text=_("As issued, e.g. 宁公网安备 64020202000123号."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("sponsor"),
                FieldPanel("address"),
                FieldPanel("postcode"),
                FieldPanel("telephone"),
                FieldPanel("email"),
            ],
            heading=_("sponsor and contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("site_code"),
                FieldPanel("icp_number"),
                FieldPanel("public_security_number"),
            ],
            heading=_("identification and filing numbers"),
        ),
    ]

    class Meta:
        verbose_name = _("government site footer")

    @property
    def public_security_url(self):
        """The registry's page of the filing, found by the number's digits."""
        code = "".join(re.findall(r"\d", self.public_security_number))
        return self.PUBLIC_SECURITY_REGISTRY_URL.format(code=code) if code else ""
