from wagtail.users.apps import WagtailUsersAppConfig


class CaseworkUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "casework.users.viewsets.UserViewSet"
