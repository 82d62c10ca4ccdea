"""OpenAPI post-processing: describe the response envelope on every operation."""

import copy

from fypfixer.api import ERROR_CODES, ApplicationError

ERROR_ENVELOPE = {
    "type": "object",
    "required": ["success", "error"],
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "enum": sorted(set(ERROR_CODES.values()))},
                "message": {"type": "string"},
                "details": {
                    "type": "object",
                    "description": "For validation errors: field name → list of messages.",
                    "additionalProperties": True,
                },
            },
        },
    },
}

# Errors any operation can answer: bad input, a bad token, an unknown id, a body too large
# or not JSON, throttling, and the database being down.
COMMON_ERRORS = {
    "400": "Invalid input (validation_error).",
    "401": "Missing, invalid or expired token (unauthorized).",
    "403": "Not allowed (forbidden).",
    "404": "Unknown id or resource (not_found).",
    "405": "Method not allowed (method_not_allowed).",
    "409": "Conflicts with existing data (conflict).",
    "413": "Body too large (payload_too_large).",
    "415": "Body is not JSON (unsupported_media_type).",
    "429": "Too many requests (throttled); see Retry-After.",
    "500": "Unexpected server error (server_error).",
    "502": "A service we depend on did not answer (e.g. tiktok_unavailable).",
    "503": "Database unreachable (service_unavailable).",
}


def _success_envelope(data_schema: dict) -> dict:
    return {
        "type": "object",
        "required": ["success", "data"],
        "properties": {"success": {"type": "boolean", "enum": [True]}, "data": data_schema},
    }


def error_codes() -> list[str]:
    """Every error code the API answers: one per status, and the domain errors' own codes."""
    codes = set(ERROR_CODES.values())
    pending = [ApplicationError]
    while pending:
        error = pending.pop()
        codes.add(error.code)
        pending += error.__subclasses__()
    return sorted(codes)


def wrap_in_envelope(result, generator, request, public):
    """Wrap every JSON success response in the envelope and add the error responses."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    envelope = copy.deepcopy(ERROR_ENVELOPE)
    envelope["properties"]["error"]["properties"]["code"]["enum"] = error_codes()
    schemas["ErrorEnvelope"] = envelope
    error_ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status_code, response in operation["responses"].items():
                content = response.get("content", {})
                body = content.get("application/json")
                if body and str(status_code).startswith("2") and "schema" in body:
                    body["schema"] = _success_envelope(body["schema"])
            for status_code, description in COMMON_ERRORS.items():
                operation["responses"].setdefault(
                    status_code,
                    {"description": description, "content": {"application/json": {"schema": error_ref}}},
                )
    return result
