from django.urls import path

from casework.daily.views import QuickVisitView, dismiss_reminder

urlpatterns = [
    path("cases/<int:pk>/quick-visit/", QuickVisitView.as_view(), name="casework_quick_visit"),
    path("reminders/<int:pk>/dismiss/", dismiss_reminder, name="casework_dismiss_reminder"),
]
