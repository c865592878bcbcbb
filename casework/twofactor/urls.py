from django.urls import path

#: URL names a user who has not yet given a code may open: the two pages, logging out, and the
#: admin's translations and icons that those pages load.
OPEN_TO_UNVERIFIED = [
    "casework_twofactor_setup",
    "casework_twofactor_verify",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
]


def urlpatterns():
    from casework.twofactor import views

    return [
        path("setup/", views.SetupView.as_view(), name="casework_twofactor_setup"),
        path("verify/", views.VerifyView.as_view(), name="casework_twofactor_verify"),
    ]
