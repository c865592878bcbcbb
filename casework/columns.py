"""List columns that know about children's data.

The case list shows 50 rows of nine columns: rendering each of its 450 cells through a template
was a third of the page's time at 100,000 cases. ``TextColumn`` renders the same markup as
Wagtail's ``wagtailadmin/tables/cell.html`` in Python.
"""

from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from wagtail.admin.ui.tables import Column, TitleColumn

from casework.choices import choice_labels
from casework.dates import chinese_date
from casework.idnumbers import mask_id_number
from casework.widgets import attributes


def cell(column, content):
    """A ``<td>`` with the column's class and its heading as ``data-label``: on a phone the
    list is a stack of cards, each value under its heading (casework/css/casework.css)."""
    if column.classname:
        return format_html(
            '<td class="{}" data-label="{}">{}</td>', column.classname, column.label, content
        )
    return format_html('<td data-label="{}">{}</td>', column.label, content)


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
        return cell(self, value)


class ChoiceColumn(TextColumn):
    """A choice field's label, from a table made once per language (Django's
    ``get_<field>_display`` makes it again for every cell: a tenth of the case list's time)."""

    def __init__(self, name, **kwargs):
        super().__init__(name, **kwargs)
        self._labels = {}

    def get_value(self, instance):
        language = get_language()
        if language not in self._labels:
            self._labels[language] = choice_labels(instance._meta.get_field(self.name))
        value = getattr(instance, self.name)
        return self._labels[language].get(value, value)


class MaskedIDColumn(TextColumn):
    """ID numbers in lists show only the first 6 and last 4 characters."""

    def get_value(self, instance):
        return mask_id_number(super().get_value(instance))


class NextVisitColumn(TextColumn):
    """The next visit due, in red when it is overdue."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if not value:
            return cell(self, "")
        if getattr(instance, "is_overdue", False):
            return cell(
                self,
                format_html(
                    '<span class="case-overdue">{} {}</span>',
                    chinese_date(value),
                    gettext("overdue"),
                ),
            )
        return cell(self, format_html("<span>{}</span>", chinese_date(value)))


class LocalDateColumn(TextColumn):
    """A date as the date itself (2026年11月28日), not "1 month ago": ledgers are read by date."""

    def get_value(self, instance):
        return chinese_date(super().get_value(instance))


class ActionsTitleColumn(TitleColumn):
    """The row's title as a link, then each of the row's acts as a visible button.

    Wagtail puts the acts in a "⋯" dropdown; staff look for a button per act. Written in Python
    like the other cells: the title cell through its templates was a third of the list's time.
    An act that leads where the title does is left out.
    """

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if value is None or not str(value).strip():
            value = self.empty_value_display
        url = self.get_link_url(instance, parent_context)
        title_id = self.get_title_id(instance, parent_context)
        title = format_html('<span id="{}">{}</span>', title_id, value) if title_id else value
        if url:
            title = format_html('<a href="{}">{}</a>', url, title)
        buttons = [
            button_html(button)
            for button in sorted(self.get_buttons(instance, parent_context))
            if button.show and button.url != url
        ]
        actions = (
            format_html('<ul class="actions">{}</ul>', mark_safe("".join(buttons)))
            if buttons
            else ""
        )
        return format_html(
            '<td class="{}"><div class="title-wrapper">{}</div>{}</td>',
            " ".join(filter(None, [self.classname, "title"])),
            title,
            actions,
        )


def button_html(button):
    """A list button as a small visible button (its label; no icon)."""
    classname = "button button-small button-secondary"
    if button.url:
        return format_html(
            '<li><a href="{}" class="{}"{}>{}</a></li>',
            button.url,
            classname,
            attributes(button.attrs),
            button.label,
        )
    return format_html(
        '<li><button class="{}"{}>{}</button></li>',
        classname,
        attributes(button.attrs),
        button.label,
    )
