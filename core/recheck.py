"""Ask the red-flag engine to re-check some subjects once the current transaction commits.

Domain apps sit below oversight and must not import it, so the request goes to Celery by
task name (``oversight.recheck``, registered by oversight/tasks.py) after commit: a rolled-back
write asks for nothing, and the engine sees the committed rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

RECHECK_TASK = "oversight.recheck"


def request_recheck(**subjects: list[int] | int | None) -> None:
    """Re-check these subjects' rules after commit, e.g. ``request_recheck(placement=7, worker=[3])``."""
    if not settings.OVERSIGHT_RECHECK_ON_WRITE:
        return
    payload = {
        kind: [ids] if isinstance(ids, int) else list(ids) for kind, ids in subjects.items() if ids not in (None, [])
    }
    if payload:
        transaction.on_commit(lambda: _send(payload))


def _send(payload: dict) -> None:
    from celery import current_app

    # Through the registered task when this process knows it (so task_always_eager runs it
    # here, as tests and the demo seeding want); by name alone otherwise.
    task = current_app.tasks.get(RECHECK_TASK)
    if task is not None:
        task.apply_async(args=[payload])
    else:
        current_app.send_task(RECHECK_TASK, args=[payload])
