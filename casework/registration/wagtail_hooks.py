from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from casework.registration import urls
from casework.registration.permissions import can_register_child


@hooks.register("register_admin_urls")
def register_registration_urls():
    return [path("casework/", include(urls))]


class RegisterChildPanel(Component):
    """The dashboard's way in: one tap to the registration form."""

    name = "casework_register_child"
    order = 40
    template_name = "casework/registration/panel.html"


@hooks.register("construct_homepage_panels")
def add_register_child_panel(request, panels):
    if can_register_child(request.user):
        panels.insert(0, RegisterChildPanel())


class RegisterChildMenuItem(MenuItem):
    def is_shown(self, request):
        return can_register_child(request.user)


@hooks.register("register_casework_menu_item")
def register_child_menu_item():
    return RegisterChildMenuItem(
        _("Register a child"), reverse_lazy("casework_register_child"), icon_name="user", order=50
    )
