from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from casework.access.rules import is_bureau
from casework.supervision import urls
from casework.supervision.dashboard import panels_for


@hooks.register("register_admin_urls")
def register_supervision_urls():
    return [path("casework/", include(urls))]


@hooks.register("construct_homepage_panels")
def add_leader_panel(request, panels):
    panels.extend(panels_for(request.user))


class BureauMenuItem(MenuItem):
    def is_shown(self, request):
        return is_bureau(request.user)


@hooks.register("register_casework_menu_item")
def supervision_menu_item():
    return BureauMenuItem(
        _("Supervision overview"),
        reverse("casework_supervision_overview"),
        icon_name="clipboard-list",
        order=700,
    )
