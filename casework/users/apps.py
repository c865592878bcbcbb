from wagtail.users.apps import WagtailUsersAppConfig


class CaseworkUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "casework.users.viewsets.UserViewSet"

    def ready(self):
        super().ready()
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_migrate

        from casework.people import name_users_family_name_first
        from casework.users.permission_names import name_permissions

        name_users_family_name_first(get_user_model())
        # Every app's migration sends this; the last one finds every permission created.
        post_migrate.connect(name_permissions, dispatch_uid="casework.users.name_permissions")
