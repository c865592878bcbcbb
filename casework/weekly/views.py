"""The weekly dropout report (周报告): filed by each school, overseen by the bureau."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from casework.access.audit import log_export
from casework.access.rules import (
    can_edit_term_figures,
    can_export_personal_data,
    can_file_weekly_report,
    can_view_district_reports,
    can_view_weekly_reports,
    school_id_of,
)
from casework.dates import known_year_or_404, week_label, week_param
from casework.models import (
    WEEKLY_FIGURES,
    School,
    Term,
    TermFigures,
    WeeklyReport,
    term_label,
    week_monday,
)
from casework.weekly import figures as weekly_report
from casework.weekly import workbook

#: 两清两明 figures shown beside the weekly figure of the same name.
TERM_BESIDE = {
    "enrolled": "enrolled",
    "transferred_known": "transferred_known",
    "transferred_unknown": "transferred_unknown",
    "long_leave": "long_leave",
}
TERM_FIGURES = [
    "school_age_population",
    "enrolled",
    "transferred_known",
    "transferred_unknown",
    "long_leave",
]
WEEKS_LISTED = 8


def parse_week(value, default):
    """A Monday from "2024-W10", or ``default``."""
    try:
        year, week = value.split("-W")
        return weekly_report.week_of(int(year), int(week))
    except (AttributeError, ValueError):
        return default


def report_url(school_pk, monday):
    year, week, _weekday = monday.isocalendar()
    return reverse("casework_weekly_report", args=[school_pk, year, week])


def field_label(model, name):
    return model._meta.get_field(name).verbose_name


class ReportsMixin(WagtailAdminTemplateMixin):
    header_icon = "table"

    def setup(self, request, *args, **kwargs):
        # Before any lookup, so that who may not see reports learns nothing of what exists.
        if not can_view_weekly_reports(request.user):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [*super().get_breadcrumbs_items()]
        if self.get_page_title() != WeeklyIndexView.page_title:
            items.append(
                {"url": reverse("casework_weekly_index"), "label": WeeklyIndexView.page_title}
            )
        return [*items, {"url": "", "label": self.get_page_title()}]


class WeeklyIndexView(ReportsMixin, TemplateView):
    """A school's weeks, or for the bureau: who has not filed, and the district's totals."""

    page_title = gettext_lazy("Weekly dropout reports")

    def get_template_names(self):
        if can_view_district_reports(self.request.user):
            return ["casework/weekly/district.html"]
        return ["casework/weekly/school.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        this_monday = week_monday(timezone.localdate())
        if can_view_district_reports(self.request.user):
            asked = self.request.GET.get("week")
            monday = parse_week(asked, None) if asked else this_monday
            if monday is None or monday > this_monday:
                messages.error(
                    self.request,
                    _("No weekly report for the week %(week)s: showing %(this)s.")
                    % {"week": asked[:12], "this": week_label(this_monday)},
                )
                monday = this_monday
            context.update(self.district_context(monday, this_monday))
        else:
            context.update(self.school_context(this_monday))
        return context

    def school_context(self, this_monday):
        school_id = school_id_of(self.request.user)
        school = get_object_or_404(School.objects.all(), pk=school_id)
        mondays = [this_monday - datetime.timedelta(weeks=i) for i in range(WEEKS_LISTED)]
        reports = {
            r.week_start: r
            for r in WeeklyReport.objects.filter(school=school, week_start__in=mondays)
        }
        terms = TermFigures.objects.filter(school=school).order_by("-school_year", "-term")[:4]
        school_year, term = Term.of(this_monday)
        return {
            "school": school,
            "weeks": [
                {
                    "label": week_label(m),
                    "start": m,
                    "end": m + datetime.timedelta(days=6),
                    "report": reports.get(m),
                    "url": report_url(school.pk, m),
                }
                for m in mondays
            ],
            "can_file": can_file_weekly_report(self.request.user),
            "export_url": export_url(this_monday),
            "terms": terms,
            "term_fields": [(n, field_label(TermFigures, n)) for n in TERM_FIGURES],
            "can_edit_terms": can_edit_term_figures(self.request.user),
            "term_url": reverse("casework_term_figures", args=[school.pk, school_year, term]),
        }

    def district_context(self, monday, this_monday):
        schools = list(School.objects.all().order_by("name"))
        reports = {r.school_id: r for r in WeeklyReport.objects.filter(week_start=monday)}
        terms = {t.school_id: t for t in TermFigures.objects.for_day(monday)}
        rows = [
            {
                "school": s,
                "report": reports.get(s.pk),
                "term": terms.get(s.pk),
                "url": report_url(s.pk, monday),
            }
            for s in schools
        ]
        totals = weekly_report.district_totals(weeks=12, until=monday)
        term_sums = TermFigures.objects.for_day(monday).aggregate(
            **{name: Sum(name) for name in TERM_FIGURES}
        )
        previous = monday - datetime.timedelta(weeks=1)
        following = monday + datetime.timedelta(weeks=1)
        return {
            "week": week_label(monday),
            "week_start": monday,
            "week_end": monday + datetime.timedelta(days=6),
            "previous_week": {"param": week_param(previous), "label": week_label(previous)},
            "next_week": (
                {"param": week_param(following), "label": week_label(following)}
                if following <= this_monday
                else None
            ),
            "rows": rows,
            "not_filed": [r for r in rows if not (r["report"] and r["report"].is_submitted)],
            "weekly_fields": [(n, field_label(WeeklyReport, n)) for n in WEEKLY_FIGURES],
            "term_fields": [(n, field_label(TermFigures, n)) for n in TERM_FIGURES],
            "totals": totals,
            "this_week_totals": totals[-1],
            "term_totals": [
                (field_label(TermFigures, name), term_sums[name]) for name in TERM_FIGURES
            ],
            "term_label": term_label(*Term.of(monday)),
            "chart": weekly_report.chart(totals),
            "export_url": export_url(monday),
        }


class WeeklyReportForm(forms.ModelForm):
    class Meta:
        model = WeeklyReport
        fields = [*WEEKLY_FIGURES, "note"]
        widgets = {
            **{name: forms.NumberInput(attrs={"min": 0}) for name in WEEKLY_FIGURES},
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class WeeklyReportView(ReportsMixin, FormView):
    """One school's report for one week: pre-filled from the ledger, corrected, submitted."""

    form_class = WeeklyReportForm
    template_name = "casework/weekly/report.html"
    page_title = gettext_lazy("Weekly dropout report")

    def dispatch(self, request, school_pk, year, week):
        try:
            self.week_start = weekly_report.week_of(year, week)
        except ValueError as error:
            raise Http404 from error
        if self.week_start > week_monday(timezone.localdate()):
            raise Http404
        # The scoped manager: another school's report is not found.
        self.school = get_object_or_404(School.objects.all(), pk=school_pk)
        self.report = WeeklyReport.objects.filter(
            school=self.school, week_start=self.week_start
        ).first()
        return super().dispatch(request, school_pk, year, week)

    def get_page_subtitle(self):
        return f"{self.school.name} {week_label(self.week_start)}"

    @property
    def editable(self):
        return (
            can_file_weekly_report(self.request.user)
            and school_id_of(self.request.user) == self.school.pk
            and not (self.report and self.report.is_submitted)
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.ledger = weekly_report.prefill(self.school, self.week_start)
        instance = self.report or WeeklyReport(
            school=self.school, week_start=self.week_start, **self.ledger
        )
        instance.computed = self.ledger
        kwargs["instance"] = instance
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        term = weekly_report.term_figures(self.school, self.week_start)
        context.update(
            school=self.school,
            report=self.report,
            editable=self.editable,
            week_start=self.week_start,
            week_end=self.week_start + datetime.timedelta(days=6),
            term=term,
            term_label=term_label(*Term.of(self.week_start)),
            school_age_population_label=field_label(TermFigures, "school_age_population"),
            rows=[
                {
                    "field": form[name],
                    "ledger": self.ledger[name],
                    "reported": getattr(self.report, name) if self.report else None,
                    "term": getattr(term, TERM_BESIDE[name])
                    if term and name in TERM_BESIDE
                    else None,
                    "term_applies": name in TERM_BESIDE,
                }
                for name in WEEKLY_FIGURES
            ],
            index_url=reverse("casework_weekly_index"),
            export_url=export_url(self.week_start),
            at_risk=weekly_report.pupils_at_risk(self.school, self.week_start),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.editable:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        report = form.save(commit=False)
        if self.request.POST.get("action") == "submit":
            report.status = WeeklyReport.Status.SUBMITTED
            report.submitted_at = timezone.now()
            report.submitted_by = self.request.user
        report.save()
        if report.is_submitted:
            messages.success(
                self.request,
                _("The dropout report for %(week)s is submitted.") % {"week": report.week_label},
            )
            return redirect("casework_weekly_index")
        messages.success(
            self.request,
            _("The dropout report for %(week)s is saved as a draft.") % {"week": report.week_label},
        )
        return redirect(report_url(self.school.pk, self.week_start))


class TermFiguresForm(forms.ModelForm):
    class Meta:
        model = TermFigures
        fields = [*TERM_FIGURES, "note"]
        widgets = {
            **{name: forms.NumberInput(attrs={"min": 0}) for name in TERM_FIGURES},
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class TermFiguresView(ReportsMixin, FormView):
    """A school's 两清两明 figures for one term, kept by the school manager."""

    form_class = TermFiguresForm
    template_name = "casework/weekly/term_figures.html"
    page_title = gettext_lazy("两清两明 figures")

    def dispatch(self, request, school_pk, school_year, term):
        if not can_edit_term_figures(request.user) or school_id_of(request.user) != school_pk:
            raise PermissionDenied
        if term not in Term.values:
            raise Http404
        known_year_or_404(school_year)
        self.school = get_object_or_404(School.objects.all(), pk=school_pk)
        self.school_year, self.term = school_year, term
        return super().dispatch(request, school_pk, school_year, term)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = TermFigures.objects.filter(
            school=self.school, school_year=self.school_year, term=self.term
        ).first() or TermFigures(school=self.school, school_year=self.school_year, term=self.term)
        return kwargs

    def get_page_subtitle(self):
        return f"{self.school.name} {term_label(self.school_year, self.term)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["index_url"] = reverse("casework_weekly_index")
        proposed = weekly_report.proposed_term_figures(self.school, timezone.localdate())
        # What is saved, not what an invalid POST put on the form's instance.
        saved = (
            TermFigures.objects.filter(
                school=self.school, school_year=self.school_year, term=self.term
            ).first()
            or TermFigures()
        )
        context["proposals"] = [
            {
                "label": field_label(TermFigures, name),
                "proposed": proposed[name],
                "saved": getattr(saved, name) if saved.pk else None,
                "difference": getattr(saved, name) - proposed[name]
                if saved.pk and proposed[name] is not None
                else None,
            }
            for name in TERM_FIGURES
        ]
        return context

    def form_valid(self, form):
        figures = form.save(commit=False)
        figures.updated_by = self.request.user
        figures.save()
        messages.success(
            self.request,
            _("The 两清两明 figures for %(term)s are saved.") % {"term": figures.term_label},
        )
        return redirect("casework_weekly_index")


def export_url(monday):
    year, week, _weekday = monday.isocalendar()
    return reverse("casework_weekly_export", args=[year, week])


class WeeklyExportView(View):
    """The week's submitted reports as an Excel file; the names sheet for bureau roles only."""

    def dispatch(self, request, year, week):
        if not can_view_weekly_reports(request.user):
            raise PermissionDenied
        try:
            week_start = weekly_report.week_of(year, week)
        except ValueError as error:
            raise Http404 from error
        # The scoped manager: a school's staff get their own school's row only.
        reports = list(
            WeeklyReport.objects.submitted()
            .filter(week_start=week_start)
            .select_related("school")
            .order_by("school__name")
        )
        with_names = can_export_personal_data(request.user)
        if can_view_district_reports(request.user):
            unit = _("Dawukou District Education and Sports Bureau")
        else:
            unit = get_object_or_404(School.objects.all(), pk=school_id_of(request.user)).name
        data = workbook.weekly_workbook(week_start, reports, unit, with_names)
        log_export(
            request.user,
            f"weekly dropout report {week_param(week_start)}",
            filters={"week": week_param(week_start), "names": with_names},
            row_count=len(reports),
        )
        response = HttpResponse(data, content_type=workbook.XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, workbook.filename(week_start)
        )
        return response


class WeeklyReportMenuItem(MenuItem):
    def __init__(self):
        super().__init__(
            gettext_lazy("Weekly dropout reports"),
            reverse_lazy("casework_weekly_index"),
            icon_name="table",
            order=610,
        )

    def is_shown(self, request):
        return can_view_weekly_reports(request.user)
