"""Exports of the portal's lists: what the file holds, for whom, and large ones as jobs."""

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import AuditEntry
from core.personal_data import may_see_full_nik
from exports import services
from exports.choices import AUDIT_PERSONAL_DATA_EXPORTED, ExportStatus
from exports.models import ExportJob
from exports.tasks import purge_exports, run_export
from oversight.models import Flag
from placement.choices import DocumentKind
from tests.placement.journey import register_worker
from tests.placement.lifecycle import add_document
from villages.models import Village

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# A village of Kupang (NTT, 53.01): outside Lombok Timur.
NTT_VILLAGE = "53.01"


@pytest.fixture
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = str(tmp_path / "exports")
    return tmp_path / "exports"


@pytest.fixture
def no_broker(monkeypatch):
    """Jobs are queued, not sent to a worker: the tests run the task themselves."""
    queued = []
    monkeypatch.setattr("exports.tasks.run_export.apply_async", lambda args, task_id: queued.append((args[0], task_id)))
    return queued


@pytest.fixture
def workers(agency_a_staff, agency_b_staff, agency_a, agency_b):
    """Two of agency A's candidates in Tanjung Luar (Lombok Timur), one of agency B's in Kupang (NTT)."""
    ntt = Village.objects.filter(code__startswith=NTT_VILLAGE + ".").order_by("code").first()
    return {
        "rohani": register_worker(actor=agency_a_staff, agency=agency_a, serial=1, full_name="Baiq Rohani"),
        "hadi": register_worker(
            actor=agency_a_staff, agency=agency_a, serial=2, sex="M", full_name="Lalu Hadi", birth_date=date(1990, 3, 5)
        ),
        "yosef": register_worker(
            actor=agency_b_staff, agency=agency_b, serial=3, sex="M", full_name="Yosef Nenobais", village=ntt.code
        ),
    }


def export(client, kind, fmt="csv", query="", **extra):
    return client.post(reverse("exports:start", args=[kind]), {"format": fmt, "query": query}, **extra)


def deliver(job, task_id):
    """What a worker does with a delivery of the job's task under ``task_id``."""
    return run_export.apply((job.pk,), task_id=task_id).get()


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheet programs then read UTF-8 right
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def by_name(rows, column="Full name") -> dict[str, dict[str, str]]:
    header, *data = rows
    return {row[header.index(column)]: dict(zip(header, row, strict=True)) for row in data}


def test_a_worker_export_has_translated_headers_and_readable_values(client, workers, lotim_regency_official):
    client.force_login(lotim_regency_official)
    response = export(client, "workers")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["ID", "NIK", "Full name", "Sex"]
    rohani = by_name(rows)["Baiq Rohani"]
    assert rohani["Sex"] == "Female"
    assert rohani["Education"] == "Senior high school (SMA/SMK)"
    assert rohani["Birth date"] == workers["rohani"].birth_date.isoformat()
    assert rohani["Village"] == "Tanjung Luar" and rohani["Registered by company"] == "PT Agensi A"
    assert date.fromisoformat(rohani["Registered at"][:10]) == timezone.localdate()


def test_the_headers_follow_the_language_of_the_user(client, workers, lotim_regency_official):
    client.force_login(lotim_regency_official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"  # the language switcher's choice
    response = export(client, "workers")
    rows = csv_rows(response)
    assert by_name(rows, rows[0][2])["Baiq Rohani"][rows[0][3]] == "Perempuan"


def test_a_village_officer_sees_numbers_masked_and_a_regency_official_in_full(
    client, workers, village_officer, lotim_regency_official
):
    nik = workers["rohani"].nik
    client.force_login(village_officer)
    rohani = by_name(csv_rows(export(client, "workers")))["Baiq Rohani"]
    assert rohani["NIK"] == "*" * 12 + nik[-4:]
    assert not AuditEntry.objects.filter(action=AUDIT_PERSONAL_DATA_EXPORTED).exists()

    client.force_login(lotim_regency_official)
    rohani = by_name(csv_rows(export(client, "workers", query="sex=F", REMOTE_ADDR="192.0.2.15")))["Baiq Rohani"]
    assert rohani["NIK"] == nik
    entry = AuditEntry.objects.get(action=AUDIT_PERSONAL_DATA_EXPORTED)
    assert (entry.actor, entry.ip_address) == (lotim_regency_official, "192.0.2.15")
    assert entry.detail["kind"] == "workers" and entry.detail["rows"] == 1 and entry.detail["query"] == "sex=F"


def test_a_searched_nik_is_not_written_in_full_to_the_audit_trail(client, workers, ministry_official):
    nik = workers["hadi"].nik
    client.force_login(ministry_official)
    assert list(by_name(csv_rows(export(client, "workers", query=f"nik={nik}")))) == ["Lalu Hadi"]
    assert nik not in str(AuditEntry.objects.get(action=AUDIT_PERSONAL_DATA_EXPORTED).detail)


def test_the_export_holds_exactly_the_filtered_list(client, workers, ministry_official):
    client.force_login(ministry_official)
    assert set(by_name(csv_rows(export(client, "workers", query="sex=M&area=52.03")))) == {"Lalu Hadi"}
    rows = csv_rows(export(client, "workers", query="sort=-full_name&page=2&per_page=25"))
    assert [row[2] for row in rows[1:]] == ["Yosef Nenobais", "Lalu Hadi", "Baiq Rohani"]


def test_a_company_exports_only_its_own_records_with_their_numbers_in_full(
    client, workers, agency_a_staff, agency_b_staff
):
    client.force_login(agency_b_staff)
    names = by_name(csv_rows(export(client, "workers")))
    assert set(names) == {"Yosef Nenobais"}
    assert names["Yosef Nenobais"]["NIK"] == workers["yosef"].nik
    client.force_login(agency_a_staff)
    assert set(by_name(csv_rows(export(client, "workers")))) == {"Baiq Rohani", "Lalu Hadi"}
    assert set(by_name(csv_rows(export(client, "companies")), "Name")) == {"PT Agensi A"}


def test_an_official_of_another_regency_exports_none_of_its_workers(client, workers, ntt_regency_official):
    client.force_login(ntt_regency_official)
    assert set(by_name(csv_rows(export(client, "workers")))) == {"Yosef Nenobais"}


def test_an_xlsx_export_has_headers_labels_and_real_dates(client, workers, village_officer):
    client.force_login(village_officer)
    response = export(client, "workers", "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *data = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:4] == ["ID", "NIK", "Full name", "Sex"]
    rows = {row[2]: dict(zip(header, row, strict=True)) for row in data}
    assert set(rows) == {"Baiq Rohani", "Lalu Hadi"}
    assert rows["Lalu Hadi"]["Sex"] == "Male"
    assert rows["Lalu Hadi"]["Birth date"].date() == date(1990, 3, 5)
    assert rows["Lalu Hadi"]["NIK"].startswith("*" * 12)


def test_text_that_looks_like_a_formula_stays_text(client, agency_a, ministry_official):
    agency_a.phone = "=HYPERLINK(1)"
    agency_a.save()
    client.force_login(ministry_official)
    assert by_name(csv_rows(export(client, "companies")), "Name")["PT Agensi A"]["Phone"] == "'=HYPERLINK(1)"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export(client, "companies", "xlsx").streaming_content))).active
    phone = next(row for row in sheet.iter_rows() if row[1].value == "PT Agensi A")[9]
    assert phone.value == "=HYPERLINK(1)" and phone.data_type == "s"


def test_placements_mask_the_passport_number_for_a_village_officer(
    client, journey, media_root, agency_a_staff, village_officer, ministry_official
):
    add_document(agency_a_staff, journey.placement, DocumentKind.PASSPORT, number="C1234567")
    client.force_login(village_officer)
    row = by_name(csv_rows(export(client, "placements")), "Worker")["Baiq Rohani"]
    assert row["Passport number"] == "*****567" and row["Worker's NIK"].startswith("*" * 12)
    assert row["Stage"] == "Registered" and row["Destination country"] == "Malaysia"
    client.force_login(ministry_official)
    row = by_name(csv_rows(export(client, "placements", query="stage=1")), "Worker")["Baiq Rohani"]
    assert row["Passport number"] == "C1234567" and row["Company"] == "PT Agensi A"


def test_job_orders_show_positions_and_placements(client, journey, agency_a_staff, agency_b_staff):
    client.force_login(agency_a_staff)
    header, row = csv_rows(export(client, "job_orders"))
    job_order = dict(zip(header, row, strict=True))
    assert job_order["Positions"] == "10" and job_order["Placements"] == "1" and job_order["Status"] == "Published"
    client.force_login(agency_b_staff)
    assert len(csv_rows(export(client, "job_orders"))) == 1  # the header alone


def test_flags_are_exported_for_the_jurisdiction_only(client, lotim_regency_official, ntt_regency_official):
    now = timezone.now()
    for area in ("52.03.01.2001", "53.01"):
        Flag.objects.create(
            rule_code="DEPART_INCOMPLETE", subject_type="placement", subject_id=len(area), severity="high",
            area_code=area, first_seen=now, last_seen=now,
        )  # fmt: skip
    client.force_login(lotim_regency_official)
    header, *rows = csv_rows(export(client, "flags", query="severity=high"))
    assert len(rows) == 1
    flag = dict(zip(header, rows[0], strict=True))
    assert flag["Area code"] == "52.03.01.2001" and flag["Severity"] == "High" and flag["Status"] == "Open"
    assert flag["What was found"] == "Departed with documents missing or expired"
    client.force_login(ntt_regency_official)
    assert [r[header.index("Area code")] for r in csv_rows(export(client, "flags"))[1:]] == ["53.01"]


def test_a_small_export_costs_the_same_queries_for_one_row_or_many(client, agency_a_staff, agency_a, ministry_official):
    client.force_login(ministry_official)
    register_worker(actor=agency_a_staff, agency=agency_a, serial=1)

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            csv_rows(export(client, "workers"))
        return len(context)

    one = count_queries()
    for serial in range(2, 8):
        register_worker(actor=agency_a_staff, agency=agency_a, serial=serial)
    assert count_queries() == one


def test_invalid_filters_are_refused_with_a_message_and_no_job(client, workers, ministry_official, settings):
    settings.EXPORT_SYNC_LIMIT = 0
    client.force_login(ministry_official)
    response = export(client, "workers", query="nik=123&area=nowhere", HTTP_REFERER="http://testserver/x/?nik=123")
    assert response.status_code == 302 and response["Location"] == "http://testserver/x/?nik=123"
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert "filters are not valid" in message and "A NIK must be exactly 16 digits." in message
    assert not ExportJob.objects.exists()
    response = export(client, "workers", "pdf")
    assert response.status_code == 302 and not ExportJob.objects.exists()
    assert export(client, "nonsense").status_code == 404


def test_an_export_is_a_csrf_protected_post(workers, ministry_official):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ministry_official)
    assert export(client, "workers").status_code == 403
    assert client.get(reverse("exports:start", args=["workers"])).status_code == 405
    assert Client().post(reverse("exports:start", args=["workers"]), {"format": "csv"}).status_code == 302  # login


def test_the_buttons_post_the_current_filters():
    request = RequestFactory().get("/penempatan/?stage=3&country=MY")
    html = render_to_string("partials/export_buttons.html", {"kind": "placements"}, request=request)
    assert f'action="{reverse("exports:start", args=["placements"])}"' in html
    assert 'name="query" value="stage=3&amp;country=MY"' in html
    assert "csrfmiddlewaretoken" in html
    assert 'name="format" value="csv"' in html and 'name="format" value="xlsx"' in html


def test_a_large_export_runs_as_a_job_with_progress_and_a_download(
    client, workers, ministry_official, settings, export_dir, no_broker, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_LIMIT = 1
    client.force_login(ministry_official)
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "workers", "xlsx", query="area=52&sort=full_name&page=3")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:detail", args=[job.pk])
    assert no_broker == [(job.pk, job.task_id)] and job.status == ExportStatus.QUEUED and job.language == "en"

    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert 'hx-get="{}"'.format(reverse("exports:progress", args=[job.pk])) in page
    assert 'aria-valuenow="0"' in page and "Waiting" in page
    assert "Area of domicile: Nusa Tenggara Barat" in page and "Sorted by: Full name" in page

    assert run_export.apply((job.pk,), task_id=job.task_id).get() == ExportStatus.DONE
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.full_numbers) == (2, 2, True)
    assert AuditEntry.objects.get(action=AUDIT_PERSONAL_DATA_EXPORTED).detail["job_id"] == job.pk

    fragment = client.get(reverse("exports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 286  # HTMX stops polling
    assert 'aria-valuenow="100"' in fragment.content.decode()
    assert reverse("exports:download", args=[job.pk]) in fragment.content.decode()
    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert "hx-get" not in page and "Download XLSX" in page

    download = client.get(reverse("exports:download", args=[job.pk]), REMOTE_ADDR="192.0.2.16")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    read = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)  # each download is a reading
    assert (read.actor, read.ip_address) == (ministry_official, "192.0.2.16")
    assert read.detail["records"] == [{"model": "exports.exportjob", "ids": [job.pk], "fields": ["file"]}]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Baiq Rohani", "Lalu Hadi"]

    listing = client.get(reverse("exports:list")).content.decode()
    assert reverse("exports:download", args=[job.pk]) in listing


def test_a_job_runs_once_however_often_its_task_is_delivered(ministry_official, workers, export_dir):
    job = ExportJob.objects.create(owner=ministry_official, kind="workers", format="csv", query="", language="en")
    assert deliver(job, "task-1") == ExportStatus.DONE
    path = services.export_file(ExportJob.objects.get(pk=job.pk))
    written = path.stat().st_mtime_ns
    assert deliver(job, "task-1") is None
    assert path.stat().st_mtime_ns == written
    assert AuditEntry.objects.filter(action=AUDIT_PERSONAL_DATA_EXPORTED).count() == 1


def test_a_redelivery_after_the_worker_died_writes_the_file_again_and_a_stray_task_does_nothing(
    ministry_official, workers, export_dir
):
    job = ExportJob.objects.create(
        owner=ministry_official, kind="workers", format="csv", query="", language="en", task_id="task-1"
    )
    # The worker died half-way: the job is "running" under its task, with half a file.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, started_at=timezone.now(), rows_done=1)
    services.export_dir().joinpath(f"{job.pk}.csv.part").write_text("half a file")

    assert deliver(job, "another-task") is None
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING

    assert deliver(job, "task-1") == ExportStatus.DONE
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.task_id) == (3, 3, "task-1")
    lines = services.export_file(job).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 4 and "half a file" not in lines  # the header and every worker, once


def test_a_task_does_nothing_while_another_session_writes_the_job(ministry_official, workers, export_dir, monkeypatch):
    job = ExportJob.objects.create(
        owner=ministry_official, kind="workers", format="csv", query="", language="en", task_id="task-1"
    )
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # a live worker holds the job's lock
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.EXPORT_LOCK, job.pk])
        monkeypatch.setattr(services, "LOCK_WAIT", 0.2)
        assert deliver(job, "task-1") is None
    finally:
        other.close()
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.QUEUED


def test_a_job_that_cannot_be_written_fails_with_a_message(ministry_official, export_dir):
    job = ExportJob.objects.create(owner=ministry_official, kind="workers", format="csv", query="nik=12", language="en")
    assert run_export(job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert job.error == "Some filters are not valid." and not job.file_path
    assert not list(export_dir.iterdir())


def test_only_the_owner_sees_and_downloads_an_export(
    client, workers, ministry_official, lotim_regency_official, export_dir
):
    job = ExportJob.objects.create(owner=ministry_official, kind="workers", format="csv", query="", language="en")
    run_export(job.pk)
    client.force_login(lotim_regency_official)
    for name in ("exports:detail", "exports:progress", "exports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert reverse("exports:detail", args=[job.pk]) not in client.get(reverse("exports:list")).content.decode()
    client.force_login(ministry_official)
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"Baiq Rohani" in b"".join(response.streaming_content)


def test_old_exports_are_deleted_with_their_files(ministry_official, workers, export_dir, settings):
    old = ExportJob.objects.create(owner=ministry_official, kind="workers", format="csv", query="", language="en")
    new = ExportJob.objects.create(owner=ministry_official, kind="workers", format="csv", query="", language="en")
    run_export(old.pk)
    run_export(new.pk)
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS + 1)
    )
    assert purge_exports() == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]
    assert sorted(p.name for p in export_dir.iterdir()) == [f"{new.pk}.csv"]


@pytest.mark.parametrize(
    ("persona", "own_company", "expected"),
    [
        ("ministry_official", False, True),
        ("ntb_province_official", False, True),
        ("lotim_regency_official", False, True),
        ("village_officer", False, False),
        ("agency_a_staff", True, True),
        ("agency_a_staff", False, False),
        ("system_admin", False, False),
    ],
)
def test_who_may_see_full_numbers(request, persona, own_company, expected, agency_a, agency_b):
    user = request.getfixturevalue(persona)
    assert may_see_full_nik(user, agency_id=(agency_a if own_company else agency_b).pk) is expected
