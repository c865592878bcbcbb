"""List columns that know about children's data."""

from wagtail.admin.ui.tables import Column

from .idnumbers import mask_id_number


class MaskedIDColumn(Column):
    """ID numbers in lists show only the first 6 and last 4 characters."""

    def get_value(self, instance):
        return mask_id_number(super().get_value(instance))


class NextVisitColumn(Column):
    """The next visit due, in red when it is overdue."""

    cell_template_name = "casework/tables/next_visit_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = context["raw_value"]
        context["overdue"] = getattr(instance, "is_overdue", False)
        return context


class LocalDateColumn(Column):
    """A date as the date itself (2026-11-28), not "1 month ago": ledgers are read by date."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return value.isoformat() if value else ""
