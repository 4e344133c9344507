"""Settings for the server `make bench-api` starts: dev settings, debug off, the bench site,
and a request budget no load test reaches (throttling itself is still checked per request)."""

from siskop2mi.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.api_site"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"partner": "100000000/minute"}}  # noqa: F405
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django.request": {"level": "ERROR"}}}  # noqa: F405
