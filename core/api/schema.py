"""What drf-spectacular cannot infer: the problem+json errors, Idempotency-Key and If-Match."""

from __future__ import annotations

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Permintaan tidak valid"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable code, e.g. quota_full."},
        "errors": {
            "type": "object",
            "description": "Field name to its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "missing": {
            "type": "array",
            "items": {"type": "string"},
            "description": "What a refused stage change still needs.",
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}

ERROR_DESCRIPTIONS = {
    "400": "Malformed input (wrong whatever the records say); `errors` names the fields.",
    "401": "Missing or invalid API key.",
    "403": "Not allowed (e.g. a read-only key writing).",
    "404": "No such record for your company.",
    "409": "Refused by a rule of the domain given the records; `code` says which, `missing` what is lacking, "
    "`errors` the field concerned, if any; `idempotency_in_progress`: the first request with this "
    "Idempotency-Key is still running, retry after `Retry-After` seconds.",
    "412": "If-Match does not match the placement's current ETag.",
    "413": "The body is larger than allowed (`request_too_large`), judged from Content-Length before it is read.",
    "415": "Unsupported media type.",
    "422": "Idempotency-Key reused for a different request.",
    "429": "Too many requests; retry after `Retry-After` seconds.",
    "500": "A fault on our side (`server_error`); nothing was saved.",
    "503": "The database does not answer (`service_unavailable`); retry after `Retry-After` seconds.",
}
READ_ERRORS = ("400", "401", "403", "404", "429", "500", "503")
WRITE_ERRORS = tuple(ERROR_DESCRIPTIONS)

IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": "Any unique string (a UUID). Retrying with the same key returns the first response "
    "and creates nothing.",
}
IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The placement's ETag from your last read; a stale one gets 412.",
}


def add_problem_responses(result, generator, request, public):
    """Postprocessing hook: document every error status each operation can return."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    retry_after = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            is_write = method != "get"
            responses = operation.setdefault("responses", {})
            for code in WRITE_ERRORS if is_write else READ_ERRORS:
                entry = responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
                entry["content"] = problem
                if code in ("429", "503"):
                    entry["headers"] = retry_after
            parameters = operation.setdefault("parameters", [])
            if method == "post":
                parameters.append(IDEMPOTENCY_PARAMETER)
                if path.startswith("/api/v1/placements/{id}/"):
                    parameters.append(IF_MATCH_PARAMETER)
    return result
