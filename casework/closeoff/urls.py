from django.urls import path

from casework.closeoff import views

app_name = "casework_closeoff"
urlpatterns = [
    path("", views.CloseOffIndexView.as_view(), name="index"),
    path("propose/<str:kind>/<int:pk>/", views.ProposeView.as_view(), name="propose"),
    path("<int:pk>/", views.DecideView.as_view(), name="decide"),
]
