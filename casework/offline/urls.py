from django.urls import path

from casework.offline import views

# Everything the service worker may touch lives under field/: its scope is this path alone.
urlpatterns = [
    path("field/", views.field, name="casework_offline_field"),
    path("field/data/", views.data, name="casework_offline_data"),
    path("field/sync/", views.sync, name="casework_offline_sync"),
    path("field/sw.js", views.worker, name="casework_offline_worker"),
    path("field/manifest.webmanifest", views.manifest, name="casework_offline_manifest"),
]
