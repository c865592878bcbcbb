from casework.access.scope import is_bureau


def can_see_retention(user):
    """The retention list names children of every school: the bureau's only."""
    return is_bureau(user)


def can_make_guardian_copy(user):
    """查阅复制 is answered by the bureau (office staff, leaders, superusers), never a school."""
    return is_bureau(user) and user.is_active
