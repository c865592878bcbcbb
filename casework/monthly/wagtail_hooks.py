from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from casework.monthly import todo


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


@hooks.register("register_casework_todo")
def todo_rows_to_fill(user, today):
    return todo.rows_to_fill(user, today)


@hooks.register("register_casework_todo")
def todo_reports_to_approve(user, today):
    return todo.reports_to_approve(user, today)
