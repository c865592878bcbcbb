from django.urls import path

from casework.weekly.views import (
    TermFiguresView,
    WeeklyExportView,
    WeeklyIndexView,
    WeeklyReportView,
)

urlpatterns = [
    path("weekly/", WeeklyIndexView.as_view(), name="casework_weekly_index"),
    path(
        "weekly/<int:school_pk>/<int:year>/<int:week>/",
        WeeklyReportView.as_view(),
        name="casework_weekly_report",
    ),
    path(
        "weekly/export/<int:year>/<int:week>/",
        WeeklyExportView.as_view(),
        name="casework_weekly_export",
    ),
    path(
        "terms/<int:school_pk>/<int:school_year>/<int:term>/",
        TermFiguresView.as_view(),
        name="casework_term_figures",
    ),
]
