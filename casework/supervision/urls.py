from django.urls import path

from casework.supervision.views import ItemView, OverviewView

urlpatterns = [
    path("supervision/", OverviewView.as_view(), name="casework_supervision_overview"),
    path("supervision/<int:number>/", ItemView.as_view(), name="casework_supervision_item"),
]
