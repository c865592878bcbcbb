from django.apps import apps
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from casework.twofactor.urls import urlpatterns

# casework is a plugin: a site that does not install django-otp (and its TOTP and static apps)
# gets no two-factor pages, rather than an error at start-up.
if apps.is_installed("django_otp"):

    @hooks.register("register_admin_urls")
    def register_two_factor_urls():
        return [path("casework/two-factor/", include(urlpatterns()))]

    @hooks.register("register_account_menu_item")
    def two_factor_account_item(request):
        return {
            "url": reverse("casework_twofactor_setup"),
            "label": _("Two-factor login"),
            "help_text": _("Set up the phone app that gives the code asked after your password."),
        }
