"""Stream rows into PostgreSQL with COPY while the next batch is being drawn.

One connection, one transaction: a failure anywhere leaves the database as it was.
A writer thread sends each batch with ``copy_expert``; psycopg2 releases the GIL
while libpq sends, so drawing rows (Python) and loading them (the server) overlap
on two cores. Foreign keys stay on and are checked as each COPY ends
(``SET CONSTRAINTS ALL IMMEDIATE``: deferred checks would queue tens of millions
of trigger events until commit).
"""

from __future__ import annotations

import io
import queue
import threading
import time

import psycopg2
from django.db import connection

CHUNK = 1 << 20  # bytes handed to libpq per call: few GIL hand-overs


def open_connection():
    """A psycopg2 connection to Django's database (same settings), in a transaction."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    raw = psycopg2.connect(**params)
    raw.autocommit = False
    with raw.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return raw


def copy_rows(cursor, table: str, columns: str, data: bytes) -> None:
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.BytesIO(data), size=CHUNK)


class CopyWriter(threading.Thread):
    """Takes batches [(table, columns, bytes), ...] from a short queue and COPYs them in order."""

    def __init__(self, raw_connection, *, depth: int = 2):
        super().__init__(name="copy-writer", daemon=True)
        self.raw = raw_connection
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.copy_seconds = 0.0
        self.seconds_by_table: dict[str, float] = {}
        self.workers_written = 0

    def run(self) -> None:
        cursor = self.raw.cursor()
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # failed already: drain until told to stop
            payload, workers = item
            started = time.monotonic()
            try:
                for table, columns, data in payload:
                    table_started = time.monotonic()
                    copy_rows(cursor, table, columns, data)
                    self.seconds_by_table[table] = (
                        self.seconds_by_table.get(table, 0.0) + time.monotonic() - table_started
                    )
            except BaseException as exc:  # handed to the main thread, which stops drawing rows
                self.error = exc
            self.copy_seconds += time.monotonic() - started
            self.workers_written += workers
        cursor.close()

    def submit(self, payload, workers: int) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((payload, workers))

    def finish(self) -> None:
        """Wait for every batch to be written; raise what the writer ran into."""
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error
