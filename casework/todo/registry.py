"""Collects the to-do items of every feature for one user."""

from wagtail import hooks

HOOK = "register_casework_todo"


def todos_for(user, today):
    """Every provider's items for ``user``, the most pressing first."""
    items = []
    for provider in hooks.get_hooks(HOOK):
        items.extend(provider(user, today))
    return sorted(items, key=lambda item: item.sort_key())
