"""The one domain error type. Services raise it; the API and pages render it."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused an operation.

    ``code`` is stable for machines; ``message`` is translated for people;
    ``fields`` maps a field name to its own messages when the fault is in input;
    ``missing`` lists what a refused transition still needs.
    """

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        fields: dict[str, list] | None = None,
        missing: list | None = None,
    ):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.missing = missing or []

    def __str__(self) -> str:
        return str(self.message)
