from django.templatetags.static import static
from django.urls import include, path, reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet

from . import admin_urls, import_urls
from .choosers import teacher_chooser_viewset
from .dashboard import panels_for
from .links import quick_visit_url
from .modeladmin import ChecklistItemAdmin, SchoolAdmin
from .models import Case, CaseworkLogEntry, Finding, HomeVisit, School, Student, SupportRecord
from .permissions import can_log_visit, can_view_imports
from .views.weekly import WeeklyReportMenuItem
from .viewsets import CaseworkViewSetGroup

register_snippet(CaseworkViewSetGroup)

# Registered as instances (not with the decorator) so their menu items can join the group.
school_admin = SchoolAdmin()
school_admin.register_with_wagtail()
checklist_admin = ChecklistItemAdmin()
checklist_admin.register_with_wagtail()


class ImportsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_imports(request.user)


@hooks.register("register_casework_menu_item")
def weekly_report_menu_item():
    return WeeklyReportMenuItem()


@hooks.register("register_casework_menu_item")
def imports_menu_item():
    return ImportsMenuItem(
        gettext_lazy("Data reconciliation"),
        reverse_lazy("casework_imports:index"),
        name="casework-imports",
        icon_name="table",
        order=620,
    )


@hooks.register("register_casework_menu_item")
def school_menu_item():
    return school_admin.get_menu_item(order=800)


@hooks.register("register_casework_menu_item")
def checklist_menu_item():
    return checklist_admin.get_menu_item(order=900)


@hooks.register("register_admin_urls")
def register_casework_urls():
    return [
        path("casework/imports/", include(import_urls, namespace="casework_imports")),
        path("casework/", include(admin_urls)),
    ]


@hooks.register("register_admin_viewset")
def register_teacher_chooser():
    return teacher_chooser_viewset


@hooks.register("construct_homepage_panels")
def add_my_work_panels(request, panels):
    panels[:0] = panels_for(request.user)


@hooks.register("register_snippet_listing_buttons")
def quick_visit_listing_button(snippet, user, next_url=None):
    # One tap from the case list to the quick visit form.
    if isinstance(snippet, Case) and snippet.status != Case.Status.CLOSED and can_log_visit(user):
        yield ListingButton(
            gettext("Log a visit"),
            quick_visit_url(snippet.pk, next_url),
            icon_name="calendar-check",
            priority=5,
        )


@hooks.register("insert_global_admin_css")
def casework_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("casework/css/casework.css"))


@hooks.register("register_log_actions")
def register_casework_log_model(actions):
    # History of children's records is kept with the school, so the site history can be scoped.
    for model in (Student, Case, HomeVisit, SupportRecord, Finding, School):
        actions.register_model(model, CaseworkLogEntry)


@hooks.register("register_log_actions")
def register_monthly_report_actions(actions):
    actions.register_action("casework.approve_rows", _("Approve rows"), _("Rows approved"))
    actions.register_action("casework.redraft", _("Refresh figures"), _("Figures refreshed"))
    actions.register_action("casework.remind", _("Remind offices"), _("Offices reminded"))
    actions.register_action("casework.flag_overdue", _("Flag overdue"), _("Flagged overdue"))
    actions.register_action(
        "casework.submit",
        _("Send to the Planning and Finance Office"),
        _("Sent to the Planning and Finance Office"),
    )
