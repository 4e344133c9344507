"""Every API error as RFC 9457 problem details (``application/problem+json``).

Body: ``type`` (about:blank), ``title`` (the status in words), ``status``, ``detail``
(what went wrong, for people), ``code`` (stable, for machines), ``errors`` (field ->
messages) and, for a refused transition, ``missing`` (what it still needs).
Malformed input is 400; a domain rule refusing given the state of the records is 409
(with ``errors`` when the refusal names fields): see ``core.errors.DomainError``. Messages
follow ``Accept-Language`` (Indonesian by default, English on request).
"""

from __future__ import annotations

import sys

import redis
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
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
    411: _("Length required"),
    412: _("Precondition failed"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    422: _("Unprocessable request"),
    428: _("Precondition required"),
    429: _("Too many requests"),
    500: _("Server error"),
    503: _("Service unavailable"),
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


# --- Django's error handlers (siskop2mi/urls.py) and the answers of the request guards ------
# Under these prefixes programs are the readers: every error is problem+json there; elsewhere a
# page in the portal's language. The pages of 500, 503 and 413 are drawn without the database
# (templates/error_base.html): it may be the very thing that is down.
PROBLEM_PATH_PREFIXES = ("/api/", "/data/v1/")
# A database or Redis that does not answer is an outage, not a bug: 503 with Retry-After.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)
RETRY_AFTER_SECONDS = 30


def wants_problem(request) -> bool:
    return request.path.startswith(PROBLEM_PATH_PREFIXES)


def problem_response(status_code: int, *, detail, code: str, headers: dict | None = None) -> JsonResponse:
    body = {"type": "about:blank", "title": str(TITLES[status_code]), "status": status_code}
    body.update(detail=str(detail), code=code)
    return JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE, headers=headers)


def _error_page(request, template_name: str, status_code: int, *, detail="", headers: dict | None = None):
    # No request context: the context processors would ask the session, that is the database.
    content = loader.get_template(template_name).render({"detail": detail})
    return HttpResponse(content, status=status_code, headers=headers)


def not_found_view(request, exception=None):
    """Django's 404 handler: problem+json for the API and the open registers, the portal's 404 page elsewhere."""
    if not wants_problem(request):
        return page_not_found(request, exception)
    return problem_response(404, detail=exceptions.NotFound.default_detail, code="not_found")


def bad_request_view(request, exception=None):
    """Django's 400 handler (e.g. more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS): problem+json
    for the API, the portal's 400 page elsewhere. A form body larger than DATA_UPLOAD_MAX_MEMORY_SIZE
    is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large_response(request)
    if not wants_problem(request):
        return bad_request(request, exception)
    detail = _("The request could not be read: it is malformed or too large.")
    return problem_response(400, detail=detail, code="bad_request")


def server_error_view(request):
    """Django's 500 handler. Called while the exception is being handled, so it can tell an outage
    (the database or Redis does not answer: 503 with Retry-After) and text PostgreSQL cannot hold
    (a NUL character that slipped past the request guard: 400) from a bug (500). Never a traceback:
    the log has it."""
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE_ERRORS):
        return service_unavailable_response(request)
    if isinstance(error, ValueError) and "NUL (0x00)" in str(error):
        return refused_characters_response(request)
    if wants_problem(request):
        detail = _("Something went wrong on our side and nothing was saved. Try again in a few minutes.")
        return problem_response(500, detail=detail, code="server_error")
    return _error_page(request, "500.html", 500)


def service_unavailable_response(request):
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_problem(request):
        detail = _("The service is briefly unavailable (its database does not answer). Try again in a minute.")
        return problem_response(503, detail=detail, code="service_unavailable", headers=headers)
    return _error_page(request, "503.html", 503, headers=headers)


def request_too_large_response(request):
    limit_mb = max(1, round(settings.MAX_REQUEST_BODY_BYTES / 1048576))
    if wants_problem(request):
        detail = _("The request body is too large. Send at most %(limit)s MB; a JSON body at most %(json)s MB.") % {
            "limit": limit_mb,
            "json": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1048576, 1),
        }
        return problem_response(413, detail=detail, code="request_too_large")
    detail = _("What you sent is too large: at most %(limit)s MB at once, each file at most %(file)s MB.") % {
        "limit": limit_mb,
        "file": settings.DOCUMENT_MAX_UPLOAD_BYTES // 1048576,
    }
    return _error_page(request, "413.html", 413, detail=detail)


def length_required_response(request):
    detail = _("Send the request with a Content-Length header; a body sent in chunks without one is not read.")
    if wants_problem(request):
        return problem_response(411, detail=detail, code="length_required")
    return _error_page(request, "400.html", 411, detail=detail)


def refused_characters_response(request):
    detail = _("The address or a filter contains a NUL character (code 0), which no text here can hold. Remove it.")
    if wants_problem(request):
        return problem_response(400, detail=detail, code="nul_character")
    return _error_page(request, "400.html", 400, detail=detail)
