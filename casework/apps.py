from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

FINISH_ACTION = "casework.monthly.workflows.finish_workflow"


class CaseworkConfig(AppConfig):
    name = "casework"
    label = "casework"
    verbose_name = _("four checks, four fills casework")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from casework import signals  # noqa: F401
        from casework.access import exports
        from casework.access.checks import check_scope_middleware
        from casework.access.policy import SchoolScopedPermissionPolicy
        from casework.access.scope import ScopedModel

        # Before Wagtail's view sets ask for a policy and get its unscoped fallback.
        for model in self.get_models():
            if issubclass(model, ScopedModel):
                register_permission_policy(model, SchoolScopedPermissionPolicy(model))

        exports.install()
        checks.register(check_scope_middleware)
        checks.register(check_finish_workflow_action)


def check_finish_workflow_action(app_configs, **kwargs):
    """The monthly checklist's review can only finish if the site lets it publish."""
    from django.conf import settings

    if getattr(settings, "WAGTAIL_FINISH_WORKFLOW_ACTION", None) == FINISH_ACTION:
        return []
    return [
        checks.Warning(
            "The responsible leaders' approval cannot publish the monthly checklist.",
            hint=f'Set WAGTAIL_FINISH_WORKFLOW_ACTION = "{FINISH_ACTION}".',
            id="casework.W001",
        )
    ]
