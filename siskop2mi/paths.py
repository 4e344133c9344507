"""Where the portal keeps its run-time state: everything under ``var/``.

Shared by the settings and the dev-stack launcher, so both agree on where the
embedded PostgreSQL and Redis sockets are without passing anything around.
"""

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SISKOP2MI_VAR_DIR", BASE_DIR / "var")).resolve()

PGDATA_DIR = VAR_DIR / "pgdata"
REDIS_DIR = VAR_DIR / "redis"
LOG_DIR = VAR_DIR / "log"
DEMO_DIR = VAR_DIR / "demo"
MEDIA_DIR = VAR_DIR / "media"
EXPORT_DIR = VAR_DIR / "exports"
BACKUP_DIR = VAR_DIR / "backups"  # `make backup`; `make clean-var` leaves it alone
STATIC_ROOT = VAR_DIR / "staticfiles"
RUNTIME_DIRS = (VAR_DIR, LOG_DIR, DEMO_DIR, MEDIA_DIR, EXPORT_DIR, STATIC_ROOT)

EMBEDDED_DB_NAME = "siskop2mi"

# A unix socket path may not exceed 107 bytes; a deep checkout falls back to /tmp.
_MAX_SOCKET_PATH = 100


def _socket_dir() -> Path:
    preferred = VAR_DIR / "run"
    if len(str(preferred / ".s.PGSQL.5432")) <= _MAX_SOCKET_PATH:
        return preferred
    digest = hashlib.sha256(str(VAR_DIR).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"siskop2mi-{digest}"


SOCKET_DIR = _socket_dir()
REDIS_SOCKET = SOCKET_DIR / "redis.sock"


def embedded_database_url() -> str:
    return f"postgres://postgres@{quote(str(SOCKET_DIR), safe='')}/{EMBEDDED_DB_NAME}"


def embedded_redis_url() -> str:
    return f"unix://{REDIS_SOCKET}?db=0"
