from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from casework.review import urls
from casework.review.permissions import can_see_reviews
from casework.review.todo import reviews_to_act_on


@hooks.register("register_admin_urls")
def register_review_urls():
    return [path("casework/", include(urls))]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_reviews(request.user)


@hooks.register("register_casework_menu_item")
def review_menu_item():
    return ReviewMenuItem(
        _("Case file reviews"), reverse("casework_review_index"), icon_name="tasks", order=750
    )


@hooks.register("register_casework_todo")
def todo_reviews(user, today):
    return reviews_to_act_on(user, today)
