"""Parallel plans for the few big aggregates (the red-flag facts, the dashboard's tallies).

PostgreSQL's default costs keep those statements serial, although the floors they are measured
against (reading the same tables) run in parallel workers. Lowered for one transaction or one
block of statements, never for the whole server: the portal's many small queries stay as planned.
A SELECT or CREATE TABLE AS gets parallel workers; an INSERT ... SELECT never does.
"""

from contextlib import contextmanager

PARALLEL_COSTS = {"parallel_setup_cost": "10", "parallel_tuple_cost": "0.001"}


def plan_in_parallel(cursor) -> None:
    """Lower the parallel workers' costs for the rest of the cursor's transaction."""
    for name, value in PARALLEL_COSTS.items():
        cursor.execute(f"SET LOCAL {name} = {value}")


@contextmanager
def planned_in_parallel(cursor):
    """Lower the parallel workers' costs for the statements run within, and restore them after."""
    plan_in_parallel(cursor)
    yield
    for name in PARALLEL_COSTS:
        cursor.execute(f"RESET {name}")
