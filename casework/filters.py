"""List filters of the casework view sets."""

import django_filters
from django import forms
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.active_filters import (
    ActiveFilter,
    BaseFilterAdapter,
    register_filter_adapter_class,
)
from wagtail.admin.filters import WagtailFilterSet

from casework.access.rules import teachers_for
from casework.access.scope import scope_for_user
from casework.choices import ChildState, Concern, LeaveReason, RiskLevel
from casework.models import Case, ChecklistItem, Finding, HomeVisit, School, Student
from casework.people import display_name
from casework.widgets import QuickSelect


class BooleanFilterAdapter(BaseFilterAdapter):
    """An active yes/no filter reads 是 or 否 above the list, not Python's True or False."""

    def get_active_filters(self):
        yield ActiveFilter(
            self.bound_field.auto_id,
            self.filter.label,
            gettext("Yes") if self.value else gettext("No"),
            self.get_url_without_filter_param(self.name),
        )


register_filter_adapter_class(django_filters.BooleanFilter, BooleanFilterAdapter)


class ScopedFilterSet(WagtailFilterSet):
    """Offers only the filters that mean something in the user's scope.

    A school's staff see one school, so no school filter. The bureau gets no paired-teacher
    filter: across a district it would list every teacher (hundreds of names), and the bureau
    finds a case by its school or the child's name.
    """

    #: Offered to the bureau only.
    bureau_filters = ("school",)
    #: Offered to a school's staff only.
    school_staff_filters = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        hidden = (
            self.school_staff_filters if scope_for_user(user).all_schools else self.bureau_filters
        )
        for name in hidden:
            self.filters.pop(name, None)


def schools(request):
    # Only what an option shows: the bureau's filters list every school.
    return School.objects.only("pk", "name")


class PersonChoiceField(forms.ModelChoiceField):
    """Options named as people are named (万东旺), not by username."""

    def label_from_instance(self, obj):
        return display_name(obj)


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


def teachers(request):
    people = teachers_for(request.user if request else None)
    return people.only("pk", "username", "first_name", "last_name")


class StudentFilterSet(ScopedFilterSet):
    school = django_filters.ModelChoiceFilter(
        label=_("school"), queryset=schools, widget=QuickSelect
    )
    grade = django_filters.CharFilter(label=_("grade"))
    is_registered_poor = django_filters.BooleanFilter(label=_("registered poor household"))
    is_dibao = django_filters.BooleanFilter(label=_("minimum living allowance"))
    is_tekun = django_filters.BooleanFilter(label=_("extreme-hardship support"))
    is_left_behind = django_filters.BooleanFilter(label=_("left-behind child"))
    is_disabled = django_filters.BooleanFilter(label=_("disabled"))
    is_migrant_child = django_filters.BooleanFilter(label=_("migrant worker's child (随迁子女)"))
    # 无身份证号: children registered with another document (Z-其他, a passport …).
    no_id_number = django_filters.BooleanFilter(
        label=_("no ID number"), field_name="id_number", lookup_expr="isnull"
    )
    is_struggling = django_filters.BooleanFilter(label=_("falling behind (学困生)"))

    class Meta:
        model = Student
        fields = []


class CaseFilterSet(ScopedFilterSet):
    school_staff_filters = ("teacher",)

    school = django_filters.ModelChoiceFilter(
        label=_("school"), field_name="student__school", queryset=schools, widget=QuickSelect
    )
    checklist_item = django_filters.ModelChoiceFilter(
        label=_("checklist item"), queryset=ChecklistItem.objects.all(), widget=QuickSelect
    )
    concern = django_filters.ChoiceFilter(label=_("concern"), choices=Concern.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Case.Status.choices)
    risk = django_filters.ChoiceFilter(label=_("risk level"), choices=RiskLevel.choices)
    teacher = PersonFilter(label=_("paired teacher"), queryset=teachers, widget=QuickSelect)
    overdue = django_filters.BooleanFilter(label=_("visit overdue"), method="filter_overdue")
    # The latest visit's reason: the case is about the child as they are now, not as they were.
    leave_reason = django_filters.ChoiceFilter(
        label=_("reason for leaving school (latest visit)"),
        choices=LeaveReason.choices,
        method="filter_leave_reason",
    )
    is_struggling = django_filters.BooleanFilter(
        label=_("falling behind (学困生)"), field_name="student__is_struggling"
    )

    class Meta:
        model = Case
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Case.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_leave_reason(self, queryset, name, value):
        if not value:
            return queryset
        latest = (
            HomeVisit.objects.filter(case=OuterRef("pk"))
            .order_by("-visited_on", "-created_at", "-id")
            .values("leave_reason")[:1]
        )
        return queryset.annotate(latest_reason=Subquery(latest)).filter(latest_reason=value)


class VisitFilterSet(ScopedFilterSet):
    school = django_filters.ModelChoiceFilter(
        label=_("school"),
        field_name="case__student__school",
        queryset=schools,
        widget=QuickSelect,
    )
    child_state = django_filters.ChoiceFilter(
        label=_("state of the child"),
        choices=ChildState.choices,
    )

    class Meta:
        model = HomeVisit
        fields = ["mode"]


class FindingFilterSet(ScopedFilterSet):
    school = django_filters.ModelChoiceFilter(
        label=_("school"), queryset=schools, widget=QuickSelect
    )
    checklist_item = django_filters.ModelChoiceFilter(
        label=_("checklist item"), queryset=ChecklistItem.objects.all(), widget=QuickSelect
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=Finding.Status.choices)
    past_deadline = django_filters.BooleanFilter(
        label=_("past the deadline"), method="filter_past_deadline"
    )

    class Meta:
        model = Finding
        fields = []

    def filter_past_deadline(self, queryset, name, value):
        if value is None:
            return queryset
        late = Finding.objects.overdue().values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)
