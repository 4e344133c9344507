"""How a page shows a service's refusal: one mapping of ``DomainError`` (and Django's
``ValidationError``) onto a form, used by every HTML view."""

from django.core.exceptions import ValidationError

from .errors import DomainError


def form_add_refusal(form, error: DomainError | ValidationError) -> None:
    """Put the refusal on the fields it names, and anything else above the form."""
    if isinstance(error, DomainError):
        for field, messages in error.fields.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        if not error.fields:
            form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error.messages)
