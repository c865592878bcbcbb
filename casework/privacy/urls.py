from django.urls import path

from casework.privacy import views

urlpatterns = [
    path(
        "privacy/student/<int:pk>/guardian-copy/",
        views.GuardianCopyView.as_view(),
        name="casework_guardian_copy",
    ),
    path("privacy/retention/", views.RetentionView.as_view(), name="casework_retention"),
]
