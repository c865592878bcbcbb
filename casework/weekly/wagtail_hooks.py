from django.urls import include, path
from wagtail import hooks

from casework.weekly import urls
from casework.weekly.todo import weekly_report_to_file
from casework.weekly.views import WeeklyReportMenuItem


@hooks.register("register_admin_urls")
def register_weekly_urls():
    return [path("casework/", include(urls))]


@hooks.register("register_casework_menu_item")
def weekly_report_menu_item():
    return WeeklyReportMenuItem()


@hooks.register("register_casework_todo")
def todo_weekly_report(user, today):
    return weekly_report_to_file(user, today)
