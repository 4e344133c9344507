"""The Django admin writes nothing the services own: those fields are read-only, rows the services
create are neither added nor deleted there, and what an administrator may change (zero-cost
occupations, moratoria, the employers' blacklist) goes through a service that checks, records
and asks for the red-flag re-check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import AuditEntry
from agencies import services as agency_services
from agencies.models import Agency, Employer
from core.errors import DomainError
from recruitment import services
from recruitment.models import JobOrder, Moratorium, Occupation, Worker
from tests.factories import EmployerFactory, MoratoriumFactory


@pytest.fixture
def admin_client(client, system_admin):
    client.force_login(system_admin)
    return client


def _url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def _form_data(response) -> dict:
    """What the browser would send back from this change page, untouched."""
    data = {}

    def put(form, name):
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            return
        if value is True:
            data[key] = "on"
        elif isinstance(value, (list, tuple)):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for subform in formset.forms:
            for name in subform.fields:
                put(subform, name)
    return data


# --- Service-owned fields do not change from the admin ---------------------------------------


def test_a_job_order_is_read_only_in_the_admin(admin_client, factory_job_order):
    before = JobOrder.objects.get(pk=factory_job_order.pk)
    page = admin_client.get(_url(factory_job_order))
    assert page.status_code == 200
    assert "adminform" in page.context and not page.context["has_change_permission"]

    response = admin_client.post(
        _url(factory_job_order), {"status": "cancelled", "quota": before.quota + 50, "salary": "1"}
    )

    assert response.status_code == 403
    after = JobOrder.objects.get(pk=factory_job_order.pk)
    assert (after.status, after.quota, after.salary) == (before.status, before.quota, before.salary)
    assert admin_client.get(reverse("admin:recruitment_joborder_add")).status_code == 403
    assert admin_client.post(_url(factory_job_order, "delete"), {"post": "yes"}).status_code == 403
    assert JobOrder.objects.filter(pk=factory_job_order.pk).exists()


def test_the_admin_corrects_a_workers_phone_but_not_the_nik_or_family_consent(admin_client, lombok_worker):
    before = Worker.objects.get(pk=lombok_worker.pk)
    page = admin_client.get(_url(lombok_worker))
    assert page.status_code == 200
    assert before.nik not in page.content.decode()  # shown masked, never in full
    data = _form_data(page)
    data.update(
        phone="+62 812 0000 1111",
        nik="5203010101900001",
        family_consent_on="",
        birth_date="1990-01-01",
        sex="M" if before.sex != "M" else "F",
    )

    response = admin_client.post(_url(lombok_worker), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    after = Worker.objects.get(pk=lombok_worker.pk)
    assert after.phone == "+62 812 0000 1111"
    assert (after.nik, after.family_consent_on, after.birth_date, after.sex) == (
        before.nik,
        before.family_consent_on,
        before.birth_date,
        before.sex,
    )
    assert admin_client.get(reverse("admin:recruitment_worker_add")).status_code == 403


def test_a_companys_licence_does_not_change_from_the_admin(admin_client, licensed_agency):
    before = Agency.objects.get(pk=licensed_agency.pk)
    data = _form_data(admin_client.get(_url(licensed_agency)))
    data.update(
        phone="0370 123456",
        licence_status="revoked",
        licence_number="SIP3MI/PALSU/1",
        licence_expires_on=(date.today() + timedelta(days=9999)).isoformat(),
    )

    response = admin_client.post(_url(licensed_agency), data)

    assert response.status_code == 302
    after = Agency.objects.get(pk=licensed_agency.pk)
    assert after.phone == "0370 123456"
    assert (after.licence_status, after.licence_number, after.licence_expires_on) == (
        before.licence_status,
        before.licence_number,
        before.licence_expires_on,
    )


def test_the_blacklist_and_zero_cost_flags_are_not_form_fields(admin_client, db):
    employer = EmployerFactory()
    occupation = Occupation.objects.filter(zero_cost=False).first()
    employer_data = _form_data(admin_client.get(_url(employer)))
    employer_data["blacklisted"] = "on"
    occupation_data = _form_data(admin_client.get(_url(occupation)))
    occupation_data["zero_cost"] = "on"

    assert admin_client.post(_url(employer), employer_data).status_code == 302
    assert admin_client.post(_url(occupation), occupation_data).status_code == 302

    assert not Employer.objects.get(pk=employer.pk).blacklisted
    assert not Occupation.objects.get(pk=occupation.pk).zero_cost


# --- What the administrator may change goes through a service --------------------------------


def test_the_zero_cost_action_changes_the_occupation_and_leaves_an_audit_entry(admin_client, system_admin, db):
    occupation = Occupation.objects.filter(zero_cost=False).first()

    response = admin_client.post(
        reverse("admin:recruitment_occupation_changelist"),
        {"action": "mark_zero_cost", "_selected_action": [occupation.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert Occupation.objects.get(pk=occupation.pk).zero_cost
    entry = AuditEntry.objects.get(action=AuditAction.OCCUPATION_ZERO_COST_SET)
    assert entry.actor == system_admin
    assert entry.detail == {"occupation": occupation.pk, "zero_cost": True}

    admin_client.post(
        reverse("admin:recruitment_occupation_changelist"),
        {"action": "unmark_zero_cost", "_selected_action": [occupation.pk]},
    )
    assert not Occupation.objects.get(pk=occupation.pk).zero_cost
    assert AuditEntry.objects.filter(action=AuditAction.OCCUPATION_ZERO_COST_SET).count() == 2


def test_a_moratorium_is_declared_and_ended_through_the_admin_forms(admin_client, system_admin, db):
    Moratorium.objects.filter(country_id="JP").delete()
    starts = timezone.localdate()

    response = admin_client.post(
        reverse("admin:recruitment_moratorium_add"),
        {"country": "JP", "sector": "informal", "starts_on": starts.isoformat(), "legal_basis": "Kepmenaker 1/2026"},
    )

    assert response.status_code == 302
    moratorium = Moratorium.objects.get(country_id="JP", sector="informal")
    assert (moratorium.starts_on, moratorium.ends_on, moratorium.legal_basis) == (starts, None, "Kepmenaker 1/2026")
    created = AuditEntry.objects.get(action=AuditAction.MORATORIUM_CREATED)
    assert created.actor == system_admin and created.detail["moratorium_id"] == moratorium.pk

    ends = starts + timedelta(days=30)
    response = admin_client.post(reverse("admin:recruitment_moratorium_end", args=[moratorium.pk]), {"ends_on": ends})

    assert response.status_code == 302
    assert Moratorium.objects.get(pk=moratorium.pk).ends_on == ends
    ended = AuditEntry.objects.get(action=AuditAction.MORATORIUM_ENDED)
    assert ended.actor == system_admin and ended.detail["ends_on"] == ends.isoformat()


def test_a_refused_moratorium_shows_the_reason_on_the_form(admin_client, db):
    moratorium = MoratoriumFactory(country_id="JP", sector="formal", starts_on=date(2026, 1, 1), ends_on=None)

    response = admin_client.post(
        reverse("admin:recruitment_moratorium_end", args=[moratorium.pk]), {"ends_on": "2025-12-01"}
    )

    assert response.status_code == 200
    # The admin speaks the portal's default language, Bahasa Indonesia.
    assert "Moratorium tidak dapat berakhir sebelum dimulai." in response.content.decode()
    assert Moratorium.objects.get(pk=moratorium.pk).ends_on is None
    assert not AuditEntry.objects.filter(action=AuditAction.MORATORIUM_ENDED).exists()


def test_a_moratorium_row_is_read_only_and_cannot_be_deleted(admin_client, db):
    moratorium = MoratoriumFactory(country_id="JP", sector="formal", starts_on=date(2026, 1, 1), ends_on=None)

    response = admin_client.post(_url(moratorium), {"ends_on": "2026-02-01", "legal_basis": "x"})

    assert response.status_code == 403
    assert admin_client.post(_url(moratorium, "delete"), {"post": "yes"}).status_code == 403
    assert Moratorium.objects.get(pk=moratorium.pk).ends_on is None


def test_the_blacklist_form_changes_the_employer_and_leaves_an_audit_entry(admin_client, system_admin, db):
    employer = EmployerFactory()
    url = reverse("admin:agencies_employer_blacklist", args=[employer.pk])
    assert admin_client.get(url).status_code == 200

    refused = admin_client.post(url, {"blacklisted": "on", "reason": "  "})
    assert refused.status_code == 200 and not Employer.objects.get(pk=employer.pk).blacklisted

    response = admin_client.post(url, {"blacklisted": "on", "reason": "Wages withheld (KBRI report 12/2026)"})

    assert response.status_code == 302
    assert Employer.objects.get(pk=employer.pk).blacklisted
    entry = AuditEntry.objects.get(action=AuditAction.EMPLOYER_BLACKLIST_SET)
    assert entry.actor == system_admin
    assert entry.detail == {
        "employer_id": employer.pk,
        "blacklisted": True,
        "reason": "Wages withheld (KBRI report 12/2026)",
    }


# --- The services refuse anyone but a system administrator, and ask for the re-checks ---------


def test_a_ministry_official_cannot_change_reference_data(ministry_official, db):
    occupation = Occupation.objects.filter(zero_cost=False).first()
    moratorium = MoratoriumFactory(country_id="JP", sector="formal", starts_on=date(2026, 1, 1), ends_on=None)
    employer = EmployerFactory()
    calls = [
        lambda: services.occupation_set_zero_cost(actor=ministry_official, occupation_id=occupation.pk, zero_cost=True),
        lambda: services.moratorium_create(
            actor=ministry_official, country="JP", sector="informal", starts_on=date(2026, 1, 1), legal_basis="x"
        ),
        lambda: services.moratorium_end(actor=ministry_official, moratorium_id=moratorium.pk, ends_on=date(2026, 2, 1)),
        lambda: agency_services.employer_set_blacklisted(
            actor=ministry_official, employer_id=employer.pk, blacklisted=True, reason="x"
        ),
    ]
    for call in calls:
        with pytest.raises(DomainError) as refusal:
            call()
        assert refusal.value.code == "forbidden"

    assert not Occupation.objects.get(pk=occupation.pk).zero_cost
    assert Moratorium.objects.get(pk=moratorium.pk).ends_on is None
    assert not Moratorium.objects.filter(country_id="JP", sector="informal").exists()
    assert not Employer.objects.get(pk=employer.pk).blacklisted
    assert not AuditEntry.objects.exists()


def test_the_services_ask_to_recheck_what_the_change_touches(system_admin, journey, monkeypatch):
    requested = []
    monkeypatch.setattr(services, "request_recheck", lambda **subjects: requested.append(subjects))
    job_order = journey.placement.job_order

    services.occupation_set_zero_cost(
        actor=system_admin, occupation_id=job_order.occupation_id, zero_cost=not job_order.occupation.zero_cost
    )
    Moratorium.objects.filter(country_id=job_order.country_id, sector=job_order.sector).delete()
    services.moratorium_create(
        actor=system_admin,
        country=job_order.country_id,
        sector=job_order.sector,
        starts_on=timezone.localdate(),
        legal_basis="Kepmenaker 2/2026",
    )

    assert journey.pk in requested[0]["placement"]
    assert job_order.pk in requested[1]["job_order"]


# --- Every admin page still opens --------------------------------------------------------------


def test_every_admin_page_opens_for_the_system_administrator(admin_client, journey):
    EmployerFactory()
    MoratoriumFactory(country_id="JP", sector="formal", starts_on=date(2026, 1, 1))
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        obj = model_admin.get_queryset(changelist.wsgi_request).first()
        if obj is not None:
            assert admin_client.get(_url(obj)).status_code == 200, opts.label
        if model_admin.has_add_permission(changelist.wsgi_request):
            add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
            assert add.status_code == 200, opts.label


# --- The admin never shows a full NIK or passport number ------------------------------------------


def test_no_admin_page_shows_a_full_nik_or_passport_number(admin_client, journey, village_officer, agency_a):
    """Reading a full number is audited on the pages and the API; the admin has no reason to read
    one, so it shows every number masked: lists, change pages, inlines, and its search finds no
    one by NIK (the search is a GET: the number would be in the address and the access log)."""
    from agencies.models import FieldRecruiter
    from placement.choices import DocumentKind
    from tests.api.test_village_reports import ROHANI_NIK, URL, _phone, departure

    worker = journey.placement.worker
    recruiter_nik = "5203011708950077"
    recruiter = FieldRecruiter.objects.create(agency=agency_a, full_name="Pak Sponsor", nik=recruiter_nik)
    assert _phone(village_officer).post(URL, departure(), format="json").status_code == 201
    passport = journey.add_document(DocumentKind.PASSPORT, number="C7654321", file=None)
    full_numbers = [worker.nik, recruiter_nik, ROHANI_NIK, passport.number]

    pages = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        pages.append(changelist)
        for obj in model_admin.get_queryset(changelist.wsgi_request)[:5]:
            pages.append(admin_client.get(_url(obj)))
    pages.append(admin_client.get(_url(recruiter)))
    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        for number in full_numbers:
            assert number not in body, (page.wsgi_request.path, number)
    assert worker.masked_nik in admin_client.get(_url(worker)).content.decode()

    for name in ("recruitment_worker", "placement_placement", "villages_villagereport", "agencies_fieldrecruiter"):
        found = admin_client.get(reverse(f"admin:{name}_changelist"), {"q": worker.nik})
        assert found.context["cl"].result_count == 0, name
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).exists()


def test_a_field_recruiters_nik_is_typed_once_then_shown_masked(admin_client, agency_a):
    from agencies.models import FieldRecruiter

    add = admin_client.get(reverse("admin:agencies_fieldrecruiter_add"))
    assert 'name="nik"' in add.content.decode()
    recruiter = FieldRecruiter.objects.create(agency=agency_a, full_name="Pak Sponsor", nik="5203011708950077")
    change = admin_client.get(_url(recruiter)).content.decode()
    assert 'name="nik"' not in change and "5203011708950077" not in change and "0077" in change
