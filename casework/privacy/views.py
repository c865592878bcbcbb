"""The bureau's retention list and the guardian's copy (查阅复制) of one child's record."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import EditView

from casework.access.audit import log_guardian_copy
from casework.models.students import Student
from casework.privacy.anonymise import plan
from casework.privacy.guardian_copy import guardian_copy_what, guardian_workbook
from casework.privacy.models import AnonymisationRun
from casework.privacy.permissions import can_make_guardian_copy, can_see_retention
from casework.views.common import CaseworkInspectView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class GuardianCopyView(View):
    """The workbook, for the bureau only, and logged before it leaves."""

    def get(self, request, pk):
        if not can_make_guardian_copy(request.user):
            raise PermissionDenied
        student = get_object_or_404(Student.unscoped.select_related("school"), pk=pk)
        content = guardian_workbook(student)
        log_guardian_copy(request.user, guardian_copy_what(student))
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, f"查阅复制-{student.pk}.xlsx"
        )
        response["Cache-Control"] = "no-store"
        return response


class RetentionView(WagtailAdminTemplateMixin, TemplateView):
    """The dry run on screen: what the next nightly run will anonymise, and the past runs."""

    template_name = "casework/privacy/retention.html"
    page_title = _("Retention of personal data")
    header_icon = "bin"
    shown = 500

    def dispatch(self, request, *args, **kwargs):
        if not can_see_retention(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cutoff, students, cases = plan()
        context.update(
            cutoff=cutoff,
            students=students[: self.shown],
            student_count=students.count(),
            cases=cases.select_related("student", "student__school")[: self.shown],
            case_count=cases.count(),
            runs=AnonymisationRun.objects.select_related("user")[:20],
        )
        return context


def guardian_copy_button(student, user):
    if can_make_guardian_copy(user):
        return HeaderButton(
            _("Guardian's copy (查阅复制)"),
            url=reverse("casework_guardian_copy", args=[student.pk]),
            icon_name="download",
            attrs={"download": ""},
        )
    return None


class StudentButtonsMixin:
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if button := guardian_copy_button(self.object, self.request.user):
            buttons.append(button)
        return buttons


class StudentEditView(StudentButtonsMixin, EditView):
    pass


class StudentInspectView(StudentButtonsMixin, CaseworkInspectView):
    pass
