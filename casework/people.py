"""How people are named on screens and in spreadsheets."""


def full_name(first_name, last_name, username):
    """Chinese order, family name first, or the username when no name is given."""
    return f"{last_name or ''}{first_name or ''}".strip() or username


def display_name(user):
    if user is None:
        return ""
    return full_name(user.first_name, user.last_name, user.get_username())
