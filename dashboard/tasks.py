"""Thin task: the refresh service does the work; a rerun (or two at once) is harmless."""

from celery import shared_task

from accounts.models import User

from .services import dashboard_refresh


@shared_task(name="dashboard.refresh", acks_late=True, soft_time_limit=600, time_limit=660)
def refresh_dashboard(requested_by_id: int | None = None, full: bool = False) -> int | None:
    """Bring the figures up to date: the areas changed since the last refresh, or all (``full``)."""
    actor = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    snapshot = dashboard_refresh(actor=actor, full=full)
    return snapshot.pk if snapshot else None
