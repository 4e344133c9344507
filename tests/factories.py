"""factory_boy factories: build records the way the services would."""

import factory
from factory.django import DjangoModelFactory

from accounts.choices import Role
from accounts.models import User
from agencies.models import Agency

TEST_PASSWORD = "Kata-sandi-uji-2026"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"PT Penempatan Uji {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    role = Role.MINISTRY_OFFICIAL
    password = factory.django.Password(TEST_PASSWORD)


# --- Placement lifecycle: reference rows the services take as given -----------------------
# (Job orders, workers, applications and placements are built through the services: see
# tests/placement/journey.py.)


class EmployerFactory(DjangoModelFactory):
    """A foreign employer; a Malaysian factory (formal sector) unless told otherwise."""

    class Meta:
        model = "agencies.Employer"

    name = factory.Sequence(lambda n: f"Pabrik Uji {n} Sdn Bhd")
    country_id = "MY"
    sector = "formal"


def _today():
    from django.utils import timezone

    return timezone.localdate()


class MoratoriumFactory(DjangoModelFactory):
    class Meta:
        model = "recruitment.Moratorium"

    country_id = "MY"
    sector = "formal"
    starts_on = factory.LazyFunction(_today)
    legal_basis = "Keputusan uji"


class EmbarkationPointFactory(DjangoModelFactory):
    """A crossing; an unofficial one (a *jalur tikus*) unless told otherwise."""

    class Meta:
        model = "placement.EmbarkationPoint"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"X{n:03d}")
    name = factory.Sequence(lambda n: f"Jalur tikus {n}")
    kind = "seaport"
    regency_id = "52.03"
    official = False


class TrainingProviderFactory(DjangoModelFactory):
    class Meta:
        model = "recruitment.TrainingProvider"
        django_get_or_create = ("name",)

    name = "LPK Cahaya Lombok"
    kind = "lpk"
    regency_id = "52.03"


# --- Rows with a personal number: the columns beside it come from the one function that computes them.


class WorkerFactory(DjangoModelFactory):
    """A person on the registry written directly (as an import would), its NIK's columns computed as the
    services compute them (core.nik.personal_number_columns). Give ``nik`` and ``village``."""

    class Meta:
        model = "recruitment.Worker"

    full_name = factory.Faker("name", locale="id_ID")
    sex = "M"
    birth_place = "Selong"
    education = "sma"
    marital_status = "single"
    next_of_kin_name = "Inaq Saenah"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from core.nik import personal_number_columns

        return super()._create(model_class, *args, **kwargs, **personal_number_columns(kwargs["nik"]))


class DocumentFactory(DjangoModelFactory):
    """A placement's document written directly, its number's hash and masking digits computed as the
    service computes them (core.encrypted_columns.document_number_columns)."""

    class Meta:
        model = "placement.Document"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from core.encrypted_columns import document_number_columns

        return super()._create(model_class, *args, **kwargs, **document_number_columns(kwargs["number"]))
