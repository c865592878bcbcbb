from wagtail import hooks

from .models import Case, CaseworkLogEntry, Finding, HomeVisit, School, Student, SupportRecord


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
