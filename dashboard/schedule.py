"""How often the dashboard's summary is refreshed: read by the beat schedule and shown on the page.

No Django imports here, so siskop2mi/celery.py can import it before Django is set up.
"""

REFRESH_MINUTES = 15
