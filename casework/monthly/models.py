"""The monthly responsibility checklist (挂牌督战责任清单) and its review by the responsible leaders."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.log_actions import log
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    Task,
    TaskState,
    WorkflowMixin,
)
from wagtail.signals import task_submitted

from casework.access.rules import leader_name_of
from casework.access.scope import ScopedManager, UnscopedManager
from casework.conf import conf
from casework.dates import first_of_month, last_of_month, validate_known_year
from casework.models.reference import ChecklistItem
from casework.monthly.figures import draft_row, month_figures
from casework.people import display_name


class MonthlyReportQuerySet(models.QuerySet):
    def for_month(self, day):
        """The report of the month the given day falls in."""
        return self.filter(month=first_of_month(day))

    def past_deadline(self, today):
        """Reports whose deadline (the 25th of their month) is before the given day."""
        return self.filter(month__lt=today - datetime.timedelta(days=conf.MONTHLY_DEADLINE_DAY - 1))


class MonthlyReport(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """One month's responsibility checklist: a row per checklist item, reviewed by the leaders."""

    # Its rows point at the checklist items, which nobody deletes (PROTECT): Wagtail's
    # "usage" index would only cost each save a query per row.
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        DRAFTING = "drafting", _("drafting")
        IN_REVIEW = "in_review", _("in review")
        APPROVED = "approved", _("approved")
        SUBMITTED = "submitted", _("submitted")
        LATE = "late", _("late")

    month = models.DateField(
        _("month"), unique=True, help_text=_("The report covers this calendar month.")
    )
    overdue_since = models.DateTimeField(
        _("flagged overdue at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the report was not approved by the 25th of its month."),
    )
    reminded_at = models.DateTimeField(_("offices reminded at"), null=True, editable=False)
    submitted_at = models.DateTimeField(
        _("sent to the Planning and Finance Office at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="monthly_report")

    objects = ScopedManager.from_queryset(MonthlyReportQuerySet)()
    unscoped = UnscopedManager.from_queryset(MonthlyReportQuerySet)()

    class Meta:
        verbose_name = _("monthly checklist report")
        verbose_name_plural = _("monthly checklist reports")
        ordering = ["-month"]

    def __str__(self):
        return _("Checklist of %(month)s/%(year)s") % {
            "year": self.month.year,
            "month": self.month.month,
        }

    @property
    def revisions(self):
        return self._revisions

    def clean(self):
        super().clean()
        if self.month:
            # A report for a month the plan never knew would be "late" at once and send reminders.
            validate_known_year(self.month.year, "month")

    def save(self, *args, **kwargs):
        if self.month:
            self.month = first_of_month(self.month)
        super().save(*args, **kwargs)

    @property
    def period_start(self):
        return self.month

    @property
    def period_end(self):
        return last_of_month(self.month)

    @property
    def deadline(self):
        return self.month.replace(day=conf.MONTHLY_DEADLINE_DAY)

    @property
    def state(self):
        """Where the month stands: drafting, in review, approved, submitted or late."""
        if self.workflow_in_progress:
            return self.State.IN_REVIEW
        if self.live:
            return self.State.SUBMITTED if self.submitted_at else self.State.APPROVED
        if self.overdue_since:
            return self.State.LATE
        return self.State.DRAFTING

    def get_state_display(self):
        if self.state == self.State.IN_REVIEW:
            waiting = getattr(self, "waiting_for", None)
            if waiting is None:
                waiting = awaiting_leaders([self]).get(self.pk, [])
            if waiting:
                # Who is still to act, not only that the month is "in review".
                return _("awaiting %(leaders)s's approval") % {"leaders": "、".join(waiting)}
        return self.State(self.state).label

    @property
    def approved_late(self):
        """First approved after the 25th: the deadline is the leaders' approval, not the e-mail."""
        return bool(
            self.first_published_at and timezone.localdate(self.first_published_at) > self.deadline
        )

    @classmethod
    @transaction.atomic
    def draft(cls, month, user=None):
        """Create the report of a month, every row drafted from the data, as a draft revision."""
        report = cls(month=first_of_month(month), live=False)
        rows = report.drafted_rows(user=user)
        with transaction.atomic():
            # The seven rows in one statement: the cluster's own save inserts them one by one.
            report.save()
            for row in rows:
                row.report = report
            MonthlyReportRow.objects.bulk_create(rows)
            report.save_revision(user=user, log_action=True)
        return report

    def fill_rows(self, user=None):
        """Give the (unsaved) report one row per checklist item, drafted from the month's data."""
        self.rows = self.drafted_rows(user=user)

    def drafted_rows(self, user=None):
        """One unsaved row per checklist item, drafted from the month's data."""
        items = list(ChecklistItem.objects.select_related("category"))
        figures = month_figures(items, self.month, user=user)
        return [draft_row(MonthlyReportRow(report=self), item, figures[item.pk]) for item in items]

    def redraft(self, user=None):
        """Refresh the figures; rewrite only the text nobody has edited since it was drafted.

        Returns the numbers of the rows whose text changed; the caller saves the report.
        """
        changed = []
        items = {item.pk: item for item in ChecklistItem.objects.select_related("category")}
        figures = month_figures(items.values(), self.month, user=user)
        rows = list(self.rows.all())
        for row in rows:
            before = (row.problems_found, row.rectification)
            edited = (
                row.problems_found != row.drafted_problems,
                row.rectification != row.drafted_rectification,
            )
            draft_row(row, items[row.item_id], figures[row.item_id])
            if edited[0]:
                row.problems_found = before[0]
            if edited[1]:
                row.rectification = before[1]
            if (row.problems_found, row.rectification) != before:
                changed.append(row.number)
        self.rows = rows
        return changed

    def leader_approvals(self):
        """Who approved which leader's rows in the current (or latest) review."""
        state = self.workflow_states.order_by("-created_at", "-id").first()
        if state is None:
            return {}
        task_state = (
            LeaderApprovalTaskState.objects.filter(workflow_state=state)
            .order_by("-started_at", "-id")
            .first()
        )
        if task_state is None:
            return {}
        if task_state.status == TaskState.STATUS_REJECTED:
            return {}
        return task_state.approvals


class MonthlyReportRow(models.Model):
    """A checklist item's line in one month's report, with the item's particulars kept as drafted."""

    report = ParentalKey(MonthlyReport, on_delete=models.CASCADE, related_name="rows")
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.PROTECT,
        related_name="report_rows",
    )
    # The item's particulars at drafting time, so that an approved month never changes.
    number = models.PositiveSmallIntegerField(_("number"))
    content = models.TextField(_("content to check"))
    deadline_text = models.CharField(_("deadline"), max_length=30)
    leader = models.CharField(_("responsible leader"), max_length=20)
    offices = models.CharField(_("responsible offices"), max_length=100)
    units = models.CharField(_("implementing units"), max_length=100)

    problems_found = models.TextField(_("problems found"), blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)

    figures = models.JSONField(_("figures"), default=dict, blank=True, editable=False)
    drafted_problems = models.TextField(blank=True, editable=False)
    drafted_rectification = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("checklist row")
        verbose_name_plural = _("checklist rows")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="casework_report_row_item")
        ]

    def __str__(self):
        return f"{self.number}. {self.item.title if self.item_id else ''}"

    @property
    def office_list(self):
        return self.offices.split()

    @property
    def approval(self):
        """The leader's approval of this row in the current review, if given."""
        return self.report.leader_approvals().get(self.leader)


class MonthlyReportDelivery(models.Model):
    """One recipient's copy of an approved month, sent (``casework.monthly.tasks.submit_report``).

    Recorded as each e-mail is handed over, so that a sending cut short (the worker killed)
    resumes with the recipients not yet served and sends nobody the same revision twice.
    """

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("report")
    )
    #: The approved revision sent: a correction, approved again, is a new sending.
    revision_id = models.PositiveBigIntegerField(_("revision"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("sending of a month")
        verbose_name_plural = _("sendings of a month")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "revision_id", "recipient"], name="casework_delivery_once"
            )
        ]

    def __str__(self):
        return f"{self.report} → {self.recipient}"


class LeaderApprovalTaskState(TaskState):
    """The review of one report: which responsible leaders have approved their rows so far."""

    approvals = models.JSONField(_("approvals"), default=dict, blank=True)

    class Meta:
        verbose_name = _("leader approval task state")
        verbose_name_plural = _("leader approval task states")

    def report(self):
        return self.revision.as_object()

    def leaders(self):
        """The leaders named on the rows under review."""
        if not hasattr(self, "_leaders"):
            self._leaders = rows_by_leader(self.report()).keys()
        return sorted(self._leaders)

    def pending_leaders(self):
        return [name for name in self.leaders() if name not in self.approvals]

    def record_approval(self, user, comment=""):
        self.approvals[leader_name_of(user)] = {
            # Chinese order, family name first (万东旺), as every casework screen names people.
            "user": display_name(user),
            "user_id": user.pk,
            "at": timezone.now().isoformat(),
            "comment": comment,
            "carried_over": False,
        }
        self.save(update_fields=["approvals"])


def awaiting_leaders(reports):
    """{report pk: the leaders still to approve their rows}, for reports under review.

    Two queries however many reports; each report also gets it as ``waiting_for``.
    """
    reports = list(reports)
    states = LeaderApprovalTaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS,
        workflow_state__status="in_progress",
        workflow_state__object_id__in=[str(report.pk) for report in reports],
    ).values_list("workflow_state__object_id", "approvals")
    approved = {int(object_id): set(approvals) for object_id, approvals in states}
    leaders = {}
    rows = MonthlyReportRow.objects.filter(report_id__in=approved).exclude(leader="")
    for report_id, name in rows.values_list("report_id", "leader").distinct():
        leaders.setdefault(report_id, set()).add(name)
    waiting = {pk: sorted(leaders.get(pk, set()) - names) for pk, names in approved.items()}
    for report in reports:
        report.waiting_for = waiting.get(report.pk, [])
    return waiting


def rows_by_leader(report):
    """The text of the report's rows grouped by their responsible leader."""
    grouped = {}
    for row in report.rows.all():
        grouped.setdefault(row.leader, []).append(
            (row.number, row.problems_found, row.rectification, row.remarks)
        )
    return {name: sorted(rows) for name, rows in grouped.items()}


class LeaderApprovalTask(Task):
    """Each responsible leader approves the rows of their own items; done when all have."""

    task_state_class = LeaderApprovalTaskState

    class Meta:
        verbose_name = _("responsible leaders' approval")
        verbose_name_plural = _("responsible leaders' approvals")

    @classmethod
    def get_description(cls):
        return _(
            "Each responsible leader approves the rows of the checklist items named for them "
            "(matched by the name in their casework profile); any of them can send it back."
        )

    def _state_for(self, obj):
        state = getattr(obj, "current_workflow_task_state", None)
        if state is not None and state.task_id == self.pk:
            return state
        return None

    def _leaders_of(self, obj):
        return set(rows_by_leader(obj))

    def start(self, workflow_state, user=None):
        # As Task.start, but on the latest revision (on resubmission Wagtail hands over the
        # report as loaded before the new revision was saved), with unchanged approvals
        # carried over before the leaders still needed are notified.
        report = type(workflow_state.content_object)._base_manager.get(pk=workflow_state.object_id)
        task_state = LeaderApprovalTaskState(
            workflow_state=workflow_state,
            status=TaskState.STATUS_IN_PROGRESS,
            revision_id=report.latest_revision_id,
            task=self,
        )
        task_state.save()
        self._carry_over_approvals(workflow_state, task_state)
        if task_state.pending_leaders():
            task_submitted.send(sender=LeaderApprovalTaskState, instance=task_state, user=user)
        else:
            task_state.approve(user=user, update=False)
        return task_state

    def _carry_over_approvals(self, workflow_state, task_state):
        """After a send-back, a leader whose rows did not change need not approve them again."""
        previous = (
            LeaderApprovalTaskState.objects.filter(workflow_state=workflow_state, task=self)
            .exclude(pk=task_state.pk)
            .order_by("-started_at", "-id")
            .first()
        )
        if previous is None or not previous.approvals:
            return
        before = rows_by_leader(previous.revision.as_object())
        now = rows_by_leader(task_state.revision.as_object())
        for name, approval in previous.approvals.items():
            if name in now and before.get(name) == now[name]:
                task_state.approvals[name] = {**approval, "carried_over": True}
        task_state.save(update_fields=["approvals"])

    def user_is_reviewer(self, obj, user):
        return leader_name_of(user) in self._leaders_of(obj)

    def user_can_access_editor(self, obj, user):
        return self.user_is_reviewer(obj, user)

    def locked_for_user(self, obj, user):
        return not (user.is_superuser or self.user_is_reviewer(obj, user))

    def user_can_lock(self, obj, user):
        return self.user_is_reviewer(obj, user)

    def get_actions(self, obj, user):
        # Not Wagtail's "approve": that one is labelled "… and publish", true only for the
        # last leader to approve.
        name = leader_name_of(user)
        state = self._state_for(obj)
        if not name or state is None or name not in state.pending_leaders():
            return []
        if state.pending_leaders() == [name]:
            label = _("Approve my rows and send the checklist on")
        else:
            label = _("Approve my rows")
        return [
            ("reject", _("Send back with a comment"), True),
            ("approve_rows", label, False),
            ("approve_rows", _("%(action)s, with a comment") % {"action": label}, True),
        ]

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        task_state = task_state.specific
        name = leader_name_of(user)
        if not name or name not in task_state.pending_leaders():
            raise PermissionDenied
        comment = kwargs.get("comment", "")
        if action_name == "reject":
            task_state.reject(user=user, comment=comment)
        elif action_name == "approve_rows":
            task_state.record_approval(user, comment=comment)
            if task_state.pending_leaders():
                log(
                    instance=task_state.revision.as_object(),
                    action="casework.approve_rows",
                    user=user,
                    revision=task_state.revision,
                    data={"leader": name, "comment": comment},
                )
            else:
                task_state.approve(user=user, comment=comment)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        name = leader_name_of(user)
        if not name:
            return TaskState.objects.none()
        report_ids = [
            str(pk)
            for pk in MonthlyReportRow.objects.filter(leader=name)
            .values_list("report_id", flat=True)
            .distinct()
        ]
        # Wagtail combines these querysets with |, so they must be of TaskState itself.
        return TaskState.objects.filter(
            pk__in=LeaderApprovalTaskState.objects.filter(
                task=self,
                status=TaskState.STATUS_IN_PROGRESS,
                workflow_state__object_id__in=report_ids,
            )
            .exclude(approvals__has_key=name)
            .values("pk")
        )


__all__ = [
    "MonthlyReport",
    "MonthlyReportRow",
    "LeaderApprovalTask",
    "LeaderApprovalTaskState",
]
