"""The one gate every spreadsheet export of the admin passes: Wagtail's reports included.

Wagtail writes its exports (site history, workflow, locked and aging pages, any view set's
list) through ``SpreadsheetExportMixin`` and offers no hook around them, so the mixin itself is
wrapped once at start-up: an export is refused to school staff (names leave the system only
for bureau roles), logged for everyone else, and every cell is formula-safe.
"""

from django.core.exceptions import PermissionDenied
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from casework.access.audit import log_export
from casework.access.roles import SCHOOL_ROLES
from casework.access.scope import is_bureau, roles_of
from casework.spreadsheets import safe_cell


def may_export(user):
    """School staff export nothing from the admin; the bureau and others as Wagtail allows."""
    return is_bureau(user) or not roles_of(user) & SCHOOL_ROLES


def _what(view):
    model = getattr(view, "model", None)
    title = getattr(view, "page_title", "") or ""
    if title and not getattr(view, "list_export_is_a_ledger", False):
        return str(title)
    return str(model._meta.verbose_name_plural) if model is not None else type(view).__name__


def _count(queryset):
    try:
        return queryset.count()
    except (AttributeError, TypeError):
        return len(queryset)


def install():
    """Wrap Wagtail's export mixin (once)."""
    if getattr(SpreadsheetExportMixin, "_casework_gated", False):
        return
    as_spreadsheet = SpreadsheetExportMixin.as_spreadsheet
    preprocess = SpreadsheetExportMixin.preprocess_field_value

    def gated_as_spreadsheet(self, queryset, spreadsheet_format):
        user = self.request.user
        if not may_export(user):
            raise PermissionDenied
        filters = {k: v for k, v in self.request.GET.items() if k != "export"}
        log_export(user, _what(self), filters, _count(queryset))
        return as_spreadsheet(self, queryset, spreadsheet_format)

    def safe_preprocess(self, field, value, export_format):
        return safe_cell(preprocess(self, field, value, export_format))

    SpreadsheetExportMixin.as_spreadsheet = gated_as_spreadsheet
    SpreadsheetExportMixin.preprocess_field_value = safe_preprocess
    SpreadsheetExportMixin._casework_gated = True
