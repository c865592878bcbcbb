from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from casework.closeoff import todo, urls


class CloseOffMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.has_perm("casework.view_case") or user.has_perm("casework.view_finding")


@hooks.register("register_admin_urls")
def register_closeoff_urls():
    return [path("casework/closeoff/", include(urls, namespace="casework_closeoff"))]


@hooks.register("register_casework_menu_item")
def closeoff_menu_item():
    return CloseOffMenuItem(
        gettext_lazy("Close-off"),
        reverse_lazy("casework_closeoff:index"),
        name="casework-closeoff",
        icon_name="tick-inverse",
        order=250,
    )


@hooks.register("register_casework_todo")
def todo_closeoffs_to_verify(user, today):
    return todo.closeoffs_to_verify(user, today)


@hooks.register("register_casework_todo")
def todo_closeoffs_returned(user, today):
    return todo.closeoffs_returned(user, today)


@hooks.register("register_casework_todo")
def todo_findings_past_deadline(user, today):
    return todo.findings_past_deadline(user, today)
