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


# Teachers' daily work: the "my work" dashboard, the quick visit form, the weekly report.
# (Imports are local so that this block can be appended without touching the file's head.)


@hooks.register("construct_homepage_panels")
def add_my_work_panels(request, panels):
    from .dashboard import panels_for

    panels[:0] = panels_for(request.user)


@hooks.register("register_admin_urls")
def register_teachers_work_urls():
    from django.urls import include, path

    from . import admin_urls

    return [path("casework/", include(admin_urls))]


@hooks.register("register_admin_menu_item")
def register_weekly_report_menu_item():
    from .views.weekly import WeeklyReportMenuItem

    return WeeklyReportMenuItem()


@hooks.register("register_snippet_listing_buttons")
def quick_visit_listing_button(snippet, user, next_url=None):
    # One tap from the case list to the quick visit form.
    from django.utils.translation import gettext as _
    from wagtail.admin.widgets import ListingButton

    from .links import quick_visit_url
    from .permissions import can_log_visit

    if isinstance(snippet, Case) and snippet.status != Case.Status.CLOSED and can_log_visit(user):
        yield ListingButton(
            _("Log a visit"),
            quick_visit_url(snippet.pk, next_url),
            icon_name="calendar-check",
            priority=5,
        )
