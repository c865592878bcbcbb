from django.urls import path

from casework.registration.views import RegisterChildView

urlpatterns = [
    path("register/", RegisterChildView.as_view(), name="casework_register_child"),
]
