from django.urls import path

from casework.evidence import views

urlpatterns = [
    path("evidence/<int:pk>/", views.download, name="casework_evidence_download"),
    path("evidence/<int:pk>/thumbnail/", views.thumbnail, name="casework_evidence_thumbnail"),
    path("evidence/<int:pk>/delete/", views.delete, name="casework_evidence_delete"),
    path(
        "evidence/<str:target>/<int:pk>/",
        views.RecordEvidenceView.as_view(),
        name="casework_record_evidence",
    ),
]
