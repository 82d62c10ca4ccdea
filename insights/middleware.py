import time

from insights.counters import counters

API_PREFIX = "/api/"


class RequestMetricsMiddleware:
    """Count every API request, its server errors and its latency (insights/counters.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        start = time.perf_counter()
        response = self.get_response(request)
        counters.record(seconds=time.perf_counter() - start, server_error=response.status_code >= 500)
        return response
