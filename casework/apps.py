from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    label = "casework"
    verbose_name = _("four checks, four fills casework")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from . import signals  # noqa: F401

        checks.register(check_finish_workflow_action)


FINISH_ACTION = "casework.workflows.finish_workflow"


def check_finish_workflow_action(app_configs, **kwargs):
    """The monthly checklist's review can only finish if the site lets it publish."""
    from django.conf import settings

    if getattr(settings, "WAGTAIL_FINISH_WORKFLOW_ACTION", None) == FINISH_ACTION:
        return []
    from django.core.checks import Warning

    return [
        Warning(
            "The responsible leaders' approval cannot publish the monthly checklist.",
            hint=f'Set WAGTAIL_FINISH_WORKFLOW_ACTION = "{FINISH_ACTION}".',
            id="casework.W001",
        )
    ]
