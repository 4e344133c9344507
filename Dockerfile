# syntax=docker/dockerfile:1
# Production image of SISKOP2MI: one image for web (gunicorn), the Celery worker,
# Celery beat and the one-shot migrate job (see docker-compose.yml).
# Bookworm, pinned: it is the Debian release whose PostgreSQL client is 15, the compose file's server.
FROM python:3.11-slim-bookworm

# DJANGO_SETTINGS_MODULE is baked in because celery.py falls back to the dev
# settings; the image must never run with those.
# WEB_CONCURRENCY is gunicorn's own default for --workers; override it per host
# (about 2 x CPU cores + 1).
# Static files are build output, so they live outside var/ (run-time state);
# uploaded documents go to MEDIA_ROOT, a volume that is never served directly.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=siskop2mi.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media \
    WEB_CONCURRENCY=3

RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app

# pg_dump / pg_restore of the server's own major version: `manage.py restore` needs them (a newer
# pg_restore sends settings PostgreSQL 15 does not know; siskop2mi/backup.py, docs/operations.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code stays owned by root: the app user can read it but not change it.
COPY . .

# Production settings refuse to load without a >= 50-character SECRET_KEY. This
# dummy exists only in the environment of these two commands; it is not an ENV,
# so it is not in the image's config, and it signs nothing.
RUN SECRET_KEY=build-only-dummy-key-never-used-at-run-time-0123456789 \
    sh -c 'python manage.py compile_translations && python manage.py collectstatic --noinput'

# var/ is the app user's run-time state. Creating media/ here with that owner
# makes a fresh named volume mounted on it start out writable by the app user.
RUN mkdir -p /app/var/media /app/var/exports && chown -R app:app /app/var

USER app
EXPOSE 8000

# No HEALTHCHECK here: worker and beat share this image and serve no HTTP. The
# web healthcheck is declared on the web service in docker-compose.yml.
# --worker-tmp-dir: gunicorn's worker heartbeat files on tmpfs, not the overlay fs.
CMD ["gunicorn", "siskop2mi.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", \
     "--max-requests", "1000", "--max-requests-jitter", "100"]
