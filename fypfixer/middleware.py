import logging

from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseBadRequest

from fypfixer.api import error_json_response

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin/"
# Headers of the original error response that still mean something on the JSON one.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class RequestBodyLimitMiddleware:
    """Refuse an API request body before anything reads it: 413 over API_MAX_BODY_BYTES, 411 without a length.

    Django would read up to DATA_UPLOAD_MAX_MEMORY_SIZE and then raise (a 500 from DRF), and
    it ignores a chunked body that comes without a Content-Length (the request would
    silently change nothing). A Content-Length that lies about a huge body is refused as
    well, without waiting for bytes that never come.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            refusal = self.refusal(request.META)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def refusal(meta):
        length = meta.get("CONTENT_LENGTH") or ""
        if length:
            if not length.isdigit():
                return error_json_response(400, "The Content-Length header is not a number.")
            limit = settings.API_MAX_BODY_BYTES
            if int(length) > limit:
                return error_json_response(413, f"The request body is larger than {limit} bytes.")
        elif "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
            return error_json_response(411, "Send the body with a Content-Length header.", code="length_required")
        return None


class AdminInputMiddleware:
    """Answer 400 to admin requests whose parameters no admin page accepts, instead of a 500.

    A NUL character in a filter or form value makes PostgreSQL refuse the query, and an
    action posted with non-numeric selected ids makes the admin's lookup raise; both are
    malformed requests, not server errors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIX) and self.malformed(request):
            return HttpResponseBadRequest("Malformed request parameters.")
        return self.get_response(request)

    @staticmethod
    def malformed(request) -> bool:
        values = [*request.GET.keys(), *request.GET.values()]
        if request.method == "POST":
            values += [*request.POST.keys(), *request.POST.values()]
            if not all(value.isdigit() for value in request.POST.getlist(ACTION_CHECKBOX_NAME)):
                return True
        return any("\x00" in value for value in values)


class ApiErrorMiddleware:
    """Give errors raised outside DRF views the API's JSON envelope under /api/.

    Django answers some failures itself with HTML: an unknown host (400), a CSRF failure
    (403), an error in middleware (500), and with DEBUG on its technical pages. Under /api/
    a client must never see HTML or a traceback, so such responses are replaced here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replacement = error_json_response(response.status_code)
            for header in KEPT_HEADERS:
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("Database unavailable: %s", exception)
            return error_json_response(503)
        logger.exception("Unhandled error on %s", request.path, exc_info=exception)
        return error_json_response(500)


class BrowserOnlyMixin:
    """Run a middleware for the pages browsers use (the admin, the docs), not for the JSON API.

    The API signs in with bearer tokens only: sessions, the session user and flash messages
    mean nothing there, yet each costs every API request some work (README, "Ablation":
    API_SKIPS_BROWSER_MIDDLEWARE). These classes are subclasses of Django's own, so the
    admin's checks that they are installed still hold. CSRF keeps Django's own middleware
    (its deploy check asks for it by name); DRF's views are exempt from it anyway.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.skips_api = settings.API_SKIPS_BROWSER_MIDDLEWARE

    def __call__(self, request):
        if self.skips_api and request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(BrowserOnlyMixin, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(BrowserOnlyMixin, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(BrowserOnlyMixin, messages.MessageMiddleware):
    pass
