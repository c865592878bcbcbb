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
        from casework.access import audit, exports
        from casework.access.checks import check_scope_middleware
        from casework.access.policy import SchoolScopedPermissionPolicy
        from casework.access.scope import ScopedModel

        # Before Wagtail's view sets ask for a policy and get its unscoped fallback.
        for model in self.get_models():
            if issubclass(model, ScopedModel):
                register_permission_policy(model, SchoolScopedPermissionPolicy(model))

        exports.install()
        audit.connect_deletion_log()
        checks.register(check_scope_middleware)
        checks.register(check_audit_keep_days)
        checks.register(check_finish_workflow_action)


#: 等保 2.0 (level 3) asks audit records be kept at least six months.
AUDIT_MIN_KEEP_DAYS = 183


def check_audit_keep_days(app_configs, **kwargs):
    """Audit records are kept six months at least; a shorter setting is an error."""
    from casework.conf import conf

    days = conf.AUDIT_KEEP_DAYS
    if isinstance(days, int) and days >= AUDIT_MIN_KEEP_DAYS:
        return []
    return [
        checks.Error(
            f'CASEWORK["AUDIT_KEEP_DAYS"] is {days!r}: audit records must be kept at least '
            f"{AUDIT_MIN_KEEP_DAYS} days.",
            hint=f"Set it to {AUDIT_MIN_KEEP_DAYS} or more (the default is 365).",
            id="casework.E010",
        )
    ]


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
