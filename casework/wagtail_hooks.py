from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .choosers import teacher_chooser_viewset
from .modeladmin import ChecklistItemAdmin, SchoolAdmin
from .models import Case, CaseworkLogEntry, Finding, HomeVisit, School, Student, SupportRecord
from .viewsets import CaseworkViewSetGroup

register_snippet(CaseworkViewSetGroup)
# Registered as instances (not with the decorator) so their menu items can join the group.
school_admin = SchoolAdmin()
school_admin.register_with_wagtail()
checklist_admin = ChecklistItemAdmin()
checklist_admin.register_with_wagtail()


@hooks.register("register_casework_menu_item")
def school_menu_item():
    return school_admin.get_menu_item(order=800)


@hooks.register("register_casework_menu_item")
def checklist_menu_item():
    return checklist_admin.get_menu_item(order=900)


@hooks.register("insert_global_admin_css")
def casework_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("casework/css/casework.css"))


@hooks.register("register_admin_viewset")
def register_teacher_chooser():
    return teacher_chooser_viewset


@hooks.register("register_log_actions")
def register_casework_log_model(actions):
    # History of children's records is kept with the school, so the site history can be scoped.
    for model in (Student, Case, HomeVisit, SupportRecord, Finding, School):
        actions.register_model(model, CaseworkLogEntry)


# --- 数据比对: imports and reconciliation -------------------------------------------------
# (The lead moves this menu item into the 四查四补 group at merge.)

from django.urls import include, path, reverse_lazy  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402

from . import admin_urls  # noqa: E402
from .permissions import can_view_imports  # noqa: E402


class ImportsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_imports(request.user)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("casework/imports/", include(admin_urls, namespace="casework_imports"))]


@hooks.register("register_admin_menu_item")
def register_imports_menu_item():
    return ImportsMenuItem(
        _("Data reconciliation"),
        reverse_lazy("casework_imports:index"),
        name="casework-imports",
        icon_name="table",
        order=320,
    )
