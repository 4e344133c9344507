"""The Celery app. Its periodic schedule is declared here and nowhere else."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init

from dashboard.schedule import REFRESH_MINUTES as DASHBOARD_REFRESH_MINUTES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siskop2mi.settings.dev")

app = Celery("siskop2mi")
# Which task goes to which queue comes from the settings (CELERY_TASK_ROUTES, siskop2mi/queues.py),
# so a benchmark's server can send everything it asks for to a queue no worker reads.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one place periodic jobs are declared. django-celery-beat's DatabaseScheduler
# copies these entries into its tables at start, where administrators can see them.
app.conf.beat_schedule = {
    "beat-heartbeat": {
        "task": "siskop2mi.tasks.beat_heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "red-flag-full-scan": {
        "task": "oversight.full_scan",
        "schedule": crontab(hour=1, minute=30),
    },
    "expire-licences": {
        "task": "agencies.expire_licences",
        "schedule": crontab(hour=0, minute=5),
    },
    "dashboard-refresh": {  # incremental: the areas changed since the last refresh
        "task": "dashboard.refresh",
        "schedule": crontab(minute=f"*/{DASHBOARD_REFRESH_MINUTES}"),
        "options": {"expires": DASHBOARD_REFRESH_MINUTES * 60},
    },
    "dashboard-rebuild": {  # every figure from scratch, between two of the refreshes above
        "task": "dashboard.refresh",
        "schedule": crontab(hour=3, minute=40),
        "kwargs": {"full": True},
    },
    "escalate-overdue-complaints": {
        "task": "complaints.escalate_overdue",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    "deliver-outbox": {
        "task": "core.deliver_outbox",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "purge-old-exports": {
        "task": "exports.purge",
        "schedule": crontab(hour=2, minute=15),
    },
    "create-month-partitions": {
        "task": "siskop2mi.tasks.create_month_partitions",
        "schedule": crontab(hour=3, minute=10),  # daily, though a month's partition is made once: a missed night heals
    },
    "sweep-stuck-jobs": {
        "task": "siskop2mi.tasks.sweep_stuck_jobs",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
}


@beat_init.connect
def first_heartbeat(sender, **kwargs):
    """Beat's first interval tick comes only 30 s after it starts: send one heartbeat at once,
    so /healthz turns healthy as soon as beat and a worker of the interactive queue are up."""
    sender.app.send_task("siskop2mi.tasks.beat_heartbeat", expires=25)
