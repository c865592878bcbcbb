"""E-mail for the monthly checklist: the leaders' review, reminders, and the sheet sent on."""

from django.contrib.auth import get_user_model
from wagtail.admin.mail import BaseGroupApprovalTaskStateEmailNotifier

from casework.access.roles import Role
from casework.models import LeaderApprovalTask


def active_users(**profile_filters):
    """Active users with an e-mail address whose casework profile matches."""
    lookups = {f"casework_profile__{key}": value for key, value in profile_filters.items()}
    return (
        get_user_model().objects.filter(is_active=True, **lookups).exclude(email="").order_by("pk")
    )


def leaders_named(names):
    return active_users(leader_name__in=list(names)).filter(groups__casework_role__code=Role.LEADER)


def office_staff(offices):
    return active_users(office__name__in=list(offices)).filter(
        groups__casework_role__code=Role.OFFICE
    )


class LeaderTaskSubmissionNotifier(BaseGroupApprovalTaskStateEmailNotifier):
    """Tells each leader whose rows await approval, with Wagtail's own e-mail templates."""

    notification = "submitted"

    def can_handle(self, instance, **kwargs):
        return isinstance(instance.task.specific, LeaderApprovalTask)

    def get_template_base_prefix(self, instance, **kwargs):
        return "task_state_"

    def get_recipient_users(self, task_state, **kwargs):
        recipients = leaders_named(task_state.specific.pending_leaders())
        if user := kwargs.get("user"):
            recipients = recipients.exclude(pk=user.pk)
        return recipients
