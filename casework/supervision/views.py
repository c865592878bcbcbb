"""挂牌督战: a page per checklist item, and the bureau's overview of every item and school."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from casework.access.rules import is_bureau, leader_name_of
from casework.links import case_list_url
from casework.models import ChecklistItem
from casework.supervision import figures
from casework.supervision.charts import bar_rows, item_chart
from casework.tallies import tally


def item_context(item, today):
    """Everything a leader sees about one item."""
    return items_context([item], today)[0]


def items_context(items, today):
    """``item_context`` of each item, their figures drawn together."""
    headline, series, ranking = tally(
        "supervision items",
        lambda: figures.items_context_figures(items, today),
        today,
        [item.pk for item in items],
    )
    returned = figures.returned_closeoffs(items)
    return [
        {
            "item": item,
            "figures": headline[item.pk],
            "chart": item_chart(series[item.pk]),
            "ranking": bar_rows(ranking[item.pk], "total"),
            "returned": [c for c in returned if c.checklist_item_id == item.pk],
            "url": reverse("casework_supervision_item", args=[item.number]),
        }
        for item in items
    ]


class SupervisionMixin(WagtailAdminTemplateMixin):
    header_icon = "clipboard-list"

    def dispatch(self, request, *args, **kwargs):
        # Figures of every school: the bureau's staff and leaders only.
        if not is_bureau(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        overview = {
            "url": reverse("casework_supervision_overview"),
            "label": OverviewView.page_title,
        }
        if isinstance(self, OverviewView):
            return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]
        return [*self.breadcrumbs_items, overview, {"url": "", "label": self.get_page_title()}]


class ItemView(SupervisionMixin, TemplateView):
    """One item: its figures, its 26-week chart, the schools most behind on it."""

    template_name = "casework/supervision/item.html"
    page_title = gettext_lazy("Supervision of an item")

    def get_page_title(self):
        return str(self.item)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(item_context(self.item, figures.today()))
        context["today"] = figures.today()
        context["case_list_url"] = case_list_url()
        return context

    def get(self, request, *args, **kwargs):
        self.item = get_object_or_404(ChecklistItem, number=kwargs["number"])
        return super().get(request, *args, **kwargs)


class OverviewView(SupervisionMixin, TemplateView):
    """Every item's figures, and a health row per school."""

    template_name = "casework/supervision/overview.html"
    page_title = gettext_lazy("Supervision overview")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = figures.today()
        name = leader_name_of(self.request.user)
        items = list(ChecklistItem.objects.order_by("number"))
        headline = figures.items_figures(items, today)
        context.update(
            today=today,
            items=[
                {"item": item, "figures": headline[item.pk], "mine": item.leader == name}
                for item in items
            ],
            health=figures.school_health(today),
            case_list_url=case_list_url(),
            finding_list_url=reverse("wagtailsnippets_casework_finding:list"),
            review_list_url=reverse("casework_review_index"),
        )
        return context
