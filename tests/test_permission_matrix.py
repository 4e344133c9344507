"""The permission matrix (issue 16, point 7): every named URL of the portal, the public pages, the
API and the admin, requested by every persona, answers the status declared in
tests/permission_matrix.py. A new URL fails here until its row is declared; a row whose URL is gone
fails too. How to declare a row: the module's docstring, or docs/doors.md.

One world of records (company A's job order, worker, placement, flag, complaint... in Lombok Timur,
destination Malaysia) is built once for the module; each request runs in a savepoint rolled back
after it, so a POST by one persona never changes what the next one sees.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.choices import Role
from core.roles import needs_second_factor
from siskop2mi import health
from tests import permission_matrix as matrix
from tests.conftest import verify_second_factor
from tests.factories import AgencyFactory, EmployerFactory, UserFactory
from tests.placement import journey as steps

TANJUNG_LUAR, KUPANG_VILLAGE = "52.03.01.2001", "53.01.04.2003"


# --- The URLs -------------------------------------------------------------------------------


def _kwarg_names(pattern) -> frozenset[str]:
    converters = getattr(pattern.pattern, "converters", None)
    names = converters.keys() if converters else pattern.pattern.regex.groupindex.keys()
    return frozenset(names)


def named_urls() -> dict[str, frozenset[str]]:
    """Every named URL of the root URLconf, ``namespace:name``, with the keyword arguments it takes
    (the fewest of its patterns: DRF's ``.json`` twin of a route adds an optional ``format``)."""
    found: dict[str, frozenset[str]] = {}

    def walk(patterns, namespace: str, kwargs: frozenset[str]):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                walk(pattern.url_patterns, inner or namespace, kwargs | _kwarg_names(pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                names = kwargs | _kwarg_names(pattern)
                if name not in found or len(names) < len(found[name]):
                    found[name] = names

    walk(get_resolver().url_patterns, "", frozenset())
    return found


URLS = named_urls()


# --- The world ------------------------------------------------------------------------------


def _persona_users() -> dict[str, object]:
    from recruitment.models import Mission

    def mission(name: str, kind: str, city: str, country: str):
        mission, _ = Mission.objects.get_or_create(name=name, defaults={"kind": kind, "city": city})
        mission.countries.set([country])
        return mission

    agency_a = steps.license_agency(AgencyFactory(name="PT Agensi A"))
    agency_b = steps.license_agency(AgencyFactory(name="PT Agensi B"))
    specs = {
        "ministry": {"role": Role.MINISTRY_OFFICIAL},
        "ntb": {"role": Role.PROVINCE_OFFICIAL, "province_id": "52"},
        "lotim": {"role": Role.REGENCY_OFFICIAL, "regency_id": "52.03"},
        "kupang": {"role": Role.REGENCY_OFFICIAL, "regency_id": "53.01"},
        "village": {"role": Role.VILLAGE_OFFICER, "village_id": TANJUNG_LUAR},
        "village_kupang": {"role": Role.VILLAGE_OFFICER, "village_id": KUPANG_VILLAGE},
        "mission_my": {
            "role": Role.MISSION_OFFICER,
            "mission": mission("KBRI Kuala Lumpur", "kbri", "Kuala Lumpur", "MY"),
        },
        "mission_tw": {"role": Role.MISSION_OFFICER, "mission": mission("KDEI Taipei", "kdei", "Taipei", "TW")},
        "a_admin": {"role": Role.AGENCY_ADMIN, "agency": agency_a},
        "a_staff": {"role": Role.AGENCY_STAFF, "agency": agency_a},
        "b_admin": {"role": Role.AGENCY_ADMIN, "agency": agency_b},
        "complaints": {"role": Role.COMPLAINT_OFFICER, "province_id": "52"},
        "auditor": {"role": Role.AUDITOR},
        "sysadmin": {"role": Role.SYSTEM_ADMIN, "is_staff": True, "is_superuser": True},
    }
    assert set(specs) | {"anon"} == set(matrix.PERSONAS), "a persona of the table has no account here"
    return {persona: UserFactory(username=f"matrix.{persona}", **fields) for persona, fields in specs.items()}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def build_world(users: dict) -> dict[str, object]:
    """Company A's records in Lombok Timur (village Tanjung Luar), destination Malaysia, built
    through the services; returns the values the URLs' keyword arguments name (see ``WORLD`` in
    tests/permission_matrix.py)."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.services import api_key_create
    from agencies.models import FieldRecruiter
    from complaints.services import complaint_file, complaint_refer
    from exports.services import export_job_create
    from oversight.engine import full_scan
    from oversight.models import Flag
    from placement.choices import DocumentKind, Stage
    from placement.epmi_card import card_token
    from placement.models import Placement
    from placement.services import fee_record
    from recruitment.models import Enrolment, JobOrderDocument, Moratorium, RecruitmentPermit
    from villages.models import Village
    from villages.services import village_report_create

    today = timezone.localdate()
    staff, agency = users["a_staff"], users["a_staff"].agency
    employer = EmployerFactory(name="Penang Electronics Sdn Bhd", registration_number="MY-200301012345")
    order = steps.job_order(company=staff, mission=users["ministry"], agency=agency, employer=employer)
    worker = steps.register_worker(actor=staff, agency=agency)
    application = steps.select(staff, worker, order)
    placement = steps.place(staff, application)
    placement.walk_to(Stage.READY)
    fee = fee_record(
        actor=users["lotim"], placement_id=placement.pk, amount_idr=Decimal("2500000"),
        description="Biaya medis yang ditarik calo", paid_on=today - timedelta(days=20), source="pengaduan",
    )  # fmt: skip
    report = village_report_create(
        actor=users["village"], village=Village.objects.get(code=TANJUNG_LUAR), kind="departure_seen",
        occurred_on=today - timedelta(days=30), person_name="Halimah",
    )  # fmt: skip
    full_scan()
    complaint, _secret = complaint_file(
        actor=None, channel="web", category="unpaid_wages", area_code="52.03", agency=agency,
        description="Gaji adik saya tidak dibayar selama tiga bulan di Johor.", complainant_name="Lalu Ahmad",
        complainant_phone="081900001111", worker_name="Baiq Rohani", attachments=[_pdf("slip-gaji.pdf")],
    )  # fmt: skip
    referral = complaint_refer(
        actor=users["ministry"], complaint_id=complaint.pk, target="company", agency=agency,
        note="Mohon jelaskan pembayaran gaji.",
    )  # fmt: skip
    village_complaint, _secret = complaint_file(
        actor=users["village"], channel="village", category="documents_held", area_code=TANJUNG_LUAR,
        description="Paspor anak kami ditahan perusahaan.", complainant_name="Inaq Saenah",
    )  # fmt: skip
    export = export_job_create(actor=users["ministry"], kind="placements", fmt="csv", query="", language="id")
    api_key, _raw = api_key_create(actor=users["a_admin"], name="Sistem internal")
    recruiter = FieldRecruiter.objects.create(
        agency=agency, full_name="Lalu Sponsor", phone="081999000111", village_id=TANJUNG_LUAR, registered_on=today
    )
    _admin_only_rows(users, today)
    return {
        "api_key": api_key.pk,
        "user": users["a_staff"].pk,
        "agency": agency.pk,
        "job_order": order.pk,
        "job_order_document": JobOrderDocument.objects.filter(job_order=order).values_list("pk", flat=True)[0],
        "permit": RecruitmentPermit.objects.filter(job_order=order).values_list("pk", flat=True)[0],
        "worker": worker.pk,
        "application": application.pk,
        "placement": placement.pk,
        "document": placement.placement.documents.get(kind=DocumentKind.PASSPORT).pk,
        "fee": fee.pk,
        "enrolment": Enrolment.objects.filter(worker=worker).values_list("pk", flat=True)[0],
        "training_provider": Enrolment.objects.filter(worker=worker).values_list("provider_id", flat=True)[0],
        "employer": employer.pk,
        "recruiter": recruiter.pk,
        "village_report": report.pk,
        "flag": Flag.objects.values_list("pk", flat=True).order_by("pk")[0],
        "complaint": complaint.pk,
        "complaint_attachment": complaint.attachments.values_list("pk", flat=True)[0],
        "referral": referral.pk,
        "village_complaint": village_complaint.pk,
        "export": export.pk,
        "moratorium": Moratorium.objects.values_list("pk", flat=True).order_by("pk")[0],
        "card_token": card_token(placement.pk),
        "placement_content_type": ContentType.objects.get_for_model(Placement).pk,
        **matrix.WORLD_CONSTANTS,
    }


def _admin_only_rows(users: dict, today) -> None:
    """A row in each table the admin site shows that the world above leaves empty, so that each
    model's change, history and delete pages are requested for a real row."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from django_otp.plugins.otp_static.models import StaticDevice

    from agencies.services import agency_sanction
    from oversight.models import RuleSetting

    Group.objects.create(name="Pengawas")
    StaticDevice.objects.create(user=users["ministry"], name="recovery", confirmed=True)
    AccessAttempt.objects.create(
        username="matrix.ministry", ip_address="10.0.0.1", user_agent="pytest", failures_since_start=1
    )
    AccessFailureLog.objects.create(username="matrix.ministry", ip_address="10.0.0.1", user_agent="pytest")
    AccessLog.objects.create(username="matrix.ministry", ip_address="10.0.0.1", user_agent="pytest")
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude="-8.65", longitude="116.53")
    ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(days=1))
    PeriodicTask.objects.create(name="matrix", task="siskop2mi.tasks.beat_heartbeat", interval=interval)
    RuleSetting.objects.create(code="STAGE_SKIPPED", enabled=True)
    agency_sanction(
        actor=users["ministry"], agency_id=users["b_admin"].agency_id, kind="warning",
        reason="Laporan tahunan terlambat", starts_on=today,
    )  # fmt: skip


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """(values for the URLs' keyword arguments, a logged-in client per persona), built once and
    rolled back at the end of the module."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with django_db_blocker.unblock(), transaction.atomic():
        users = _persona_users()
        values = build_world(users)
        clients = {"anon": Client()}
        for persona, user in users.items():
            clients[persona] = Client()
            clients[persona].force_login(user)
            if needs_second_factor(user):  # the conftest's harness does this for function-scoped clients only
                verify_second_factor(clients[persona], user)
        values["totp_device"] = TOTPDevice.objects.values_list("pk", flat=True).order_by("pk")[0]
        yield values, clients
        transaction.set_rollback(True)
    health.redis_client().delete(health.BEAT_HEARTBEAT_KEY)


# --- Requests -------------------------------------------------------------------------------


def _outcome(response) -> int | str:
    """The status, with a redirect to a login page told apart: it is what anonymous gets."""
    if response.status_code == 302:
        location = response.headers.get("Location", "")
        if location.startswith((resolve_url(settings.LOGIN_URL), reverse("admin:login"))):
            return matrix.LOGIN
    return response.status_code


def observe(row: matrix.Row, url: str, clients: dict) -> dict[str, int | str]:
    seen = {}
    for persona in row.personas:
        client = clients[persona]
        cookies = copy.deepcopy(client.cookies)  # a logout or a language choice ends with the request
        with transaction.atomic():  # whatever the request writes is undone before the next persona
            response = getattr(client, row.method)(url)
            transaction.set_rollback(True)
        client.cookies = cookies
        seen[persona] = _outcome(response)
    return seen


def _admin_object(name: str) -> int:
    """The first row of the model whose admin page ``name`` is (0 if it has none)."""
    from django.contrib import admin

    for model in admin.site._registry:
        if name.rsplit("_", 1)[0] == f"admin:{model._meta.app_label}_{model._meta.model_name}":
            return model._default_manager.order_by("pk").values_list("pk", flat=True).first() or 0
    raise LookupError(f"{name}: no model registered in the admin")


def _url(name: str, row: matrix.Row, values: dict) -> str:
    values = {**values, "admin_object": _admin_object(name)} if "admin_object" in row.kwargs.values() else values
    kwargs = {kwarg: values[key] for kwarg, key in row.kwargs.items()}
    return reverse(name, kwargs=kwargs)


# --- The tests ------------------------------------------------------------------------------


def test_every_url_has_a_row_and_every_row_a_url():
    missing = sorted(name for name in URLS if matrix.row_for(name) is None)
    gone = sorted(name for name in matrix.ROWS if name not in URLS)
    assert not missing, "URLs without a row in tests/permission_matrix.py (declare them): " + ", ".join(missing)
    assert not gone, "rows in tests/permission_matrix.py for URLs that no longer exist: " + ", ".join(gone)


def _params():
    for name in sorted(URLS):
        row = matrix.row_for(name)
        if row is None or row.skip:
            continue
        marks = [pytest.mark.xfail(reason=row.bug, strict=True, raises=AssertionError)] if row.bug else []
        yield pytest.param(name, row, id=name, marks=marks)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "row"), list(_params()))
def test_each_persona_gets_the_declared_status(world, name, row):
    values, clients = world
    declared, wanted = set(row.kwargs), URLS[name]
    assert declared == wanted, (
        f"{name} takes {sorted(wanted)}: declare which record each names, e.g. kwargs={{'pk': 'placement'}} "
        f"(the keys of the world: {sorted(values)})"
    )
    unknown = set(row.kwargs.values()) - set(values) - {"admin_object"}
    assert not unknown, f"{name}: no record {sorted(unknown)} in the world (build_world)"
    try:
        url = _url(name, row, values)
    except NoReverseMatch as error:
        pytest.fail(f"{name}: {error}")
    # /healthz answers for the beat too: a beat is running, its heartbeat fresh (recorded here, not
    # once for the module, which runs for minutes on a slow machine: past BEAT_HEARTBEAT_MAX_AGE).
    health.record_beat_heartbeat()
    seen = observe(row, url, clients)
    expected = row.statuses()
    wrong = {
        persona: (expected[persona], seen[persona]) for persona in row.personas if expected[persona] != seen[persona]
    }
    assert not wrong, (
        f"{row.method.upper()} {url} ({name}):\n"
        + "\n".join(f"  {persona}: declared {want}, got {got}" for persona, (want, got) in wrong.items())
        + f"\n  all seen: {matrix.suggest(seen)}"
    )
