from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton

from casework.models.students import Student
from casework.privacy import urls
from casework.privacy.permissions import can_make_guardian_copy, can_see_retention


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [path("casework/", include(urls))]


class RetentionMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_retention(request.user)


@hooks.register("register_casework_menu_item")
def retention_menu_item():
    return RetentionMenuItem(
        _("Retention of personal data"), reverse("casework_retention"), icon_name="bin", order=950
    )


@hooks.register("register_snippet_listing_buttons")
def guardian_copy_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Student) and can_make_guardian_copy(user):
        yield ListingButton(
            gettext("Guardian's copy (查阅复制)"),
            reverse("casework_guardian_copy", args=[snippet.pk]),
            icon_name="download",
            priority=30,
        )
