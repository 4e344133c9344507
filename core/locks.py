"""PostgreSQL advisory locks that say whether a background job is alive.

A job's worker holds its lock on its own database connection for as long as it
works. When the worker dies (even by SIGKILL) its connection closes and PostgreSQL
drops the lock, so "the lock is free" means "nobody is working on this job": a
redelivered message may restart it and the sweeper may call it stuck. Advisory
locks belong to one database, so test databases side by side do not meet.

Such a lock needs a connection of its own for the whole job: behind PgBouncer's
transaction pooling (DATABASE_POOL_MODE=transaction) the lock would stay with a
pooled server connection after the job ends or dies, and every later job would be
refused. ``advisory_lock`` refuses to run there; the workers that take these locks
connect directly or through a session pool (docker-compose.yml, docs/deployment.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection, transaction

# The two-key form (class, object): object ids are cut to PostgreSQL's int4.
_INT4 = 0x7FFFFFFF
LOCK_NOT_AVAILABLE = "55P03"


def _keys(lock_class: int, object_id: int | None) -> list[int]:
    return [lock_class] if object_id is None else [lock_class, object_id & _INT4]


@contextmanager
def advisory_lock(lock_class: int, object_id: int | None = None, *, wait: float = 0) -> Iterator[bool]:
    """Try to take the lock, waiting at most ``wait`` seconds; yields whether it was taken and
    releases it afterwards. Without ``object_id`` it is the one-key (bigint) lock ``lock_class``.

    The short wait lets a redelivered job take over from a worker killed a moment ago, whose
    database session may need a little time to notice and end.
    """
    if settings.DATABASE_POOL_MODE == "transaction":
        raise ImproperlyConfigured(
            "A session advisory lock needs a connection of its own for the whole job, which PgBouncer's "
            "transaction pooling does not give: run this task on a worker with a direct or session-pooled "
            "DATABASE_URL and DATABASE_POOL_MODE=session (docs/deployment.md)."
        )
    keys = _keys(lock_class, object_id)
    placeholders = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        if wait <= 0:
            cursor.execute(f"SELECT pg_try_advisory_lock({placeholders})", keys)
            taken = cursor.fetchone()[0]
        else:
            try:
                with transaction.atomic():  # a savepoint inside a caller's transaction
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(wait * 1000)}ms"])
                    cursor.execute(f"SELECT pg_advisory_lock({placeholders})", keys)
                taken = True
            except OperationalError as error:
                if getattr(error.__cause__, "pgcode", None) != LOCK_NOT_AVAILABLE:
                    raise
                taken = False
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_advisory_unlock({placeholders})", keys)


def advisory_lock_held(lock_class: int, object_id: int | None = None) -> bool:
    """Whether some session of this database holds the lock (without taking it).

    pg_locks shows a one-key (bigint) lock split in two halves, a two-key lock as its keys.
    """
    one_key = object_id is None
    keys = [lock_class >> 32, lock_class & 0xFFFFFFFF, 1] if one_key else [lock_class, object_id & _INT4, 2]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT EXISTS (SELECT 1 FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND classid = %s AND objid = %s AND objsubid = %s
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))""",
            keys,
        )
        return cursor.fetchone()[0]
