from celery import shared_task

from .services import complaints_escalate_overdue


@shared_task(name="complaints.escalate_overdue", acks_late=True, soft_time_limit=900, time_limit=960)
def escalate_overdue() -> int:
    return complaints_escalate_overdue()
