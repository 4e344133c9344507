"""Every API error as RFC 9457 problem details (``application/problem+json``).

Body: ``type`` (about:blank), ``title`` (the status in words), ``status``, ``detail``
(what went wrong, for people), ``code`` (stable, for machines), ``errors`` (field ->
messages) and, for a refused transition, ``missing`` (what it still needs).
Malformed input is 400; a domain rule refusing given the state of the records is 409
(with ``errors`` when the refusal names fields): see ``core.errors.DomainError``. Messages
follow ``Accept-Language`` (Indonesian by default, English on request).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import bad_request, page_not_found
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler

from core.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("Invalid request"),
    401: _("Not authenticated"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    412: _("Precondition failed"),
    415: _("Unsupported media type"),
    422: _("Unprocessable request"),
    428: _("Precondition required"),
    429: _("Too many requests"),
}

# Domain refusals that are not conflicts with the record's state.
DOMAIN_STATUS = {"not_found": status.HTTP_404_NOT_FOUND, "forbidden": status.HTTP_403_FORBIDDEN}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record has changed since you read it (If-Match does not match its ETag). Read it again.")
    default_code = "precondition_failed"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used for a different request.")
    default_code = "idempotency_key_reused"


def _from_domain_error(exc: DomainError) -> exceptions.APIException:
    """400 for malformed input, 409 for a rule that refuses given the records (fields or not)."""
    fields = {name: [str(m) for m in msgs] for name, msgs in exc.fields.items()}
    if exc.invalid_input:
        error = exceptions.ValidationError(fields or {"non_field_errors": [str(exc.message)]})
        error.problem_code, error.problem_detail = exc.code, str(exc.message)
        return error
    error = exceptions.APIException(detail=str(exc.message), code=exc.code)
    error.status_code = DOMAIN_STATUS.get(exc.code, status.HTTP_409_CONFLICT)
    error.problem_code = exc.code
    error.problem_errors = fields
    error.missing = [str(item) for item in exc.missing]
    error.problem_extra = exc.extra
    return error


def _flatten(errors, prefix="") -> dict[str, list[str]]:
    """DRF's nested error structure as ``{"field": [...], "items.0.name": [...]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for name, value in errors.items():
            flat.update(_flatten(value, f"{prefix}{name}."))
    elif isinstance(errors, list) and errors and all(not isinstance(e, (dict, list)) for e in errors):
        flat[prefix.rstrip(".") or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            flat.update(_flatten(value, f"{prefix}{index}."))
    else:
        flat[prefix.rstrip(".") or "non_field_errors"] = [str(errors)]
    return flat


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DomainError):
        exc = _from_domain_error(exc)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = exception_handler(exc, context)  # DRF's: status, WWW-Authenticate, Retry-After
    if response is None:
        return None
    code = getattr(exc, "problem_code", None)
    body = {"type": "about:blank", "title": str(TITLES.get(response.status_code, exc.default_detail))}
    body["status"] = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(response.data)
        non_field = errors.pop("non_field_errors", [])
        body["detail"] = getattr(exc, "problem_detail", None) or (
            " ".join(non_field) if non_field and not errors else str(_("Some fields are not valid."))
        )
        body["code"] = code or "invalid"
        body["errors"] = errors if not non_field else {**errors, "non_field_errors": non_field}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        body["detail"] = str(detail)
        body["code"] = code or (exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code)
        if getattr(exc, "problem_errors", None):
            body["errors"] = exc.problem_errors
        if getattr(exc, "missing", None):
            body["missing"] = exc.missing
        body.update(getattr(exc, "problem_extra", None) or {})
    response.data = body
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None) if request is not None else None
    if renderer is None or isinstance(renderer, JSONRenderer):
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


def not_found_view(request, exception=None):
    """Django's 404 handler: problem+json for /api/ paths, the portal's 404 page elsewhere."""
    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    body = {
        "type": "about:blank",
        "title": str(TITLES[404]),
        "status": 404,
        "detail": str(exceptions.NotFound.default_detail),
        "code": "not_found",
    }
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)


def bad_request_view(request, exception=None):
    """Django's 400 handler (e.g. more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS): problem+json
    for /api/ paths, the portal's 400 page elsewhere."""
    if not request.path.startswith("/api/"):
        return bad_request(request, exception)
    body = {
        "type": "about:blank",
        "title": str(TITLES[400]),
        "status": 400,
        "detail": str(_("The request could not be read: it is malformed or too large.")),
        "code": "bad_request",
    }
    return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
