"""The campaign's screens: my households, the visit form, coverage and assignment."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from casework.access.rules import (
    can_assign_households,
    can_log_visit,
    can_view_coverage,
    is_bureau,
    teachers_for,
)
from casework.campaign.coverage import coverage, unvisited_first
from casework.campaign.forms import CampaignVisitForm
from casework.campaign.models import (
    CampaignVisit,
    Household,
    group_households,
    household_of,
    this_term,
)
from casework.campaign.services import record_campaign_visit
from casework.choices import ChildState, RiskLevel
from casework.links import case_file_url
from casework.models import School, Student
from casework.people import display_name


class CampaignPage(WagtailAdminTemplateMixin):
    header_icon = "home"

    def get_breadcrumbs_items(self):
        # The header names the page, not only 首页.
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(term_start=this_term(), **kwargs)


class MyHouseholdsView(CampaignPage, TemplateView):
    """The households a teacher is to visit this term, the ones not yet visited first."""

    template_name = "casework/campaign/my_households.html"
    page_title = gettext_lazy("Visits to every household")

    def dispatch(self, request, *args, **kwargs):
        if not can_log_visit(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        group_households(Student.objects.for_user(user))
        households = Household.objects.for_user(user)
        query = self.request.GET.get("q", "").strip()
        mine = households.assigned_to(user)
        if query:
            shown = households.filter(students__name__contains=query).distinct()
        elif mine.exists():
            shown = mine
        else:
            shown = households.none()
        listed = unvisited_first(shown, this_term())
        return super().get_context_data(
            households=listed,
            visited_count=sum(h.visited for h in listed),
            query=query,
            has_assigned=mine.exists(),
            can_view_coverage=can_view_coverage(user),
            can_assign=can_assign_households(user),
            **kwargs,
        )


class CampaignVisitView(CampaignPage, FormView):
    """A visit to a child's home, with or without a case; it covers the household's children."""

    form_class = CampaignVisitForm
    template_name = "casework/campaign/visit.html"
    page_title = gettext_lazy("Log a home visit")

    def dispatch(self, request, pk):
        if not can_log_visit(request.user):
            raise PermissionDenied
        self.student = get_object_or_404(
            Student.objects.for_user(request.user).select_related("school"), pk=pk
        )
        self.household = household_of(self.student)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.student.name

    def get_initial(self):
        return {
            "visited_on": timezone.localdate(),
            "visitors": display_name(self.request.user),
            "child_state": ChildState.IN_SCHOOL,
            "risk": RiskLevel.MEDIUM,
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = CampaignVisit(
            household=self.household, student=self.student, created_by=self.request.user
        )
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            student=self.student,
            household=self.household,
            siblings=[s for s in self.household.students.all() if s.pk != self.student.pk],
            open_case=self.student.cases.open().first(),
            back_url=reverse("casework_campaign_mine"),
            **kwargs,
        )

    @transaction.atomic
    def form_valid(self, form):
        visit = record_campaign_visit(form, self.student, self.request.user)
        covered = self.household.students.count()
        messages.success(
            self.request,
            _(
                "Visit to %(name)s's home on %(date)s saved; it covers %(count)s children of the household."
            )
            % {
                "name": self.student.name,
                "date": date_format(visit.visited_on, "Y年n月j日"),
                "count": covered,
            },
        )
        if visit.case_id:
            return redirect(case_file_url(visit.case_id) or reverse("casework_campaign_mine"))
        return redirect(reverse("casework_campaign_mine"))


class CoverageView(CampaignPage, TemplateView):
    """户不漏人: households visited this term out of all, by school, class and village."""

    template_name = "casework/campaign/coverage.html"
    page_title = gettext_lazy("Household coverage")

    def dispatch(self, request, *args, **kwargs):
        if not can_view_coverage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        students = Student.objects.for_user(user)
        households = Household.objects.for_user(user)
        schools = School.objects.for_user(user)
        school_id = self.request.GET.get("school")
        if school_id and school_id.isascii() and school_id.isdigit():
            students = students.filter(school_id=school_id)
            households = households.filter(school_id=school_id)
        group_households(students)
        return super().get_context_data(
            figures=coverage(households, this_term()),
            schools=schools.order_by("name") if is_bureau(user) else None,
            can_assign=can_assign_households(user),
            school_id=school_id,
            **kwargs,
        )


class AssignForm(forms.Form):
    grade_class = forms.ChoiceField(label=gettext_lazy("class"))
    teacher = forms.ModelChoiceField(label=gettext_lazy("teacher"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        classes = (
            Student.objects.for_user(user)
            .order_by("grade", "class_name")
            .values_list("grade", "class_name")
            .distinct()
        )
        self.fields["grade_class"].choices = [(f"{g}|{c}", f"{g}{c}") for g, c in classes if g or c]
        self.fields["teacher"].queryset = teachers_for(user)
        self.fields["teacher"].label_from_instance = display_name


class AssignView(CampaignPage, FormView):
    """The school manager gives a class's households to a teacher for the term."""

    form_class = AssignForm
    template_name = "casework/campaign/assign.html"
    page_title = gettext_lazy("Assign households")

    def dispatch(self, request, *args, **kwargs):
        if not can_assign_households(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        group_households(Student.objects.for_user(user))
        grade, class_name = form.cleaned_data["grade_class"].split("|", 1)
        teacher = form.cleaned_data["teacher"]
        count = Household.objects.for_user(user).in_class(grade, class_name).count()
        Household.objects.for_user(user).filter(
            pk__in=Household.objects.for_user(user).in_class(grade, class_name).values("pk")
        ).update(teacher=teacher)
        messages.success(
            self.request,
            _("%(count)s households of %(cls)s assigned to %(teacher)s.")
            % {"count": count, "cls": f"{grade}{class_name}", "teacher": display_name(teacher)},
        )
        return redirect(reverse("casework_campaign_coverage"))
