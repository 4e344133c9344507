"""The open registers under a stable, versioned address: /data/v1/ (no login, no personal data).

- ``/data/v1/``: what there is, with links; ``/data/v1/openapi.json``: the OpenAPI description, made
  from the registers' own column lists (public/registers.py), so it cannot drift from the data.
- ``/data/v1/<register>``: JSON; ``?format=csv`` or the ``.csv`` suffix (``.json`` too) for CSV.

Every answer carries ``ETag`` (a digest of the rows, per format), ``Last-Modified``,
``Cache-Control: public, max-age=PUBLIC_REGISTER_MAX_AGE`` and the open licence (a ``Link`` with
``rel="license"``, in the JSON body, and as the CSV's first line, a comment starting with ``#``);
``If-None-Match`` / ``If-Modified-Since`` are answered 304. Anyone may read them from a browser
page elsewhere (CORS). They go gzipped to clients that accept it (a CSV shrinks about tenfold; no
secret is in them, so BREACH does not apply), which makes the ETag weak, as RFC 9110 asks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from .registers import ATTRIBUTION, FORMAT_REVISION, LICENCE, REGISTERS, VERSION, Register, csv_value

FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8; header=present"}


def _notice() -> dict[str, str]:
    """The licence note in both languages of the portal."""
    notice = {}
    for language in ("id", "en"):
        with translation.override(language):
            notice[language] = _(
                "Open data from SISKOP2MI under the Creative Commons Attribution 4.0 licence (CC BY 4.0): "
                "you may copy, share and adapt it for any purpose if you name SISKOP2MI as the source. "
                "It holds no personal data."
            )
    return notice


def _licence() -> dict:
    return {**LICENCE, "attribution": ATTRIBUTION}


def _headers(*, etag: str, last_modified=None) -> dict[str, str]:
    docs = reverse("public:data_openapi")
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings.PUBLIC_REGISTER_MAX_AGE}",
        "Link": f'<{LICENCE["url"]}>; rel="license", <{docs}>; rel="describedby"',
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag, Last-Modified, Link",
    }
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    return headers


def _answer(request, *, headers: dict[str, str], last_modified, body, content_type: str, filename: str = ""):
    """304 when the client's copy is current, else ``body()`` with the headers."""
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    not_modified = get_conditional_response(request, etag=headers["ETag"], last_modified=timestamp)
    response = not_modified or HttpResponse(body(), content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    if filename and not_modified is None:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@gzip_page
@require_safe
def data_index(request):
    """What the open registers are and where each is, as JSON."""
    registers = [
        {
            "name": register.slug,
            "title": register.title,
            "description": register.description,
            "json": reverse("public:data_register", args=[f"{register.slug}.json"]),
            "csv": reverse("public:data_register", args=[f"{register.slug}.csv"]),
        }
        for register in REGISTERS.values()
    ]
    data = {
        "version": VERSION,
        "openapi": reverse("public:data_openapi"),
        "licence": _licence(),
        "notice": _notice(),
        "registers": registers,
    }
    body = _json_dumps(data)
    etag = f'"index-{hashlib.sha256(body.encode()).hexdigest()[:32]}"'
    return _answer(
        request, headers=_headers(etag=etag), last_modified=None, body=lambda: body, content_type=FORMATS["json"]
    )


@gzip_page
@require_safe
def data_openapi(request):
    """The OpenAPI 3.1 description of the registers (not part of the partner API's schema)."""
    body = _json_dumps(openapi_document())
    etag = f'"openapi-{hashlib.sha256(body.encode()).hexdigest()[:32]}"'
    return _answer(
        request,
        headers=_headers(etag=etag),
        last_modified=None,
        body=lambda: body,
        content_type="application/vnd.oai.openapi+json",
    )


def _split(name: str, query_format: str | None) -> tuple[Register, str]:
    slug, dot, suffix = name.partition(".")
    register = REGISTERS.get(slug)
    fmt = suffix if dot else (query_format or "json")
    if register is None or fmt not in FORMATS or (dot and query_format and query_format != suffix):
        raise Http404
    return register, fmt


@gzip_page
@require_safe
def data_register(request, name: str):
    register, fmt = _split(name, request.GET.get("format"))
    table = register.table()
    etag = f'"{VERSION}-{table.digest}-{fmt}"'
    headers = _headers(etag=etag, last_modified=table.last_modified)

    def body():
        if fmt == "csv":
            return register_csv(register, table)
        return _json_dumps(
            {
                "register": register.slug,
                "version": VERSION,
                "title": register.title,
                "licence": _licence(),
                "notice": _notice(),
                "last_modified": table.last_modified.isoformat() if table.last_modified else None,
                "count": len(table.rows),
                "data": [register.record(row) for row in table.rows],
            }
        )

    filename = f"{register.slug}-{VERSION}.{fmt}"
    return _answer(
        request, headers=headers, last_modified=table.last_modified, body=body, content_type=FORMATS[fmt],
        filename=filename,
    )  # fmt: skip


def register_csv(register: Register, table) -> str:
    """The CSV: a comment line with the licence, the header, the rows (lists joined with ';')."""
    out = io.StringIO()
    out.write(
        f"# SISKOP2MI open register {register.slug} {VERSION}; licence {LICENCE['id']} {LICENCE['url']}; "
        f"attribution {ATTRIBUTION}; no personal data\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.name for column in register.columns])
    writer.writerows([csv_value(value) for value in row] for row in table.rows)
    return out.getvalue()


# --- the OpenAPI description --------------------------------------------------------------------


def _column_schema(column) -> dict:
    if column.type == "date":
        schema = {"type": "string", "format": "date"}
    elif column.type == "array":
        schema = {"type": "array", "items": {"type": "string"}}
    else:
        schema = {"type": column.type}
    if column.enum:
        schema["enum"] = list(column.enum)
    if column.nullable:
        schema["type"] = [schema["type"], "null"]
        if column.enum:
            schema["enum"] = [*column.enum, None]
    schema["description"] = column.description
    return schema


def _schema_name(register: Register) -> str:
    return "".join(part.capitalize() for part in register.slug.split("-"))


def openapi_document() -> dict:
    """OpenAPI 3.1, made from the registers' columns."""
    headers = {
        "ETag": {"description": "A digest of the rows in this format.", "schema": {"type": "string"}},
        "Last-Modified": {"description": "The newest change among what is listed.", "schema": {"type": "string"}},
        "Cache-Control": {"description": "public, max-age in seconds.", "schema": {"type": "string"}},
        "Link": {"description": 'The licence (rel="license") and this description.', "schema": {"type": "string"}},
    }
    conditional = [
        {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
        {"name": "If-Modified-Since", "in": "header", "required": False, "schema": {"type": "string"}},
    ]
    csv_content = {
        "text/csv": {
            "schema": {
                "type": "string",
                "description": (
                    "UTF-8 CSV. The first line is a comment starting with '#' (the licence); then the header "
                    "row with the column names of the JSON objects, in that order; arrays are joined with ';', "
                    "null is empty, booleans are true/false."
                ),
            }
        }
    }
    paths, schemas = {}, {}
    for register in REGISTERS.values():
        name = _schema_name(register)
        schemas[name] = {
            "type": "object",
            "required": [column.name for column in register.columns],
            "properties": {column.name: _column_schema(column) for column in register.columns},
        }
        envelope = {
            "type": "object",
            "required": ["register", "version", "licence", "notice", "last_modified", "count", "data"],
            "properties": {
                "register": {"type": "string", "const": register.slug},
                "version": {"type": "string", "const": VERSION},
                "title": {"type": "string"},
                "licence": {"$ref": "#/components/schemas/Licence"},
                "notice": {"$ref": "#/components/schemas/Notice"},
                "last_modified": {"type": ["string", "null"], "format": "date-time"},
                "count": {"type": "integer"},
                "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
            },
        }
        schemas[f"{name}Register"] = envelope
        responses = {
            "200": {
                "description": register.description,
                "headers": headers,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}Register"}}},
            },
            "304": {"description": "Not modified since the copy named by If-None-Match or If-Modified-Since."},
        }
        format_parameter = {
            "name": "format",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": list(FORMATS), "default": "json"},
        }
        paths[f"/{register.slug}"] = {
            "get": {
                "operationId": f"{name[0].lower()}{name[1:]}",
                "summary": register.title,
                "description": register.description,
                "parameters": [format_parameter, *conditional],
                "responses": {
                    **responses,
                    "200": {**responses["200"], "content": {**responses["200"]["content"], **csv_content}},
                },
            }
        }
        paths[f"/{register.slug}.json"] = {
            "get": {
                "operationId": f"{name[0].lower()}{name[1:]}Json",
                "summary": f"{register.title} (JSON)",
                "parameters": conditional,
                "responses": responses,
            }
        }
        paths[f"/{register.slug}.csv"] = {
            "get": {
                "operationId": f"{name[0].lower()}{name[1:]}Csv",
                "summary": f"{register.title} (CSV)",
                "parameters": conditional,
                "responses": {**responses, "200": {**responses["200"], "content": csv_content}},
            }
        }
    schemas["Licence"] = {
        "type": "object",
        "properties": {key: {"type": "string"} for key in ("id", "name", "url", "attribution")},
    }
    schemas["Notice"] = {
        "type": "object",
        "description": "The licence note in Indonesian (id) and English (en).",
        "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SISKOP2MI open registers",
            "version": f"{VERSION}.{FORMAT_REVISION}",
            "description": (
                "Open, machine-readable registers of the protection of Indonesian migrant workers: placement "
                "companies and their licences, published job orders with the positions left, and placement "
                "figures by province and month. No personal data. Stable under /data/v1/: columns may be "
                "added, never renamed or removed, within a version."
            ),
            "license": {"name": LICENCE["name"], "identifier": LICENCE["id"]},
        },
        "servers": [{"url": reverse("public:data_index").rstrip("/")}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
