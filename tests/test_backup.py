"""Backups are proven by restoring them: every row and every uploaded file comes back, and a
backup that was changed, or a target that already holds data, is refused.

Transactional tests: pg_dump runs in its own session and sees only committed rows."""

from __future__ import annotations

import json
import secrets
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg2 import sql

from complaints.services import complaint_file
from placement.choices import Stage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data", "in_english")]

# A scan with every byte value in it: what comes back must be these bytes, not a re-encoding.
SCAN = b"%PDF-1.4\n" + bytes(range(256)) * 4


def _connect(name: str):
    settings_dict = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
    )


# The test servers trust local connections and ignore a password; a server that asks for one gets the real one.
UNNEEDED_PASSWORD = "kata-sandi-tidak-boleh-tampil"


def _url(name: str) -> str:
    """A postgres:// URL for database `name` on the test server (a socket directory quoted as the host)."""
    settings_dict = connection.settings_dict
    password = settings_dict["PASSWORD"] or UNNEEDED_PASSWORD
    auth = quote(settings_dict["USER"] or "", safe="") + ":" + quote(password, safe="")
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{auth}@{quote(settings_dict['HOST'] or '', safe='')}{port}/{name}"


def _table_counts(name: str) -> dict[str, int]:
    """Rows of every base table of the public schema, read straight from the catalogue."""
    with _connect(name) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


def _files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def fresh_database_name():
    """The name of a database on the same server that does not exist yet; dropped after the test."""
    name = f"{connection.settings_dict['NAME'].removeprefix('test_')}_restore_{secrets.token_hex(4)}"
    yield name
    conn = _connect("postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    conn.close()


@pytest.fixture
def elsewhere(tmp_path_factory) -> Path:
    """A directory outside the media root (which is the test's tmp_path) for backups and restored files."""
    return tmp_path_factory.mktemp("backup")


@pytest.fixture
def portal_with_uploads(media_root, journey):
    """A placement walked to the medical stage (its demand letter and health certificate scanned),
    a complaint about it with a scan attached, and the files they left in the media root."""
    journey.walk_to(Stage.MEDICAL)
    complaint_file(
        actor=None,
        channel="web",
        category="unpaid_wages",
        description="Gaji adik saya tidak dibayar selama tiga bulan di Johor.",
        area_code="52.03",
        complainant_name="Lalu Ahmad",
        complainant_phone="081900001111",
        attachments=[SimpleUploadedFile("slip-gaji.pdf", SCAN, content_type="application/pdf")],
    )
    return media_root


def _back_up(directory: Path) -> Path:
    output = directory / "backups"
    call_command("backup", output=output, verbosity=0)
    (backup,) = output.iterdir()
    return backup


def _restore(backup: Path, *, database: str, media_root: Path, **options) -> str:
    """What the restore command printed; the password in the URL it was given must not be in it."""
    out, err = StringIO(), StringIO()
    password = connection.settings_dict["PASSWORD"] or UNNEEDED_PASSWORD
    try:
        call_command(
            "restore",
            str(backup),
            database_url=_url(database),
            media_root=media_root,
            stdout=out,
            stderr=err,
            **options,
        )
    except CommandError as error:
        assert password not in str(error)
        raise
    finally:
        assert password not in out.getvalue() + err.getvalue()
    return out.getvalue() + err.getvalue()


def test_a_backup_restored_into_a_fresh_database_brings_back_every_row_and_file(
    portal_with_uploads, elsewhere, fresh_database_name
):
    source = _table_counts(connection.settings_dict["NAME"])
    uploads = _files(portal_with_uploads)
    assert source["placement_placement"] == 1 and source["complaints_complaint"] == 1
    assert source["placement_document"] >= 1 and source["villages_village"] > 80_000
    assert len(uploads) == 3 and SCAN in uploads.values()  # demand letter, health certificate, complaint scan

    backup = _back_up(elsewhere)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert backup.name.startswith("siskop2mi-") and backup.name.endswith("Z")
    assert {f"public.{table}": rows for table, rows in source.items()} == manifest["database"]["tables"]
    # Placement events are partitioned by month: each partition is counted, and the table as their sum.
    counts = manifest["database"]["tables"]
    partitions = [rows for table, rows in counts.items() if table.startswith("public.placement_placementevent_p")]
    assert len(partitions) >= 3 and counts["public.placement_placementevent"] == sum(partitions) > 0
    assert sorted(manifest["media"]["files"]) == sorted(uploads)

    restored_media = elsewhere / "restored-media"
    output = _restore(backup, database=fresh_database_name, media_root=restored_media)

    assert "Restored and verified" in output
    assert _table_counts(fresh_database_name) == source
    assert _files(restored_media) == uploads


def test_a_changed_backup_or_a_target_that_holds_data_is_refused(portal_with_uploads, elsewhere, fresh_database_name):
    backup = _back_up(elsewhere)
    restored_media = elsewhere / "restored-media"

    for part in ("database.dump", "media.tar.gz"):
        original = (backup / part).read_bytes()
        changed = bytearray(original)
        changed[len(changed) // 2] ^= 0x01
        (backup / part).write_bytes(bytes(changed))
        with pytest.raises(CommandError, match=f"(?s)changed after it was made.*{part} does not match its SHA-256"):
            _restore(backup, database=fresh_database_name, media_root=restored_media)
        (backup / part).write_bytes(original)
    assert not restored_media.exists()

    source = connection.settings_dict["NAME"]
    before = _table_counts(source)
    with pytest.raises(CommandError, match="is not empty"):
        _restore(backup, database=source, media_root=restored_media)
    assert _table_counts(source) == before

    with pytest.raises(CommandError, match="already holds files"):
        _restore(backup, database=fresh_database_name, media_root=portal_with_uploads)

    (backup / "manifest.json").unlink()
    with pytest.raises(CommandError, match="manifest.json is missing"):
        _restore(backup, database=fresh_database_name, media_root=restored_media)


def test_a_restore_that_does_not_match_its_manifest_fails(
    portal_with_uploads, elsewhere, fresh_database_name, settings
):
    settings.BACKUP_DIR = str(elsewhere / "nightly")  # where `make backup` writes without --output
    call_command("backup", verbosity=0)
    (backup,) = (elsewhere / "nightly").iterdir()
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["database"]["tables"]["public.placement_placement"] += 1  # as if a row had been lost on the way
    (backup / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="does not match the backup: 1 difference"):
        _restore(backup, database=fresh_database_name, media_root=elsewhere / "restored-media")
