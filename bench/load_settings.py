"""Settings for the server `make bench-load` starts: the production settings as the image runs them
(debug off, whitenoise serving what collectstatic wrote, pages gzipped, secure cookies, CSRF checked
against the Origin), reached as through the TLS proxy (every request says X-Forwarded-Proto: https),
with these changes, each reported in the benchmark's JSON (`limits_changed`):

* the API's budget per key or session (API_THROTTLE_RATE, 600 a minute in production) is out of
  reach: the load test's simulated systems share a few companies' keys and the village officers'
  sessions, all from 127.0.0.1, and measure the server's work; the busiest key's and session's
  rate is reported beside the production budget, so a reader sees whether it would have been met;
* quiet request logging.

The public forms' budgets per address (PUBLIC_COMPLAINTS_PER_HOUR...) and the login locks are left
as in production: the public users only read (the vacancy board, the company and job order checks)
and every login is right the first time, so neither counts anything.

The server's Redis (cache, throttle counters, Celery broker) is a redis-server of the benchmark's
own (REDIS_URL, set by bench/load.py), so the Celery tasks the writes ask for (red-flag re-checks)
reach no worker; they are counted, and go with that server at the end.
"""

from bench.load import API_THROTTLE_RATE_HERE
from siskop2mi.settings.production import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"partner": API_THROTTLE_RATE_HERE}}  # noqa: F405
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django.request": {"level": "ERROR"}}}  # noqa: F405
