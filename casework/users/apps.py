from wagtail.users.apps import WagtailUsersAppConfig


class CaseworkUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "casework.users.viewsets.UserViewSet"

    def ready(self):
        super().ready()
        from django.contrib.auth import get_user_model

        from casework.people import name_users_family_name_first

        name_users_family_name_first(get_user_model())
