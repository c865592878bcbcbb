"""The leader's 督战 panel: their items at a glance, first on their dashboard."""

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import TaskState

from casework.access.rules import leader_name_of
from casework.models import ChecklistItem, LeaderApprovalTaskState
from casework.review.models import CaseReview
from casework.supervision import figures
from casework.supervision.views import items_context


def waiting_approvals(name):
    """Monthly reports under review whose rows of this leader are not yet approved."""
    states = LeaderApprovalTaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS)
    return [state.report() for state in states if name in state.pending_leaders()]


class LeaderPanel(Component):
    name = "casework_leader_items"
    template_name = "casework/supervision/leader_panel.html"
    # Before every other panel: this is what a leader logs in for.
    order = 10

    def __init__(self, user, name):
        self.user = user
        self.leader_name = name

    def get_context_data(self, parent_context):
        today = figures.today()
        items = list(ChecklistItem.objects.filter(leader=self.leader_name).order_by("number"))
        reviews = CaseReview.objects.for_user(self.user).filter(
            checklist_item__leader=self.leader_name
        )
        entries = items_context(items, today)
        return {
            "leader_name": self.leader_name,
            "today": today,
            "items": entries,
            "returned": [closeoff for entry in entries for closeoff in entry["returned"]],
            "approvals": waiting_approvals(self.leader_name),
            "unanswered": reviews.unanswered().count(),
            "reviews_overdue": reviews.overdue(today).count(),
            "review_list_url": reverse("casework_review_index"),
            "overview_url": reverse("casework_supervision_overview"),
        }


def panels_for(user):
    name = leader_name_of(user)
    return [LeaderPanel(user, name)] if name else []
