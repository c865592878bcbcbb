"""Who must give a second factor: the roles that see every school or run one, and superusers."""

from django.conf import settings
from django_otp import user_has_device

from casework.access.roles import Role
from casework.access.scope import roles_of
from casework.conf import conf

#: The roles that must enrol; a teacher may enrol too, and is then asked for the code.
REQUIRED_ROLES = frozenset({Role.OFFICE, Role.LEADER, Role.MANAGER})
#: The demo accounts (home/demo.py) are given addresses in the reserved .invalid domain.
DEMO_EMAIL_SUFFIX = "@demo.invalid"


def is_demo_account(user):
    return (user.email or "").endswith(DEMO_EMAIL_SUFFIX)


def must_use_two_factor(user):
    """Whether ``user`` must enrol before using the admin."""
    if not conf.TWO_FACTOR or not user.is_authenticated:
        return False
    # So that `make run` logs in with the demo password; never with DEBUG off.
    if settings.DEBUG and is_demo_account(user):
        return False
    return user.is_superuser or bool(REQUIRED_ROLES & set(roles_of(user)))


def asks_for_a_code(user):
    """Whether ``user`` is asked for a code: they must use it, or they enrolled of their own."""
    return must_use_two_factor(user) or (
        conf.TWO_FACTOR and user.is_authenticated and user_has_device(user, confirmed=True)
    )
