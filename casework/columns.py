"""List columns that know about children's data.

The case list shows 50 rows of nine columns: rendering each of its 450 cells through a template
was a third of the page's time at 100,000 cases. ``TextColumn`` renders the same markup as
Wagtail's ``wagtailadmin/tables/cell.html`` in Python.
"""

from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext
from wagtail.admin.ui.tables import Column

from casework.dates import chinese_date
from casework.idnumbers import mask_id_number


class TextColumn(Column):
    """Wagtail's plain cell (``<td class=…>value</td>``), rendered without a template."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if value is None or not str(value).strip():
            value = self.empty_value_display
        elif isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # unlocalised, as Wagtail's cells
        else:
            value = localize(value)
        if self.classname:
            return format_html('<td class="{}">{}</td>', self.classname, value)
        return format_html("<td>{}</td>", value)


class MaskedIDColumn(TextColumn):
    """ID numbers in lists show only the first 6 and last 4 characters."""

    def get_value(self, instance):
        return mask_id_number(super().get_value(instance))


class NextVisitColumn(TextColumn):
    """The next visit due, in red when it is overdue."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        attrs = format_html(' class="{}"', self.classname) if self.classname else ""
        if not value:
            return format_html("<td{}></td>", attrs)
        if getattr(instance, "is_overdue", False):
            return format_html(
                '<td{}><span class="case-overdue">{} {}</span></td>',
                attrs,
                chinese_date(value),
                gettext("overdue"),
            )
        return format_html('<td{}><span class="">{}</span></td>', attrs, chinese_date(value))


class LocalDateColumn(TextColumn):
    """A date as the date itself (2026年11月28日), not "1 month ago": ledgers are read by date."""

    def get_value(self, instance):
        return chinese_date(super().get_value(instance))
