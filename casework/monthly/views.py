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
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from casework.access.audit import log_export
from casework.access.rules import can_edit_report_row, can_view_monthly_reports, can_view_progress
from casework.choosers import CaseworkChooserViewSet
from casework.dates import is_known_year, known_year_or_404
from casework.models import MonthlyReport
from casework.monthly.figures import months_of, progress_overview, progress_totals
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
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        buttons.append(
            Button(
                _("Download Excel (attachment 2)"),
                url=reverse(url_name("export"), args=[self.object.pk]),
                icon_name="download",
                priority=30,
            )
        )
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
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            Button(
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
        data = summary_workbook(year, period, list(reports), months)
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


class MonthlyReportViewSet(SnippetViewSet):
    model = MonthlyReport
    icon = "table"
    chooser_viewset_class = CaseworkChooserViewSet
    menu_label = gettext_lazy("Monthly checklist")
    index_view_class = MonthlyReportIndexView
    add_view_class = MonthlyReportCreateView
    edit_view_class = MonthlyReportEditView
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
        ]
