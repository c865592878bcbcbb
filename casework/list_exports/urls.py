from django.urls import path

from casework.list_exports.views import ExportJobView, download, restart

urlpatterns = [
    path("exports/<int:pk>/", ExportJobView.as_view(), name="casework_export"),
    path("exports/<int:pk>/download/", download, name="casework_export_download"),
    path("exports/<int:pk>/restart/", restart, name="casework_export_restart"),
]
