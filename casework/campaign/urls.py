from django.urls import path

from casework.campaign import views

urlpatterns = [
    path("campaign/", views.MyHouseholdsView.as_view(), name="casework_campaign_mine"),
    path(
        "campaign/visit/<int:pk>/",
        views.CampaignVisitView.as_view(),
        name="casework_campaign_visit",
    ),
    path("campaign/coverage/", views.CoverageView.as_view(), name="casework_campaign_coverage"),
    path("campaign/assign/", views.AssignView.as_view(), name="casework_campaign_assign"),
]
