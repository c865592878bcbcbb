"""Searchable choosers for students and teachers, scoped like every other casework view.

Children's data is not put in a search index, so the choosers search with ORM lookups.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.snippets.views.chooser import ChooseResultsView as SnippetChooseResultsView
from wagtail.snippets.views.chooser import ChooseView as SnippetChooseView
from wagtail.snippets.views.chooser import SnippetChooserViewSet, SnippetCreateView

from casework.access.rules import teachers_for, teachers_of_school
from casework.access.scope import scope_for_user
from casework.columns import MaskedIDColumn
from casework.idnumbers import is_ascii_digits, normalize_id_number
from casework.people import display_name


def orm_search_form(fields):
    """A chooser filter form searching the given fields with icontains."""

    class SearchForm(BaseFilterForm):
        q = forms.CharField(
            label=_("Search term"),
            required=False,
            widget=forms.TextInput(attrs={"placeholder": _("Name, ID number or student number")}),
        )

        def filter(self, objects):
            objects = super().filter(objects)
            query = (self.cleaned_data.get("q") or "").strip()
            if query:
                normalized = normalize_id_number(query)
                terms = {query, normalized} if is_ascii_digits(normalized.rstrip("X")) else {query}
                condition = Q()
                for field in fields:
                    for term in terms:
                        condition |= Q(**{f"{field}__icontains": term})
                objects = objects.filter(condition)
                self.is_searching = True
                self.search_query = query
            return objects

    return SearchForm


class CreateOnlyWithAFormView(SnippetCreateView):
    """Wagtail routes a chooser's "create" even when the chooser offers no form to fill."""

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CaseworkChooserViewSet(SnippetChooserViewSet):
    create_view_class = CreateOnlyWithAFormView


class StudentChooserMixin:
    filter_form_class = orm_search_form(["name", "id_number", "student_number"])

    def get_object_list(self):
        return super().get_object_list().select_related("school")

    @property
    def columns(self):
        return [
            self.title_column,
            Column("school", label=_("school")),
            Column("grade", label=_("grade"), accessor=lambda s: f"{s.grade}{s.class_name}"),
            MaskedIDColumn("id_number", label=_("ID number")),
        ]


class StudentChooseView(StudentChooserMixin, SnippetChooseView):
    pass


class StudentChooseResultsView(StudentChooserMixin, SnippetChooseResultsView):
    pass


class StudentChooserViewSet(CaseworkChooserViewSet):
    choose_view_class = StudentChooseView
    choose_results_view_class = StudentChooseResultsView


class TeacherChooserMixin:
    filter_form_class = orm_search_form(["username", "first_name", "last_name"])

    def get_object_list(self):
        # A case is paired only with staff of the child's school: the form passes the child.
        from casework.models import Student

        user = self.request.user
        student_id = self.request.GET.get("student", "")
        if student_id.isdigit():
            school_id = (
                Student.objects.for_user(user)
                .filter(pk=student_id)
                .values_list("school_id", flat=True)
                .first()
            )
            teachers = teachers_of_school(user, school_id)
        elif scope_for_user(user).all_schools:
            teachers = teachers_for(user).none()  # the bureau chooses the child first
        else:
            teachers = teachers_for(user)
        return teachers.select_related("casework_profile__school")

    @property
    def title_column(self):
        # Named as people are named (万东旺), not by the username a user's __str__ gives.
        column = super().title_column
        column.accessor = display_name
        column.label = pgettext_lazy("person", "name")
        return column

    @property
    def columns(self):
        return [
            self.title_column,
            Column("school", label=_("school"), accessor="casework_profile.school"),
        ]


class TeacherChooseView(TeacherChooserMixin, ChooseView):
    pass


class TeacherChooseResultsView(TeacherChooserMixin, ChooseResultsView):
    pass


class TeacherChosenView(ChosenView):
    def get_object(self, pk):
        if not pk.isdigit():
            raise get_user_model().DoesNotExist
        return teachers_for(self.request.user).get(pk=pk)

    def get_display_title(self, instance):
        return display_name(instance)


class TeacherChooserViewSet(ChooserViewSet):
    """Only teachers and case managers of the user's scope can be chosen."""

    model = get_user_model()
    icon = "user"
    choose_one_text = _("Choose a teacher")
    choose_another_text = _("Choose another teacher")
    choose_view_class = TeacherChooseView
    choose_results_view_class = TeacherChooseResultsView
    chosen_view_class = TeacherChosenView
    register_widget = False
    preserve_url_parameters = ["multiple", "student"]

    @property
    def widget_class(self):
        widget = super().widget_class
        return type(widget.__name__, (widget,), {"get_display_title": staticmethod(display_name)})


teacher_chooser_viewset = TeacherChooserViewSet(
    "casework_teacher_chooser", url_prefix="casework/teachers"
)
