"""Registering an at-risk child from the dashboard: one form, ending on the new case file."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.actions.create import CreateAction
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from casework.links import case_file_url
from casework.models import School
from casework.registration.forms import RegistrationForm
from casework.registration.permissions import can_register_child
from casework.services import open_case


class RegisterChildView(WagtailAdminTemplateMixin, FormView):
    form_class = RegistrationForm
    template_name = "casework/registration/register.html"
    page_title = gettext_lazy("Register a child")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        # Fails closed: no school in the user's scope, nowhere to register a child.
        if not can_register_child(request.user) or not School.objects.for_user(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        with transaction.atomic():
            student = CreateAction(form.student, user=user).execute(skip_permission_checks=True)
            form.case.student = student
            case = open_case(form.case, user)
        messages.success(
            self.request,
            _("%(name)s registered and a %(concern)s case opened. Next: the first home visit.")
            % {"name": student.name, "concern": case.get_concern_display()},
        )
        return redirect(case_file_url(case.pk))
