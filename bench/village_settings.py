"""Settings for the server `make bench-village` starts: the production settings as the image runs
them (debug off, whitenoise serving what collectstatic wrote, compressed, with hashed names; pages
gzipped), behind a TLS proxy (the benchmark sends X-Forwarded-Proto: https), with three changes:

* the API's per-user budget is out of reach (1,000 entries from one officer in a few seconds would
  meet the production rate, API_THROTTLE_RATE, after the first 600 in a minute: the benchmark
  measures the server's work, and reports that rate beside it);
* red-flag re-checks asked for on write go to a Celery queue of their own (bench.village.BENCH_QUEUE), which no
  worker reads and the benchmark empties afterwards, so none of them reaches a worker of the dev
  stack pointed at another database; asking for them (the message to Redis) is still measured;
* quiet request logging.
"""

from bench.village import BENCH_QUEUE
from siskop2mi.settings.production import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"partner": "100000000/minute"}}  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = BENCH_QUEUE
CELERY_TASK_ROUTES = {}  # every task to BENCH_QUEUE, re-checks included
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django.request": {"level": "ERROR"}}}  # noqa: F405
