import logging

from django.db import InterfaceError, OperationalError

from fypfixer.api import error_json_response

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Headers of the original error response that still mean something on the JSON one.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


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
