"""Who may register a child: whoever may add both a student and a case."""


def can_register_child(user):
    return user.has_perm("casework.add_student") and user.has_perm("casework.add_case")
