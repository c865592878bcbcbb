from django.urls import path

from casework.list_exports.views import ExportJobView, download

urlpatterns = [
    path("exports/<int:pk>/", ExportJobView.as_view(), name="casework_export"),
    path("exports/<int:pk>/download/", download, name="casework_export_download"),
]
