"""Admin URLs of the casework screens that are not snippet view sets (under /admin/casework/)."""

from django.urls import path

from .views.exports import ExportJobView, download
from .views.reminders import dismiss_reminder
from .views.visits import QuickVisitView
from .views.weekly import TermFiguresView, WeeklyIndexView, WeeklyReportView

urlpatterns = [
    path(
        "cases/<int:pk>/quick-visit/",
        QuickVisitView.as_view(),
        name="casework_quick_visit",
    ),
    path(
        "reminders/<int:pk>/dismiss/",
        dismiss_reminder,
        name="casework_dismiss_reminder",
    ),
    path("exports/<int:pk>/", ExportJobView.as_view(), name="casework_export"),
    path("exports/<int:pk>/download/", download, name="casework_export_download"),
    path("weekly/", WeeklyIndexView.as_view(), name="casework_weekly_index"),
    path(
        "weekly/<int:school_pk>/<int:year>/<int:week>/",
        WeeklyReportView.as_view(),
        name="casework_weekly_report",
    ),
    path(
        "terms/<int:school_pk>/<int:school_year>/<int:term>/",
        TermFiguresView.as_view(),
        name="casework_term_figures",
    ),
]
