"""改派: pair a case with another teacher of the child's school, from the case file."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from casework.access.rules import can_assign_teacher, teachers_of_school
from casework.models import Case
from casework.people import display_name


class TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class ReassignForm(forms.Form):
    teacher = TeacherChoiceField(
        label=gettext_lazy("paired teacher"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": gettext_lazy("Choose the teacher the case goes to."),
            "invalid_choice": gettext_lazy("Choose a teacher of the child's school."),
        },
    )

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers


class ReassignView(WagtailAdminTemplateMixin, FormView):
    """One choice among the staff of the child's school; the case file again after saving."""

    template_name = "casework/case/reassign.html"
    form_class = ReassignForm
    page_title = gettext_lazy("Reassign")
    header_icon = "user"

    def dispatch(self, request, pk):
        self.case = get_object_or_404(
            Case.objects.for_user(request.user).select_related("student__school", "teacher"),
            pk=pk,
        )
        if not can_assign_teacher(request.user):
            raise PermissionDenied
        return super().dispatch(request, pk=pk)

    def get_page_subtitle(self):
        return str(self.case)

    def case_file_url(self):
        return reverse(Case.snippet_viewset.get_url_name("inspect"), args=[self.case.pk])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(Case.snippet_viewset.get_url_name("list")), "label": _("Cases")},
            {"url": self.case_file_url(), "label": str(self.case)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["teachers"] = teachers_of_school(self.request.user, self.case.student.school_id)
        kwargs["initial"] = {"teacher": self.case.teacher_id}
        return kwargs

    def form_valid(self, form):
        case, teacher = self.case, form.cleaned_data["teacher"]
        if teacher.pk != case.teacher_id:
            case.teacher = teacher
            case.save()
            # As Wagtail's edit view does: the history and revision compare show the change.
            case.save_revision(user=self.request.user, log_action=True)
        messages.success(
            self.request,
            _("Reassigned: %(teacher)s is now the paired teacher of %(case)s.")
            % {"teacher": display_name(teacher), "case": case.student.name},
        )
        return redirect(self.case_file_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            case=self.case,
            current=display_name(self.case.teacher) or "—",
            cancel_url=self.case_file_url(),
            **kwargs,
        )
