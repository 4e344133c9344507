"""Reporting reads on a read replica (a PostgreSQL streaming standby) when one is configured.

``DATABASE_REPLICA_URL`` adds the database alias ``replica`` (siskop2mi/settings/base.py). Reads that
only report (exports, the public registers and checks) opt in with ``reporting_reads()``, as a
context manager or a decorator; raw-SQL reports take ``reporting_cursor()``; a queryset evaluated
after the code that built it has returned (a streamed export) is bound with ``for_reporting()``.
Everything else, every write and every read outside those, stays on ``default``, and so does all of
it when no replica is configured.

A replica lags its primary by a little (docs/operations.md): a read inside a transaction on the
primary always stays on the primary, since what it read may decide what that transaction writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper

REPLICA_DB_ALIAS = "replica"

_reporting = ContextVar("siskop2mi_reporting_reads", default=False)


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in settings.DATABASES


def reporting_alias() -> str:
    """The database a reporting read goes to now: the replica when configured, unless the primary
    is inside a transaction (the read could decide a write)."""
    if not replica_configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA_DB_ALIAS


@contextmanager
def reporting_reads() -> Iterator[None]:
    """ORM reads inside go to the replica (see ``reporting_alias``); also usable as ``@reporting_reads()``."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_cursor() -> CursorWrapper:
    """A cursor for a raw-SQL report, on the database ``reporting_alias`` names."""
    return connections[reporting_alias()].cursor()


def for_reporting(queryset):
    """``queryset`` bound to the reporting database now, for rows read later (a streamed response,
    a file written chunk by chunk), when ``reporting_reads()`` may no longer be in force."""
    return queryset.using(reporting_alias())


class ReplicaRouter:
    """Django's database router (settings.DATABASE_ROUTERS) for the rules above."""

    def db_for_read(self, model, **hints):
        if _reporting.get() and replica_configured():
            return reporting_alias()
        return None  # Django's own choice: the instance's database for related rows, else default

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's own rows: a row read there may point at one read here.
        databases = {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A standby replays the primary's schema; nothing is ever migrated on it.
        return db != REPLICA_DB_ALIAS
