"""Model fields of the house: a personal number encrypted at rest (core.crypto)."""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from . import crypto


class EncryptedCharField(models.CharField):
    """A personal number (NIK, passport number) kept as an ``e1:`` token in a text column.

    Python sees the number (``from_db_value`` decrypts, ``get_prep_value`` encrypts, each
    save with a fresh nonce); ``max_length`` applies to the number, not to the token. The
    database holds no digit of it: equality, duplicates and joins use the keyed hash column
    beside it (``<name>_hash``), so every lookup on this field is refused, loudly, rather
    than silently comparing a number with a random token. An empty value stays '' (its
    absence is no secret), so ``field=""`` and ``__isnull`` still work.
    """

    description = "A personal number encrypted at rest"

    def get_internal_type(self) -> str:
        return "TextField"  # a token is longer than the number; no length to keep in step

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        if crypto.is_token(value):  # never seal a token twice (a value read raw and written back)
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return EmptyOnlyExact
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: look it up through {self.name}_hash "
            f"(core.crypto.keyed_hash), not with __{lookup_name}."
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: it has no __{lookup_name}.")


class EmptyOnlyExact(Exact):
    """``field=""`` (no number given) on an encrypted field; any other value is refused."""

    def __init__(self, lhs, rhs):
        if rhs not in ("", None):
            field = lhs.output_field
            raise FieldError(
                f"{field.model.__name__}.{field.name} is encrypted: look a number up through {field.name}_hash "
                "(core.crypto.keyed_hash)."
            )
        super().__init__(lhs, rhs)
