"""How people are named on screens and in spreadsheets."""


def display_name(user):
    """Chinese order, family name first, or the username when no name is given."""
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}" or user.get_username()
