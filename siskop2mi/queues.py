"""Celery's queues, which task goes where, and which worker consumes which queues.

Three queues, so a flood of bulk work never delays what people and /healthz wait for:
"interactive" (beat's heartbeat, outbox deliveries, exports someone asked for, the
stuck-job sweeper), "recheck" (red-flag re-checks after writes) and "bulk" (everything
else: full scans, dashboard refresh, escalation, purges). Read by the settings
(CELERY_TASK_ROUTES), the dev stack and docker-compose.yml's worker services, without
Django being set up.
"""

INTERACTIVE, RECHECK, BULK = "interactive", "recheck", "bulk"

DEFAULT_QUEUE = BULK

ROUTES = {
    "siskop2mi.tasks.beat_heartbeat": {"queue": INTERACTIVE},
    "siskop2mi.tasks.sweep_stuck_jobs": {"queue": INTERACTIVE},
    "core.deliver_outbox": {"queue": INTERACTIVE},
    "exports.run": {"queue": INTERACTIVE},
    "oversight.recheck": {"queue": RECHECK},
}

# One worker per group: the interactive worker is never busy with re-checks or scans.
WORKER_GROUPS = {"interactive": (INTERACTIVE,), "background": (RECHECK, BULK)}
