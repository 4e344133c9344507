"""The one domain error type. Services raise it; the API and pages render it."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused an operation.

    ``code`` is stable for machines; ``message`` is translated for people;
    ``fields`` maps a field name to its own messages when the fault is in input;
    ``missing`` lists what a refused transition still needs;
    ``extra`` carries facts a client needs to resolve it (an edit conflict's current version).

    Two kinds of refusal, told apart by ``invalid_input`` (the API answers 400 or 409):

    - malformed input (``invalid_input=True``, or :class:`InvalidInput`): a value that cannot be
      right whatever the records say (a bad format, a required value missing, a negative amount,
      dates out of order within the request, an unknown kind, a date in the future);
    - a rule that refuses given the state of the records (the default): the quota is full, the
      stage is out of order, the occupation is zero-cost, a moratorium applies, the licence is
      inactive... whether or not the refusal names fields.
    """

    invalid_input = False

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        fields: dict[str, list] | None = None,
        missing: list | None = None,
        invalid_input: bool | None = None,
        extra: dict | None = None,
    ):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.missing = missing or []
        # More facts a client needs to resolve the refusal (a conflict's current version, say).
        self.extra = extra or {}
        if invalid_input is not None:
            self.invalid_input = invalid_input

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(DomainError):
    """Malformed input: wrong whatever the state of the records (the API answers 400)."""

    invalid_input = True
