from celery import shared_task

from .services import agency_expire_licences


@shared_task(name="agencies.expire_licences")
def expire_licences() -> int:
    return agency_expire_licences()
