"""Admin of the monthly checklist: the report snippet, its Excel exports and the progress overview."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton, ListingButton
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from casework.access.audit import log_export
from casework.access.rules import (
    can_edit_report_row,
    can_view_monthly_reports,
    can_view_progress,
    leader_name_of,
)
from casework.choosers import CaseworkChooserViewSet
from casework.dates import is_known_year, known_year_or_404
from casework.models import MonthlyReport
from casework.monthly.figures import months_of, progress_overview, progress_totals
from casework.monthly.models import awaiting_leaders
from casework.monthly.workbook import (
    PERIODS,
    XLSX,
    checklist_title,
    monthly_workbook,
    summary_workbook,
)

ROW_TEXT_FIELDS = ["problems_found", "rectification", "remarks"]


class MonthField(forms.DateField):
    """A month, entered as YYYY-MM, kept as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class MonthlyReportForm(WagtailAdminModelForm):
    """Each row is editable only by its item's offices and leader; rows are never added or removed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "month" in self.fields:
            field = self.fields["month"]
            self.fields["month"] = MonthField(
                label=field.label, help_text=field.help_text, required=True
            )
        rows = self.formsets.get("rows")
        if rows is None:
            return
        for form in rows.forms:
            editable = self.for_user is not None and can_edit_report_row(
                self.for_user, form.instance
            )
            for name in ROW_TEXT_FIELDS:
                form.fields[name].disabled = not editable

    def is_valid(self):
        # Checked after the rows' formset has been cleaned, which happens after clean().
        valid = super().is_valid()
        rows = self.formsets.get("rows")
        if valid and rows is not None:
            if rows.deleted_forms or any(form.instance.pk is None for form in rows.forms):
                self.add_error(
                    None,
                    _("The rows follow the checklist items; they cannot be added or removed."),
                )
                return False
        return valid


class ReportRowsPanel(InlinePanel):
    """The report's rows: one per checklist item, never added, removed or reordered."""

    class BoundPanel(InlinePanel.BoundPanel):
        template_name = "casework/panels/report_rows.html"


def report_panels():
    return ObjectList(
        [
            FieldPanel("month", read_only=True),
            ReportRowsPanel(
                "rows",
                label=gettext_lazy("checklist row"),
                heading=gettext_lazy("checklist rows"),
                panels=[
                    HelpPanel(template="casework/panels/report_row_heading.html"),
                    FieldPanel("problems_found"),
                    FieldPanel("rectification"),
                    FieldPanel("remarks"),
                ],
            ),
        ],
        base_form_class=MonthlyReportForm,
    )


class MonthlyReportCreateView(CreateView):
    """Only the month is asked for; every row is then drafted from that month's data."""

    def get_panel(self):
        return ObjectList([FieldPanel("month")], base_form_class=MonthlyReportForm).bind_to_model(
            self.model
        )

    def get_form_class(self):
        # The view set hands every view the edit form; creating asks for the month alone.
        return self.panel.get_form_class()

    def save_instance(self):
        self.form.instance.fill_rows(user=self.request.user)
        return super().save_instance()


class MonthlyReportEditView(EditView):
    @cached_property
    def may_submit(self):
        report = self.object
        return report.has_workflow and not report.workflow_in_progress and not self.locked_for_user

    @cached_property
    def header_buttons(self):
        # 提交审核 and 审核 in sight, not under the ˄ of the save button.
        buttons = list(super().header_buttons)
        if self.may_submit:
            buttons.append(
                HeaderButton(
                    _("Submit for review"),
                    icon_name="resubmit",
                    classname="button-primary",
                    attrs={"data-a11y-dialog-show": "cw-confirm-submit", "type": "button"},
                )
            )
        buttons.append(
            HeaderButton(
                _("Download Excel (attachment 2)"),
                url=reverse(url_name("export"), args=[self.object.pk]),
                icon_name="download",
            )
        )
        if self.object.workflow_in_progress:
            # A leader who opens the report from Wagtail's "awaiting your review" lands here:
            # their way on is the review page, not the edit form's 保存草稿.
            task_state = self.object.current_workflow_task_state
            may_act = task_state is not None and bool(
                task_state.task.specific.get_actions(self.object, self.request.user)
            )
            buttons.append(
                HeaderButton(
                    pgettext("monthly review", "Review"),
                    url=reverse(url_name("review"), args=[self.object.pk]),
                    icon_name="tick",
                    classname="button-primary" if may_act else "",
                )
            )
        return buttons

    def get_success_message(self, instance=None):
        report = instance or self.object
        if self.action == "submit":
            waiting = awaiting_leaders([report]).get(report.pk) or []
            return _("%(report)s submitted for review: awaiting %(leaders)s.") % {
                "report": report,
                "leaders": "、".join(waiting) or "—",
            }
        if self.action == "edit":
            return _("Draft of %(report)s saved.") % {"report": report}
        return super().get_success_message(instance)

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_submit=self.may_submit, **kwargs)

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if not self.object.live and not self.object.workflow_in_progress:
            buttons.append(
                Button(
                    _("Refresh figures from the data"),
                    url=reverse(url_name("redraft"), args=[self.object.pk]),
                    icon_name="rotate",
                    priority=40,
                )
            )
        return buttons


class StateColumn(Column):
    def get_value(self, instance):
        state = instance.get_state_display()
        if instance.live and instance.approved_late:
            return _("%(state)s (late)") % {"state": state}
        return state


class MonthlyReportIndexView(IndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Who each month under review waits for, in two queries for the page.
        awaiting_leaders(context["object_list"])
        return context

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        # In sight on the row (a ListingButton never goes into the "⋯" menu).
        buttons.append(
            ListingButton(
                _("Download Excel"),
                url=reverse(url_name("export"), args=[instance.pk]),
                icon_name="download",
                priority=25,
            )
        )
        return buttons

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if can_view_progress(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Progress and summaries"),
                    url=reverse(url_name("progress")),
                    icon_name="table",
                )
            )
        return buttons


def url_name(view_name):
    return MonthlyReport.snippet_viewset.get_url_name(view_name)


class ReportAccessMixin:
    """The custom views of the report: bureau staff and leaders only (see permissions.py)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_access(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def has_access(self, user):
        return can_view_monthly_reports(user)


def xlsx_response(data, filename):
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class ExportView(ReportAccessMixin, TemplateView):
    """The month's checklist as an Excel file in the layout of attachment 2."""

    def get(self, request, pk):
        report = get_object_or_404(MonthlyReport.objects.all(), pk=pk)
        data = monthly_workbook(report)
        log_export(
            request.user,
            f"monthly checklist {report.month:%Y-%m}",
            filters={"report": report.pk, "live": report.live},
            row_count=report.rows.count(),
        )
        return xlsx_response(data, f"{checklist_title()}-{report.month:%Y-%m}.xlsx")


class SummaryExportView(ReportAccessMixin, TemplateView):
    """一季度一汇报，半年一总结: the approved months of a quarter or half-year."""

    def get(self, request, year, period):
        if period not in PERIODS:
            raise Http404
        known_year_or_404(year)
        months = [datetime.date(year, m, 1) for m in PERIODS[period]]
        reports = MonthlyReport.objects.filter(month__in=months)
        data = summary_workbook(year, period, list(reports), months, request.user)
        log_export(
            request.user,
            f"checklist summary {year} {period}",
            filters={"year": year, "period": period},
            row_count=len([r for r in reports if r.live]),
        )
        return xlsx_response(data, f"{checklist_title()}-{year}-{period}.xlsx")


class ProgressView(ReportAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """The bureau's overview: per item and school, month by month, open and closed off."""

    template_name = "casework/reports/progress.html"
    page_title = gettext_lazy("Checklist progress")
    header_icon = "table"

    def has_access(self, user):
        return can_view_progress(user)

    def get_breadcrumbs_items(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", today.year))
        except ValueError:
            year = None
        if year is None or not is_known_year(year):
            messages.error(
                self.request,
                _("No progress for the year %(year)s: showing %(this)s.")
                % {"year": self.request.GET["year"][:10], "this": today.year},
            )
            year = today.year
        months = months_of(year, until=today)
        table = progress_overview(months, self.request.user)
        context.update(
            year=year,
            years=range(today.year - 3, today.year + 1),
            months=months,
            table=table,
            totals=progress_totals(table),
            summaries=[
                (
                    period,
                    reverse(url_name("summary"), args=[year, period]),
                )
                for period in PERIODS
            ],
            index_url=reverse(url_name("list")),
        )
        return context


class RedraftView(ReportAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """Refresh a draft's figures; text an office has already edited is kept."""

    template_name = "casework/reports/redraft.html"
    page_title = gettext_lazy("Refresh figures from the data")
    header_icon = "rotate"

    def get_breadcrumbs_items(self):
        return []

    def get_report(self):
        report = get_object_or_404(MonthlyReport.objects.all(), pk=self.kwargs["pk"])
        if report.live or report.workflow_in_progress:
            raise PermissionDenied
        if not self.request.user.has_perm("casework.change_monthlyreport"):
            raise PermissionDenied
        return report.get_latest_revision_as_object()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.get_report()
        context["edit_url"] = reverse(url_name("edit"), args=[self.kwargs["pk"]])
        return context

    def post(self, request, pk):
        report = self.get_report()
        changed = report.redraft(user=request.user)
        report.save()
        revision = report.save_revision(user=request.user, log_action=False)
        log(instance=report, action="casework.redraft", user=request.user, revision=revision)
        messages.success(
            request,
            _("Figures refreshed; rows whose text changed: %(rows)s")
            % {"rows": ", ".join(map(str, changed)) or "—"},
        )
        return redirect(url_name("edit"), pk)


class ReviewView(ReportAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """A leader's review: the report read-only, 同意 or 退回 with a 审核意见.

    The actions are the workflow task's own (``LeaderApprovalTask.get_actions`` and
    ``on_action``), checked as Wagtail's workflow action view checks them.
    """

    template_name = "casework/reports/review.html"
    page_title = pgettext_lazy("monthly review", "Review")
    header_icon = "tick"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(url_name("list")), "label": MonthlyReport._meta.verbose_name_plural},
            {"url": "", "label": self.get_page_title()},
        ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.report = get_object_or_404(MonthlyReport.objects.all(), pk=kwargs["pk"])
        self.errors = {}

    def get_page_subtitle(self):
        return str(self.report)

    def task_and_state(self):
        state = self.report.current_workflow_task_state
        if state is None:
            return None, None
        return state.task.specific, state.specific

    def actions(self, task):
        if task is None:
            return set()
        return {name for name, _label, _modal in task.get_actions(self.report, self.request.user)}

    def post(self, request, pk):
        task, task_state = self.task_and_state()
        action = request.POST.get("action")
        wanted = {"approve": "approve_rows", "reject": "reject"}.get(action)
        if wanted is None or wanted not in self.actions(task):
            raise PermissionDenied
        comment = request.POST.get("comment", "").strip()
        if wanted == "reject" and not comment:
            self.errors["comment"] = _("Say in the review comment why the report is returned.")
            return self.render_to_response(self.get_context_data(comment=comment))
        task.on_action(task_state, request.user, wanted, comment=comment)
        if wanted == "reject":
            messages.success(
                request, _("%(report)s returned with your comment.") % {"report": self.report}
            )
        else:
            self.report.refresh_from_db()
            waiting = awaiting_leaders([self.report]).get(self.report.pk)
            if waiting:
                message = _("Your rows are approved; %(report)s now awaits %(leaders)s.") % {
                    "report": self.report,
                    "leaders": "、".join(waiting),
                }
            else:
                message = _("Approved: %(report)s is approved by every leader and sent on.") % {
                    "report": self.report
                }
            messages.success(request, message)
        return redirect("wagtailadmin_home")

    def get_context_data(self, **kwargs):
        task, _task_state = self.task_and_state()
        # The version under review, as the leaders saw it when it was submitted.
        report = self.report.get_latest_revision_as_object()
        waiting = awaiting_leaders([self.report]).get(self.report.pk, [])
        approvals = self.report.leader_approvals()
        name = leader_name_of(self.request.user)
        rows = [
            {
                "row": row,
                "mine": bool(name) and row.leader == name,
                "approval": approvals.get(row.leader),
            }
            for row in sorted(report.rows.all(), key=lambda row: row.number)
        ]
        return super().get_context_data(
            report=self.report,
            rows=rows,
            state=self.report.get_state_display(),
            waiting=waiting,
            can_act=bool(self.actions(task)),
            errors=self.errors,
            export_url=reverse(url_name("export"), args=[self.report.pk]),
            **kwargs,
        )


class MonthlyReportViewSet(SnippetViewSet):
    model = MonthlyReport
    icon = "table"
    chooser_viewset_class = CaseworkChooserViewSet
    menu_label = gettext_lazy("Monthly checklist")
    index_view_class = MonthlyReportIndexView
    add_view_class = MonthlyReportCreateView
    edit_view_class = MonthlyReportEditView
    edit_template_name = "casework/reports/edit.html"
    list_display = [
        "__str__",
        StateColumn("state", label=gettext_lazy("state")),
        DateColumn("deadline", label=gettext_lazy("due by")),
        DateColumn("submitted_at", label=gettext_lazy("submitted on")),
    ]
    ordering = ["-month"]
    edit_handler = report_panels()

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/export/", ExportView.as_view(), name="export"),
            path("<int:pk>/redraft/", RedraftView.as_view(), name="redraft"),
            path("summary/<int:year>/<slug:period>/", SummaryExportView.as_view(), name="summary"),
            path("progress/", ProgressView.as_view(), name="progress"),
            path("<int:pk>/review/", ReviewView.as_view(), name="review"),
        ]
