from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from casework.access.rules import can_log_visit, can_view_coverage
from casework.campaign import urls


@hooks.register("register_admin_urls")
def register_campaign_urls():
    return [path("casework/", include(urls))]


class CampaignPanel(Component):
    """Two links on the dashboard: my households to visit, and the coverage."""

    name = "casework_campaign"
    order = 110
    template_name = "casework/campaign/panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {
            "can_log_visit": can_log_visit(self.user),
            "can_view_coverage": can_view_coverage(self.user),
        }


@hooks.register("construct_homepage_panels")
def add_campaign_panel(request, panels):
    if can_log_visit(request.user) or can_view_coverage(request.user):
        panels.insert(min(1, len(panels)), CampaignPanel(request.user))


class CampaignMenuItem(MenuItem):
    def is_shown(self, request):
        return can_log_visit(request.user) or can_view_coverage(request.user)


@hooks.register("register_casework_menu_item")
def campaign_menu_item():
    return CampaignMenuItem(
        _("Visits to every household"),
        reverse("casework_campaign_mine"),
        icon_name="home",
        order=300,
    )
