"""Widgets of the casework admin."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def attributes(attrs):
    """HTML attributes as ``django/forms/widgets/attrs.html`` writes them, in their order."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python rather than one template per option.

    The bureau's list filters offer every school and every paired teacher (hundreds of options);
    Django renders each option through a template, which was a fifth of the case list's time.
    The markup is Django's (``django/forms/widgets/select.html``).
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(
                    format_html(
                        '\n  <optgroup label="{}">{}\n  </optgroup>',
                        option_value,
                        self._options(label, selected),
                    )
                )
            else:
                parts.append(self._options([(option_value, label)], selected))
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            attributes(final_attrs),
            mark_safe("".join(parts)),  # each part is escaped by format_html
        )

    def _options(self, choices, selected):
        return format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            (
                (v, " selected" if v in selected else "", label)
                for v, label in ((("" if o is None else str(o)), label) for o, label in choices)
            ),
        )


class DateInput(forms.DateInput):
    """The phone's own date picker (``<input type="date">``), which takes and gives ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
