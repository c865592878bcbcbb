from django.urls import path

from casework.review.views import ReviewExportView, ReviewIndexView, ReviewView

urlpatterns = [
    path("reviews/", ReviewIndexView.as_view(), name="casework_review_index"),
    path("reviews/export/", ReviewExportView.as_view(), name="casework_review_export"),
    path("reviews/<int:pk>/", ReviewView.as_view(), name="casework_review_detail"),
]
