"""Invisible characters never reach a record: stripped from every text field of every form and
serializer (zero-width, bidirectional overrides, other control and format characters), and a NUL
is refused with the field's message, whichever door the text comes through."""

import contextlib
import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError as FormValidationError
from django_filters import FilterSet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError

import core.text
from complaints.models import Complaint
from core.text import clean_text
from recruitment.models import Registration, Worker
from tests.api.conftest import _client, _issue
from tests.api.test_complaints import COMPLAINT
from tests.recruitment.test_registry import REGISTER, body, form

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
SPOOFED_NAME = f"Baiq\u202e Nurul{ZERO_WIDTH} Aini\u2066"


# --- What happens to each kind of character -------------------------------------------------


def test_zero_width_and_direction_characters_are_stripped():
    assert clean_text(f"Wa{ZERO_WIDTH}ti {BIDI}Sari", multiline=False) == "Wati Sari"
    assert clean_text(f"Wa{ZERO_WIDTH}ti\n{BIDI}Sari", multiline=True) == "Wati\nSari"


def test_other_control_and_format_characters_are_stripped():
    assert clean_text("A\x07b\x1bc\x7fd\u00ade\u200ef\U000e0041g\ud800h", multiline=False) == "Abcdefgh"


def test_line_breaks_and_tabs_stay_in_paragraphs_and_become_spaces_in_a_line():
    assert clean_text("one\r\ntwo\rthree\u2028four\tfive", multiline=True) == "one\ntwo\nthree\nfour\tfive"
    assert clean_text("Lalu\nWulan\tSari\r\n", multiline=False) == "Lalu Wulan Sari  "


def test_a_nul_is_left_for_the_field_to_refuse():
    assert clean_text("Wati\x00", multiline=False) == "Wati\x00"


def test_letters_of_every_script_and_emoji_stay():
    text = "Nguyễn Thị Hoa, 陈美玲, Ñandú — ok 👍🏽 100% \u00a0"
    assert clean_text(text, multiline=False) == text


# --- Every text field of every form and serializer of the portal ----------------------------


def _our_app_configs():
    """The portal's own apps: packages at the top of the repository (not the libraries in .venv)."""
    return [config for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)]


def _our_modules():
    """Every module of the portal's own apps, imported, so their forms and serializers exist."""
    for config in _our_app_configs():
        importlib.import_module(config.name)
        for module in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            parts = module.name.split(".")
            if not {"migrations", "management", "settings"} & set(parts) and parts[-1] not in {"wsgi", "asgi"}:
                importlib.import_module(module.name)


def _subclasses(base):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _ours(cls) -> bool:
    return cls.__module__.split(".")[0] in {config.name for config in _our_app_configs()}


def _serializer_fields(field):
    if isinstance(field, serializers.BaseSerializer) and hasattr(field, "fields"):
        for nested in field.fields.values():
            yield from _serializer_fields(nested)
    elif hasattr(field, "child") and field.child is not None:
        yield from _serializer_fields(field.child)
    else:
        yield field


def _text_fields():
    _our_modules()
    for form_class in {cls for cls in _subclasses(forms.BaseForm) if _ours(cls)}:
        for name, field in form_class.base_fields.items():
            yield f"{form_class.__module__}.{form_class.__name__}.{name}", field
    for filterset in {cls for cls in _subclasses(FilterSet) if _ours(cls)}:
        for name, declared in filterset.base_filters.items():
            yield f"{filterset.__module__}.{filterset.__name__}.{name}", declared.field
    for serializer_class in {cls for cls in _subclasses(serializers.Serializer) if _ours(cls)}:
        for name, declared in serializer_class().fields.items():
            for field in _serializer_fields(declared):
                yield f"{serializer_class.__module__}.{serializer_class.__name__}.{name}", field


def _reads_text(field) -> bool:
    if isinstance(field, forms.CharField):
        return not isinstance(field, forms.JSONField) and not isinstance(field.widget, forms.PasswordInput)
    if isinstance(field, serializers.CharField):
        return not field.read_only and field.style.get("input_type") != "password"
    return False


@pytest.mark.django_db  # a unique field's validator asks the database
def test_every_text_field_of_every_form_and_serializer_strips_invisible_characters(monkeypatch):
    cleaned = []

    def spy(value, *, multiline):
        result = clean_text(value, multiline=multiline)
        cleaned.append(result)
        return result

    monkeypatch.setattr(core.text, "clean_text", spy)
    found, missed = [], []
    for name, field in _text_fields():
        if not _reads_text(field):
            continue
        found.append(name)
        cleaned.clear()
        # Refused for another reason (a pattern, a length) or not: what matters is that it was cleaned first.
        with contextlib.suppress(FormValidationError, ApiValidationError):
            field.to_python(SPOOFED_NAME) if isinstance(field, forms.Field) else field.run_validation(SPOOFED_NAME)
        if "Baiq Nurul Aini" not in cleaned:
            missed.append(name)
    assert len(found) > 100  # the walk found the portal's forms and serializers
    assert not missed, f"text fields that keep invisible characters: {missed}"


# --- Through the doors a person or a program uses -------------------------------------------


@pytest.fixture
def api_a(agency_a_admin):
    return _client(_issue(agency_a_admin, "read_write")[1])


@pytest.fixture
def agency_a_admin(agency_a):
    from accounts.choices import Role
    from tests.factories import UserFactory

    return UserFactory(username="admin.a", role=Role.AGENCY_ADMIN, agency=agency_a)


@pytest.mark.django_db
def test_a_name_sent_to_the_api_is_stored_without_invisible_characters(api_a):
    sent = body(full_name=SPOOFED_NAME, birth_place=f"Sel{ZERO_WIDTH}ong")
    response = api_a.post("/api/v1/workers/", sent, format="json")
    assert response.status_code == 201, response.json()
    worker = Worker.objects.get()
    assert (worker.full_name, worker.birth_place) == ("Baiq Nurul Aini", "Selong")
    assert response.json()["full_name"] == "Baiq Nurul Aini"


@pytest.mark.django_db
def test_a_nul_sent_to_the_api_is_a_400_naming_the_field_and_writes_nothing(api_a):
    response = api_a.post("/api/v1/workers/", body(full_name="Baiq\x00 Nurul Aini"), format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"full_name": ["Null characters are not allowed."]}
    assert not Worker.objects.exists() and not Registration.objects.exists()


@pytest.mark.django_db
def test_a_name_typed_in_the_portal_is_stored_without_invisible_characters(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    response = client.post(REGISTER, form(full_name=SPOOFED_NAME, next_of_kin_name=f"\ufeffInaq{BIDI} Saenah"))
    assert response.status_code == 302
    worker = Worker.objects.get()
    assert (worker.full_name, worker.next_of_kin_name) == ("Baiq Nurul Aini", "Inaq Saenah")


@pytest.mark.django_db
def test_a_nul_typed_in_the_portal_is_refused_on_its_field_and_writes_nothing(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    response = client.post(REGISTER, form(full_name="Baiq\x00 Nurul Aini"), HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == ["Karakter null tidak diizinkan."]
    assert not Worker.objects.exists()


@pytest.mark.django_db
def test_a_name_of_invisible_characters_only_is_blank(api_a):
    response = api_a.post("/api/v1/workers/", body(full_name=f"{ZERO_WIDTH}{BIDI}"), format="json")
    assert response.status_code == 400
    assert "full_name" in response.json()["errors"]
    assert not Worker.objects.exists()


@pytest.mark.django_db
def test_a_complaint_keeps_its_paragraphs(api_a, journey):
    description = "Gaji tidak dibayar\u200b tiga bulan.\r\n\r\nPaspor\u202e ditahan majikan."
    sent = {**COMPLAINT, "placement": journey.pk, "description": description}
    assert api_a.post("/api/v1/complaints/", sent, format="json").status_code == 201
    assert Complaint.objects.get().description == "Gaji tidak dibayar tiga bulan.\n\nPaspor ditahan majikan."
