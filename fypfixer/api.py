"""The API's response envelope, error handling, JSON parsing in one place.

Success: {"success": true, "data": ...}
Error:   {"success": false, "error": {"code": ..., "message": ..., "details": {...}}}

Views never build either by hand: the renderer wraps what a view returns, and the
exception handler shapes everything that is raised.
"""

import decimal
import logging

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, parsers, renderers, status
from rest_framework.metadata import SimpleMetadata
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.utils import json

logger = logging.getLogger(__name__)

# The stable error code for each HTTP status; clients switch on these.
ERROR_CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    502: "bad_gateway",
    503: "service_unavailable",
}

DEFAULT_MESSAGES = {
    400: "The request is invalid.",
    401: "Authentication is required.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
    500: "Something went wrong on our side. Please try again.",
    503: "The service is temporarily unavailable. Please try again shortly.",
}


class ApplicationError(Exception):
    """A domain error with a stable code, a message for people, and an HTTP status."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "validation_error"
    message = "The request is invalid."

    def __init__(self, message: str | None = None, *, details: dict | None = None):
        self.message = message or self.message
        self.details = details or {}
        super().__init__(self.message)


class NotFoundError(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
    message = "Not found."


class ConflictError(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"
    message = "This conflicts with existing data."


class ForbiddenError(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "forbidden"
    message = "You do not have permission to do this."


class UnauthorizedError(ApplicationError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = "unauthorized"
    message = "Authentication failed."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = DEFAULT_MESSAGES[413]
    default_code = "payload_too_large"


class ServiceUnavailableError(ApplicationError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "service_unavailable"
    message = DEFAULT_MESSAGES[503]


def error_payload(status_code: int, message: str | None = None, details: dict | None = None, code: str | None = None):
    """Return the error envelope for a status code."""
    return {
        "success": False,
        "error": {
            "code": code or ERROR_CODES.get(status_code, "error"),
            "message": message or DEFAULT_MESSAGES.get(status_code, "The request failed."),
            "details": details or {},
        },
    }


def error_json_response(status_code: int, message: str | None = None, **kwargs) -> JsonResponse:
    """Return the error envelope as a plain Django response (for errors outside DRF views)."""
    response = JsonResponse(
        error_payload(status_code, message, **kwargs), status=status_code, json_dumps_params={"separators": (",", ":")}
    )
    response["Content-Length"] = len(response.content)
    return response


def _message_of(detail) -> str | None:
    if isinstance(detail, dict):
        detail = detail.get("detail")
    if isinstance(detail, list) and detail:
        detail = detail[0]
    return str(detail) if detail else None


def exception_handler(exc, context):
    """Turn any exception raised in a view into the error envelope."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.error("Database unavailable: %s", exc)
        exc = ServiceUnavailableError()
    if isinstance(exc, ApplicationError):
        return Response(error_payload(exc.status_code, exc.message, exc.details, code=exc.code), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DataError):
        # The database refused a value the validators let through (a NUL byte, an
        # out-of-range number): still the client's input, so still a 400.
        exc = exceptions.ValidationError({"non_field_errors": ["A value is out of range or malformed."]})

    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        return Response(error_payload(500), status=500)

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        # Throttled.wait is already rounded up to whole seconds.
        headers["Retry-After"] = str(exc.wait)

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        payload = error_payload(400, "Some fields are invalid.", details=detail)
    elif isinstance(exc, exceptions.ParseError):
        payload = error_payload(400, "The request body is not valid JSON.", details={"body": [str(exc.detail)]})
    elif isinstance(exc, exceptions.Throttled):
        payload = error_payload(
            429, "Too many requests. Please slow down.", details={"retry_after": headers.get("Retry-After")}
        )
    else:
        payload = error_payload(exc.status_code, _message_of(exc.detail))
    return Response(payload, status=exc.status_code, headers=headers)


class EnvelopeJSONRenderer(renderers.JSONRenderer):
    """Wrap successful payloads in {"success": true, "data": ...}; errors arrive wrapped.

    Encodes with orjson, byte for byte what DRF's renderer writes (compact, UTF-8, U+2028 and
    U+2029 escaped, decimals as numbers) at a twentieth of the cost (README, "Performance"). What
    orjson does not encode the same way (dates and times, lazy translations, integers over 64
    bits, decimals Python writes with an exponent) and indented output (`Accept:
    application/json; indent=4`) go through DRF's own renderer.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code < 400:
            if response.status_code == status.HTTP_204_NO_CONTENT:
                return b""
            data = {"success": True, "data": data}
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            content = orjson.dumps(data, default=_encode_decimal, option=ORJSON_OPTIONS)
        except TypeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: JavaScript parsers once took these two characters for line ends.
        if b"\xe2\x80\xa8" in content or b"\xe2\x80\xa9" in content:
            content = content.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return content


# Keys that are not strings become strings, as json.dumps makes them; datetimes reach `default`.
ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def _encode_decimal(value):
    """A Decimal as DRF's encoder writes it: the float it rounds to, in Python's spelling (a
    price, "4.99"); anything else is left to DRF's renderer."""
    if isinstance(value, decimal.Decimal):
        text = repr(float(value))
        # Python and orjson spell exponents differently (1e-07 / 1e-7), and not-a-number is
        # refused by DRF's strict renderer: those stay DRF's.
        if "e" not in text and text[-1].isdigit():
            return orjson.Fragment(text)
    raise TypeError(f"{type(value).__name__} is encoded by DRF's renderer")


class JSONParser(parsers.JSONParser):
    """Parse JSON bodies up to API_MAX_BODY_BYTES, turning every malformed body into a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        if not body:
            return {}
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = body.decode(encoding)
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except (ValueError, RecursionError) as error:
            message = "nesting too deep" if isinstance(error, RecursionError) else str(error)
            raise exceptions.ParseError(f"JSON parse error - {message}") from None


class Metadata(SimpleMetadata):
    """Answer OPTIONS with the view's name, description and media types.

    DRF's default also describes the body of each write by instantiating the view's
    serializer_class; our viewsets pick serializers per action (the OpenAPI schema at
    /api/schema/ documents every body), so that part is left out.
    """

    def determine_actions(self, request, view):
        return {}


class ContentNegotiation(DefaultContentNegotiation):
    """Skip negotiating when a view has one renderer: API views always answer JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if len(renderers) == 1:
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
