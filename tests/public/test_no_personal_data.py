"""Nothing personal ever leaves through the public side (issue 15, done-when): with personal data in
every table that holds it (the demo data, plus a complaint filed here), every page of the ``public``
namespace and every open register, in JSON and CSV, in Indonesian and English, is walked as
someone without an account, and no NIK, name, phone, e-mail or birth date of a person is found.

The walk is found, not listed: every route of the ``public`` namespace is visited. A route that
needs arguments takes them from ROUTE_ARGUMENTS (a new such route fails here until it is given some);
QUERIES adds what a person would type into a search or a filter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from html import unescape
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import dateformat, timezone, translation

from accounts.models import User
from agencies.models import Agency, FieldRecruiter
from complaints.models import Complaint
from complaints.services import complaint_file
from placement.choices import Stage
from placement.epmi_card import card_token
from placement.models import Placement
from public.registers import REGISTERS
from recruitment.models import FamilyConsent, JobOrder, Worker
from siskop2mi import paths
from villages.models import VillageReport

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NAME, NIK, PHONE, EMAIL, DATE = "name", "nik", "phone", "e-mail", "date"

# Every field that holds a person's data, by kind. test_every_personal_field_is_listed keeps it whole.
PERSONAL_FIELDS: dict[type, dict[str, str]] = {
    Worker: {
        "full_name": NAME,
        "nik": NIK,
        "birth_date": DATE,
        "nik_birth_date": DATE,  # the birth date the encrypted NIK encodes, kept beside it for the rules
        "phone": PHONE,
        "next_of_kin_name": NAME,
        "next_of_kin_phone": PHONE,
    },
    FamilyConsent: {"consenter_name": NAME},
    FieldRecruiter: {"full_name": NAME, "nik": NIK, "phone": PHONE},
    User: {"full_name": NAME, "email": EMAIL},
    Complaint: {
        "complainant_name": NAME,
        "complainant_phone": PHONE,
        "complainant_email": EMAIL,
        "worker_name": NAME,
        "worker_nik": NIK,
    },
    VillageReport: {
        "person_name": NAME,
        "person_nik": NIK,
        "contact_name": NAME,
        "contact_phone": PHONE,
        "broker_name": NAME,
    },
}
# Fields that look personal by their name but are a company's or an organisation's.
NOT_PERSONAL = {(Agency, "phone"), (Agency, "email")}
LOOKS_PERSONAL = re.compile(r"(^|_)(nik|phone|email|birth_date)$|full_name|._name$")


def _first(queryset):
    return queryset.order_by("pk").values_list("pk", flat=True).first()


def _placement_tokens() -> list[list[str]]:
    """A card link of a placement at each stage, and a changed and an expired one."""
    tokens = []
    for stage in Stage:
        pk = _first(Placement.objects.filter(stage=stage))
        if pk:
            tokens.append([card_token(pk)])
    some = _first(Placement.objects.all())
    tokens.append([card_token(some)[:-3] + "abc"])
    tokens.append([card_token(some, signed_at=timezone.now() - timedelta(days=5 * 365))])
    return tokens


def _job_orders() -> list[list[int]]:
    return [[pk] for pk in JobOrder.objects.order_by("status", "pk").distinct("status").values_list("pk", flat=True)]


# Arguments for the routes that need them: a list of argument lists each.
ROUTE_ARGUMENTS: dict[str, Callable[[], list[list]]] = {
    "company_check": lambda: [[pk] for pk in Agency.objects.values_list("pk", flat=True)],
    "job_order_check": _job_orders,
    "job_order_print": _job_orders,
    "epmi_card_check": _placement_tokens,
    "data_register": lambda: [[f"{slug}{suffix}"] for slug in REGISTERS for suffix in ("", ".json", ".csv")],
}


def _a_worker() -> Worker:
    return Worker.objects.filter(placements__isnull=False).order_by("pk").first()


# What a person types into a search or a filter (a worker's name and NIK included: they must find nobody).
QUERIES: dict[str, Callable[[], list[dict]]] = {
    "company_search": lambda: [
        {"q": Agency.objects.order_by("pk").first().name[:6]},
        {"q": _a_worker().full_name},
        {"q": _a_worker().nik},
    ],
    "job_order_search": lambda: [
        {"nomor": JobOrder.objects.filter(status="published").first().reference},
        {"nomor": _a_worker().nik},
    ],
    "job_order_check": lambda: [{"kabupaten": "52.03"}],
    "vacancy_board": lambda: [{"area": "52"}, {"sex": "F"}, {"sort": "salary"}, {"page": "2"}],
    "data_register": lambda: [{"format": "csv"}],
}


def public_routes() -> Iterator[tuple[str, URLPattern]]:
    """Every named route of the ``public`` namespace, nested includes too."""
    _prefix, resolver = get_resolver().namespace_dict["public"]

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif pattern.name:
                yield pattern.name, pattern

    yield from walk(resolver.url_patterns)


def urls_to_walk() -> list[tuple[str, list[str]]]:
    """(url, what the person typed into it): a page may echo one's own search back, nothing else."""
    urls, missing = [], []
    for name, _pattern in public_routes():
        try:
            base = [reverse(f"public:{name}")]
        except NoReverseMatch:
            if name not in ROUTE_ARGUMENTS:
                missing.append(name)
                continue
            base = [reverse(f"public:{name}", args=args) for args in ROUTE_ARGUMENTS[name]()]
        urls += [(url, []) for url in base]
        for query in QUERIES.get(name, list)():
            urls += [(f"{url}?{urlencode(query)}", list(query.values())) for url in base[:2]]
    assert not missing, f"public routes with arguments missing from ROUTE_ARGUMENTS: {missing}"
    return urls


# --- what counts as personal -----------------------------------------------------------------------


def date_spellings(day: date) -> set[str]:
    spellings = {day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"), day.strftime("%d.%m.%Y")}
    for language in ("id", "en"):
        with translation.override(language):
            for fmt in ("j F Y", "j M Y", "d F Y", "d M Y", "F j, Y", "N j, Y", "j N Y"):
                spellings.add(dateformat.format(day, fmt))
    return spellings


def plant_birth_dates() -> None:
    """Birth dates in 1961-62, a span no public date (licence, job order, sanction, report) falls in,
    so a date found on a page can only be a birth date; the demo's NIKs and ages stay as they were."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Worker._meta.db_table} SET birth_date = DATE '1961-01-01' + (id %% 700)::int", [])


def personal_values() -> dict[str, set[str]]:
    """Every personal value in the database, by kind (blank and too-short values aside)."""
    values: dict[str, set[str]] = {NAME: set(), NIK: set(), PHONE: set(), EMAIL: set(), DATE: set()}
    for model, fields in PERSONAL_FIELDS.items():
        for field, kind in fields.items():
            for value in model.objects.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True).distinct():
                if kind == DATE:
                    values[DATE] |= date_spellings(value)
                    continue
                value = " ".join(str(value).split())
                if kind == PHONE:
                    value = re.sub(r"\D", "", value)
                if len(value) >= (8 if kind in (PHONE, NIK) else 5):
                    values[kind].add(value)
    return values


def leaks(body: str, values: dict[str, set[str]]) -> list[str]:
    text = " ".join(unescape(body).split())
    lowered = text.lower()
    found = [f"{kind} {value!r}" for kind in (NIK, EMAIL, DATE) for value in values[kind] if value in text]
    found += [f"name {name!r}" for name in values[NAME] if re.search(rf"\b{re.escape(name.lower())}\b", lowered)]
    digits = re.findall(r"\+?\d[\d\s().-]{7,}\d", text)
    numbers = {re.sub(r"\D", "", number) for number in digits}
    found += [f"phone {phone!r}" for phone in values[PHONE] if any(phone in number for number in numbers)]
    return found


# --- the walk -----------------------------------------------------------------------------------------


@pytest.fixture
def seeded(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "DEMO_DIR", tmp_path)
    call_command("seed_demo", verbosity=0)
    plant_birth_dates()
    # A complaint from the public, naming a real worker: its status page is public to whoever has the secret.
    worker = _a_worker()
    complaint, secret = complaint_file(
        actor=None,
        channel="web",
        category="unpaid_wages",
        description="Gaji tidak dibayar tiga bulan.",
        area_code="52.03",
        complainant_name="Lalu Pelapor Rahasia",
        complainant_phone="081933334444",
        complainant_email="pelapor.rahasia@example.id",
        complainant_relation="family",
        worker_name=worker.full_name,
        worker_nik=worker.nik,
    )
    return {"code": complaint.tracking_code, "secret": secret}


def test_every_personal_field_is_listed():
    """A new field that holds a person's data joins PERSONAL_FIELDS (or NOT_PERSONAL, saying why)."""
    from django.apps import apps

    unlisted = []
    for model in apps.get_models():
        if model._meta.app_label not in {"accounts", "agencies", "recruitment", "placement", "villages", "complaints"}:
            continue
        for field in model._meta.concrete_fields:
            if not LOOKS_PERSONAL.search(field.name) or (model, field.name) in NOT_PERSONAL:
                continue
            if field.name not in PERSONAL_FIELDS.get(model, {}):
                unlisted.append(f"{model.__name__}.{field.name}")
    assert unlisted == []


def test_the_walk_finds_every_public_route_and_needs_arguments_only_where_mapped():
    names = {name for name, _ in public_routes()}
    assert {"epmi_card_check", "data_register", "data_index", "data_openapi", "complaint_new"} <= names
    assert set(ROUTE_ARGUMENTS) <= names  # a route renamed or removed: drop its entry


def test_no_public_page_or_register_shows_anything_personal(seeded):
    values = personal_values()
    for model in PERSONAL_FIELDS:  # the demo has data in every personal table
        assert model.objects.exists(), f"no {model.__name__} rows to plant"
    assert all(values[kind] for kind in (NAME, NIK, PHONE, DATE)), {k: len(v) for k, v in values.items()}

    urls = urls_to_walk()
    assert any(url.startswith("/cek/kartu/") for url, _ in urls)
    assert sum(url.startswith("/data/v1/") for url, _ in urls) >= 3 * 3
    found, errors = [], []
    for language in ("id", "en"):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url, typed in urls:
            response = client.get(url, follow=True)
            if response.status_code >= 500:
                errors.append(f"{url}: {response.status_code}")
            body = unescape(response.content.decode())
            for echo in typed:  # the search box keeps what was typed into it
                body = body.replace(echo, "")
            found += [f"{url} ({language}): {leak}" for leak in leaks(body, values)]
        # The public tracking page of a complaint that names a worker and its complainant.
        tracked = client.post(reverse("public:complaint_track"), seeded, follow=True)
        assert tracked.status_code == 200
        assert seeded["code"] in tracked.content.decode()
        found += [f"complaint status ({language}): {leak}" for leak in leaks(tracked.content.decode(), values)]
    assert errors == []
    assert found == [], "\n".join(found)


def test_the_check_catches_a_leak():
    """The checker itself: a page with a NIK, a name, a phone or a birth date would be caught."""
    values = {
        NAME: {"Baiq Rohani"},
        NIK: {"5203015708990001"},
        PHONE: {"081933334444"},
        EMAIL: {"a@b.id"},
        DATE: date_spellings(date(1961, 3, 4)),
    }
    assert leaks("<p>Tidak ada</p>", values) == []
    assert leaks("<td>BAIQ ROHANI</td>", values)
    assert leaks("<td>5203015708990001</td>", values)
    assert leaks("<td>0819-3333-4444</td>", values)
    assert leaks("<td>4 Maret 1961</td>", values)
    assert leaks('{"birth_date":"1961-03-04"}', values)
    assert not leaks("<td>Baiq Rohaniah</td>", values)
