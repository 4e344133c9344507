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
