"""How people are named on screens and in spreadsheets."""


def full_name(first_name, last_name, username):
    """Chinese order, family name first, or the username when no name is given."""
    return f"{last_name or ''}{first_name or ''}".strip() or username


def display_name(user):
    if user is None:
        return ""
    return full_name(user.first_name, user.last_name, user.get_username())


def family_name_first(user):
    """The user's name, family name first; empty without a name, so Wagtail shows the username."""
    return full_name(user.first_name, user.last_name, "")


def name_users_family_name_first(user_model):
    """Make Django's stock User name people as Chinese staff write them (万东旺, not 东旺 万).

    Wagtail names a user everywhere (account menu, side panels, history, workflow history and
    its e-mails) through ``get_full_name`` and greets them with ``get_short_name``; a custom
    user model would override both, but the site runs on ``auth.User``, which cannot be
    swapped under an existing database. A user model that defines its own names is left alone.
    """
    from django.contrib.auth.models import AbstractUser

    if user_model.get_full_name is AbstractUser.get_full_name:
        user_model.get_full_name = family_name_first
    if user_model.get_short_name is AbstractUser.get_short_name:
        user_model.get_short_name = family_name_first
