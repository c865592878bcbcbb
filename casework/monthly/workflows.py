"""What happens when a Wagtail workflow finishes (settings.WAGTAIL_FINISH_WORKFLOW_ACTION).

Wagtail publishes as the last approver and so asks them for the publish permission. The
responsible leaders have none on purpose: nobody can publish a month without every leader's
approval (only a superuser can). Their approval, checked by the task, is the permission.
Imported while wagtail.models loads, so models are imported inside the function.
"""

from wagtail.workflows import publish_workflow_state


def finish_workflow(workflow_state, user=None):
    from casework.models import MonthlyReport

    obj = workflow_state.content_object
    if isinstance(obj, MonthlyReport):
        obj.get_latest_revision().publish(user=user, skip_permission_checks=True)
    else:
        publish_workflow_state(workflow_state, user=user)
