"""Whose data the code running now may see: the one rule every casework queryset obeys.

A *scope* is all schools, one school, or nothing. The request's scope is resolved once by
``ScopeMiddleware``; everywhere else the scope is *nothing* until code says what it needs with
``system_scope()`` or ``user_scope(user)``. Threads, generators that outlive their request,
querysets built at import time and tasks that forget to say so therefore see nothing.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from casework.access.roles import BUREAU_ROLES, SCHOOL_ROLES


@dataclass(frozen=True)
class Scope:
    """All schools, one school (``school_id``), or nothing."""

    all_schools: bool = False
    school_id: int | None = None

    @property
    def is_nothing(self):
        return not self.all_schools and self.school_id is None

    def apply(self, queryset):
        """``queryset`` narrowed to this scope (models say where their school is)."""
        if self.all_schools:
            return queryset
        path = getattr(queryset.model, "school_path", None)
        if self.school_id is None or path is None:
            return queryset.none()
        return queryset.filter(**{path: self.school_id})

    def contains(self, instance):
        """Whether ``instance`` belongs to this scope."""
        if self.all_schools:
            return True
        if self.school_id is None or instance.pk is None:
            return False
        model = type(instance)
        return self.apply(model._base_manager.filter(pk=instance.pk)).exists()


NOTHING = Scope()
ALL_SCHOOLS = Scope(all_schools=True)

_scope = contextvars.ContextVar("casework_scope", default=NOTHING)
_acting_user = contextvars.ContextVar("casework_acting_user", default=None)


def current_scope():
    return _scope.get()


def acting_user():
    """The user on whose behalf the code runs (for history records), or None."""
    return _acting_user.get()


@contextlib.contextmanager
def scope(value, user=None):
    """Run the block with ``value`` as the scope (and ``user`` as the acting user)."""
    token, user_token = _scope.set(value), _acting_user.set(user)
    try:
        yield value
    finally:
        _scope.reset(token)
        _acting_user.reset(user_token)


def system_scope():
    """Every school: for commands, schedules and tasks that work for the whole district."""
    return scope(ALL_SCHOOLS)


def user_scope(user):
    """What ``user`` may see: for work done on a user's behalf outside their request."""
    return scope(scope_for_user(user), user)


def no_scope():
    return scope(NOTHING)


def roles_of(user):
    """The casework role codes of ``user``, from their groups (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_casework_roles"):
        GroupRole = apps.get_model("casework", "GroupRole")
        codes = GroupRole.objects.filter(group__user=user).values_list("code", flat=True)
        user._casework_roles = frozenset(codes)
    return user._casework_roles


def school_id_of(user):
    """The school a school-level user belongs to, or None."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_casework_school_id"):
        Profile = apps.get_model("casework", "Profile")
        user._casework_school_id = (
            Profile.objects.filter(user=user).values_list("school_id", flat=True).first()
        )
    return user._casework_school_id


def is_bureau(user):
    """Superusers, bureau office staff and responsible leaders see every school."""
    return bool(
        user and user.is_authenticated and (user.is_superuser or roles_of(user) & BUREAU_ROLES)
    )


def scope_for_user(user):
    """All schools for the bureau, their school for a school's staff, else nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if not hasattr(user, "_casework_scope"):
        if is_bureau(user):
            user._casework_scope = ALL_SCHOOLS
        elif roles_of(user) & SCHOOL_ROLES and school_id_of(user) is not None:
            user._casework_scope = Scope(school_id=school_id_of(user))
        else:
            user._casework_scope = NOTHING
    return user._casework_scope


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        """Narrowed to what ``user`` may see, whatever the current scope."""
        return scope_for_user(user).apply(self)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """The default manager of casework models: only what the current scope allows."""

    def get_queryset(self):
        return current_scope().apply(super().get_queryset())

    def for_user(self, user):
        """Explicitly scoped to ``user``, for code that has the user (tasks, exports)."""
        return scope_for_user(user).apply(super().get_queryset())


class UnscopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Sees every school: only for code that must look across schools and says why."""


class ScopedModel(models.Model):
    """A casework model whose rows belong to a school (``school_path`` says through what).

    Django's unique and constraint checks look rows up through the default manager; they must
    see every school, or another school's duplicate passes the form and fails in the database.
    """

    school_path = None

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        with system_scope():
            return super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        with system_scope():
            return super().validate_constraints(exclude)
