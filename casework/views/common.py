"""Behaviour shared by the casework list and edit views."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, InspectView

from casework.access.rules import can_export_personal_data, scope_for_user
from casework.columns import ActionsTitleColumn
from casework.idnumbers import is_ascii_digits, normalize_id_number
from casework.list_exports.jobs import inline_max_rows
from casework.list_exports.tasks import start_export
from casework.list_exports.workbook import dated_filename, new_titled_sheet
from casework.models import ExportJob, Student
from casework.services import OpenCaseAction

ID_NUMBER_CHARS = set("0123456789X")
SEARCH_MAX_CHILDREN = 500


class CaseworkIndexView(IndexView):
    """Exports only for roles allowed to take personal data out, each one logged.

    An export longer than ``CASEWORK_EXPORT_INLINE_MAX_ROWS`` is written in the background
    (``casework.list_exports``); the user is taken to its page, which offers the download.
    """

    #: Export columns that are not fields: {name: (lookups, function(*values) -> cell)}.
    export_lookups = {}
    #: The export log names the list (its model), not the page's title.
    list_export_is_a_ledger = True
    #: Cards on a phone (casework/css/casework.css), each cell under its ``data-label``.
    table_classname = "listing cw-cards"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.is_export and not can_export_personal_data(request.user):
            raise PermissionDenied

    @cached_property
    def columns(self):
        columns = super().columns
        # A school's staff see their own school only: a school column would repeat its name.
        if scope_for_user(self.request.user).all_schools:
            return columns
        return [column for column in columns if column.name != "school"]

    @property
    def show_export_buttons(self):
        return bool(self.list_export) and can_export_personal_data(self.request.user)

    @cached_property
    def header_buttons(self):
        # 导出Excel in sight, not behind the header's "⋯" menu (which keeps CSV).
        buttons = super().header_buttons
        if self.show_export_buttons:
            buttons.append(
                HeaderButton(_("Export to Excel"), url=self.xlsx_export_url, icon_name="download")
            )
        return buttons

    @cached_property
    def header_more_buttons(self):
        xlsx = self.xlsx_export_url if self.show_export_buttons else None
        return [button for button in super().header_more_buttons if button.url != xlsx]

    def _get_title_column(self, field_name, column_class=ActionsTitleColumn, **kwargs):
        return super()._get_title_column(field_name, column_class, **kwargs)

    def get_list_buttons(self, instance):
        # Each act a button in sight: Wagtail's list puts them behind a "⋯" dropdown.
        user = self.request.user
        found = list(self.get_list_more_buttons(instance))
        for hook in hooks.get_hooks("register_snippet_listing_buttons"):
            found.extend(hook(instance, user, self.request.path))
        buttons = [
            Button.from_menu_item(button) if isinstance(button, MenuItem) else button
            for button in found
            if (button.is_shown(user) if isinstance(button, MenuItem) else button.show)
        ]
        inspect_url = self.get_inspect_url(instance)
        for button in buttons:
            if inspect_url and button.url == inspect_url:
                # Wagtail's "Inspect" reads 检查 in Chinese: an inspection, not a look at the file.
                button.label = _("View")
        for hook in hooks.get_hooks("construct_snippet_listing_buttons"):
            hook(buttons, instance, user)
        return buttons

    def get(self, request, *args, **kwargs):
        if self.is_export:
            # Straight to the spreadsheet: the listing's context would load every row first.
            return self.as_spreadsheet(self.get_queryset(), request.GET["export"])
        return super().get(request, *args, **kwargs)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        count = queryset.count()
        if count > inline_max_rows():
            return self.export_in_background(spreadsheet_format, count)
        # Logged by the gate every admin export passes (casework.access.exports).
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def get_filename(self):
        return dated_filename(self.export_filename)

    def write_xlsx(self, queryset, output):
        # Wagtail's export, under the list's title rows and in a sheet named for it.
        from openpyxl import Workbook
        from wagtail.admin.views.mixins import ExcelDateFormatter

        workbook = Workbook(write_only=True, iso_dates=True)
        sheet = new_titled_sheet(workbook, self.export_filename, self, self.request.user)
        sheet.append(self.get_heading(queryset, field) for field in self.list_export)
        date_format = ExcelDateFormatter().get()
        for item in queryset:
            sheet.append(
                self.generate_xlsx_row(sheet, self.to_row_dict(item), date_format=date_format)
            )
        workbook.save(output)

    def export_in_background(self, spreadsheet_format, count):
        params = {
            key: values if len(values) > 1 else values[0]
            for key, values in self.request.GET.lists()
            if key != "export"
        }
        job = ExportJob.objects.create(
            user=self.request.user,
            model=self.model._meta.label_lower,
            filters=params,
            format=spreadsheet_format,
            row_count=count,
        )
        start_export(job)
        return redirect("casework_export", job.pk)

    def normalize_search_query(self):
        # ID numbers are typed with spaces, full-width digits or a lower-case x.
        if self.is_searching:
            normalized = normalize_id_number(self.search_query)
            if len(normalized) >= 6 and is_ascii_digits(normalized.rstrip("X")):
                self.search_query = normalized

    def search_queryset(self, queryset):
        self.normalize_search_query()
        return super().search_queryset(queryset)


class CaseIndexView(CaseworkIndexView):
    """The case list: a case's name leads to its case file, where the work is done."""

    def search_queryset(self, queryset):
        # The children are searched first, and the cases of those found are listed: joined in
        # one query, SQLite walked every case in the list's order testing the child's name, ID
        # number and 学籍号, 400 ms at 100,000 cases for a name with few matches.
        if not self.is_searching:
            return queryset
        self.normalize_search_query()
        # A name in Chinese characters or a number has no case: matched as typed, PostgreSQL
        # does not upper-case every child's name and number first (a third of the search).
        typed = self.search_query
        lookup = "contains" if typed.upper() == typed.lower() else "icontains"
        query = Q()
        for field in self.search_fields or []:
            field = field.removeprefix("student__")
            if field == "id_number" and not set(typed.upper()) <= ID_NUMBER_CHARS:
                continue  # a stored ID number is digits and X only (GB 11643, validated)
            query |= Q(**{f"{field}__{lookup}": typed})
        # The children found are read once (the paginator's count and the page would each scan
        # them again), unless they are too many to pass as parameters.
        students = Student.objects.filter(query).order_by().values_list("pk", flat=True)
        found = list(students[: SEARCH_MAX_CHILDREN + 1])
        if len(found) <= SEARCH_MAX_CHILDREN:
            return queryset.filter(student__in=found)
        return queryset.filter(student__in=students)

    def _get_title_column(self, field_name, column_class=ActionsTitleColumn, **kwargs):
        column_class = self._get_title_column_class(column_class)
        kwargs.setdefault("get_title_id", lambda case: f"snippet_{case.pk}_title")
        return self._get_custom_column(
            field_name, column_class, get_url=self.get_inspect_url, **kwargs
        )


class ReturnToCaseMixin:
    """Create views reached from a case file: the case pre-filled, and back to the case after."""

    def get_initial(self):
        initial = super().get_initial()
        if case_id := self.request.GET.get("case"):
            initial["case"] = case_id
        return initial

    def get_success_url(self):
        if next_url := get_valid_next_url_from_request(self.request):
            return next_url
        case = self.object.case
        return reverse(case.snippet_viewset.get_url_name("inspect"), args=[case.pk])


class CaseChildCreateView(ReturnToCaseMixin, CreateView):
    pass


class OpenCaseView(CreateView):
    """Opening a case in the admin: the same action as every other way of opening one."""

    action_class = OpenCaseAction


class CaseworkEditView(EditView):
    """Saving says what was saved, not Wagtail's bare "updated"."""

    def get_success_message(self, instance=None):
        return _("Changes to %(object)s saved.") % {"object": instance or self.object}


class CaseworkInspectView(InspectView):
    """Yes/no and empty values as words staff read, not Python's True, False and None."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is True:
            return _("yes")
        if value is False:
            return _("no")
        if value is None or value == "":
            return "—"
        return value
