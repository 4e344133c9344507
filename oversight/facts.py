"""Each placement's facts, computed once for every placement rule (issue 17).

The placement rules used to read placements, workers, documents, events, fees and permits each
for itself, so a full scan read the biggest tables (documents, timeline events) several times
and aggregated them per placement again and again. Now one statement computes, per placement,
the facts those rules judge: its own columns, the worker's village, the stages its timeline
reached, the documents valid on its day of departure, the fees paid and whether an issued
permit covers the worker's regency. A full scan makes them into the UNLOGGED table
``oversight_placementfacts`` before the first rule; a re-check of a few
placements computes the facts of just those, once, and hands them to each rule.

``PLACEMENT_FACTS`` is the SELECT alone, so it can run elsewhere (a read replica) and its rows
be copied into the table.

Two facts are bit sets, one bit per stage or document kind, so they aggregate with ``bit_or``
instead of sorting arrays per placement:

* ``reached_stages``: bit ``s`` is set when an event of the timeline moved the placement to
  stage ``s`` (stages 0-62; cancelled, 99, is no stage a rule asks about);
* ``valid_documents``: bit ``i`` (0-based) is set when a document of kind ``document_kinds[i]``
  was valid on the day of departure (issued by then, not expired); departed placements only.
"""

from __future__ import annotations

from django.db import connection, transaction

from placement.choices import STAGE_PARAMETERS, DocumentKind

FACTS_TABLE = "oversight_placementfacts"

# The document kinds in bit order: valid_documents' bit i is DOCUMENT_KINDS[i].
DOCUMENT_KINDS = [str(kind.value) for kind in DocumentKind]

# {ids}: where a re-check narrows every part to the placements it names; empty in a full scan.
PLACEMENT_FACTS = """
SELECT p.id AS placement_id, p.worker_id, p.job_order_id, p.agency_id, p.stage, p.stage_changed_at,
       p.created_at, p.departed_on, p.contract_salary, p.agreement_worker_costs, p.embarkation_point_id,
       w.village_id,
       COALESCE(reached.stages, 0) AS reached_stages,
       COALESCE(valid.kinds, 0) AS valid_documents,
       fees.total AS fees_total,
       covered.job_order_id IS NOT NULL AS permit_covers
FROM placement_placement p
JOIN recruitment_worker w ON w.id = p.worker_id
LEFT JOIN (
    SELECT e.placement_id, bit_or(1::bigint << e.to_stage) AS stages
    FROM placement_placementevent e
    WHERE e.to_stage BETWEEN 0 AND 62 {event_ids}
    GROUP BY e.placement_id
) reached ON reached.placement_id = p.id
LEFT JOIN (
    SELECT d.placement_id, bit_or(1::bigint << (array_position(%(document_kinds)s::text[], d.kind::text) - 1)) AS kinds
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
) covered ON covered.job_order_id = p.job_order_id AND covered.regency_id = left(w.village_id, 5)
WHERE TRUE {placement_ids}
"""


def placement_facts_sql(*, ids: bool) -> str:
    """The SELECT of the facts: of every placement, or (``ids``) of those in ``%(ids)s``."""
    if not ids:
        return PLACEMENT_FACTS.format(event_ids="", document_ids="", fee_ids="", permit_ids="", placement_ids="")
    return PLACEMENT_FACTS.format(
        event_ids="AND e.placement_id = ANY(%(ids)s)",
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
    return {"document_kinds": DOCUMENT_KINDS, "departed_stages": STAGE_PARAMETERS["departed_stages"]}


def placement_facts_rebuild() -> int:
    """Make the facts table anew with every placement's facts, in one transaction; return its rows.

    CREATE TABLE AS rather than INSERT: PostgreSQL plans no parallel workers for an INSERT, and
    the floor this is measured against (a count of the same tables) uses them. The planner's
    default costs keep this one statement serial, so they are lowered for it. Only a full scan
    calls it, under the scan lock, so no two rebuilds meet; a scan killed half-way rebuilds it
    when it runs again. Re-checks never read the table (they get their facts as JSON), so they
    do not wait for the lock held here. No ANALYZE: the rules read the table whole, and the
    planner sizes a table without statistics from its pages.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # Each part aggregates per placement in a hash table of a million entries at national scale:
        # kept in memory rather than spilled to disk batch by batch.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL parallel_setup_cost = 10")
        cursor.execute("SET LOCAL parallel_tuple_cost = 0.001")
        cursor.execute(f"DROP TABLE IF EXISTS {FACTS_TABLE}")
        cursor.execute(f"CREATE UNLOGGED TABLE {FACTS_TABLE} AS {placement_facts_sql(ids=False)}", facts_parameters())
        return cursor.rowcount
