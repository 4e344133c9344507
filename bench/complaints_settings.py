"""Settings for the server `make bench-complaints` starts: the production settings as the image runs
them (debug off, whitenoise, pages gzipped), behind a TLS proxy (the benchmark sends
X-Forwarded-Proto: https), with these changes so that it measures the server's work:

* the public form's guards that are about people, not load, are out of the way: no wait before a
  form may be sent (PUBLIC_FORM_MIN_SECONDS, 3 s in production: a person takes longer to fill it
  in) and no budget per address (PUBLIC_COMPLAINTS_PER_HOUR, 5 in production: every client of the
  benchmark is 127.0.0.1). The signed time stamp, the honeypot, the CSRF check and the budget's
  counting in Redis still run on every complaint;
* Celery tasks asked for on write (the outbox's delivery, red-flag re-checks) go to a queue of their
  own (bench.complaints.BENCH_QUEUE), which no worker reads and the benchmark empties afterwards,
  so none of them reaches a worker of the dev stack; asking for them (a message to Redis) is still
  measured;
* quiet request logging.
"""

from bench.complaints import BENCH_QUEUE
from siskop2mi.settings.production import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PUBLIC_FORM_MIN_SECONDS = 0
PUBLIC_COMPLAINTS_PER_HOUR = 1_000_000_000
CELERY_TASK_DEFAULT_QUEUE = BENCH_QUEUE
CELERY_TASK_ROUTES = {}  # every task to BENCH_QUEUE, re-checks included
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django.request": {"level": "ERROR"}}}  # noqa: F405
