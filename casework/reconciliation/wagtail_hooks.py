from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from casework.access.rules import can_view_imports
from casework.reconciliation import urls


class ImportsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_imports(request.user)


@hooks.register("register_admin_urls")
def register_reconciliation_urls():
    return [path("casework/imports/", include(urls, namespace="casework_imports"))]


@hooks.register("register_casework_menu_item")
def imports_menu_item():
    return ImportsMenuItem(
        gettext_lazy("Data reconciliation"),
        reverse_lazy("casework_imports:index"),
        name="casework-imports",
        icon_name="table",
        order=620,
    )
