from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_monthly_report_actions(actions):
    actions.register_action("casework.approve_rows", _("Approve rows"), _("Rows approved"))
    actions.register_action("casework.redraft", _("Refresh figures"), _("Figures refreshed"))
    actions.register_action("casework.remind", _("Remind offices"), _("Offices reminded"))
    actions.register_action("casework.flag_overdue", _("Flag overdue"), _("Flagged overdue"))
    actions.register_action(
        "casework.submit",
        _("Send to the Planning and Finance Office"),
        _("Sent to the Planning and Finance Office"),
    )
