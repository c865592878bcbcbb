from django.urls import path

from casework.branding.views import HelpView

urlpatterns = [path("help/", HelpView.as_view(), name="casework_help")]
