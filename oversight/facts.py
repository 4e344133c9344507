"""Each placement's facts, computed once for every placement rule (issue 17).

The placement rules used to read placements, workers, documents, events, fees and permits each
for itself, so a full scan read the biggest tables (documents, timeline events) several times
and aggregated them per placement again and again. Now one statement computes, per placement,
the facts those rules judge: its own columns (the worker's village among them, copied onto the
placement), the stages its timeline reached, the documents valid on its day of departure, the
fees paid and whether an issued permit covers the worker's regency. The stages and the documents
are read from two covering indexes (placement migration 0007) rather than from the wide rows.
A full scan makes them into the UNLOGGED table ``oversight_placementfacts`` before the first
rule; a re-check of a few placements computes the facts of just those, once, and hands them to
each rule.

``PLACEMENT_FACTS`` is the SELECT alone, so it can run elsewhere (a read replica) and its rows
be copied into the table.

Two facts are bit sets, one bit per stage or document kind, so they aggregate with ``bit_or``
instead of sorting arrays per placement:

* ``reached_stages``: bit ``s`` is set when an event of the timeline moved the placement to
  stage ``s`` (stages 0-62; cancelled, 99, is no stage a rule asks about); a full scan reads the
  timeline, a re-check the placement's own ``reached_stages`` column that the events' triggers keep;
* ``valid_documents``: bit ``i`` (0-based) is set when a document of kind ``document_kinds[i]``
  was valid on the day of departure (issued by then, not expired); departed placements only.
"""

from __future__ import annotations

import os
import threading

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from core.parallel import plan_in_parallel
from core.replica import reporting_alias
from placement.choices import STAGE_PARAMETERS, DocumentKind

FACTS_TABLE = "oversight_placementfacts"

# The document kinds in bit order: valid_documents' bit i is DOCUMENT_KINDS[i].
DOCUMENT_KINDS = [str(kind.value) for kind in DocumentKind]

# A document's bit, by its kind. A CASE rather than array_position over the kinds: the scan works it
# out for some seven million documents, and array_position unpacks the array for each of them, which
# took a third of the documents' part of the scan (a kind outside DocumentKind has no bit, NULL).
DOCUMENT_KIND_BIT = (
    "CASE d.kind "
    + " ".join(f"WHEN %(document_kind_{bit})s THEN {1 << bit}::bigint" for bit in range(len(DOCUMENT_KINDS)))
    + " END"
)

# {ids}: where a re-check narrows every part to the placements it names; empty in a full scan.
PLACEMENT_FACTS = """
SELECT p.id AS placement_id, p.worker_id, p.job_order_id, p.agency_id, p.stage, p.stage_changed_at,
       p.created_at, p.departed_on, p.contract_salary, p.agreement_worker_costs, p.embarkation_point_id,
       p.village_id,
       {reached_stages} AS reached_stages,
       COALESCE(valid.kinds, 0) AS valid_documents,
       fees.total AS fees_total,
       covered.job_order_id IS NOT NULL AS permit_covers
FROM placement_placement p
{reached_join}LEFT JOIN (
    SELECT d.placement_id, bit_or({document_kind_bit}) AS kinds
    FROM placement_document d
    JOIN placement_placement departed ON departed.id = d.placement_id
    WHERE departed.stage = ANY(%(departed_stages)s) AND departed.departed_on IS NOT NULL {document_ids}
      AND d.issued_on <= departed.departed_on AND (d.expires_on IS NULL OR d.expires_on >= departed.departed_on)
    GROUP BY d.placement_id
) valid ON valid.placement_id = p.id
LEFT JOIN (
    SELECT f.placement_id, sum(f.amount_idr) AS total FROM placement_fee f WHERE TRUE {fee_ids} GROUP BY f.placement_id
) fees ON fees.placement_id = p.id
LEFT JOIN (
    SELECT DISTINCT s.job_order_id, r.regency_id
    FROM recruitment_recruitmentpermit s
    JOIN recruitment_recruitmentpermit_regions r ON r.recruitmentpermit_id = s.id
    WHERE s.status = 'issued' {permit_ids}
) covered ON covered.job_order_id = p.job_order_id AND covered.regency_id = left(p.village_id, 5)
WHERE TRUE {placement_ids}
"""


# A full scan reads the stages reached from the timeline itself, once for every placement, so a
# placement's ``reached_stages`` column gone wrong (events written with the triggers switched off)
# is judged right by the nightly scan. A re-check reads that column, which the events' triggers
# keep (placement migration 0006): the events are partitioned by month, and asking each month's
# partition for one placement's events was most of a re-check's cost.
REACHED_FROM_THE_TIMELINE = """LEFT JOIN (
    SELECT e.placement_id, bit_or(1::bigint << e.to_stage) AS stages
    FROM placement_placementevent e
    WHERE e.to_stage BETWEEN 0 AND 62
    GROUP BY e.placement_id
) reached ON reached.placement_id = p.id
"""


def placement_facts_sql(*, ids: bool) -> str:
    """The SELECT of the facts: of every placement, or (``ids``) of those in ``%(ids)s``."""
    if not ids:
        return PLACEMENT_FACTS.format(
            document_kind_bit=DOCUMENT_KIND_BIT,
            reached_stages="COALESCE(reached.stages, 0)",
            reached_join=REACHED_FROM_THE_TIMELINE,
            document_ids="",
            fee_ids="",
            permit_ids="",
            placement_ids="",
        )
    return PLACEMENT_FACTS.format(
        document_kind_bit=DOCUMENT_KIND_BIT,
        reached_stages="p.reached_stages",
        reached_join="",
        document_ids="AND d.placement_id = ANY(%(ids)s)",
        fee_ids="AND f.placement_id = ANY(%(ids)s)",
        permit_ids="AND s.job_order_id IN (SELECT job_order_id FROM placement_placement WHERE id = ANY(%(ids)s))",
        placement_ids="AND p.id = ANY(%(ids)s)",
    )


# In a re-check the rules read the facts of the re-checked placements from a parameter: computed
# once (placement_facts_of) and passed to each rule as JSON rows, so each rule plans a scan of a
# few rows instead of the whole facts SELECT again. Their type is oversight_placementfacts_row
# (migration 0004), with the table's columns, not the table's own row type: naming the table
# would wait for a full scan's rebuild of it to commit.
RECHECK_FACTS = "jsonb_populate_recordset(NULL::oversight_placementfacts_row, %(placement_facts)s::jsonb)"


def placement_facts_source(*, ids: list[int] | None) -> str:
    """What a rule reads its facts from: the table a full scan made, or in a re-check the facts
    of the re-checked placements (the ``placement_facts`` parameter)."""
    return FACTS_TABLE if ids is None else RECHECK_FACTS


def placement_facts_of(ids: list[int]) -> str:
    """The facts of the given placements, as the JSON the rules of a re-check read."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(jsonb_agg(facts), '[]')::text FROM ({placement_facts_sql(ids=True)}) facts",
            {**facts_parameters(), "ids": ids},
        )
        return cursor.fetchone()[0]


def facts_parameters() -> dict:
    return {
        **{f"document_kind_{bit}": kind for bit, kind in enumerate(DOCUMENT_KINDS)},
        "departed_stages": STAGE_PARAMETERS["departed_stages"],
    }


def placement_facts_rebuild() -> int:
    """Make the facts table anew with every placement's facts, in one transaction; return its rows.

    Where a read replica is configured (core/replica.py) the facts SELECT, the heavy part (every
    event, document and placement), runs there and its rows stream into the table on the primary:
    the table itself stays on the primary, as an UNLOGGED table cannot be read on a standby. The
    facts then describe the replica's snapshot, which may lag the primary by the replica's lag
    (docs/operations.md): a placement changed just before the scan is judged as it was a moment
    earlier, even where the re-check after that write (which reads the primary) already judged it
    anew; its next re-check or the next scan judges it as it is.

    Only a full scan calls it, under the scan lock, so no two rebuilds meet; a scan killed half-way
    rebuilds it when it runs again. Re-checks never read the table (they get their facts as JSON),
    so they do not wait for the lock held here. No ANALYZE: the rules read the table whole, and the
    planner sizes a table without statistics from its pages.
    """
    source = reporting_alias()
    return _facts_made_on_the_primary() if source == DEFAULT_DB_ALIAS else _facts_copied_from(source)


def _plan_the_facts_select(cursor) -> None:
    """Settings for the facts SELECT, for the transaction it runs in.

    Each part aggregates per placement in a hash table of a million entries at national scale:
    kept in memory rather than spilled to disk batch by batch. The planner's default costs keep
    the statement serial, so they are lowered for it: the floor this is measured against (a count
    of the same tables) uses parallel workers.
    """
    cursor.execute("SET LOCAL work_mem = '256MB'")
    plan_in_parallel(cursor)


def _facts_made_on_the_primary() -> int:
    # CREATE TABLE AS rather than INSERT: PostgreSQL plans no parallel workers for an INSERT.
    with transaction.atomic(), connection.cursor() as cursor:
        _plan_the_facts_select(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {FACTS_TABLE}")
        cursor.execute(f"CREATE UNLOGGED TABLE {FACTS_TABLE} AS {placement_facts_sql(ids=False)}", facts_parameters())
        return cursor.rowcount


# Bytes read from the replica's rows per round trip into the primary's COPY.
COPY_CHUNK = 1 << 20


def _facts_copied_from(alias: str) -> int:
    """The facts SELECT run on ``alias`` (the replica), its rows copied into a new facts table on
    the primary: the replica's ``COPY (SELECT) TO STDOUT`` writes into a pipe from a thread of its
    own while the primary's ``COPY FROM STDIN`` reads the other end, so neither waits for the
    other to finish and no rows pile up in memory or on disk.

    The table is made from the same SELECT (``WITH NO DATA``), so its columns are the copied
    rows' columns in the same order and of the same types, which the binary format relies on (a
    standby runs its primary's PostgreSQL version). Any failure on either side rolls back the
    primary's transaction: the table of the scan before stays as it was.
    """
    replica = connections[alias]
    with transaction.atomic(using=alias), replica.cursor() as replica_cursor:
        _plan_the_facts_select(replica_cursor)
        # Bound here, with the replica connection's own quoting, since COPY takes no parameters.
        select = replica_cursor.cursor.mogrify(placement_facts_sql(ids=False), facts_parameters()).decode()
        pipe_out, pipe_in = os.pipe()
        sender = _RowSender(replica_cursor.cursor, f"COPY ({select}) TO STDOUT (FORMAT binary)", pipe_in)
        with open(pipe_out, "rb", buffering=COPY_CHUNK) as rows:
            try:
                sender.start()
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"DROP TABLE IF EXISTS {FACTS_TABLE}")
                    cursor.execute(
                        f"CREATE UNLOGGED TABLE {FACTS_TABLE} AS {placement_facts_sql(ids=False)} WITH NO DATA",
                        facts_parameters(),
                    )
                    try:
                        cursor.copy_expert(f"COPY {FACTS_TABLE} FROM STDIN (FORMAT binary)", rows, size=COPY_CHUNK)
                    except Exception as error:
                        # A replica that failed mid-way ended the rows early: then its own error says why.
                        sender.finish(rows)
                        if sender.failure is not None and not isinstance(sender.failure, BrokenPipeError):
                            raise sender.failure from error
                        raise
                    sender.finish(rows)
                    if sender.failure is not None:  # before the commit: rows cut short are no table
                        raise sender.failure
                    return cursor.rowcount
            finally:
                sender.finish(rows)


class _RowSender(threading.Thread):
    """Writes the replica's COPY output into the pipe, closes it, and keeps any error for the
    caller's thread to raise."""

    def __init__(self, replica_cursor, copy_out: str, pipe_in: int):
        super().__init__(name="placement-facts-from-replica", daemon=True)
        self.replica_cursor, self.copy_out, self.pipe_in = replica_cursor, copy_out, pipe_in
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            with open(self.pipe_in, "wb", buffering=COPY_CHUNK) as pipe:
                self.replica_cursor.copy_expert(self.copy_out, pipe)
        except BaseException as error:  # handed to the caller's thread
            self.failure = error

    def finish(self, rows) -> None:
        """Close the pipe's reading end (a sender still writing then fails and ends) and wait for it."""
        rows.close()
        if self.ident is not None:
            self.join()
        elif self.pipe_in >= 0:  # never started: its end of the pipe is still ours to close
            os.close(self.pipe_in)
            self.pipe_in = -1
