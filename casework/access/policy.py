"""Wagtail permission policy for the casework models: model permissions within the scope."""

from wagtail.permission_policies import ModelPermissionPolicy

from casework.access.scope import scope_for_user


class SchoolScopedPermissionPolicy(ModelPermissionPolicy):
    """A user may act on a record only if their role allows it and the record is of their scope.

    Wagtail's views, choosers, bulk actions and reports ask this policy; the models' scoped
    default manager stays as the backstop for anything that does not.
    """

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and scope_for_user(user).contains(instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and scope_for_user(user).contains(
            instance
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._base_manager.none()
        return scope_for_user(user).apply(self.model._base_manager.all())

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])
