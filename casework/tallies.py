"""Figures counted over the ledger, kept until the ledger changes.

The dashboards and the monthly draft count every case, visit and finding their user may see: at
a district's 100,000 cases that was most of their time. ``tally(name, compute, *key)`` keeps what
``compute()`` returns, in this process's memory, under the ledger's version: a number in the
database that every committed write to a ledger model raises (``post_save`` and ``post_delete``
of ``LEDGER_MODELS``; bulk writes call ``ledger_changed()``). So a figure is never older than the
last committed write, whichever process made it. A connection with ledger writes of its own not
yet committed counts afresh, and nothing is kept longer than ``CASEWORK["TALLY_SECONDS"]``.

The key is the name, the scope the figures were counted in (``user``'s, else the current
request's: figures count what it may see) and the caller's ``key`` (the day, the items, the
month).
"""

import hashlib

from django.apps import apps
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F

from casework.access.scope import current_scope, scope_for_user
from casework.conf import conf

#: What the kept figures count: a save or delete of any of them changes the ledger's version.
LEDGER_MODELS = (
    "Attachment",
    "CampaignVisit",
    "Case",
    "CaseReview",
    "ChecklistItem",
    "CloseOff",
    "Finding",
    "HomeVisit",
    "Household",
    "School",
    "Student",
    "SupportRecord",
    "WeeklyReport",
)

_kept = LocMemCache("casework-tallies", {"OPTIONS": {"MAX_ENTRIES": 1000}})
_MISSING = object()


def _version_model():
    # Looked up when used: the ledger's models import modules that import this one.
    return apps.get_model("casework", "LedgerVersion")


def _bump():
    LedgerVersion = _version_model()
    if not LedgerVersion.objects.filter(pk=1).update(n=F("n") + 1):
        LedgerVersion.objects.get_or_create(pk=1, defaults={"n": 1})


def _pending(connection):
    """Whether this connection's open transaction wrote to the ledger."""
    return connection.in_atomic_block and any(
        entry[1] is _bump for entry in connection.run_on_commit
    )


def ledger_changed(using=DEFAULT_DB_ALIAS):
    """Raise the ledger's version when the current transaction commits (now, outside one)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump()
    elif not _pending(connection):
        transaction.on_commit(_bump, using=using)


def version():
    return _version_model().objects.filter(pk=1).values_list("n", flat=True).first() or 0


def tally(name, compute, *key, user=None):
    """``compute()``, or what it gave for the same key since the ledger last changed;
    ``compute`` counts what ``user`` may see, or the current request if no user is given."""
    if _pending(connections[DEFAULT_DB_ALIAS]):
        return compute()
    scope = scope_for_user(user) if user is not None else current_scope()
    cache_key = hashlib.sha1(repr((name, scope, key, version())).encode()).hexdigest()
    value = _kept.get(cache_key, _MISSING)
    if value is _MISSING:
        value = compute()
        _kept.set(cache_key, value, timeout=conf.TALLY_SECONDS)
    return value


def forget():
    """Drop every kept figure (tests: each test's database starts at the same version)."""
    _kept.clear()
