from django.urls import include, path
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.admin.widgets import ListingButton

from casework.access.rules import can_log_visit
from casework.daily import urls
from casework.daily.dashboard import panels_for
from casework.daily.todo import visits_due
from casework.links import quick_visit_url
from casework.models import Case


@hooks.register("register_admin_urls")
def register_daily_urls():
    return [path("casework/", include(urls))]


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


@hooks.register("register_casework_todo")
def todo_visits_due(user, today):
    return visits_due(user, today)
