"""Behaviour shared by the casework list and edit views."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.snippets.views.snippets import CreateView, IndexView

from ..audit import log_export
from ..idnumbers import normalize_id_number
from ..permissions import can_export_personal_data
from ..spreadsheets import safe_cell


class CaseworkIndexView(IndexView):
    """Exports only for roles allowed to take personal data out, each one logged."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.is_export and not can_export_personal_data(request.user):
            raise PermissionDenied

    @property
    def show_export_buttons(self):
        return bool(self.list_export) and can_export_personal_data(self.request.user)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        filters = {k: v for k, v in self.request.GET.items() if k != "export"}
        log_export(
            self.request.user, self.model._meta.verbose_name_plural, filters, queryset.count()
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(super().preprocess_field_value(field, value, export_format))

    def search_queryset(self, queryset):
        # ID numbers are typed with spaces, full-width digits or a lower-case x.
        if self.is_searching:
            normalized = normalize_id_number(self.search_query)
            if len(normalized) >= 6 and normalized.rstrip("X").isdigit():
                self.search_query = normalized
        return super().search_queryset(queryset)


class ReturnToCaseMixin:
    """Create views reached from a case file: the case pre-filled, and back to the case after."""

    def get_initial(self):
        initial = super().get_initial()
        if case_id := self.request.GET.get("case"):
            initial["case"] = case_id
        return initial

    def get_success_url(self):
        next_url = self.request.GET.get("next") or self.request.POST.get("next")
        if next_url and url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return next_url
        case = self.object.case
        return reverse(case.snippet_viewset.get_url_name("inspect"), args=[case.pk])


class CaseChildCreateView(ReturnToCaseMixin, CreateView):
    pass
