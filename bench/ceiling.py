"""The benchmark's ceiling: a bare Django view returning constant JSON, under our settings,
middleware and gunicorn configuration. Nothing this project serves can be faster.

Run with DJANGO_SETTINGS_MODULE=bench.ceiling (its URLconf is this module).
"""

from django.http import JsonResponse
from django.urls import path

from fypfixer.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling"

PAYLOAD = {"success": True, "data": {"status": "ok"}}


def constant(request):
    return JsonResponse(PAYLOAD)


urlpatterns = [path("ceiling", constant)]
