from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from casework.branding import urls

#: Wagtail's own help items: its release notes and its editor guide, about Wagtail, not 四查四补.
WAGTAIL_HELP_ITEMS = ("whats-new-in-wagtail", "editor-guide")


@hooks.register("register_admin_urls")
def register_help_urls():
    return [path("casework/", include(urls))]


@hooks.register("register_help_menu_item")
def casework_help_menu_item():
    return MenuItem(
        _("Help with the four checks, four fills"),
        reverse_lazy("casework_help"),
        icon_name="help",
        order=900,
        name="casework-help",
    )


@hooks.register("construct_help_menu")
def remove_wagtail_help(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_ITEMS)]
