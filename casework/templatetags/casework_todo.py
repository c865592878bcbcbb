from django import template

from casework.dates import chinese_date as _chinese_date

register = template.Library()


@register.filter
def chinese_date(day):
    """2026年11月25日."""
    return _chinese_date(day)


@register.filter
def overdue_on(todo, today):
    return todo.is_overdue(today)
