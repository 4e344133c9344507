from celery import shared_task

from .outbox import DELIVER_TASK, deliver_due


@shared_task(name=DELIVER_TASK, acks_late=True, soft_time_limit=300, time_limit=330)
def deliver_outbox() -> dict:
    return deliver_due()
